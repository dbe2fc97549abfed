"""Writes to the document register besides its import (which is the shared register machinery's:
`xaso.registers.services.import_start` with `xaso.correspondence.register.DOCUMENTS`): the registration of the
plans xaso issues as outgoing documents, which recounts the figures of its month in the same transaction."""

from __future__ import annotations

from django.utils import timezone

from xaso.geo.models import Level
from xaso.registers.figures import register_figures_write

from . import layouts
from .models import Direction, Document, Origin
from .register import DOCUMENTS, _key


def document_register_plan(*, plan, user) -> Document:
    """Register an approved plan as an outgoing document of its commune (number, date, type from the symbol).

    Called by `plan_approve`. Whether it was signed digitally and sent electronically is what the document
    system knows: the register's next import of the same number and date fills that in; until then it counts as
    an outgoing document not (yet) known to be signed."""
    unit = plan.unit
    if unit.level != Level.COMMUNE or plan.issued_on is None:
        return None
    doc_type = layouts.parse_type("", plan.number)
    key = _key(Direction.OUTGOING, plan.number, "")
    doc, _created = Document.objects.update_or_create(
        unit=unit, direction=Direction.OUTGOING, registered_on=plan.issued_on, key=key,
        defaults={"number": plan.number[:80], "doc_type": doc_type, "issued_on": plan.issued_on,
                  "summary": plan.title[:1000], "plan": plan},
        create_defaults={"number": plan.number[:80], "doc_type": doc_type, "issued_on": plan.issued_on,
                         "summary": plan.title[:1000], "plan": plan, "is_electronic": False,
                         "origin": Origin.XASO, "created_by": user},
    )  # fmt: skip
    if plan.issued_on <= timezone.localdate():
        register_figures_write(user=user, unit=unit, register=DOCUMENTS, months={plan.issued_on.replace(day=1)})
    return doc
