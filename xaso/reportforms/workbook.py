"""The cells of a report spreadsheet, read within bounds: the zip is checked first (`open_xlsx`: size, members,
compression ratio), then each sheet is read through openpyxl's read-only reader up to a report's size. A periodic
report is a form of a few hundred cells; nothing beyond `MAX_ROWS` × `MAX_COLUMNS` of a sheet is read."""

from __future__ import annotations

import io
import re
import unicodedata
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import PurePath

from django.utils.translation import gettext as _
from openpyxl import load_workbook
from openpyxl.utils import get_column_letter

from xaso.core.periods import PeriodError, PeriodSpec, month, parse_period, quarter, year
from xaso.indicators.filelimits import ImportFileError, ImportLimits, check_file_size, open_xlsx

MAX_ROWS = 400
MAX_COLUMNS = 40
MAX_SHEETS = 20
#: numeric cells offered for mapping
MAX_CANDIDATES = 400
LABEL_CHARS = 300


@dataclass(frozen=True)
class Cell:
    sheet: str
    ref: str
    row: int
    column: int
    value: object


Sheets = dict[str, dict[tuple[int, int], object]]


def read_workbook(data: bytes, filename: str) -> Sheets:
    """{sheet name: {(row, column): value}} of the non-empty cells; ImportFileError naming what is wrong."""
    limits = ImportLimits.current()
    check_file_size(len(data), limits)
    suffix = PurePath(filename or "").suffix.lower()
    if suffix == ".xls" or data[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1":
        raise ImportFileError(_("Tệp Excel 97-2003 (.xls) chưa được hỗ trợ: mở tệp và lưu lại dạng .xlsx."))
    if not data.startswith(b"PK"):
        raise ImportFileError(_("Tệp “%(f)s” không phải bảng tính .xlsx.") % {"f": filename[:80]})
    open_xlsx(data, limits)  # size, members, ratios: refused before openpyxl inflates anything
    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds on a broken workbook; all mean "cannot read"
        raise ImportFileError(_("Không đọc được tệp .xlsx: mở bằng Excel và lưu lại.")) from exc
    if len(book.sheetnames) > MAX_SHEETS:
        raise ImportFileError(_("Tệp có hơn %(n)s trang tính: một mẫu báo cáo không dài như vậy.") % {"n": MAX_SHEETS})
    sheets: Sheets = {}
    try:
        for sheet in book.worksheets:
            if not hasattr(sheet, "iter_rows"):
                continue  # a chart sheet
            cells = {}
            for r, row in enumerate(sheet.iter_rows(max_row=MAX_ROWS, max_col=MAX_COLUMNS, values_only=True), start=1):
                for c, value in enumerate(row, start=1):
                    if value is not None and not (isinstance(value, str) and not value.strip()):
                        cells[(r, c)] = value
            sheets[sheet.title] = cells
    finally:
        book.close()
    return sheets


def ref(row: int, column: int) -> str:
    return f"{get_column_letter(column)}{row}"


_REF = re.compile(r"^\$?([A-Z]{1,2})\$?([0-9]{1,4})$")


def parse_ref(text: str) -> tuple[int, int] | None:
    """`B12` → (12, 2); None for anything that is not a cell inside the bounds read."""
    match = _REF.match((text or "").strip().upper())
    if not match:
        return None
    letters, digits = match.groups()
    column = 0
    for letter in letters:
        column = column * 26 + ord(letter) - 64
    row = int(digits)
    return (row, column) if 1 <= row <= MAX_ROWS and 1 <= column <= MAX_COLUMNS else None


def plain_key(text: object) -> str:
    """`Tổng số văn bản đi` → `tong_so_van_ban_di`: compared without accents, case or punctuation."""
    decomposed = unicodedata.normalize("NFD", str(text or "").strip().lower().replace("đ", "d"))
    plain = "".join(c for c in decomposed if not unicodedata.combining(c))
    return re.sub(r"[^a-z0-9]+", "_", plain).strip("_")


def is_number(value: object) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _text(value: object) -> str:
    return " ".join(str(value).split()) if isinstance(value, str) else ""


def label_of(cells: dict[tuple[int, int], object], row: int, column: int) -> str:
    """What the report writes beside a cell: the texts to its left on its row, and the nearest text above it in
    its column (the column heading), e.g. "Tổng số văn bản đi · Tháng này"."""
    left = [_text(cells[(row, c)]) for c in range(1, column) if _text(cells.get((row, c)))]
    above = next((_text(cells[(r, column)]) for r in range(row - 1, 0, -1) if _text(cells.get((r, column)))), "")
    parts = [p for p in (" ".join(left), above) if p]
    return " · ".join(parts)[:LABEL_CHARS]


def row_label(label: str) -> str:
    """The part of a label that must stay the same on every issue: the row's own text (the column heading is
    shown but not compared: a text typed into a cell above would change it), or the heading when the row has
    none."""
    return label.split(" · ")[0]


def candidates(sheets: Sheets) -> list[dict]:
    """The numeric cells a figure can come from, with their labels, in reading order (sheet, row, column)."""
    found = []
    for sheet, cells in sheets.items():
        for (row, column), value in sorted(cells.items()):
            if is_number(value):
                found.append({"sheet": sheet, "cell": ref(row, column), "label": label_of(cells, row, column),
                              "value": value})  # fmt: skip
                if len(found) >= MAX_CANDIDATES:
                    return found
    return found


# --- the period written in a cell ---------------------------------------------------------------------------

_PERIOD_TEXT = (
    (re.compile(r"th[aá]ng\s*(\d{1,2})\s*(?:/|-|năm|nam)\s*(\d{4})", re.I), "month"),
    (re.compile(r"qu[yý]\s*(I{1,3}|IV|\d)\s*(?:/|-|năm|nam)\s*(\d{4})", re.I), "quarter"),
    (re.compile(r"^(\d{1,2})/(\d{4})$"), "month"),
    (re.compile(r"n[aă]m\s*(\d{4})", re.I), "year"),
)
_ROMAN = {"I": 1, "II": 2, "III": 3, "IV": 4}


def period_from_cell(value: object) -> PeriodSpec:
    """ "Tháng 11/2025", "tháng 11 năm 2025", "Quý IV/2025", "Năm 2025", "11/2025", "2025-11" or a date cell
    (its month). PeriodError otherwise."""
    if isinstance(value, datetime | date):
        return month(value.year, value.month)
    text = unicodedata.normalize("NFC", str(value or "")).strip()
    for pattern, kind in _PERIOD_TEXT:
        match = pattern.search(text)
        if not match:
            continue
        numbers = match.groups()
        try:
            if kind == "month":
                y, m = int(numbers[1]), int(numbers[0])
                if 1 <= m <= 12 and 1900 <= y <= 2100:
                    return month(y, m)
            elif kind == "quarter":
                q = _ROMAN.get(numbers[0].upper()) or int(numbers[0])
                y = int(numbers[1])
                if 1 <= q <= 4 and 1900 <= y <= 2100:
                    return quarter(y, q)
            elif 1900 <= int(numbers[0]) <= 2100:
                return year(int(numbers[0]))
        except ValueError:
            pass
    return parse_period(text)


def period_candidates(sheets: Sheets) -> list[dict]:
    """Text cells that name a period ("Tháng 11 năm 2025"): where a report form can take its period from."""
    found = []
    for sheet, cells in sheets.items():
        for (row, column), value in sorted(cells.items()):
            if not isinstance(value, str | datetime | date) or (isinstance(value, str) and len(value) > 200):
                continue
            try:
                spec = period_from_cell(value)
            except PeriodError:
                continue
            found.append({"sheet": sheet, "cell": ref(row, column), "text": _text(value) or str(value),
                          "period": spec.code})  # fmt: skip
            if len(found) >= 20:
                return found
    return found
