"""Reading one cell of a register export by its field's kind, with a Vietnamese message when it cannot be read.

The one-stop systems write dates as `12/07/2025`, `12/07/2025 08:30`, `2025-07-12` or as real spreadsheet dates;
yes/no as `Có`/`Không`, `x`, `1`/`0`, `Đã thanh toán`/`Chưa`; choices as their Vietnamese wording (“Trực tuyến”,
“Trực tiếp”, “Qua bưu chính”), so a choice is matched on its folded text (`fold`: lower case, no diacritics).
"""

from __future__ import annotations

import re
import unicodedata
from datetime import date, datetime, timedelta

from django.utils.translation import gettext as _

from xaso.core.spreadsheet import strip_csv_guard

from .spec import BOOL, CHOICE, CODE, DATE, Field

_DMY = re.compile(r"(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{4})(?:[ T]+\d{1,2}:\d{2}(?::\d{2})?(?:\s*[AaPp][Mm])?)?")
_YMD = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T]+\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?")
_EXCEL_EPOCH = date(1899, 12, 30)
#: a number read as a spreadsheet date serial: 1 Jan 2000 to 31 Dec 2099
_SERIAL_RANGE = (36526, 73415)

_TRUE = {"co", "x", "1", "true", "yes", "y", "dung", "da", "roi"}
_FALSE = {"khong", "0", "false", "no", "n", "chua", "sai"}


class CellError(ValueError):
    """A cell that cannot be read as its field's kind; the message says why, in Vietnamese."""


def fold(text: object) -> str:
    """`Trực tuyến ` → `truc tuyen`: lower case, no diacritics, single spaces."""
    decomposed = unicodedata.normalize("NFD", str(text or "").strip().lower().replace("đ", "d"))
    plain = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join(plain.split())


def header_key(text: object) -> str:
    """`Ngày hẹn trả` → `ngay_hen_tra`: how a header is recognised, whatever its case, accents and spacing."""
    return re.sub(r"[^a-z0-9]+", "_", fold(text)).strip("_")


def text_of(value: object) -> str:
    """A cell as text: numbers without `.0`, NFC, trimmed, the apostrophe a CSV export puts before `=…` removed."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime):
        return value.strftime("%d/%m/%Y %H:%M") if (value.hour or value.minute) else value.strftime("%d/%m/%Y")
    if isinstance(value, date):
        return value.strftime("%d/%m/%Y")
    text = unicodedata.normalize("NFC", str(value)).strip()
    return strip_csv_guard(text) if text[:1] == "'" else text


def parse_date(value: object, *, earliest: date | None = None) -> date | None:
    """A date cell (None when empty); CellError when it is not a date, not on the calendar, or before `earliest`
    (a field's floor: a year typed wrong, 0025 or 1900, would file a count under a month centuries away)."""
    day = _date_of(value)
    if day is not None and earliest is not None and day < earliest:
        raise CellError(
            _("Ngày %(v)s trước năm %(y)s: kiểm tra lại năm.")
            % {"v": day.strftime("%d/%m/") + f"{day.year:04d}", "y": earliest.year}
        )
    return day


def _date_of(value: object) -> date | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, int | float) and not isinstance(value, bool):
        if _SERIAL_RANGE[0] <= value <= _SERIAL_RANGE[1]:
            return _EXCEL_EPOCH + timedelta(days=int(value))
        raise CellError(_("“%(v)s” không phải là ngày: ghi theo dạng ngày/tháng/năm, ví dụ 12/07/2025.") % {"v": value})
    text = text_of(value)
    match = _DMY.fullmatch(text)
    try:
        if match:
            day, month, year = (int(g) for g in match.groups())
            return date(year, month, day)
        match = _YMD.fullmatch(text)
        if match:
            year, month, day = (int(g) for g in match.groups())
            return date(year, month, day)
    except ValueError:
        raise CellError(_("Ngày “%(v)s” không có trên lịch.") % {"v": text}) from None
    raise CellError(_("“%(v)s” không phải là ngày: ghi theo dạng ngày/tháng/năm, ví dụ 12/07/2025.") % {"v": text})


def parse_bool(value: object) -> bool | None:
    if value is None:
        return None
    if isinstance(value, bool):
        return value
    if isinstance(value, int | float) and value in (0, 1):
        return bool(value)
    folded = fold(text_of(value))
    if not folded:
        return None
    first = folded.split()[0]
    if folded in _TRUE or first == "da":  # "Đã số hóa", "Đã thanh toán"
        return True
    if folded in _FALSE or first in {"khong", "chua"}:  # "Chưa số hóa", "Không thu phí"
        return False
    raise CellError(_("“%(v)s” không phải Có/Không: ghi Có hoặc Không (hoặc x, 1, 0).") % {"v": text_of(value)})


def parse_cell(value: object, spec: Field) -> object:
    """The value of one cell for `spec` (None for an empty cell); CellError when it cannot be read."""
    if spec.kind == DATE:
        return parse_date(value, earliest=spec.earliest)
    if spec.kind == BOOL:
        return parse_bool(value)
    text = text_of(value)
    if spec.kind == CODE:
        text = text.replace(" ", "")
    if len(text) > spec.max_length:
        raise CellError(_("Dài %(n)s ký tự, tối đa %(max)s.") % {"n": len(text), "max": spec.max_length})
    if spec.kind == CHOICE:
        if not text:
            return None
        folded = fold(text)
        if folded in spec.choices:
            return spec.choices[folded]
        spaced = header_key(text).replace("_", " ")  # "Cá nhân, tổ chức" as "ca nhan to chuc"
        if spaced in spec.choices:
            return spec.choices[spaced]
        raise CellError(_("Không hiểu “%(v)s”: %(help)s") % {"v": text, "help": spec.help})
    return text
