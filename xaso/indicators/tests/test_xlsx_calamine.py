"""calamine reads the sheets written as Excel writes them, exactly as the streaming reader would; any other sheet
is streamed, and calamine is never asked for a grid larger than the sheet's rows × the column limit."""

from __future__ import annotations

import io
import zipfile
from datetime import date

import pytest
from openpyxl import Workbook

from xaso.indicators import xlsxcalamine
from xaso.indicators.filelimits import Budget, ImportFileError, ImportLimits, open_xlsx
from xaso.indicators.importexport import table_read
from xaso.indicators.tests.test_import_limits import GOOD_ROW, HEADER_ROW, parts, sheet, zipped
from xaso.indicators.xlsxread import _PERCENT, _style_kinds, _Workbook

pytestmark = pytest.mark.django_db


def takes_calamine(data: bytes) -> bool:
    limits = ImportLimits.current()
    budget = Budget(limits)
    archive = open_xlsx(data, limits)
    return xlsxcalamine.calamine_rows(archive, _Workbook(archive, limits, budget), set(), limits, budget) is not None


def read_both(data: bytes, monkeypatch):
    """(table read by calamine, table read by the streaming reader) of the same file."""
    assert takes_calamine(data)
    fast = table_read(data, "a.xlsx")
    with monkeypatch.context() as patch:
        patch.setattr(xlsxcalamine, "GRID_CELLS", 0)  # no grid is small enough: every sheet is streamed
        assert not takes_calamine(data)
        streamed = table_read(data, "a.xlsx")
    return fast, streamed


def openpyxl_file(rows, formats=None) -> bytes:
    workbook = Workbook()
    sheet_ = workbook.active
    sheet_.append(["chi_tieu", "ten_chi_tieu", "don_vi", "ten_don_vi", "ky", "gia_tri", "ghi_chu"])
    for row in rows:
        sheet_.append(row)
    for (row, column), fmt in (formats or {}).items():
        sheet_.cell(row=row, column=column).number_format = fmt
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def test_both_readers_give_the_same_rows_errors_and_row_numbers(monkeypatch):
    data = openpyxl_file(
        [
            ["households_total", "Tổng số hộ", 26296, "Xã An Viên", 2023, 1961, "Báo cáo số 12/BC-UBND"],
            [None] * 7,  # a blank row still counts in the numbering
            ["households_fibre", "Hộ có cáp quang", "26296", None, "2023", 1384.5, "'=SUM(A1:A9)"],
            ["dossiers_received", None, "26296", None, date(2023, 11, 1), 120, None],  # Excel's date for "2023-11"
            ["lan_completed", None, "26296", None, "2023", True, "  Đã kiểm tra  "],
            ["households_total", None, None, None, "2023", 5, None],  # no unit: a row error
            ["dossiers_online", None, "26296", None, "2023-11", "1.384", "Nhập tay"],
        ]
    )
    fast, streamed = read_both(data, monkeypatch)
    assert fast.count == streamed.count == 6
    assert [(r.row, r.element, r.unit, r.period, r.value, r.comment) for r in fast.rows] == [
        (2, "households_total", "26296", "2023", 1961, "Báo cáo số 12/BC-UBND"),
        (4, "households_fibre", "26296", "2023", 1384.5, "=SUM(A1:A9)"),
        (5, "dossiers_received", "26296", "2023-11", 120, ""),
        (6, "lan_completed", "26296", "2023", True, "Đã kiểm tra"),
        (8, "dossiers_online", "26296", "2023-11", "1.384", "Nhập tay"),
    ]
    assert [(r.row, r.element, r.unit, r.period, r.value, r.comment) for r in streamed.rows] == [
        (r.row, r.element, r.unit, r.period, r.value, r.comment) for r in fast.rows
    ]
    assert [(e.row, e.column, e.code) for e in fast.errors] == [(7, "don_vi", "blank")]
    assert [(e.row, e.column, e.message) for e in fast.errors] == [
        (e.row, e.column, e.message) for e in streamed.errors
    ]


def test_a_sheet_starting_below_and_right_of_a1_keeps_its_row_numbers(monkeypatch):
    rows = (
        '<row r="3"><c r="B3" t="inlineStr"><is><t>chi_tieu</t></is></c><c r="C3" t="inlineStr"><is><t>don_vi</t>'
        '</is></c><c r="D3" t="inlineStr"><is><t>ky</t></is></c><c r="E3" t="inlineStr"><is><t>gia_tri</t></is></c>'
        '</row><row r="5"><c r="B5" t="inlineStr"><is><t>households_total</t></is></c><c r="C5"><v>26296</v></c>'
        '<c r="D5"><v>2023</v></c><c r="E5"><v>1961</v></c></row>'
    )
    fast, streamed = read_both(zipped(parts(sheet=sheet(rows))), monkeypatch)
    assert [(r.row, r.element, r.unit, r.period, r.value) for r in fast.rows] == [
        (5, "households_total", "26296", "2023", 1961)
    ]
    assert [(r.row, r.unit, r.value) for r in streamed.rows] == [(5, "26296", 1961)]


@pytest.mark.parametrize(
    ("rows", "why"),
    [
        (HEADER_ROW + GOOD_ROW.replace('<c r="D2">', "<c>"), "a cell without its reference"),
        (HEADER_ROW + GOOD_ROW.replace('<row r="2">', "<row>"), "a row without its number"),
        (HEADER_ROW + GOOD_ROW.replace('r="D2"', 'r="d2"'), "a reference in lower case"),
        (HEADER_ROW + GOOD_ROW.replace('r="D2"', 'r="D99999"'), "a cell far below the last row"),
        (HEADER_ROW + GOOD_ROW.replace('r="2"', 'r="1"'), "rows out of order"),
        (HEADER_ROW + GOOD_ROW.replace('<c r="D2">', '<c r="D2" t="e">'), "an error cell"),
        (HEADER_ROW + GOOD_ROW.replace('<c r="D2">', "<c r='D2'>"), "single-quoted attributes"),
        (HEADER_ROW + GOOD_ROW.replace('<row r="2">', '<row spans="1:4" r="2">'), "a row number not first"),
        (HEADER_ROW + GOOD_ROW.replace("</row>", '<c r="AY2"><v>7</v></c></row>'), "a cell beyond the limit"),
    ],
)
def test_a_sheet_not_written_as_excel_writes_it_is_streamed(rows, why):
    data = zipped(parts(sheet=sheet(rows)))
    assert not takes_calamine(data), why
    try:
        table = table_read(data, "a.xlsx")
    except ImportFileError as exc:
        assert str(exc)  # the streaming reader's own refusal
    else:
        assert table.count >= 1


def test_a_percent_styled_cell_is_streamed_and_read_as_typed():
    data = openpyxl_file([["adults_smartphone_rate_stated", None, "26296", None, 2023, 0.706, None]], {(2, 6): "0.0%"})
    limits = ImportLimits.current()
    budget = Budget(limits)
    archive = open_xlsx(data, limits)
    book = _Workbook(archive, limits, budget)
    kinds = _style_kinds(archive, book.styles, limits, budget)
    percent = {i for i, kind in enumerate(kinds) if kind == _PERCENT}
    assert percent and xlsxcalamine.calamine_rows(archive, book, percent, limits, budget) is None
    assert [r.value for r in table_read(data, "a.xlsx").rows] == [pytest.approx(70.6)]


def test_calamine_is_handed_only_a_new_uncompressed_package_of_the_parts_already_checked():
    package = zipfile.ZipFile(xlsxcalamine._package(b"<worksheet/>", None, b"<styleSheet/>", date1904=True))
    assert sorted(package.namelist()) == [
        "[Content_Types].xml", "_rels/.rels", "xl/_rels/workbook.xml.rels", "xl/styles.xml", "xl/workbook.xml",
        "xl/worksheets/sheet1.xml",
    ]  # fmt: skip
    assert {info.compress_type for info in package.infolist()} == {zipfile.ZIP_STORED}
    assert b'date1904="1"' in package.read("xl/workbook.xml")


def test_a_cell_placed_below_the_last_row_by_its_own_reference_counts_against_the_row_limit(settings):
    rows = HEADER_ROW + GOOD_ROW.replace('<row r="2">', '<row r="8">').replace('r="A2"', 'r="A8"')
    rows = rows.replace('r="D2"', 'r="D9"')  # one digit, as the last row: calamine places it in row 9
    data = zipped(parts(sheet=sheet(rows)))
    assert takes_calamine(data)
    settings.XASO_IMPORT_LIMITS = {"rows": 8}
    with pytest.raises(ImportFileError, match="tệp có dòng thứ 9"):
        table_read(data, "a.xlsx")
