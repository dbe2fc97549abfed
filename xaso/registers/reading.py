"""A register export read as rows of cells: CSV or XLSX, its header row found below any title rows.

The readers are the data import's (`xaso.indicators.importexport`, `xlsxread`, `xlsxcalamine`): the same bounds
on size, rows, columns and cells (`ImportLimits`), the same encodings (UTF-8, UTF-16, Windows-1258), the same
refusals of what is not a spreadsheet. Exports of the one-stop systems often start with a title (“DANH SÁCH HỒ SƠ
…”, the unit, the period) above the header: the header is the first row, within the first `HEADER_SEARCH_ROWS`,
with at least `HEADER_MIN_CELLS` filled cells.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator
from dataclasses import dataclass

from django.utils.translation import gettext as _

from xaso.core.formatting import format_number
from xaso.indicators.filelimits import Budget, ImportFileError, ImportLimits, check_file_size
from xaso.indicators.importexport import CSV, XLSX, _kind, decode_text
from xaso.indicators.xlsxread import xlsx_rows

from .cells import header_key, text_of

HEADER_SEARCH_ROWS = 30
HEADER_MIN_CELLS = 3
_DELIMITERS = (",", ";", "\t")

__all__ = ["ImportFileError", "Sheet", "sheet_read"]


@dataclass
class Sheet:
    """The header (as written, and as keys) and the data rows `(row number, cells)` after it."""

    header_row: int
    headers: list[str]
    rows: list[tuple[int, list[object]]]
    encoding: str

    @property
    def keys(self) -> list[str]:
        return [header_key(h) for h in self.headers]


def _delimiter(text: str) -> str:
    """The delimiter among , ; tab that splits the first lines into the most cells."""
    lines = re.split(r"\r\n|\r|\n", text[:65536])[:HEADER_SEARCH_ROWS]
    best, best_cells = ",", -1
    for delimiter in _DELIMITERS:
        cells = max((len(next(csv.reader([line], delimiter=delimiter), [])) for line in lines), default=0)
        if cells > best_cells:
            best, best_cells = delimiter, cells
    return best


def _csv_rows(data: bytes, budget: Budget) -> tuple[Iterator[tuple[int, list[object]]], str]:
    text, encoding = decode_text(data)
    limits = budget.limits
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=_delimiter(text), strict=True)

    def rows() -> Iterator[tuple[int, list[object]]]:
        number = 0
        try:
            for number, row in enumerate(reader, start=1):  # noqa: B007 (the number is read after an error)
                budget.row(number)
                if len(row) > limits.columns:
                    budget.column(number, len(row))
                for cell in row:
                    budget.cell(number, len(cell))
                yield number, row
        except csv.Error as exc:
            if "field larger" in str(exc):
                budget.cell(number + 1, limits.cell_chars + 1)
            raise ImportFileError(
                _('Tệp CSV sai cấu trúc ở dòng %(line)s: dấu ngoặc kép (") không được đóng hoặc đặt sai chỗ.')
                % {"line": format_number(number + 1)}
            ) from exc

    return rows(), encoding


def _numbered(data: bytes, filename: str, *, stream: bool) -> tuple[Iterator[tuple[int, list[object]]], str]:
    limits = ImportLimits.current()
    check_file_size(len(data), limits)
    if not data or not data.strip(b" \t\r\n\x00\xef\xbb\xbf\xff\xfe"):
        raise ImportFileError(_("Tệp rỗng: không có dòng nào."))
    budget = Budget(limits)
    if _kind(data, filename) == XLSX:
        return xlsx_rows(data, limits, budget, stream=stream), XLSX
    return _csv_rows(data, budget)


def _filled(cells: list[object]) -> int:
    return sum(1 for c in cells if text_of(c))


def _has_data(cells: list[object]) -> bool:
    """Whether a row holds any cell with text (`text_of`); a number always has, so most rows stop at once."""
    for cell in cells:
        kind = type(cell)
        if kind is int or kind is float:
            return True
        if cell is not None and cell != "" and text_of(cell):
            return True
    return False


def sheet_read(data: bytes, filename: str, *, header_only: bool = False) -> Sheet:
    """The file's header and (unless `header_only`) its non-empty data rows; ImportFileError when unreadable.
    The header alone is read by streaming the sheet up to it (calamine would read the whole sheet first)."""
    numbered, encoding = _numbered(data, filename, stream=header_only)
    header_row, headers = 0, []
    rows: list[tuple[int, list[object]]] = []
    for number, cells in numbered:
        if not header_row:
            if _filled(cells) >= HEADER_MIN_CELLS:
                header_row = number
                headers = [text_of(c) for c in cells]
                while headers and not headers[-1]:
                    headers.pop()
                if header_only:
                    break
            elif number >= HEADER_SEARCH_ROWS:
                break
            continue
        if _has_data(cells):
            rows.append((number, list(cells)))
    if not header_row:
        raise ImportFileError(
            _("Không tìm thấy dòng tiêu đề: trong %(n)s dòng đầu không có dòng nào có từ %(m)s cột có tên trở lên.")
            % {"n": HEADER_SEARCH_ROWS, "m": HEADER_MIN_CELLS}
        )
    if not header_only and not rows:
        raise ImportFileError(_("Tệp chỉ có dòng tiêu đề, không có dòng dữ liệu nào."))
    return Sheet(header_row, headers, rows, "xlsx" if encoding == XLSX else encoding)


__all__ += ["CSV", "XLSX"]
