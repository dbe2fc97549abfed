"""Reads of the document register: a commune's documents behind a figure, and the month's summary."""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from xaso.accounts.permissions import can_read_unit
from xaso.core.periods import PeriodSpec, month
from xaso.geo.models import AdminUnit

from .figures import ELEMENT_RULES, counted, element_filter, month_counts
from .models import Direction, Document


def documents_list(*, user, unit: AdminUnit, spec: PeriodSpec | None = None, direction: str = "",
                   element: str = "") -> QuerySet[Document]:  # fmt: skip
    """The commune's documents, newest first: of a period, a direction, or exactly those a figure counted
    (`element`, a `documents_*` data element code). PermissionDenied outside the user's scope."""
    if not can_read_unit(user, unit):
        raise PermissionDenied(_("Bạn không xem được sổ văn bản của %(u)s.") % {"u": unit.name})
    documents = Document.objects.filter(unit=unit)
    if spec is not None:
        documents = documents.filter(registered_on__range=(spec.start, spec.end))
    if element:
        documents = documents.filter(element_filter(element))
    elif direction in (Direction.INCOMING, Direction.OUTGOING):
        documents = documents.filter(direction=direction)
    return documents.order_by("-registered_on", "-id")


@dataclass(frozen=True)
class SummaryLine:
    code: str
    label: str
    count: int
    total: int | None  # the denominator for a share; None for a total

    @property
    def percent(self) -> float | None:
        return self.count * 100 / self.total if self.total else None


_LABELS = {
    "documents_sent_total": gettext_noop("Văn bản đi"),
    "documents_sent_signed": gettext_noop("Văn bản đi được ký số"),
    "documents_sent_electronic": gettext_noop("Văn bản đi phát hành điện tử"),
    "documents_received_total": gettext_noop("Văn bản đến"),
    "documents_received_online": gettext_noop("Văn bản đến xử lý trên hệ thống"),
    "documents_received_handled": gettext_noop("Văn bản đến xử lý đúng quy định"),
}
_WHOLE = {"documents_sent_signed": "documents_sent_total", "documents_sent_electronic": "documents_sent_total",
          "documents_received_online": "documents_received_total",
          "documents_received_handled": "documents_received_total"}  # fmt: skip


def summary(*, user, unit: AdminUnit, spec: PeriodSpec) -> list[SummaryLine]:
    """The figures of the period as the register counts them (sums of the months: one query)."""
    if not can_read_unit(user, unit):
        raise PermissionDenied(_("Bạn không xem được sổ văn bản của %(u)s.") % {"u": unit.name})
    totals = dict.fromkeys(ELEMENT_RULES, 0)
    for counts in month_counts(unit=unit, start=spec.start, end=spec.end).values():
        for code, n in counts.items():
            totals[code] += n
    return [
        SummaryLine(code, _(_LABELS[code]), totals[code], totals[_WHOLE[code]] if code in _WHOLE else None)
        for code in ELEMENT_RULES
    ]


def latest_month(*, unit: AdminUnit) -> PeriodSpec | None:
    """The month of the commune's newest document (where the register page opens), None for an empty register."""
    newest = Document.objects.filter(unit=unit).order_by("-registered_on").values_list("registered_on", flat=True)
    found = newest.first()
    return month(found.year, found.month) if found else None


def secret_count(*, unit: AdminUnit, spec: PeriodSpec) -> int:
    return Document.objects.filter(unit=unit, registered_on__range=(spec.start, spec.end)).exclude(counted()).count()
