"""Vietnamese number, percentage and date formatting: 1.384 · 70,6% · 12/02/2026."""

from __future__ import annotations

from datetime import date
from decimal import ROUND_HALF_UP, Decimal


def format_number(value: float | int | Decimal | None, decimals: int = 0) -> str:
    """`1384` → `1.384`; `70.58` with 1 decimal → `70,6`. None → `—`."""
    if value is None:
        return "—"
    quant = Decimal(1).scaleb(-decimals) if decimals else Decimal(1)
    rounded = Decimal(str(value)).quantize(quant, rounding=ROUND_HALF_UP)
    sign = "-" if rounded < 0 else ""
    text = f"{abs(rounded):.{decimals}f}"
    whole, _, frac = text.partition(".")
    groups = []
    while len(whole) > 3:
        groups.insert(0, whole[-3:])
        whole = whole[:-3]
    groups.insert(0, whole)
    result = ".".join(groups)
    if decimals:
        result += "," + frac
    return sign + result


def format_value(value: float | None, decimals: int = 1) -> str:
    """A measured value: whole numbers without decimals, others with `decimals`."""
    if value is None:
        return "—"
    if float(value).is_integer():
        return format_number(value, 0)
    return format_number(value, decimals)


def format_percent(value: float | None, decimals: int = 1) -> str:
    if value is None:
        return "—"
    return format_number(value, decimals) + "%"


def format_date(value: date | None) -> str:
    return value.strftime("%d/%m/%Y") if value else ""


def format_date_long(value: date, place: str = "") -> str:
    """`An Viễn, ngày 12 tháng 02 năm 2026`, `ngày 05 tháng 3 năm 2026` (Decree 30, Appendix I, II.4: a day
    below 10 and the months 1 and 2 take a leading zero, the other months do not)."""
    month = f"{value.month:02d}" if value.month < 3 else str(value.month)
    text = f"ngày {value.day:02d} tháng {month} năm {value.year}"
    return f"{place}, {text}" if place else text
