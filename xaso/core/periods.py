"""Reporting periods: parse and describe `2023`, `2023Q4`, `2023-11`.

A period is a value object; `xaso.core.models.Period` stores the ones that hold data so that
values can join on them. Parsing never touches the database.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date

from django.utils.translation import gettext as _

YEAR, QUARTER, MONTH = "year", "quarter", "month"
PERIOD_TYPES = (YEAR, QUARTER, MONTH)
PERIOD_TYPE_LABELS = {YEAR: "Năm", QUARTER: "Quý", MONTH: "Tháng"}

_PATTERNS = (
    (re.compile(r"^(\d{4})$"), YEAR),
    (re.compile(r"^(\d{4})[Qq]([1-4])$"), QUARTER),
    (re.compile(r"^(\d{4})-(\d{1,2})$"), MONTH),
)


class PeriodError(ValueError):
    """A period code that cannot be read; the message is for people."""


@dataclass(frozen=True, order=True)
class PeriodSpec:
    start: date
    end: date
    type: str
    code: str

    @property
    def year(self) -> int:
        return self.start.year

    def label(self) -> str:
        if self.type == YEAR:
            return _("Năm %(year)s") % {"year": self.start.year}
        if self.type == QUARTER:
            return _("Quý %(q)s/%(year)s") % {"q": (self.start.month - 1) // 3 + 1, "year": self.start.year}
        return _("Tháng %(m)02d/%(year)s") % {"m": self.start.month, "year": self.start.year}

    def contains(self, other: PeriodSpec) -> bool:
        return self.start <= other.start and other.end <= self.end

    def ancestors(self) -> list[PeriodSpec]:
        """Periods that contain this one, itself included: a month is in its quarter and its year."""
        result = [self]
        if self.type == MONTH:
            result.append(quarter(self.year, (self.start.month - 1) // 3 + 1))
        if self.type in (MONTH, QUARTER):
            result.append(year(self.year))
        return result

    def children(self, child_type: str) -> list[PeriodSpec]:
        """The periods of `child_type` inside this one (months of a year, quarters of a year...)."""
        if child_type == self.type:
            return [self]
        if child_type == MONTH:
            return [month(self.year, m) for m in range(self.start.month, self.end.month + 1)]
        if child_type == QUARTER and self.type == YEAR:
            return [quarter(self.year, q) for q in range(1, 5)]
        return []

    def previous(self) -> PeriodSpec:
        if self.type == YEAR:
            return year(self.year - 1)
        if self.type == QUARTER:
            q = (self.start.month - 1) // 3 + 1
            return quarter(self.year - 1, 4) if q == 1 else quarter(self.year, q - 1)
        return month(self.year - 1, 12) if self.start.month == 1 else month(self.year, self.start.month - 1)


def year(y: int) -> PeriodSpec:
    return PeriodSpec(date(y, 1, 1), date(y, 12, 31), YEAR, f"{y}")


def quarter(y: int, q: int) -> PeriodSpec:
    first = 3 * (q - 1) + 1
    last = first + 2
    return PeriodSpec(date(y, first, 1), date(y, last, calendar.monthrange(y, last)[1]), QUARTER, f"{y}Q{q}")


def month(y: int, m: int) -> PeriodSpec:
    return PeriodSpec(date(y, m, 1), date(y, m, calendar.monthrange(y, m)[1]), MONTH, f"{y}-{m:02d}")


def parse_period(code: str) -> PeriodSpec:
    """Read `2023`, `2023Q4` or `2023-11`; raise PeriodError with a Vietnamese message otherwise."""
    text = (code or "").strip()
    for pattern, kind in _PATTERNS:
        match = pattern.match(text)
        if not match:
            continue
        y = int(match.group(1))
        if not 1900 <= y <= 2100:
            break
        if kind == YEAR:
            return year(y)
        if kind == QUARTER:
            return quarter(y, int(match.group(2)))
        m = int(match.group(2))
        if 1 <= m <= 12:
            return month(y, m)
        break
    raise PeriodError(
        _("Kỳ báo cáo “%(code)s” không hợp lệ: dùng dạng 2023 (năm), 2023Q4 (quý) hoặc 2023-11 (tháng).")
        % {"code": code}
    )
