"""Import and export of data values: encodings, delimiters, XLSX, all-or-nothing, the error report, round trips."""

from __future__ import annotations

import io
import unicodedata
from datetime import date

import pytest
from django.core.exceptions import PermissionDenied
from openpyxl import Workbook, load_workbook

from xaso.core.models import Period, period_get_or_create
from xaso.indicators import importexport
from xaso.indicators.errors import BulkValueError
from xaso.indicators.importexport import ImportFileError, export_values, read_table, values_import
from xaso.indicators.models import ChangeSource, DataValue, DataValueChange
from xaso.indicators.services import ValueInput, values_write

pytestmark = pytest.mark.django_db

HEADER = ["chi_tieu", "don_vi", "ky", "gia_tri", "ghi_chu"]
COMMENT = "Theo số liệu điều tra của thôn Bến Sắn; Ưu tiên đường Đông Điền"
_TONE_MARKS = {"\u0300", "\u0301", "\u0303", "\u0309", "\u0323"}


def to_cp1258(text: str) -> bytes:
    """Vietnamese as Windows-1258 writes it: letters with ^ ˘ ơ ư precomposed, tone marks as combining bytes."""
    out = b""
    for char in unicodedata.normalize("NFC", text):
        decomposed = unicodedata.normalize("NFD", char)
        base = unicodedata.normalize("NFC", "".join(c for c in decomposed if c not in _TONE_MARKS))
        tones = "".join(c for c in decomposed if c in _TONE_MARKS)
        out += base.encode("cp1258") + tones.encode("cp1258")
    return out


def csv_text(rows, header=HEADER, delimiter=",") -> str:
    lines = [delimiter.join(header)] + [delimiter.join(str(c) for c in row) for row in rows]
    return "\r\n".join(lines) + "\r\n"


def xlsx_bytes(rows, header=HEADER, formats=None) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    for (row, column), fmt in (formats or {}).items():
        sheet.cell(row=row, column=column).number_format = fmt
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def stored(unit, code, period="2023"):
    return DataValue.objects.get(unit=unit, data_element__code=code, period__code=period)


@pytest.fixture
def an_vien_2023():
    return [
        ["households_total", "26296", "2023", "1.961", COMMENT],
        ["households_fibre", "26296", "2023", "1384", ""],
    ]


# encodings and delimiters


@pytest.mark.parametrize(
    "encode",
    [
        pytest.param(lambda t: t.encode("utf-8"), id="utf-8"),
        pytest.param(lambda t: t.encode("utf-8-sig"), id="utf-8-bom"),
        pytest.param(to_cp1258, id="windows-1258"),
        pytest.param(lambda t: t.encode("utf-16"), id="utf-16-excel-unicode-text"),
    ],
)
def test_csv_imports_in_every_vietnamese_encoding(catalog, an_vien, an_vien_officer, an_vien_2023, encode):
    data = encode(csv_text(an_vien_2023))
    report = values_import(user=an_vien_officer, data=data, filename="so-lieu.csv")
    assert report.errors == []
    assert (report.result.created, report.rows) == (2, 2)
    total = stored(an_vien, "households_total")
    assert total.value == 1961
    assert total.comment == COMMENT  # NFC, whatever the file's form (Windows-1258 has combining tone marks)
    assert stored(an_vien, "households_fibre").value == 1384
    assert DataValueChange.objects.filter(source=ChangeSource.IMPORT).count() == 2


def test_windows_1258_bytes_really_use_combining_tone_marks():
    raw = to_cp1258("Bến")
    assert raw == b"B\xea\xecn"  # ê, then the combining acute (0xEC)
    text, encoding = importexport.decode_text(b"chi_tieu\r\n" + raw)
    assert (text, encoding) == ("chi_tieu\r\nBến", "windows-1258")


def test_nfd_utf8_from_a_mac_is_stored_as_nfc(catalog, an_vien, an_vien_officer, an_vien_2023):
    data = unicodedata.normalize("NFD", csv_text(an_vien_2023)).encode("utf-8")
    values_import(user=an_vien_officer, data=data, filename="so-lieu.csv")
    assert stored(an_vien, "households_total").comment == COMMENT


def test_semicolon_csv_with_vietnamese_headers_and_numbers(catalog, nga_dien, nga_dien_officer):
    text = csv_text(
        [
            ["households_total", "legacy:16150", "2023", "1.961", ""],
            ["households_fibre_rate_stated", "legacy:16150", "2023", "70,6", "Báo cáo 2023"],
            ["households_fibre", "legacy:16150", "2023", "1.384", ""],
        ],
        header=["Chỉ tiêu", "Đơn vị", "Kỳ", "Giá trị", "Ghi chú"],
        delimiter=";",
    )
    report = values_import(user=nga_dien_officer, data=text.encode("utf-8-sig"), filename="nga-dien.csv")
    assert report.errors == [] and report.result.created == 3
    assert stored(nga_dien, "households_fibre_rate_stated").value == 70.6
    assert stored(nga_dien, "households_fibre").value == 1384


def test_tab_delimited_text_with_english_headers(catalog, an_vien, an_vien_officer):
    text = csv_text([["camera_points", "26296", "2023", "25", ""]], header=["Element", "Unit", "Period", "Value",
                                                                             "Comment"], delimiter="\t")  # fmt: skip
    assert values_import(user=an_vien_officer, data=text.encode(), filename="export.txt").errors == []
    assert stored(an_vien, "camera_points").value == 25


def test_unknown_extra_columns_are_ignored_and_blank_lines_skipped(catalog, an_vien, an_vien_officer):
    text = "stt,chi_tieu,don_vi,ky,gia_tri\r\n1,households_total,26296,2023,1961\r\n,,,,\r\n\r\n"
    report = values_import(user=an_vien_officer, data=text.encode(), filename="a.csv")
    assert report.errors == [] and report.rows == 1


# one bad row saves nothing


@pytest.mark.parametrize(
    ("bad_row", "column", "message"),
    [
        (["households_fibre", "26296", "2023", "nhiều", ""], "gia_tri", "“nhiều” không phải là số"),
        (["households_fibre", "99999", "2023", "1384", ""], "don_vi", "Không có đơn vị hành chính mã “99999”"),
        (["households_fibre", "26170", "2023", "1384", ""], "don_vi", "Bạn không có quyền nhập số liệu cho Xã Trị An"),
        (["households_fibre", "26296", str(date.today().year + 1), "1384", ""], "ky", "chưa bắt đầu"),
        (["households_fibre", "26296", "2023", "1384.5", ""], "gia_tri", "“1384.5” không phải số nguyên"),
        (["households_fibre", "26296", "2023-13", "1384", ""], "ky", "không hợp lệ"),
        (["households_fibre", "26296", "2023", "2000", ""], "gia_tri", "Số hộ có cáp quang lớn hơn tổng số hộ"),
        (["no_such_element", "26296", "2023", "1", ""], "chi_tieu", "Không có chỉ tiêu dữ liệu mã “no_such_element”"),
        (["", "26296", "2023", "1", ""], "chi_tieu", "Ô trống: cần mã chỉ tiêu"),
        (["households_total", "26296", "2023", "1961", ""], "chi_tieu", "Trùng với dòng 2"),
    ],
    ids=[
        "text-in-number",
        "unknown-unit",
        "other-commune",
        "future-period",
        "fraction-in-count",
        "bad-period",
        "breaks-rule",
        "unknown-element",
        "blank-element",
        "duplicate",
    ],
)
def test_file_with_one_bad_row_saves_nothing_and_names_row_and_column(
    catalog, an_vien, tri_an, an_vien_officer, bad_row, column, message
):
    rows = [
        ["households_total", "26296", "2023", "1961", ""],
        bad_row,  # spreadsheet row 3
        ["camera_points", "26296", "2023", "25", ""],
    ]
    report = values_import(user=an_vien_officer, data=csv_text(rows).encode(), filename="a.csv")
    assert not report.saved
    assert [(e.row, e.column) for e in report.errors] == [(3, column)]
    assert message in report.errors[0].message
    assert DataValue.objects.count() == 0 and DataValueChange.objects.count() == 0


def test_every_bad_row_is_reported_at_once(catalog, an_vien, an_vien_officer):
    rows = [
        ["households_total", "26296", "2023", "abc", ""],
        ["households_fibre", "26296", "2023", "1384", ""],
        ["camera_points", "xyz", "2023", "25", ""],
        ["", "26296", "2023", "4", ""],
    ]
    report = values_import(user=an_vien_officer, data=csv_text(rows).encode(), filename="a.csv")
    assert [(e.row, e.column) for e in report.errors] == [(2, "gia_tri"), (4, "don_vi"), (5, "chi_tieu")]
    assert DataValue.objects.count() == 0


def test_a_bad_cell_a_bad_key_and_a_broken_rule_are_reported_in_one_pass(catalog, an_vien, an_vien_officer):
    rows = [
        ["households_total", "26296", "2023", "1.961", ""],
        ["households_fibre", "26296", "2023", "2.000", ""],  # 2,000 > 1,961 households: breaks the rule
        ["camera_points", "26296", "2023", "１２", ""],  # full-width digits
        ["population_total", "99999", "2023", "7410", ""],  # no such unit
    ]
    before = (DataValue.objects.count(), DataValueChange.objects.count(), Period.objects.count())
    report = values_import(user=an_vien_officer, data=csv_text(rows).encode(), filename="a.csv")
    assert [(e.row, e.column, e.code) for e in report.errors] == [
        (3, "gia_tri", "rule_fibre_le_households"),  # at the fibre row, the first element of the rule
        (4, "gia_tri", "bad_value"),
        (5, "don_vi", "unknown_unit"),
    ]
    assert report.errors[0].message.startswith("Số hộ có cáp quang lớn hơn tổng số hộ. (2.000 so với 1.961")
    assert "“１２”" in report.errors[1].message
    assert (DataValue.objects.count(), DataValueChange.objects.count(), Period.objects.count()) == before


def test_a_rule_is_not_judged_on_a_figure_whose_new_value_could_not_be_read(catalog, an_vien, an_vien_officer):
    values_write(user=an_vien_officer, rows=[ValueInput("households_total", "26296", "2023", 1000)])
    rows = [
        ["households_total", "26296", "2023", "2.5OO", ""],  # letters O: unreadable, would replace the 1,000
        ["households_fibre", "26296", "2023", "1.384", ""],  # above the stored 1,000, not above the file's total
    ]
    report = values_import(user=an_vien_officer, data=csv_text(rows).encode(), filename="a.csv")
    assert [(e.row, e.code) for e in report.errors] == [(2, "bad_value")]
    assert stored(an_vien, "households_total").value == 1000


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("chi_tieu,don_vi,ky,gia_tri\r\nhouseholds_fibre_rate_stated,26296,2023,70,6\r\n", "extra_cells"),
        ("chi_tieu,don_vi,ky,gia_tri,ghi_chu\r\nhouseholds_fibre_rate_stated,26296,2023,70,6,\r\n", "extra_cells"),
        ("chi_tieu,don_vi,ky,gia_tri,ghi_chu\r\nhouseholds_fibre_rate_stated,26296,2023,70,6\r\n", "split_decimal"),
    ],
    ids=["no-comment-column", "trailing-comma", "lands-in-comment"],
)
def test_unquoted_comma_decimal_in_comma_csv_is_refused_and_explained(catalog, an_vien, an_vien_officer, text, code):
    report = values_import(user=an_vien_officer, data=text.encode(), filename="a.csv")
    assert [(e.row, e.column, e.code) for e in report.errors] == [(2, "gia_tri", code)]
    assert "ngoặc kép" in report.errors[0].message
    assert DataValue.objects.count() == 0


def test_quoted_comma_decimal_in_comma_csv_is_read(catalog, an_vien, an_vien_officer):
    text = 'chi_tieu,don_vi,ky,gia_tri,ghi_chu\r\nhouseholds_fibre_rate_stated,26296,2023,"70,6",6\r\n'
    assert values_import(user=an_vien_officer, data=text.encode(), filename="a.csv").errors == []
    assert stored(an_vien, "households_fibre_rate_stated").value == 70.6


def test_error_column_is_named_as_the_file_names_it(catalog, an_vien, an_vien_officer):
    text = "Chỉ tiêu;Đơn vị;Kỳ;Giá trị\r\nhouseholds_total;26296;2023;nhiều\r\n"
    report = values_import(user=an_vien_officer, data=text.encode(), filename="a.csv")
    assert [(e.row, e.column) for e in report.errors] == [(2, "Giá trị")]


def test_too_long_comment_is_refused_not_cut(catalog, an_vien, an_vien_officer):
    rows = [["households_total", "26296", "2023", "1961", "x" * 501]]
    report = values_import(user=an_vien_officer, data=csv_text(rows).encode(), filename="a.csv")
    assert [(e.row, e.column, e.code) for e in report.errors] == [(2, "ghi_chu", "comment_too_long")]


def test_check_only_reports_what_would_happen_and_saves_nothing(catalog, an_vien, an_vien_officer, an_vien_2023):
    report = values_import(
        user=an_vien_officer, data=csv_text(an_vien_2023).encode(), filename="a.csv", check_only=True
    )
    assert report.is_ok and not report.saved and report.result.created == 2
    assert DataValue.objects.count() == 0 and DataValueChange.objects.count() == 0
    assert not Period.objects.filter(code="2023").exists()


def test_read_table_raises_the_row_errors(catalog):
    with pytest.raises(BulkValueError) as caught:
        read_table(b"chi_tieu,don_vi,ky,gia_tri\r\nhouseholds_total,,2023,1\r\n", "a.csv")
    assert [(e.row, e.column) for e in caught.value.errors] == [(2, "don_vi")]
    rows = read_table(b"chi_tieu,don_vi,ky,gia_tri\r\nhouseholds_total,26296,2023,1\r\n", "a.csv")
    assert rows == [ValueInput("households_total", "26296", "2023", "1", "", row=2, columns=rows[0].columns)]


# files that cannot be read at all


@pytest.mark.parametrize(
    ("data", "filename", "message"),
    [
        (b"", "a.csv", "Tệp rỗng"),
        (b"\r\n\r\n", "a.csv", "Tệp rỗng"),
        (b"\xef\xbb\xbf", "a.csv", "Tệp rỗng"),
        (b"chi_tieu,don_vi,ky,gia_tri\r\n", "a.csv", "không có dòng số liệu"),
        (b"chi_tieu,ky,value\r\na,2023,1\r\n", "a.csv", "Thiếu cột bắt buộc: don_vi"),
        (b"%PDF-1.7 ...", "bao-cao.pdf", "không phải CSV hay XLSX"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100, "so-lieu.xls", "Excel 97-2003"),
        (b"PK\x03\x04 not really a zip", "so-lieu.xlsx", "Không mở được tệp XLSX"),
        (b"chi_tieu,don_vi\x00\x01\x02", "a.csv", "ký tự điều khiển"),
        (b"chi_tieu,chi_tieu,don_vi,ky,gia_tri\r\n", "a.csv", "cùng là cột chi_tieu"),
        (
            b'chi_tieu,don_vi,ky,gia_tri\r\na,b,2023,1\r\na,b,2023,"1961\r\na,b,2023,1\r\n',
            "a.csv",
            "ở dòng 3: dấu ngoặc",
        ),
        (b'chi_tieu,don_vi,ky,gia_tri\r\na,b,2023,"70"6\r\n', "a.csv", "ở dòng 2: dấu ngoặc"),
    ],
    ids=[
        "empty",
        "blank-lines",
        "only-bom",
        "header-only",
        "missing-columns",
        "pdf",
        "xls",
        "broken-xlsx",
        "binary",
        "repeated-column",
        "unclosed-quote",
        "stray-quote",
    ],
)
def test_unreadable_file_is_refused_with_a_clear_message(an_vien_officer, data, filename, message):
    with pytest.raises(ImportFileError, match=message):
        values_import(user=an_vien_officer, data=data, filename=filename)


def test_utf8_with_a_broken_byte_names_the_line_instead_of_guessing(an_vien_officer, an_vien_2023):
    data = csv_text(an_vien_2023 * 3).encode("utf-8")
    broken = data.replace("Bến".encode(), b"B\xe1\xbbn", 1)  # a truncated UTF-8 sequence on line 2
    with pytest.raises(ImportFileError, match="dòng 2"):
        values_import(user=an_vien_officer, data=broken, filename="a.csv")


def test_more_rows_than_the_limit_is_refused(catalog, an_vien_officer, settings):
    settings.XASO_IMPORT_LIMITS = {"rows": 3}  # the header and two data rows
    rows = [["households_total", "26296", str(y), "1", ""] for y in (2021, 2022, 2023)]
    with pytest.raises(ImportFileError, match="dài hơn 3 dòng .* tệp có dòng thứ 4"):
        values_import(user=an_vien_officer, data=csv_text(rows).encode(), filename="a.csv")
    assert values_import(user=an_vien_officer, data=csv_text(rows[:2]).encode(), filename="a.csv").saved


# XLSX


def test_xlsx_imports_numbers_as_numbers(catalog, nga_dien, nga_dien_officer):
    data = xlsx_bytes(
        [
            ["households_total", "legacy:16150", 2023, 1961, "Báo cáo số 12/BC-UBND"],
            ["households_fibre", "legacy:16150", "2023", 1384.0, None],
            ["adults_smartphone_rate_stated", "legacy:16150", 2023, 0.75, None],  # shown in Excel as 75%
            ["dossiers_received", "legacy:16150", date(2023, 11, 1), 120, None],  # Excel turned "2023-11" into a date
        ],
        formats={(4, 4): "0%"},
    )
    report = values_import(user=nga_dien_officer, data=data, filename="nga-dien.xlsx")
    assert report.errors == [] and report.result.created == 4
    assert stored(nga_dien, "households_total").comment == "Báo cáo số 12/BC-UBND"
    assert stored(nga_dien, "households_fibre").value == 1384
    assert stored(nga_dien, "adults_smartphone_rate_stated").value == 75
    assert stored(nga_dien, "dossiers_received", "2023-11").value == 120


def test_xlsx_bad_row_is_reported_by_spreadsheet_row(catalog, nga_dien, nga_dien_officer):
    data = xlsx_bytes([
        ["households_total", "legacy:16150", 2023, 1961, None],
        [None, None, None, None, None],  # an empty row in the sheet still counts in the numbering
        ["households_fibre", "legacy:16150", 2023, "một nghìn", None],
    ])  # fmt: skip
    report = values_import(user=nga_dien_officer, data=data, filename="nga-dien.xlsx")
    assert [(e.row, e.column) for e in report.errors] == [(4, "gia_tri")]
    assert DataValue.objects.count() == 0


# export


@pytest.fixture
def an_vien_values(catalog, an_vien, an_vien_officer):
    rows = [
        ValueInput("households_total", "26296", "2023", 8500, "Điều tra hộ 2023"),
        ValueInput("households_fibre", "26296", "2023", 6970, "=SUM(A1:A9) không phải công thức"),
        ValueInput("households_fibre_rate_stated", "26296", "2023", 82.05, "-"),
        ValueInput("adults_smartphone_rate_stated", "26296", "2023", 75, "12"),  # whole rate, numeric comment
        ValueInput("lan_completed", "26296", "2023", "có"),
        ValueInput("dossiers_received", "26296", "2023-11", 120),
        ValueInput("dossiers_online", "26296", "2023-11", 97),
        ValueInput("households_total", "26296", "2022", 8400),  # another year: not exported for 2023
    ]
    values_write(user=an_vien_officer, rows=rows)
    return rows


def periods_within(code):
    return list(Period.objects.within(period_get_or_create(code).spec))


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_export_then_import_changes_nothing(an_vien, an_vien_officer, an_vien_values, fmt):
    data = export_values(user=an_vien_officer, units=[an_vien], periods=periods_within("2023"), fmt=fmt)
    history = DataValueChange.objects.count()
    report = values_import(user=an_vien_officer, data=data, filename=f"export.{fmt}")
    assert report.errors == []
    assert (report.rows, report.result.created, report.result.updated, report.result.unchanged) == (7, 0, 0, 7)
    assert DataValueChange.objects.count() == history
    assert stored(an_vien, "households_fibre").comment == "=SUM(A1:A9) không phải công thức"


def test_csv_export_layout(an_vien, an_vien_officer, an_vien_values):
    data = export_values(user=an_vien_officer, units=[an_vien], periods=periods_within("2023"), fmt="csv")
    assert data.startswith(b"\xef\xbb\xbf")  # Excel reads the BOM as UTF-8
    lines = data.decode("utf-8-sig").splitlines()
    assert lines[0] == "chi_tieu,ten_chi_tieu,don_vi,ten_don_vi,ky,gia_tri,ghi_chu"
    assert "households_fibre_rate_stated,Tỷ lệ hộ cáp quang (văn bản),26296,Xã An Viễn,2023,82.05,'-" in lines
    assert "households_fibre,Hộ có cáp quang,26296,Xã An Viễn,2023,6970,'=SUM(A1:A9) không phải công thức" in lines
    assert (
        "adults_smartphone_rate_stated,Tỷ lệ có điện thoại thông minh (văn bản),26296,Xã An Viễn,2023,75.0,12" in lines
    )
    assert len(lines) == 8


def test_xlsx_export_has_bold_frozen_header_and_number_formats(an_vien, an_vien_officer, an_vien_values):
    data = export_values(user=an_vien_officer, units=[an_vien], periods=periods_within("2023"), fmt="xlsx")
    sheet = load_workbook(io.BytesIO(data)).worksheets[0]
    assert [c.value for c in sheet[1]] == ["chi_tieu", "ten_chi_tieu", "don_vi", "ten_don_vi", "ky", "gia_tri",
                                          "ghi_chu"]  # fmt: skip
    assert all(c.font.bold for c in sheet[1])
    assert sheet.freeze_panes == "A2"
    by_code = {row[0].value: row for row in sheet.iter_rows(min_row=2)}
    assert by_code["households_total"][5].value == 8500
    assert by_code["households_total"][5].number_format == "#,##0"
    assert by_code["households_fibre_rate_stated"][5].value == 82.05
    assert by_code["households_fibre_rate_stated"][5].number_format.startswith("0.0")
    assert by_code["households_total"][2].value == "26296"  # codes stay text
    assert by_code["households_fibre"][6].data_type == "s"  # "=SUM(...)" stays a comment, not a formula


def test_export_refuses_units_outside_the_scope(an_vien, nga_dien_officer, an_vien_values):
    with pytest.raises(PermissionDenied):
        export_values(user=nga_dien_officer, units=[an_vien], periods=periods_within("2023"), fmt="csv")


def test_template_files_have_the_import_header(catalog, an_vien_officer):
    csv_template = importexport.template_file("csv").decode("utf-8-sig")
    assert csv_template.strip() == "chi_tieu,ten_chi_tieu,don_vi,ten_don_vi,ky,gia_tri,ghi_chu"
    workbook = load_workbook(io.BytesIO(importexport.template_file("xlsx")))
    assert [c.value for c in workbook.worksheets[0][1]][:1] == ["chi_tieu"]
    codes = [row[0].value for row in workbook.worksheets[1].iter_rows(min_row=2)]
    assert "households_fibre" in codes and len(codes) == 11
    with pytest.raises(ImportFileError, match="chỉ có dòng tiêu đề"):
        values_import(user=an_vien_officer, data=importexport.template_file("xlsx"), filename="mau.xlsx")


def test_export_of_a_unit_queryset_reaching_outside_scope_is_refused(catalog, an_vien, tri_an, an_vien_officer):
    from xaso.geo.models import AdminUnit

    year = period_get_or_create("2025")
    inside = AdminUnit.objects.filter(code="26296")
    assert export_values(user=an_vien_officer, units=inside, periods=[year]).startswith(b"\xef\xbb\xbf")
    with pytest.raises(PermissionDenied, match="Xã Trị An"):
        export_values(user=an_vien_officer, units=AdminUnit.objects.filter(code__in=["26296", "26170"]), periods=[year])
