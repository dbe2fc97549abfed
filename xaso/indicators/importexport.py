"""Data values in and out of files: CSV and XLSX, in one column layout, all-or-nothing on import.

The layout (a header row; names are matched without case or diacritics, English aliases accepted):

    chi_tieu | ten_chi_tieu | don_vi | ten_don_vi | ky   | gia_tri | ghi_chu
    element  |  (ignored)   | unit   |  (ignored)  | 2023 | 1.384   | optional

Row numbers are the spreadsheet's (header = row 1), so a report line "Dòng 7, cột gia_tri" points at
the cell a person sees. CSV text may be UTF-8 (with or without BOM), UTF-16 with BOM (Excel's
"Unicode text") or Windows-1258, the legacy Vietnamese code page, whose text uses combining tone
marks: every text is normalised to NFC. charset-normalizer is asked only when UTF-8 fails, and only
believed for UTF-16/32 (it takes short Windows-1258 Vietnamese for Korean). An export re-imports
unchanged: codes are written as text, values exactly (CSV: shortest round-trip form, XLSX: numbers).
"""

from __future__ import annotations

import csv
import io
import re
import unicodedata
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import PurePath

from django.utils.translation import gettext as _

from xaso.core.formatting import format_number
from xaso.core.models import Period
from xaso.core.spreadsheet import csv_value, strip_csv_guard, xlsx_row, xlsx_value
from xaso.geo.models import AdminUnit
from xaso.ops.metrics import instrument_import

from .errors import BulkValueError, RowError
from .filelimits import Budget, ImportFileError, ImportLimits, check_file_size
from .models import ChangeSource, DataElement, DataValue, ValueType
from .selectors import check_readable
from .services import ValueInput, WriteResult, values_check, values_write
from .xlsxread import xlsx_rows

__all__ = ["ImportFileError", "ImportReport", "export_values", "read_table", "template_file", "values_import"]

MAX_COMMENT = 500
#: most row errors an import report keeps (the report says how many there were in all)
MAX_REPORT_ERRORS = 1000

CSV, XLSX = "csv", "xlsx"
FORMATS = (CSV, XLSX)
CONTENT_TYPES = {
    CSV: "text/csv; charset=utf-8",
    XLSX: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}

#: canonical column names as written in templates and exports
HEADERS = {
    "element": "chi_tieu",
    "element_name": "ten_chi_tieu",
    "unit": "don_vi",
    "unit_name": "ten_don_vi",
    "period": "ky",
    "value": "gia_tri",
    "comment": "ghi_chu",
}
EXPORT_KEYS = ("element", "element_name", "unit", "unit_name", "period", "value", "comment")
REQUIRED_KEYS = ("element", "unit", "period", "value")
#: accepted header spellings after `_header_key` (lower case, no diacritics, `_` between words)
ALIASES = {
    "element": {"chi_tieu", "ma_chi_tieu", "chi_tieu_du_lieu", "ma_chi_tieu_du_lieu", "element", "element_code",
                "data_element", "dataelement"},
    "element_name": {"ten_chi_tieu", "element_name"},
    "unit": {"don_vi", "ma_don_vi", "unit", "unit_code", "org_unit", "orgunit"},
    "unit_name": {"ten_don_vi", "unit_name"},
    "period": {"ky", "ky_bao_cao", "ma_ky", "period"},
    "value": {"gia_tri", "so_lieu", "value"},
    "comment": {"ghi_chu", "comment", "note", "notes"},
}  # fmt: skip
_BY_ALIAS = {alias: key for key, aliases in ALIASES.items() for alias in aliases}

_ZIP_MAGIC = b"PK\x03\x04"
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # Excel 97-2003 .xls
_CSV_SUFFIXES = {".csv", ".txt", ".tsv"}
_XLSX_SUFFIXES = {".xlsx", ".xlsm"}
_DELIMITERS = (",", ";", "\t")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


@dataclass
class ImportReport:
    """What an import did (or, checking only, would do); `errors` empty means it was saved."""

    rows: int = 0
    errors: list[RowError] = field(default_factory=list)  # the first MAX_REPORT_ERRORS, by row
    error_count: int = 0  # all of them
    result: WriteResult | None = None
    check_only: bool = False
    encoding: str = ""

    @property
    def is_ok(self) -> bool:
        return not self.errors

    @property
    def saved(self) -> bool:
        return self.is_ok and not self.check_only

    @property
    def errors_left_out(self) -> int:
        return self.error_count - len(self.errors)


# reading


def _header_key(text: object) -> str:
    """`Giá trị ` → `gia_tri`; `Đơn vị` → `don_vi`."""
    decomposed = unicodedata.normalize("NFD", str(text or "").strip().lower().replace("đ", "d"))
    plain = "".join(c for c in decomposed if not unicodedata.combining(c))
    return re.sub(r"[^a-z0-9]+", "_", plain).strip("_")


def _kind(data: bytes, filename: str) -> str:
    suffix = PurePath(filename or "").suffix.lower()
    if data.startswith(_OLE_MAGIC) or suffix == ".xls":
        raise ImportFileError(
            _("Tệp “%(f)s” là Excel 97-2003 (.xls), chưa được hỗ trợ: mở tệp và lưu lại dạng .xlsx hoặc CSV.")
            % {"f": filename}
        )
    if data.startswith(_ZIP_MAGIC) or suffix in _XLSX_SUFFIXES:
        return XLSX
    if suffix in _CSV_SUFFIXES:
        return CSV
    raise ImportFileError(
        _("Tệp “%(f)s” không phải CSV hay XLSX: chọn tệp .csv hoặc .xlsx (tải tệp mẫu để xem cách trình bày).")
        % {"f": filename}
    )


def decode_text(data: bytes) -> tuple[str, str]:
    """(text in NFC, encoding name) for a CSV's bytes; ImportFileError when it is not readable text."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        encoding = "utf-16"
    elif data.startswith(b"\xef\xbb\xbf"):
        encoding = "utf-8-sig"
    else:
        encoding = "utf-8"
    try:
        text = data.decode(encoding)
    except UnicodeDecodeError as exc:
        if encoding != "utf-8":
            raise ImportFileError(_("Tệp có dấu hiệu %(enc)s nhưng chứa byte không hợp lệ ở vị trí %(pos)s.")
                                  % {"enc": encoding.upper(), "pos": exc.start}) from exc  # fmt: skip
        text, encoding = _decode_legacy(data, exc)
    if _CONTROL.search(text):
        raise ImportFileError(_("Tệp không phải văn bản CSV (có ký tự điều khiển): chọn tệp .csv hoặc .xlsx."))
    return unicodedata.normalize("NFC", text), encoding


def _decode_legacy(data: bytes, utf8_error: UnicodeDecodeError) -> tuple[str, str]:
    """Not UTF-8: UTF-16/32 without BOM if charset-normalizer is sure, else Windows-1258."""
    from charset_normalizer import from_bytes

    guess = from_bytes(data[:65536]).best()
    if guess is not None and guess.encoding.startswith(("utf_16", "utf_32")):
        try:
            return data.decode(guess.encoding), guess.encoding
        except UnicodeDecodeError:
            pass
    # mostly valid UTF-8 with a few broken bytes: say where, rather than read it as Windows-1258 mojibake
    loose = data.decode("utf-8", errors="replace")
    broken = loose.count("\ufffd")
    multibyte = sum(1 for c in loose if ord(c) > 127) - broken
    if multibyte > 2 * broken:
        line = data[: utf8_error.start].count(b"\n") + 1
        raise ImportFileError(
            _("Tệp UTF-8 bị lỗi mã hóa ở dòng %(line)s (byte không hợp lệ): lưu lại tệp dạng “CSV UTF-8”.")
            % {"line": line}
        ) from utf8_error
    try:
        return data.decode("cp1258"), "windows-1258"
    except UnicodeDecodeError as exc:
        raise ImportFileError(
            _("Không đọc được bảng mã của tệp (không phải UTF-8 hay Windows-1258): lưu lại tệp dạng “CSV UTF-8”.")
        ) from exc


def _delimiter(text: str) -> str:
    """The delimiter among , ; tab that splits the header into the most known column names."""
    first = re.split(r"\r\n|\r|\n", text[:65536], maxsplit=1)[0]
    best, best_score = ",", (-1, -1)
    for delimiter in _DELIMITERS:
        cells = next(csv.reader([first], delimiter=delimiter), [])
        score = (sum(1 for c in cells if _header_key(c) in _BY_ALIAS), len(cells))
        if score > best_score:
            best, best_score = delimiter, score
    return best


def _csv_rows(data: bytes, budget: Budget) -> tuple[Iterator[list[object]], str, str]:
    text, encoding = decode_text(data)
    delimiter = _delimiter(text)
    limits = budget.limits

    def lines() -> Iterator[str]:
        for number, line in enumerate(io.StringIO(text, newline=""), start=1):
            if len(line) > limits.line_chars and len(line.rstrip("\r\n")) > limits.line_chars:
                raise ImportFileError(
                    _("Dòng %(line)s của tệp dài %(n)s ký tự, vượt giới hạn %(max)s ký tự mỗi dòng.")
                    % {"line": format_number(number), "n": format_number(len(line.rstrip("\r\n"))),
                       "max": format_number(limits.line_chars)}
                )  # fmt: skip
            yield line

    reader = csv.reader(lines(), delimiter=delimiter, strict=True)

    def rows() -> Iterator[list[object]]:
        start = 1
        try:
            for number, row in enumerate(reader, start=1):
                budget.row(number)
                if len(row) > limits.columns:
                    budget.column(reader.line_num, len(row))
                for cell in row:
                    budget.cell(reader.line_num, len(cell))
                yield row
                start = reader.line_num + 1
        except csv.Error as exc:
            if "field larger" in str(exc):
                budget.cell(start, limits.cell_chars + 1)
            raise ImportFileError(
                _("Tệp CSV sai cấu trúc ở dòng %(line)s: dấu ngoặc kép (\") không được đóng hoặc đặt sai chỗ. "
                  "Giá trị có dấu phân cách phải nằm trọn trong cặp ngoặc kép, ví dụ \"70,6\".")
                % {"line": start}
            ) from exc  # fmt: skip

    return rows(), encoding, delimiter


def _text(value: object, *, key: str) -> str:
    """A cell as text: numbers without `.0`, a date in the period column as its month (Excel turns 2023-11
    into 1 Nov 2023), NFC, trimmed; a leading apostrophe guarding a formula sign removed."""
    if value.__class__ is str:  # most cells: checked first, without isinstance chains
        text = value.strip() if value.isascii() else unicodedata.normalize("NFC", value).strip()
        return strip_csv_guard(text) if key in _GUARDED and text[:1] == "'" else text
    if value is None:
        return ""
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime | date):
        return f"{value.year}-{value.month:02d}" if key == "period" else value.isoformat()
    text = unicodedata.normalize("NFC", str(value)).strip()
    if key in _GUARDED:
        text = strip_csv_guard(text)  # the apostrophe the export puts before formula-like text
    return text


_GUARDED = frozenset({"comment", "element_name", "unit_name"})


def _filled(cells: Sequence[object]) -> bool:
    """Whether any cell holds something (`_text` of it is not empty): numbers and booleans always do."""
    for cell in cells:
        if cell.__class__ is str:
            if cell and not cell.isspace():
                return True
        elif cell is not None:
            return True
    return False


def _header(cells: Sequence[object]) -> dict[str, tuple[int, str]]:
    """Column key → (index, header as written); ImportFileError for missing or repeated columns."""
    found: dict[str, tuple[int, str]] = {}
    for index, cell in enumerate(cells):
        written = str(cell or "").strip()
        key = _BY_ALIAS.get(_header_key(written))
        if key is None:
            continue
        if key in found:
            raise ImportFileError(
                _("Cột “%(a)s” và cột “%(b)s” cùng là cột %(key)s: chỉ giữ một cột.")
                % {"a": found[key][1], "b": written, "key": HEADERS[key]}
            )
        found[key] = (index, written)
    missing = [HEADERS[k] for k in REQUIRED_KEYS if k not in found]
    if missing:
        seen = ", ".join(f"“{str(c).strip()}”" for c in cells if str(c or "").strip()) or _("(trống)")
        raise ImportFileError(
            _("Thiếu cột bắt buộc: %(missing)s. Dòng tiêu đề (dòng đầu) cần các cột chi_tieu, don_vi, ky, gia_tri "
              "(ghi_chu không bắt buộc); tệp có: %(seen)s.") % {"missing": ", ".join(missing), "seen": seen}
        )  # fmt: skip
    return found


def sheet_rows(data: bytes, filename: str) -> Iterator[tuple[int, list[object]]]:
    """(row number, cells) of a CSV or of an XLSX's first sheet, read within the import limits: the reader
    other registers (official documents, dossiers) share with the figure import. ImportFileError when the file
    cannot be read at all."""
    limits = ImportLimits.current()
    check_file_size(len(data), limits)
    if not data or not data.strip(b" \t\r\n\x00\xef\xbb\xbf\xff\xfe"):
        raise ImportFileError(_("Tệp rỗng: không có dòng nào."))
    budget = Budget(limits)
    if _kind(data, filename) == XLSX:
        return xlsx_rows(data, limits, budget)
    rows, _encoding, _delimiter = _csv_rows(data, budget)
    return enumerate(rows, start=1)


@dataclass
class Table:
    """A file read: its well-formed rows, the shape errors of the others, how many data rows, the encoding."""

    rows: list[ValueInput]
    errors: list[RowError]
    count: int
    encoding: str


def table_read(data: bytes, filename: str) -> Table:
    """The data rows of a CSV or XLSX file as ValueInput, with the rows' own shape errors.

    Raises ImportFileError when the file cannot be read at all (format, encoding, header, size).
    """
    limits = ImportLimits.current()
    check_file_size(len(data), limits)
    if not data or not data.strip(b" \t\r\n\x00\xef\xbb\xbf\xff\xfe"):
        raise ImportFileError(_("Tệp rỗng: không có dòng nào."))
    kind = _kind(data, filename)
    budget = Budget(limits)
    if kind == XLSX:
        numbered, encoding, delimiter = xlsx_rows(data, limits, budget), "xlsx", ""
    else:
        rows, encoding, delimiter = _csv_rows(data, budget)
        numbered = enumerate(rows, start=1)
    layout: _Layout | None = None
    values: list[ValueInput] = []
    errors: list[RowError] = []
    count = 0
    for number, cells in numbered:
        if not _filled(cells):
            continue  # blank lines, and the empty tail spreadsheets keep
        if layout is None:
            header = _header(cells)
            layout = _Layout(
                header=header,
                columns={k: header[k][1] for k in REQUIRED_KEYS},
                width=max(i for i, c in enumerate(cells) if _text(c, key="")) + 1,
                raw_width=len(cells) if kind == CSV else 0,
                comma_csv=delimiter == ",",
            )
            continue
        count += 1
        row = _row(number, cells, layout, errors)
        if row is not None:
            values.append(row)
    if layout is None:
        raise ImportFileError(_("Tệp rỗng: không có dòng nào."))
    if count == 0:
        raise ImportFileError(_("Tệp chỉ có dòng tiêu đề, không có dòng số liệu nào."))
    split = _split_decimals(values, layout)
    if split:
        refused = {e.row for e in split}
        values = [r for r in values if r.row not in refused]
        errors = sorted(errors + split, key=lambda e: (e.row or 0, e.column))
    return Table(values, errors, count, encoding)


@dataclass
class _Layout:
    header: dict[str, tuple[int, str]]  # column key → (index, header as written)
    columns: dict[str, str]  # column key → header as written, for error reports
    width: int  # up to the last non-empty header cell
    raw_width: int  # cells of the CSV header line, trailing empty ones included (0 for XLSX)
    comma_csv: bool
    #: where element, unit, period, value and comment are (a missing comment: beyond every row)
    indices: tuple[int, int, int, int, int] = (0, 0, 0, 0, 0)

    #: cell → text already computed, for the element, unit and period columns (equal cells give equal text)
    seen: tuple[dict, dict, dict] = ((), (), ())

    def __post_init__(self):
        self.seen = ({}, {}, {})
        at = {key: index for key, (index, _written) in self.header.items()}
        self.indices = (at["element"], at["unit"], at["period"], at["value"], at.get("comment", 1 << 30))


_WHOLE = re.compile(r"^-?[0-9]+$")
_DIGITS = re.compile(r"^[0-9]{1,3}$")


def _split_decimals(rows: list[ValueInput], layout: _Layout) -> list[RowError]:
    """Rows of a comma CSV whose whole value and 1–3 digit comment look like one decimal split at its comma
    (`70,6` unquoted → 70 and "6"), for elements that take decimals. Exports write such values as `75.0`."""
    value_index = layout.header["value"][0]
    comment_index = layout.header.get("comment", (-1, ""))[0]
    if not layout.comma_csv or comment_index != value_index + 1:
        return []
    suspects = [r for r in rows if isinstance(r.value, str) and _WHOLE.match(r.value) and _DIGITS.match(r.comment)]
    if not suspects:
        return []
    decimal = DataElement.objects.filter(code__in={r.element for r in suspects}, value_type__in=_DECIMAL_TYPES)
    decimal_codes = set(decimal.values_list("code", flat=True))
    message = _(
        "Giá trị “%(v)s” và ghi chú “%(c)s”: có phải là %(v)s,%(c)s bị tách ở dấu phẩy? Đặt giá trị có dấu "
        'phẩy trong ngoặc kép ("%(v)s,%(c)s") hoặc lưu tệp phân cách bằng dấu “;”.'
    )
    return [
        RowError(r.row, layout.columns["value"], message % {"v": r.value, "c": r.comment}, "split_decimal")
        for r in suspects
        if r.element in decimal_codes
    ]


def _row(number: int, cells: Sequence[object], layout: _Layout, errors: list[RowError]) -> ValueInput | None:
    """One data row as ValueInput, or None after recording in `errors` why it cannot be one.

    Called once per row of files of up to 200,000 rows: the usual row costs five `_text` calls and no lookups.
    """
    size = len(cells)
    at_element, at_unit, at_period, at_value, at_comment = layout.indices
    # a file repeats a few codes thousands of times: each distinct cell is turned into text once
    elements, units, periods = layout.seen
    cell = cells[at_element] if at_element < size else ""
    if (element := elements.get(cell)) is None:
        element = elements[cell] = _text(cell, key="element")
    cell = cells[at_unit] if at_unit < size else ""
    if (unit := units.get(cell)) is None:
        unit = units[cell] = _text(cell, key="unit")
    cell = cells[at_period] if at_period < size else ""
    if (period := periods.get(cell)) is None:
        period = periods[cell] = _text(cell, key="period")
    comment = _text(cells[at_comment], key="comment") if at_comment < size else ""
    # "70,6" unquoted in a comma-separated file splits into 70 and 6: one cell too many here, or 6 as the
    # comment (judged in `_split_decimals`, which knows the element's value type)
    extra = (layout.raw_width and size > layout.raw_width) or (size > layout.width and _filled(cells[layout.width :]))
    if extra or not element or not unit or not period or len(comment) > MAX_COMMENT:
        errors.extend(_row_problems(number, cells, layout, extra, (element, unit, period), comment))
        return None
    raw = cells[at_value] if at_value < size else None
    value = raw if isinstance(raw, int | float) else _text(raw, key="value")
    return ValueInput(element, unit, period, value, comment, number, layout.columns)


def _row_problems(number, cells, layout: _Layout, extra: bool, keys: tuple[str, str, str], comment: str):
    columns = layout.columns
    problems = []
    if extra:
        problems.append(RowError(number, columns["value"], _(
            "Dòng có %(n)s ô, nhiều hơn %(w)s cột của dòng tiêu đề: có thể giá trị viết dấu phẩy (70,6) trong tệp "
            "CSV phân cách bằng dấu phẩy mà không đặt trong ngoặc kép. Đặt giá trị trong ngoặc kép (\"70,6\") hoặc "
            "lưu tệp phân cách bằng dấu “;”.") % {"n": len(cells), "w": layout.raw_width or layout.width},
            "extra_cells"))  # fmt: skip
    whats = (("element", _("mã chỉ tiêu")), ("unit", _("mã đơn vị")), ("period", _("kỳ báo cáo")))
    for text, (key, what) in zip(keys, whats, strict=True):
        if not text:
            problems.append(RowError(number, columns[key], _("Ô trống: cần %(what)s.") % {"what": what}, "blank"))
    if len(comment) > MAX_COMMENT:
        problems.append(RowError(number, layout.header["comment"][1], _(
            "Ghi chú dài %(n)s ký tự, quá %(max)s ký tự cho phép.") % {"n": len(comment), "max": MAX_COMMENT},
            "comment_too_long"))  # fmt: skip
    return problems


def read_table(data: bytes, filename: str) -> list[ValueInput]:
    """The rows of a CSV or XLSX file; ImportFileError (whole file) or BulkValueError (rows) otherwise."""
    table = table_read(data, filename)
    if table.errors:
        raise BulkValueError(table.errors)
    return table.rows


@instrument_import  # files, saved figures and time for /metrics (xaso.ops.metrics)
def values_import(*, user, data: bytes, filename: str, check_only: bool = False) -> ImportReport:
    """Read a file and write its values all-or-nothing (`values_write`); with `check_only`, save nothing.

    Raises ImportFileError when the file cannot be read; row problems come back in the report.
    """
    return table_import(user=user, table=table_read(data, filename), check_only=check_only)


def table_import(*, user, table: Table, check_only: bool = False) -> ImportReport:
    """Write the rows of a file read by `table_read` all-or-nothing, or with `check_only` judge them only."""
    errors = table.errors
    report = ImportReport(rows=table.count, check_only=check_only, encoding=table.encoding)
    try:
        if errors or check_only:  # judged exactly as a write would be, without writing
            result = values_check(user=user, rows=table.rows)
        else:
            result = values_write(user=user, rows=table.rows, source=ChangeSource.IMPORT)
    except BulkValueError as exc:
        errors = errors + exc.errors
        result = None
    report.error_count = len(errors)
    report.errors = sorted(errors, key=lambda e: (e.row or 0, e.column))[:MAX_REPORT_ERRORS]
    report.result = None if report.errors else result
    return report


def report_data(report: ImportReport) -> dict:
    """An import report as JSON-ready data (what a background import keeps); `report_from_data` reads it back."""
    result = report.result
    return {
        "rows": report.rows, "error_count": report.error_count, "check_only": report.check_only,
        "encoding": report.encoding,
        "errors": [{"row": e.row, "column": e.column, "message": e.message, "code": e.code} for e in report.errors],
        "result": None if result is None else {
            "created": result.created, "updated": result.updated, "deleted": result.deleted,
            "unchanged": result.unchanged,
        },
    }  # fmt: skip


def report_from_data(data: dict) -> ImportReport:
    result = data.get("result")
    return ImportReport(
        rows=data["rows"],
        errors=[RowError(e["row"], e["column"], e["message"], e["code"]) for e in data["errors"]],
        error_count=data["error_count"],
        result=None if result is None else WriteResult(**result),
        check_only=data["check_only"],
        encoding=data["encoding"],
    )


# writing


_DECIMAL_TYPES = (ValueType.DECIMAL, ValueType.PERCENT)


def _value_text(value: float, value_type: str) -> str:
    """Exactly, in a form every reader takes: `1384`, `70.6`, never grouped or rounded; decimals keep their
    point (`75.0`) so that a whole value beside a short numeric comment never looks like a split `75,6`."""
    if float(value).is_integer():
        return f"{int(value)}.0" if value_type in _DECIMAL_TYPES else str(int(value))
    return repr(float(value))


def _export_rows(values: Iterable[DataValue]) -> Iterator[tuple[DataValue, list[object]]]:
    for v in values:
        yield v, [v.data_element.code, v.data_element.name, v.unit.code, v.unit.name, v.period.code, v.value,
                  v.comment]  # fmt: skip


def _values(*, user, units: Sequence[AdminUnit], periods: Sequence[Period], elements: Sequence[DataElement] | None):
    check_readable(user, units)  # a QuerySet of a province's villages is checked in one query, not loaded
    periods = list(periods)
    values = DataValue.objects.filter(unit__in=units, period__in=periods, year__in={p.start.year for p in periods})
    if elements is not None:
        values = values.filter(data_element__in=list(elements))
    return (
        values.select_related("data_element", "unit", "period")
        .only(
            "value",
            "comment",
            "data_element__code",
            "data_element__name",
            "data_element__value_type",
            "unit__code",
            "unit__name",
            "period__code",
        )  # fmt: skip
        .order_by("unit__path", "data_element__area", "data_element__code", "period__start", "-period__end")
    )


def export_values(
    *,
    user,
    units: Sequence[AdminUnit],
    periods: Sequence[Period],
    elements: Sequence[DataElement] | None = None,
    fmt: str = CSV,
) -> bytes:
    """The stored values of these units × periods (× elements) as a file that `values_import` takes back."""
    values = _values(user=user, units=units, periods=periods, elements=elements).iterator(chunk_size=5000)
    header = [HEADERS[k] for k in EXPORT_KEYS]
    if fmt == XLSX:
        return _xlsx_bytes(header, _export_rows(values))
    out = io.StringIO(newline="")
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(header)
    for v, row in _export_rows(values):
        value = _value_text(row[5], v.data_element.value_type)
        writer.writerow([csv_value(item) for item in (*row[:5], value, row[6])])
    return ("\ufeff" + out.getvalue()).encode("utf-8")  # the BOM makes Excel read UTF-8


_NUMBER_FORMATS = {ValueType.INTEGER: "#,##0", ValueType.BOOLEAN: "0"}
_DECIMAL_FORMAT = "0.0##"  # at least one decimal, never hides up to three
_WIDTHS = {"element": 30, "element_name": 48, "unit": 16, "unit_name": 28, "period": 10, "value": 14, "comment": 40}


def _xlsx_bytes(header: list[str], rows: Iterable[tuple[DataValue | None, list[object]]], extra_sheets=()) -> bytes:
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("so_lieu")
    sheet.freeze_panes = "A2"
    keys = [k for k, v in HEADERS.items() if v in header]
    for index, key in enumerate(keys, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = _WIDTHS[key]
    bold = Font(bold=True)

    def bold_row(target, names):
        head = []
        for name in names:
            cell = WriteOnlyCell(target, value=name)
            cell.font = bold
            head.append(cell)
        return head

    sheet.append(bold_row(sheet, header))
    value_index = header.index(HEADERS["value"]) if HEADERS["value"] in header else -1
    for source, row in rows:
        cells = []
        for index, item in enumerate(row):
            if index == value_index and isinstance(item, float | int):
                number = int(item) if float(item).is_integer() else item
                cell = WriteOnlyCell(sheet, value=number)
                value_type = source.data_element.value_type if source is not None else ValueType.INTEGER
                cell.number_format = _NUMBER_FORMATS.get(value_type, _DECIMAL_FORMAT)
                cells.append(cell)
            elif item is None or item == "":
                cells.append(None)
            else:
                cells.append(xlsx_value(sheet, str(item)))  # formula-like text stays literal text
        sheet.append(cells)
    for title, sheet_header, sheet_rows in extra_sheets:
        extra = workbook.create_sheet(title)
        extra.freeze_panes = "A2"
        for index in range(1, len(sheet_header) + 1):
            extra.column_dimensions[get_column_letter(index)].width = 36 if index > 1 else 30
        extra.append(bold_row(extra, sheet_header))
        for sheet_row in sheet_rows:
            extra.append(xlsx_row(extra, sheet_row))
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def template_file(fmt: str) -> bytes:
    """An empty import file with the right header; the XLSX adds a sheet listing every data element code."""
    header = [HEADERS[k] for k in EXPORT_KEYS]
    if fmt != XLSX:
        return ("\ufeff" + ",".join(header) + "\r\n").encode("utf-8")
    elements = DataElement.objects.order_by("area", "code")
    guide = [
        (e.code, e.name, e.get_period_type_display(), e.get_value_type_display(), e.unit_label, e.get_area_display())
        for e in elements
    ]
    guide_header = ["chi_tieu", _("Tên chỉ tiêu"), _("Kỳ thu thập"), _("Kiểu giá trị"), _("Đơn vị tính"),
                    _("Lĩnh vực")]  # fmt: skip
    return _xlsx_bytes(header, [], extra_sheets=[("danh_muc_chi_tieu", guide_header, guide)])
