"""Periods in the forms exchange partners use: xaso's own codes (`2026`, `2026Q1`, `2026-03`) and ISO 8601 / ADX
time ranges (`2026-01-01/P1Y`, `2026-01-01/P3M`, `2026-03-01/P1M`), read into xaso's periods and written back.

ADX names a period by its start date and its length (IHE ADX, SDMX `TimeRangeType`). xaso keeps years, quarters
and months, so a range is read only when it is exactly one of them; anything else is refused with the reason.
"""

from __future__ import annotations

import re
from datetime import date

from django.utils.translation import gettext as _

from xaso.core.periods import MONTH, QUARTER, YEAR, PeriodError, PeriodSpec, month, parse_period, quarter, year

_RANGE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})(?:T00:00:00(?:\.0+)?(?:Z|[+-]00:00)?)?/P(\d{1,2})([YM])$")
_DASH_QUARTER = re.compile(r"^(\d{4})-[Qq]([1-4])$")

#: the ISO 8601 duration of each period type, as ADX writes it
DURATIONS = {YEAR: "P1Y", QUARTER: "P3M", MONTH: "P1M"}


def _refused(text: str) -> PeriodError:
    return PeriodError(
        _(
            "Kỳ “%(p)s” không đọc được: dùng 2026, 2026Q1, 2026-03 hoặc dạng ISO 8601 của ADX "
            "2026-01-01/P1Y (năm), 2026-01-01/P3M (quý), 2026-03-01/P1M (tháng)."
        )
        % {"p": text[:40]}
    )


def period_read(text: str) -> PeriodSpec:
    """The xaso period a code or an ISO 8601 range names; PeriodError (Vietnamese) otherwise."""
    text = (text or "").strip()
    if "/" not in text:
        match = _DASH_QUARTER.match(text)
        if match:
            text = f"{match.group(1)}Q{match.group(2)}"
        try:
            return parse_period(text)
        except PeriodError:
            raise _refused(text) from None
    match = _RANGE.match(text)
    if not match:
        raise _refused(text)
    y, m, d, n, unit = int(match[1]), int(match[2]), int(match[3]), int(match[4]), match[5]
    try:
        date(y, m, d)
    except ValueError:
        raise _refused(text) from None
    if not 1900 <= y <= 2100 or d != 1:
        raise _refused(text)
    if (unit, n) in (("Y", 1), ("M", 12)) and m == 1:
        return year(y)
    if unit == "M" and n == 3 and m % 3 == 1:
        return quarter(y, (m - 1) // 3 + 1)
    if unit == "M" and n == 1:
        return month(y, m)
    raise PeriodError(
        _("Kỳ “%(p)s” không phải một năm, quý hoặc tháng trọn vẹn: xaso chỉ lưu số liệu theo năm, quý, tháng.")
        % {"p": text[:40]}
    )


def period_adx(spec: PeriodSpec) -> str:
    """The ADX form of a xaso period: its first day and its length (`2026-01-01/P3M` for 2026Q1)."""
    return f"{spec.start.isoformat()}/{DURATIONS[spec.type]}"
