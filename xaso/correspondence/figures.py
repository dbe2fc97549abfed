"""The document figures of a commune and a month, counted from the register: one rule per data element,
shared by the count (`month_counts`) and the list behind a figure (`element_filter`), so the drill-down
always lists exactly the documents the figure counted.

Secret documents are left out of every figure: the targets are "100% ... (trừ văn bản mật)" (seeds 002 II.1,
003 Part 2 II.2.1, 004 VI.1).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import date

from django.db.models import Count, Q
from django.db.models.functions import TruncMonth

from xaso.core.periods import PeriodSpec, month
from xaso.geo.models import AdminUnit
from xaso.indicators.models import ChangeSource, DataElement
from xaso.indicators.services import ValueInput, WriteResult, values_write

from .models import Direction, Document, Signature

_IN, _OUT = Q(direction=Direction.INCOMING), Q(direction=Direction.OUTGOING)

#: data element code → which documents of the month it counts (the catalog's `documents_*` elements)
ELEMENT_RULES: dict[str, Q] = {
    "documents_sent_total": _OUT,
    "documents_sent_signed": _OUT & ~Q(signature=Signature.NONE),
    "documents_sent_electronic": _OUT & Q(is_electronic=True),
    "documents_received_total": _IN,
    "documents_received_online": _IN & Q(is_electronic=True),
    "documents_received_handled": _IN & Q(is_electronic=True, is_handled=True),
}
ELEMENT_CODES = tuple(ELEMENT_RULES)


def counted() -> Q:
    """The documents any figure counts: not secret."""
    return Q(is_secret=False)


def element_filter(code: str) -> Q:
    """The documents behind the figure of data element `code` (KeyError for an element not counted here)."""
    return counted() & ELEMENT_RULES[code]


def month_counts(*, unit: AdminUnit, start: date, end: date) -> dict[str, dict[str, int]]:
    """{"2025-07": {element code: count}} for every month between `start` and `end` with a document: one query,
    grouped by month in SQL."""
    rows = (
        Document.objects.filter(counted(), unit=unit, registered_on__range=(start, end))
        .annotate(m=TruncMonth("registered_on"))
        .values("m")
        .annotate(**{code: Count("id", filter=rule) for code, rule in ELEMENT_RULES.items()})
        .order_by("m")
    )
    result: dict[str, dict[str, int]] = {}
    for row in rows:
        first = row["m"]  # a date: TruncMonth of a DateField
        result[f"{first.year}-{first.month:02d}"] = {code: row[code] for code in ELEMENT_CODES}
    return result


def months_of(dates: Iterable[date]) -> list[PeriodSpec]:
    return sorted({month(d.year, d.month) for d in dates}, key=lambda s: s.start)


def figures_write(*, user, unit: AdminUnit, months: Iterable[PeriodSpec]) -> WriteResult:
    """Recount the document figures of `unit` for `months` and write them through `values_write`
    (ChangeSource.REGISTER): a month whose documents were all removed gets zeros, not a stale figure."""
    specs = sorted(set(months), key=lambda s: s.start)
    if not specs:
        return WriteResult()
    # the elements the installed catalog has (a deployment may load its own catalog without some of them)
    known = set(DataElement.objects.filter(code__in=ELEMENT_CODES).values_list("code", flat=True))
    codes = [c for c in ELEMENT_CODES if c in known]
    if not codes:
        return WriteResult()
    counts = month_counts(unit=unit, start=specs[0].start, end=specs[-1].end)
    by_month: dict[str, dict[str, int]] = defaultdict(dict)
    by_month.update(counts)
    rows = [
        ValueInput(element=code, unit=unit.code, period=spec.code, value=by_month[spec.code].get(code, 0),
                   comment="Tính từ sổ văn bản đi, đến")
        for spec in specs
        for code in codes
    ]  # fmt: skip
    return values_write(user=user, rows=rows, source=ChangeSource.REGISTER)
