"""Signals other apps listen to, so that indicators never imports them."""

from __future__ import annotations

from django.dispatch import Signal

#: sent by `values_write` inside its transaction, after figures were created, changed or deleted, with
#: `element_ids`, `unit_ids`, `period_ids` (sets: the places the write named) and `stamp` (the `changed_at` of the
#: history rows it wrote) and `source` (a ChangeSource). A receiver runs in the writer's transaction: what it
#: writes commits or rolls back with the figures (xaso.exchange queues the changed figures for push there).
values_changed = Signal()
