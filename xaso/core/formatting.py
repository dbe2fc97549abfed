"""Vietnamese number, percentage and date formatting: 1.384 · 70,6% · 12/02/2026.

Every formatter answers whatever it is given, never raising: a screen must open even when the database holds a
value written before the input bounds (`xaso.core.limits`), such as 1e308, Infinity or NaN. Numbers no figure or
budget sum reaches (10^18 and more) read in scientific form (`1,23×10^20`), ±Infinity as `∞`/`−∞`, NaN, None as `—`.
"""

from __future__ import annotations

import math
from datetime import date
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation, localcontext

#: from here on a number is written as mantissa × 10^exponent: no figure, budget or sum of them comes near it
SCIENTIFIC_FROM = Decimal(10) ** 18
EMPTY = "—"
#: most decimals a formatter writes (a template passing `vn_number:"50"` gets 6)
MAX_DECIMALS = 6


def _decimal(value: object) -> Decimal | None:
    """`value` as a Decimal (floats through their shortest repr: 70.58 stays 70.58), or None if it is no number."""
    if value is None or isinstance(value, bool):
        return None
    try:
        if isinstance(value, Decimal):
            return value
        if isinstance(value, int):
            return Decimal(value)  # exact, whatever its size (str() refuses ints over 4,300 digits)
        if isinstance(value, float):
            return Decimal(repr(value))
        return Decimal(str(value).strip())
    except (InvalidOperation, ValueError, TypeError):
        return None


def _decimals(decimals: object) -> int:
    try:
        return max(0, min(MAX_DECIMALS, int(decimals)))  # type: ignore[call-overload]
    except (TypeError, ValueError):
        return 0


def _group(whole: str) -> str:
    groups = []
    while len(whole) > 3:
        groups.insert(0, whole[-3:])
        whole = whole[:-3]
    groups.insert(0, whole)
    return ".".join(groups)


def _scientific(number: Decimal) -> str:
    """`1,23×10^20`: two decimals of mantissa are plenty for a value nobody should have stored."""
    sign = "-" if number < 0 else ""
    mantissa, _, exponent = f"{abs(number):.2E}".partition("E")
    return f"{sign}{mantissa.replace('.', ',')}×10^{int(exponent)}"


def format_number(value: float | int | Decimal | None, decimals: int = 0) -> str:
    """`1384` → `1.384`; `70.58` with 1 decimal → `70,6`. None or NaN → `—`; Infinity → `∞`; 10^20 → `1,00×10^20`."""
    number = _decimal(value)
    if number is None:
        return value.strip() or EMPTY if isinstance(value, str) else EMPTY  # a label passed by mistake shows as is
    if number.is_nan():
        return EMPTY
    if number.is_infinite():
        return "−∞" if number < 0 else "∞"
    decimals = _decimals(decimals)
    if abs(number) >= SCIENTIFIC_FROM:
        return _scientific(number)
    quant = Decimal(1).scaleb(-decimals)
    with localcontext() as ctx:
        ctx.prec = 60  # below 10^18 with up to 6 decimals: 25 digits; tiny values round to 0
        rounded = number.quantize(quant, rounding=ROUND_HALF_UP)
    sign = "-" if rounded < 0 else ""
    text = f"{abs(rounded):.{decimals}f}"
    whole, _, frac = text.partition(".")
    result = _group(whole)
    if decimals:
        result += "," + frac
    return sign + result


def is_whole(value: object) -> bool:
    """Whether a value is a whole number (False for NaN, Infinity and anything that is not a number)."""
    number = _decimal(value)
    return number is not None and number.is_finite() and number == number.to_integral_value()


def format_value(value: float | None, decimals: int = 1) -> str:
    """A measured value: whole numbers without decimals, others with `decimals`."""
    if value is None:
        return EMPTY
    return format_number(value, 0 if is_whole(value) else decimals)


def format_percent(value: float | None, decimals: int = 1) -> str:
    text = format_number(value, decimals)
    return text if text == EMPTY else text + "%"


def round_half_up(value: float | None, decimals: int) -> float | None:
    """A value rounded half up as the screens show it (70.576 → 70.6), for JSON: None when it is not finite."""
    if value is None or isinstance(value, bool):
        return None
    try:
        number = float(value)
    except (TypeError, ValueError, OverflowError):
        return None
    if not math.isfinite(number):
        return None
    if abs(number) >= SCIENTIFIC_FROM:
        return number
    with localcontext() as ctx:
        ctx.prec = 60
        return float(Decimal(repr(number)).quantize(Decimal(1).scaleb(-_decimals(decimals)), rounding=ROUND_HALF_UP))


def format_date(value: date | None) -> str:
    return value.strftime("%d/%m/%Y") if isinstance(value, date) else ""


def format_date_long(value: date, place: str = "") -> str:
    """`An Viễn, ngày 12 tháng 02 năm 2026`, `ngày 05 tháng 3 năm 2026` (Decree 30, Appendix I, II.4: a day
    below 10 and the months 1 and 2 take a leading zero, the other months do not)."""
    month = f"{value.month:02d}" if value.month < 3 else str(value.month)
    text = f"ngày {value.day:02d} tháng {month} năm {value.year}"
    return f"{place}, {text}" if place else text
