"""The period a review covers: a quarter (part 1–4), a half-year (part 1–2) or a year (part 0)."""

from __future__ import annotations

import calendar
from datetime import date

from django.utils.translation import gettext as _

ROMAN = {1: "I", 2: "II", 3: "III", 4: "IV"}
PARTS = {"quarter": (1, 2, 3, 4), "half": (1, 2), "year": (0,)}


def bounds(kind: str, year: int, part: int) -> tuple[date, date]:
    """First and last day of the period."""
    if kind == "quarter":
        first, last = 3 * part - 2, 3 * part
    elif kind == "half":
        first, last = 6 * part - 5, 6 * part
    else:
        first, last = 1, 12
    return date(year, first, 1), date(year, last, calendar.monthrange(year, last)[1])


def period_phrase(kind: str, year: int, part: int) -> str:
    """ "quý III năm 2026", "6 tháng đầu năm 2026", "năm 2026"."""
    if kind == "quarter":
        return _("quý %(q)s năm %(y)s") % {"q": ROMAN.get(part, part), "y": year}
    if kind == "half":
        if part == 1:
            return _("6 tháng đầu năm %(y)s") % {"y": year}
        return _("6 tháng cuối năm %(y)s") % {"y": year}
    return _("năm %(y)s") % {"y": year}


def review_title(kind: str, year: int, part: int) -> str:
    """ "Sơ kết quý III năm 2026", "Tổng kết năm 2026"."""
    phrase = period_phrase(kind, year, part)
    if kind == "year":
        return _("Tổng kết %(p)s") % {"p": phrase}
    return _("Sơ kết %(p)s") % {"p": phrase}
