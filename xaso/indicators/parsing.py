"""Reading figures as people type them: `1.384`, `70,6`, `70,6%`, `có`, Excel numbers.

Vietnamese writes a dot between thousands and a comma before decimals. For whole-number
elements `1.384` therefore means 1384; for decimal and percent elements a lone dot is read as
the decimal point (`70.6`) because spreadsheets exported in English write it so, and a comma
always is (`70,6`). Anything else is refused with a message that shows what was typed and says what
was expected.

Only ASCII digits are digits: Python's `float()` and the regex digit class also take full-width (`１２`), Arabic-Indic
(`١٢`) and other Unicode digits, which no Vietnamese keyboard types on purpose and which look like, but are
not, the figure a reader sees. A JSON or spreadsheet boolean (`true`, TRUE) is a Có/Không answer, never the
number 1 or 0.
"""

from __future__ import annotations

import math
import re
import unicodedata

from django.utils.translation import gettext as _

from .models import ValueType

# [0-9], never \d: \d matches every Unicode digit
_VN_GROUPED = re.compile(r"^-?[0-9]{1,3}(\.[0-9]{3})+(,[0-9]+)?$")
_EN_GROUPED = re.compile(r"^-?[0-9]{1,3}(,[0-9]{3})+\.[0-9]+$")
_EN_THOUSANDS = re.compile(r"^-?[0-9]{1,3}(,[0-9]{3})+$")
_COMMA_DECIMAL = re.compile(r"^-?[0-9]+,[0-9]+$")
_PLAIN = re.compile(r"^-?[0-9]+(\.[0-9]+)?$")
_TRUE = {"1", "có", "co", "x", "yes", "true", "đạt", "dat", "rồi", "đã"}
_FALSE = {"0", "không", "khong", "no", "false", "chưa", "chua"}


class ValueParseError(ValueError):
    pass


def parse_value(raw: object, value_type: str) -> float:
    """Turn a cell or a typed text into a float for `value_type`, or raise ValueParseError (Vietnamese)."""
    if type(raw) is str and raw.isascii() and raw.isdigit():  # most cells of a file: plain digits
        return check_value(float(raw), value_type)
    if isinstance(raw, bool):
        if value_type != ValueType.BOOLEAN:
            raise ValueParseError(
                _("Giá trị đúng/sai (%(text)s) không phải là số: ghi số, ví dụ 1384.") % {"text": str(raw).lower()}
            )
        number = 1.0 if raw else 0.0
    elif isinstance(raw, int | float):
        number = float(raw)
    else:
        text = str(raw if raw is not None else "").strip().replace("\u00a0", "").replace(" ", "")
        if not text:
            raise ValueParseError(_("Ô trống: cần một giá trị."))
        if value_type == ValueType.BOOLEAN:
            lowered = text.lower()
            if lowered in _TRUE:
                return 1.0
            if lowered in _FALSE:
                return 0.0
            raise ValueParseError(_("“%(text)s” không phải Có/Không (dùng 1/0, có/không).") % {"text": text})
        if value_type == ValueType.PERCENT:
            text = text.removesuffix("%")
        number = _parse_number_text(text, value_type)
    if math.isnan(number) or math.isinf(number):
        raise ValueParseError(_("Giá trị không phải là số."))
    return check_value(number, value_type)


def _parse_number_text(text: str, value_type: str) -> float:
    if any(unicodedata.category(c) == "Nd" and not c.isascii() for c in text):
        raise ValueParseError(
            _("“%(text)s” có chữ số không phải chữ số thường 0–9 (chữ số toàn độ rộng hoặc của chữ viết khác): "
              "gõ lại số bằng các phím 0–9.") % {"text": text}
        )  # fmt: skip
    if value_type == ValueType.INTEGER:
        return _parse_whole_text(text)
    return _parse_decimal_text(text)


def _parse_decimal_text(text: str) -> float:
    if _PLAIN.match(text):
        return float(text)
    if _COMMA_DECIMAL.match(text):
        return float(text.replace(",", "."))
    if _VN_GROUPED.match(text):
        return float(text.replace(".", "").replace(",", "."))
    if _EN_GROUPED.match(text):
        return float(text.replace(",", ""))
    raise ValueParseError(
        _("“%(text)s” không phải là số (viết 1.384 hoặc 1384 cho số nguyên, 70,6 cho số thập phân).") % {"text": text}
    )


def _parse_whole_text(text: str) -> float:
    """A whole number as typed: `1384`, `1.384` (dots group thousands), `1384,0`. `1,384` and `1,000` are
    refused, not read as 1.384 or 1: a comma is the decimal sign, so they are English thousands or a typo."""
    if _EN_THOUSANDS.match(text):
        raise ValueParseError(
            _("“%(text)s”: số nguyên ghi dấu chấm giữa các hàng nghìn, không phải dấu phẩy (dấu phẩy là dấu thập "
              "phân). Viết %(dots)s hoặc %(plain)s.") % {"text": text, "dots": text.replace(",", "."),
                                                        "plain": text.replace(",", "")}
        )  # fmt: skip
    grouped = _VN_GROUPED.match(text)
    number = float(text.replace(".", "").replace(",", ".")) if grouped else _parse_decimal_text(text)
    if math.isfinite(number) and not number.is_integer():
        raise ValueParseError(
            _("“%(text)s” không phải số nguyên: chỉ tiêu này cần số nguyên, không có phần thập phân "
              "(ví dụ 1384 hoặc 1.384).") % {"text": text}
        )  # fmt: skip
    return number


def check_value(number: float, value_type: str) -> float:
    if value_type == ValueType.BOOLEAN and number not in (0.0, 1.0):
        raise ValueParseError(_("Giá trị Có/Không phải là 1 hoặc 0, không phải %(v)s.") % {"v": _fmt(number)})
    if value_type == ValueType.INTEGER and not float(number).is_integer():
        raise ValueParseError(_("Cần số nguyên, không phải %(v)s.") % {"v": _fmt(number)})
    if value_type == ValueType.PERCENT and not 0 <= number <= 100:
        raise ValueParseError(_("Tỷ lệ phải nằm trong khoảng 0–100%%, không phải %(v)s.") % {"v": _fmt(number)})
    if number < 0:
        raise ValueParseError(_("Số liệu không được âm (%(v)s).") % {"v": _fmt(number)})
    return number


def _fmt(number: float) -> str:
    from xaso.core.formatting import format_value

    return format_value(number, 2)
