"""The document figures of a commune and a month, counted from the register: one rule per data element,
shared by the count (`month_counts`) and the list behind a figure (`element_filter`), so the drill-down
always lists exactly the documents the figure counted.

Secret documents are left out of every figure: the targets are "100% ... (trừ văn bản mật)" (seeds 002 II.1,
003 Part 2 II.2.1, 004 VI.1).
"""

from __future__ import annotations

from datetime import date

from django.db.models import Count, Q
from django.db.models.functions import TruncMonth

from xaso.geo.models import AdminUnit

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
