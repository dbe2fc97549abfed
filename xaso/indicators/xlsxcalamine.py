"""The first sheet of an XLSX read by calamine, once a scan of its markup shows calamine reads it as we would.

calamine (python-calamine, Rust) parses a sheet many times faster than any Python reader, but it builds the
whole sheet as one dense grid from its first to its last cell, cannot be stopped at a row or column budget,
and reads a percent-formatted 0.706 as 0.706 where a person typed 70.6 (docs/decisions/0010). So it is only
handed a sheet whose shape is known beforehand: the zip and the workbook have passed every bound of
`filelimits` and `xlsxread` (sizes, ratio, names, DTDs, sheets, shared strings), and a scan of the sheet's
inflated markup with `bytes.count` and anchored regular expressions (no XML parser) finds it written as Excel,
LibreOffice and openpyxl write it:

- UTF-8, no `<!` (DTD, entity, comment, CDATA) and no second processing instruction, double-quoted attributes;
- every `<row` and every `<c` starts with its reference (`<row r="7"`, `<c r="B7"`), rows in increasing order,
  no cell beyond the last row nor beyond the column limit, so calamine's grid is at most
  rows × columns and never more than `GRID_CELLS`;
- no error cell (`t="e"`: calamine reads `#N/A` as empty), no numeric text longer than the cell limit, no cell
  styled as a percent (calamine cannot give back the 70.6 typed).

Anything else (None from `calamine_rows`) is read by the streaming reader, which gives the same rows or the
precise refusal; the fuzz and bomb tests hold both to the same rule. calamine receives a new, uncompressed
zip holding only a workbook of one sheet written here, that sheet and the shared strings and styles already
read with expat: never a part whose inflated size was not bounded by zipfile.
"""

from __future__ import annotations

import bisect
import io
import re
import zipfile
from collections.abc import Iterator

from python_calamine import CalamineWorkbook

from .filelimits import Budget, ImportLimits, check_dimension, check_part_size, corrupt

#: the most cells (rows × columns from A1) calamine is asked to hold; a larger sheet is streamed instead
GRID_CELLS = 4_000_000

_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_PKG = "http://schemas.openxmlformats.org/package/2006/relationships"
_WORKBOOK = (
    '<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="{main}" xmlns:r="{rel}">{pr}'
    '<sheets><sheet name="S" sheetId="1" r:id="rId1"/></sheets></workbook>'
)
_WORKBOOK_RELS = (
    '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="{pkg}">'
    '<Relationship Id="rId1" Type="{rel}/worksheet" Target="worksheets/sheet1.xml"/>'
    '<Relationship Id="rId2" Type="{rel}/sharedStrings" Target="sharedStrings.xml"/>'
    '<Relationship Id="rId3" Type="{rel}/styles" Target="styles.xml"/></Relationships>'
)
_ROOT_RELS = (
    '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="{pkg}"><Relationship Id="rId1" '
    'Type="{rel}/officeDocument" Target="xl/workbook.xml"/></Relationships>'
)
_CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/'
    'content-types"><Default Extension="xml" ContentType="application/xml"/></Types>'
)

_DECLARATION = re.compile(rb"<\?xml[^>]*?encoding=\"([A-Za-z0-9_-]+)\"")
_ROW_NUMBERS = re.compile(rb'<row r="([0-9]{1,9})"')
#: a row that does not start with its number
_ODD_ROW = re.compile(rb'<row(?! r="[0-9]{1,9}")[\s/>]')
_ERROR_CELL = re.compile(rb""" t=["']e["']""")
_STYLES = re.compile(rb""" s=["']([0-9]{1,9})["']""")


def _pattern(source: bytes) -> re.Pattern:
    return re.compile(source)  # compiled once: `re` keeps the last few hundred patterns


def _column_number(letters: bytes) -> int:
    number = 0
    for char in letters:
        number = number * 26 + char - 64
    return number


def _plain_sheet(xml: bytes, percent_styles: set[int], limits: ImportLimits, budget: Budget) -> tuple[int, int] | None:
    """(last row, last column) of a sheet written as Excel writes it (see the module docstring), else None.

    Raises the row limit's ImportFileError for a sheet whose row numbers pass it, as the streaming reader would.
    Each test is one pass of `bytes.count` or of a regular expression anchored on a literal over the rows,
    without copying them (about 40 ms for the 9 MB sheet of a commune-year; docs/BENCHMARKS.md).
    """
    head = xml[:200]
    if head.startswith((b"\xff\xfe", b"\xfe\xff")) or (
        (declared := _DECLARATION.match(head.removeprefix(b"\xef\xbb\xbf"))) is not None
        and declared.group(1).lower() not in (b"utf-8", b"utf8")
    ):
        return None
    start, end = xml.find(b"<sheetData>"), xml.find(b"</sheetData>")
    if start < 0 or end < start:
        return None
    prolog = xml[:start]
    if b"<!" in prolog or prolog.count(b"<?") > 1:  # a DTD: the streaming reader refuses it
        return None
    for tag in re.findall(rb"<dimension\b[^>]*>", prolog):
        declared = re.fullmatch(rb'<dimension ref="([A-Za-z0-9:$]{1,100})"\s*/>', tag)
        if declared is None:
            return None
        check_dimension(declared.group(1).decode(), limits)  # the streaming reader's refusal
    # rows: each starts with its number, in increasing order
    numbers = [int(n) for n in _ROW_NUMBERS.findall(xml, start, end)]
    if not numbers or _ODD_ROW.search(xml, start, end) or numbers[0] < 1:
        return None
    if any(a >= b for a, b in zip(numbers, numbers[1:], strict=False)):
        return None
    first_over = bisect.bisect_right(numbers, limits.rows)
    if first_over < len(numbers):
        budget.row(numbers[first_over])  # the streaming reader's refusal, at the same row
    last_row = numbers[-1]
    # cells: each starts with its reference. Usually one letter and no more digits than the last row, which
    # bounds calamine's grid at once; otherwise the columns and rows of the references are looked at.
    digits = len(str(last_row))
    last_column, lowest = 26, 10**digits - 1
    if limits.columns < 26 or _pattern(rb'<c(?! r="[A-Z][0-9]{1,%d}")[\s/>]' % digits).search(xml, start, end):
        if _pattern(rb'<c(?! r="[A-Z]{1,3}[0-9]{1,%d}")[\s/>]' % digits).search(xml, start, end):
            return None  # a cell without its reference first, or placed below the rows' digits
        letters = 1 if limits.columns < 26 else 2
        wide = set(_pattern(rb'<c r="([A-Z]{%d,3})[0-9]' % letters).findall(xml, start, end))
        last_column = max((_column_number(c) for c in wide), default=26)
        if last_column > limits.columns:
            return None
    if lowest * last_column > GRID_CELLS:
        pattern = rb'<c r="[A-Z]{1,3}([0-9]{%d})"' % digits
        lowest = max(map(int, _pattern(pattern).findall(xml, start, end)), default=last_row)
        if lowest > last_row or last_row * last_column > GRID_CELLS:
            return None
    if _ERROR_CELL.search(xml, start, end):
        return None
    if _pattern(rb'<[vt](?: xml:space="preserve")?>[^<]{%d}' % (limits.cell_chars + 1)).search(xml, start, end):
        return None  # the streaming reader names the row
    if percent_styles and percent_styles & {int(s) for s in set(_STYLES.findall(xml, start, end))}:
        return None
    budget.tick()
    return last_row, last_column


def _package(sheet: bytes, strings: bytes | None, styles: bytes | None, date1904: bool) -> io.BytesIO:
    """A new stored (uncompressed) zip of one sheet and the parts calamine needs, under the usual names."""
    names = {"main": _MAIN, "rel": _REL, "pkg": _PKG}
    pr = '<workbookPr date1904="1"/>' if date1904 else ""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_STORED) as package:
        package.writestr("[Content_Types].xml", _CONTENT_TYPES)
        package.writestr("_rels/.rels", _ROOT_RELS.format(**names))
        package.writestr("xl/workbook.xml", _WORKBOOK.format(pr=pr, **names))
        package.writestr("xl/_rels/workbook.xml.rels", _WORKBOOK_RELS.format(**names))
        package.writestr("xl/worksheets/sheet1.xml", sheet)
        if strings is not None:
            package.writestr("xl/sharedStrings.xml", strings)
        if styles is not None:
            package.writestr("xl/styles.xml", styles)
    out.seek(0)
    return out


def calamine_rows(
    archive: zipfile.ZipFile, book, percent_styles: set[int], limits: ImportLimits, budget: Budget
) -> Iterator[tuple[int, list[object]]] | None:
    """(row number, cells from column A) of the first sheet read by calamine, or None when the sheet is not
    plainly written and must be streamed. `book` is `xlsxread._Workbook`, whose parts have been read already."""
    try:
        info = archive.getinfo(book.sheet)
    except KeyError:
        raise corrupt() from None
    check_part_size(info, limits.xlsx_sheet_bytes)
    try:
        xml = archive.read(info)
        strings = archive.read(book.strings) if book.strings in archive.NameToInfo else None
        styles = archive.read(book.styles) if book.styles in archive.NameToInfo else None
    except Exception as exc:  # zipfile and zlib raise many kinds on a damaged part: all mean "damaged"
        raise corrupt() from exc
    budget.tick()
    shape = _plain_sheet(xml, percent_styles, limits, budget)
    if shape is None:
        return None
    try:
        sheet = CalamineWorkbook.from_filelike(_package(xml, strings, styles, book.date1904)).get_sheet_by_index(0)
        grid = sheet.to_python(skip_empty_area=True)
        (first_row, first_column), (last_row, _last_column) = sheet.start, sheet.end
    except Exception as exc:  # calamine's CalamineError, XmlError, ZipError...: all mean "damaged"
        raise corrupt() from exc
    budget.row(last_row + 1)  # a cell whose own reference lies below the last row
    budget.tick()
    if first_column:
        pad = [None] * first_column
        grid = [pad + row for row in grid]
    return zip(range(first_row + 1, first_row + 1 + len(grid)), grid, strict=True)
