"""The first sheet of an XLSX as rows of Python values, read as a stream within an import's budget.

Why not openpyxl or calamine (docs/decisions/0010-streaming-xlsx-reader.md): both load the shared strings
whole, openpyxl builds each row whole and pads it to the declared dimension or the farthest cell, calamine
builds the whole sheet as one dense grid; neither can be stopped at a row, column or time budget. calamine
reads a sheet only once `xlsxcalamine` has found its shape bounded (decision 0016); every other sheet is
streamed here. Here each part is pushed through expat in 64 KB pieces: no tree is built, every bound is
checked as the markup arrives, and a DTD or entity declaration is refused the moment it appears (what
defusedxml does, on the parser we drive). Values come out as openpyxl gave them: numbers, text, booleans,
dates for date formats, and a percent-formatted 0.706 as 70.6.
"""

from __future__ import annotations

import contextlib
import posixpath
import re
import zipfile
from collections.abc import Callable, Iterator
from datetime import datetime, timedelta
from xml.parsers import expat

from django.utils.translation import gettext as _
from openpyxl.styles.numbers import BUILTIN_FORMATS, is_date_format

from xaso.core.formatting import format_number

from .filelimits import Budget, ImportFileError, ImportLimits, check_dimension, check_part_size, corrupt, open_xlsx
from .xlsxcalamine import calamine_rows

_CHUNK = 64 * 1024
_CELL_REF = re.compile(r"^([A-Z]{1,3})([0-9]{1,7})$")
_DATE, _PERCENT = "date", "percent"
_EPOCH_1900, _EPOCH_1904 = datetime(1899, 12, 30), datetime(1904, 1, 1)
#: serial day numbers read as dates: 1900-01-01 … 9999-12-31
_LAST_SERIAL = 2_958_465
_MAX_STYLES = 65_536


class _Stop(Exception):
    """The part has given what is needed (the sheet's rows end): stop parsing its tail."""


def _refuse_dtd(*_args) -> None:
    raise ImportFileError(
        _("Tệp XLSX chứa khai báo DTD hoặc thực thể XML, không được phép: mở bằng Excel và lưu lại dạng .xlsx.")
    )


def _pieces(
    archive: zipfile.ZipFile,
    name: str,
    limit: int,
    budget: Budget,
    start: Callable[[str, dict], None],
    end: Callable[[str], None] | None = None,
    text: Callable[[str], None] | None = None,
) -> Iterator[None]:
    """Push part `name` through expat with these handlers (tags by local name; attributes as written,
    a prefixed one as "namespace name"), yielding after each piece so the caller can hand rows on."""
    try:
        info = archive.getinfo(name)
    except KeyError:
        raise corrupt() from None
    check_part_size(info, limit)
    parser = expat.ParserCreate(namespace_separator=" ")
    parser.StartDoctypeDeclHandler = _refuse_dtd
    parser.EntityDeclHandler = _refuse_dtd
    parser.ExternalEntityRefHandler = _refuse_dtd
    parser.StartElementHandler = lambda tag, attrs: start(tag.rpartition(" ")[2], attrs)
    if end is not None:
        parser.EndElementHandler = lambda tag: end(tag.rpartition(" ")[2])
    if text is not None:
        parser.CharacterDataHandler = text
    parser.buffer_text = True
    parser.buffer_size = _CHUNK
    try:
        with archive.open(info) as stream:
            while chunk := stream.read(_CHUNK):
                parser.Parse(chunk, False)
                budget.tick()
                yield
            parser.Parse(b"", True)
    except _Stop:
        return
    except ImportFileError:
        raise
    except Exception as exc:  # expat, zipfile and zlib raise many kinds on a damaged part: all mean "damaged"
        raise corrupt() from exc


def _parse(*args, **kwargs) -> None:
    for _piece in _pieces(*args, **kwargs):
        pass


def _attr(attrs: dict, name: str) -> str:
    """An attribute whatever its namespace prefix (`r:id` arrives as "…/relationships id")."""
    for key, value in attrs.items():
        if key.rpartition(" ")[2] == name:
            return value
    return ""


def _column_number(letters: str) -> int:
    number = 0
    for char in letters:
        number = number * 26 + ord(char) - 64
    return number


def _resolve(base: str, target: str) -> str:
    path = target[1:] if target.startswith("/") else posixpath.join(posixpath.dirname(base), target)
    return posixpath.normpath(path)


def _relationships(archive: zipfile.ZipFile, part: str, limits: ImportLimits, budget: Budget) -> dict[str, tuple]:
    """Id → (type suffix, resolved target) of the relationships of `part`."""
    rels_name = posixpath.join(posixpath.dirname(part), "_rels", posixpath.basename(part) + ".rels")
    found: dict[str, tuple] = {}
    if rels_name not in archive.NameToInfo:
        return found

    def start(tag, attrs):
        if tag == "Relationship" and "Target" in attrs and attrs.get("TargetMode") != "External":
            kind = attrs.get("Type", "").rpartition("/")[2]
            found[attrs.get("Id", "")] = (kind, _resolve(part, attrs["Target"]))

    _parse(archive, rels_name, limits.xlsx_part_bytes, budget, start)
    return found


class _Workbook:
    """Where the first sheet, the shared strings and the styles are, and the date system."""

    def __init__(self, archive: zipfile.ZipFile, limits: ImportLimits, budget: Budget):
        root = {kind: target for kind, target in _relationships(archive, "", limits, budget).values()}
        self.path = root.get("officeDocument", "xl/workbook.xml")
        self.date1904 = False
        self.sheets: list[str] = []

        def start(tag, attrs):
            if tag == "workbookPr":
                self.date1904 = attrs.get("date1904", "").lower() in ("1", "true")
            elif tag == "sheet":
                self.sheets.append(_attr(attrs, "id"))
                if len(self.sheets) > limits.xlsx_sheets:
                    raise ImportFileError(
                        _("Tệp XLSX có hơn %(max)s trang tính (giới hạn): chép trang số liệu sang một tệp mới.")
                        % {"max": limits.xlsx_sheets}
                    )

        _parse(archive, self.path, limits.xlsx_part_bytes, budget, start)
        rels = _relationships(archive, self.path, limits, budget)
        if not self.sheets or self.sheets[0] not in rels:
            raise ImportFileError(_("Tệp XLSX không có trang tính nào: mở bằng Excel và lưu lại dạng .xlsx."))
        kind, self.sheet = rels[self.sheets[0]]
        if kind != "worksheet":
            raise ImportFileError(
                _("Trang đầu tiên của tệp XLSX không phải bảng tính (có thể là biểu đồ): đặt bảng số liệu lên đầu.")
            )
        by_kind = {kind: target for kind, target in rels.values()}
        self.strings = by_kind.get("sharedStrings")
        self.styles = by_kind.get("styles")


def _style_kinds(archive: zipfile.ZipFile, name: str | None, limits: ImportLimits, budget: Budget) -> list:
    """For each cell style index: "date", "percent" or None, from its number format."""
    if name is None or name not in archive.NameToInfo:
        return []
    formats = dict(BUILTIN_FORMATS)
    kinds: list = []
    depth = {"cellXfs": False}

    def start(tag, attrs):
        if tag == "numFmt":
            with contextlib.suppress(ValueError):
                formats[int(attrs.get("numFmtId", ""))] = attrs.get("formatCode", "")
        elif tag == "cellXfs":
            depth["cellXfs"] = True
        elif tag == "xf" and depth["cellXfs"]:
            if len(kinds) >= _MAX_STYLES:
                raise corrupt()
            try:
                code = formats.get(int(attrs.get("numFmtId", "0")), "")
            except ValueError:
                code = ""
            kinds.append(_DATE if code and is_date_format(code) else _PERCENT if "%" in code else None)

    def end(tag):
        if tag == "cellXfs":
            depth["cellXfs"] = False

    _parse(archive, name, limits.xlsx_part_bytes, budget, start, end)
    return kinds


def _shared_strings(archive: zipfile.ZipFile, name: str | None, limits: ImportLimits, budget: Budget) -> list[str]:
    if name is None or name not in archive.NameToInfo:
        return []
    strings: list[str] = []
    state = {"si": False, "t": False, "rPh": False, "size": 0}
    parts: list[str] = []

    def start(tag, attrs):
        if tag == "si":
            state["si"], state["size"] = True, 0
            parts.clear()
        elif tag == "t":
            state["t"] = True
        elif tag == "rPh":
            state["rPh"] = True

    def end(tag):
        if tag == "si":
            state["si"] = False
            strings.append("".join(parts))
            if len(strings) > limits.xlsx_strings:
                raise ImportFileError(
                    _("Tệp XLSX có hơn %(max)s chuỗi văn bản dùng chung (giới hạn): chia thành nhiều tệp nhỏ hơn.")
                    % {"max": format_number(limits.xlsx_strings)}
                )
        elif tag == "t":
            state["t"] = False
        elif tag == "rPh":
            state["rPh"] = False

    def text(data):
        if state["si"] and state["t"] and not state["rPh"]:
            state["size"] += len(data)
            if state["size"] > limits.cell_chars:
                raise ImportFileError(
                    _("Tệp XLSX có một chuỗi văn bản dài hơn %(max)s ký tự, vượt giới hạn mỗi ô.")
                    % {"max": format_number(limits.cell_chars)}
                )
            parts.append(data)

    _parse(archive, name, limits.xlsx_strings_bytes, budget, start, end, text)
    return strings


class _SheetReader:
    """Collects the rows of the sheet as expat reports them in `ready`; `xlsx_rows` hands them on per piece."""

    def __init__(self, strings: list[str], kinds: list, date1904: bool, limits: ImportLimits, budget: Budget):
        self.strings, self.kinds, self.limits, self.budget = strings, kinds, limits, budget
        self.epoch = _EPOCH_1904 if date1904 else _EPOCH_1900
        self.ready: list[list[object]] = []
        self.row_number = 0  # the last row handed on
        self.current: dict[int, object] | None = None
        self.current_number = 0
        self.cells = 0
        self.column = 0
        self.cell: dict | None = None
        self.text: list[str] = []
        self.text_size = 0
        self.in_value = False
        self.in_phonetic = False

    def start(self, tag: str, attrs: dict) -> None:
        if tag == "c" and self.current is not None:
            self.cells += 1
            if self.cells > self.limits.xlsx_row_cells:
                raise ImportFileError(
                    _("Dòng %(row)s của trang tính có hơn %(max)s ô: tệp hỏng hoặc không phải bảng số liệu.")
                    % {"row": self.current_number, "max": format_number(self.limits.xlsx_row_cells)}
                )
            ref = attrs.get("r")
            if ref:
                match = _CELL_REF.match(ref)
                if match is None:
                    raise corrupt()
                self.column = _column_number(match.group(1))
            else:
                self.column += 1
            self.cell = {"t": attrs.get("t", "n"), "s": attrs.get("s")}
            self.text, self.text_size = [], 0
        elif tag in ("v", "t") and self.cell is not None and not self.in_phonetic:
            self.in_value = True
        elif tag == "rPh":
            self.in_phonetic = True
        elif tag == "row":
            self._row_start(attrs.get("r"))
        elif tag == "dimension":
            self._dimension(attrs.get("ref", ""))

    def _row_start(self, ref: str | None) -> None:
        if ref is None:
            number = self.row_number + 1
        elif ref.isascii() and ref.isdigit() and len(ref) <= 9:
            number = int(ref)
        else:
            raise corrupt()
        if number <= self.row_number:
            raise corrupt()  # rows out of order or repeated
        self.budget.row(number)
        for blank in range(self.row_number + 1, number):  # rows the sheet leaves out are blank
            self.budget.row(blank)
            self.ready.append([])
        self.current, self.current_number, self.cells, self.column = {}, number, 0, 0

    def _dimension(self, ref: str) -> None:
        check_dimension(ref, self.limits)

    def text_data(self, data: str) -> None:
        if self.in_value:
            self.text_size += len(data)
            self.budget.cell(self.current_number, self.text_size)
            self.text.append(data)

    def end(self, tag: str) -> None:
        if tag in ("v", "t"):
            self.in_value = False
        elif tag == "rPh":
            self.in_phonetic = False
        elif tag == "c" and self.cell is not None and self.current is not None:
            value = self._value("".join(self.text))
            if value is not None and value != "":
                self.budget.column(self.current_number, self.column)
                self.current[self.column] = value
            self.cell = None
        elif tag == "row" and self.current is not None:
            width = max(self.current, default=0)
            self.ready.append([self.current.get(i) for i in range(1, width + 1)])
            self.row_number, self.current = self.current_number, None
        elif tag == "sheetData":
            raise _Stop

    def _value(self, text: str) -> object:
        kind = self.cell["t"]
        if not text and kind not in ("inlineStr", "str"):
            return None  # a styled empty cell
        if kind == "s":
            if not (text.isascii() and text.isdigit()) or int(text) >= len(self.strings):
                raise corrupt()
            return self.strings[int(text)]
        if kind in ("inlineStr", "str", "e"):
            return text
        if kind == "b":
            return text.strip() in ("1", "true")
        if kind == "d":
            try:
                return datetime.fromisoformat(text.strip())
            except ValueError:
                return text
        if not text.strip():
            return None
        try:
            number: float | int = int(text) if text.isascii() and text.strip().lstrip("-").isdigit() else float(text)
        except ValueError:
            raise corrupt() from None
        style = self.cell["s"]
        style_kind = None
        if style is not None and style.isascii() and style.isdigit() and int(style) < len(self.kinds):
            style_kind = self.kinds[int(style)]
        if style_kind == _PERCENT:
            return number * 100  # 0.706 shown as 70,6% means 70.6
        if style_kind == _DATE and 0 <= number <= _LAST_SERIAL:
            return self.epoch + timedelta(days=float(number))
        return number


def xlsx_rows(
    data: bytes, limits: ImportLimits, budget: Budget, *, stream: bool = False
) -> Iterator[tuple[int, list[object]]]:
    """(row number, cells from column A) of the first sheet, within `budget`; rows may be left out.

    The zip is inspected and the workbook, styles and shared strings read first. A sheet written as Excel
    writes it is then read by calamine (`xlsxcalamine`); any other is streamed: its rows handed on piece by
    piece as they are parsed, so at most one piece's rows are held here. `stream` streams every sheet: for a
    reader wanting only the first rows (a header), which calamine would read whole.
    """
    archive = open_xlsx(data, limits)
    book = _Workbook(archive, limits, budget)
    kinds = _style_kinds(archive, book.styles, limits, budget)
    strings = _shared_strings(archive, book.strings, limits, budget)
    percent = {index for index, kind in enumerate(kinds) if kind == _PERCENT}
    fast = None if stream else calamine_rows(archive, book, percent, limits, budget)
    if fast is not None:
        yield from fast
        return
    yield from enumerate(_streamed_rows(archive, book, strings, kinds, limits, budget), start=1)


def _streamed_rows(archive, book, strings, kinds, limits: ImportLimits, budget: Budget) -> Iterator[list[object]]:
    """The rows of the sheet in order, a row the sheet leaves out as []."""
    reader = _SheetReader(strings, kinds, book.date1904, limits, budget)
    for _piece in _pieces(
        archive, book.sheet, limits.xlsx_sheet_bytes, budget, reader.start, reader.end, reader.text_data
    ):
        rows, reader.ready = reader.ready, []
        yield from rows
    yield from reader.ready
