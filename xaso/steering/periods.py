"""The period a review covers: a quarter (part 1–4), a half-year (part 1–2) or a year (part 0)."""

from __future__ import annotations

import calendar
from datetime import date

from django.utils.translation import gettext as _

from xaso.core import periods
from xaso.reports.documents import ROMAN

PARTS = {"quarter": (1, 2, 3, 4), "half": (1, 2), "year": (0,)}


def bounds(kind: str, year: int, part: int) -> tuple[date, date]:
    """First and last day of the period."""
    if kind == "half":
        last = 6 * part
        return date(year, last - 5, 1), date(year, last, calendar.monthrange(year, last)[1])
    spec = periods.quarter(year, part) if kind == "quarter" else periods.year(year)
    return spec.start, spec.end


def period_phrase(kind: str, year: int, part: int) -> str:
    """ "quý III năm 2026", "6 tháng đầu năm 2026", "năm 2026"."""
    if kind == "quarter":
        return _("quý %(q)s năm %(y)s") % {"q": ROMAN[part - 1], "y": year}
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
