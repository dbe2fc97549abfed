"""Feedback counts → the commune's monthly figures, through `values_write` (source: register), so the operations
centre shows them like any other figure and the rates are sums over sums.

For a month (local time):
- feedback_received: items confirmed in the month (an unconfirmed item is not feedback yet);
- feedback_answered: items answered in the month; feedback_answered_on_time: of those, answered by their deadline;
- feedback_rated / feedback_satisfied: of the items answered in the month, those the citizen rated / rated 4 or 5.

Every count is recomputed from the whole table for the months a change touched (zero included), so a figure
always equals the feedback book.
"""

from __future__ import annotations

from datetime import datetime

from django.db.models import Count, F, Q
from django.utils import timezone

from xaso.indicators.models import ChangeSource, DataElement
from xaso.indicators.services import ValueInput, values_write
from xaso.registers.figures import REGISTER_WRITER

from .models import Feedback

ELEMENTS = (
    "feedback_received",
    "feedback_answered",
    "feedback_answered_on_time",
    "feedback_rated",
    "feedback_satisfied",
)
COMMENT = "Tính từ sổ phản ánh, kiến nghị"
#: a rating counted as satisfied
SATISFIED = 4


def _month_bounds(moment: datetime) -> tuple[datetime, datetime]:
    local = timezone.localtime(moment)
    start = local.replace(day=1, hour=0, minute=0, second=0, microsecond=0)
    end = start.replace(year=start.year + 1, month=1) if start.month == 12 else start.replace(month=start.month + 1)
    return start, end


def feedback_month_counts(*, unit, moment: datetime) -> dict[str, int]:
    start, end = _month_bounds(moment)
    mine = Feedback.objects.filter(unit=unit)
    received = mine.filter(confirmed_at__gte=start, confirmed_at__lt=end).count()
    answered = mine.filter(answered_at__gte=start, answered_at__lt=end).aggregate(
        answered=Count("id"),
        on_time=Count("id", filter=Q(answered_at__lte=F("due_at"))),
        rated=Count("id", filter=Q(rating__isnull=False)),
        satisfied=Count("id", filter=Q(rating__gte=SATISFIED)),
    )
    return {
        "feedback_received": received,
        "feedback_answered": answered["answered"],
        "feedback_answered_on_time": answered["on_time"],
        "feedback_rated": answered["rated"],
        "feedback_satisfied": answered["satisfied"],
    }


def feedback_figures_refresh(*, unit, moments) -> None:
    """Write the counts of the months of `moments` for the commune (only the elements the catalog holds)."""
    known = set(DataElement.objects.filter(code__in=ELEMENTS).values_list("code", flat=True))
    if not known:
        return
    rows = []
    for start in sorted({_month_bounds(m)[0] for m in moments if m is not None}):
        counts = feedback_month_counts(unit=unit, moment=start)
        rows += [
            ValueInput(
                element=code,
                unit=unit.code,
                period=f"{start.year}-{start.month:02d}",
                value=counts[code],
                comment=COMMENT,
            )
            for code in ELEMENTS
            if code in known
        ]
    if rows:
        values_write(user=REGISTER_WRITER, rows=rows, source=ChangeSource.REGISTER)
