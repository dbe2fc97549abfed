"""Files that cost far more than their size: every bound of an import, each bomb refused fast with its message.

The hostile XLSX files are written member by member with zipfile, as an attacker would: no spreadsheet
library stands between the test and the bytes the reader receives.
"""

from __future__ import annotations

import io
import time
import tracemalloc
import zipfile

import pytest

from xaso.core.models import Period
from xaso.indicators.filelimits import ImportFileError, ImportLimits
from xaso.indicators.importexport import table_read, values_import
from xaso.indicators.models import DataValue, DataValueChange

pytestmark = pytest.mark.django_db

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PKG = "http://schemas.openxmlformats.org/package/2006/relationships"
HEADER_ROW = (
    '<row r="1"><c r="A1" t="inlineStr"><is><t>chi_tieu</t></is></c><c r="B1" t="inlineStr"><is><t>don_vi</t></is>'
    '</c><c r="C1" t="inlineStr"><is><t>ky</t></is></c><c r="D1" t="inlineStr"><is><t>gia_tri</t></is></c></row>'
)
GOOD_ROW = (
    '<row r="2"><c r="A2" t="inlineStr"><is><t>households_total</t></is></c><c r="B2" t="inlineStr"><is><t>26296'
    '</t></is></c><c r="C2"><v>2023</v></c><c r="D2"><v>1961</v></c></row>'
)
#: a reader answer must be at most this slow and this hungry, whatever the file (small files: a bomb is
#: refused before it inflates)
SECONDS = 2.0
PEAK_BYTES = 64 * 1024 * 1024


def sheet(rows: str = HEADER_ROW + GOOD_ROW, head: str = "") -> str:
    prolog = '<?xml version="1.0" encoding="UTF-8"?>'
    return f'{prolog}<worksheet xmlns="{MAIN}">{head}<sheetData>{rows}</sheetData></worksheet>'


def workbook(sheets: int = 1) -> str:
    entries = "".join(f'<sheet name="S{i}" sheetId="{i}" r:id="rId{i}"/>' for i in range(1, sheets + 1))
    return f'<workbook xmlns="{MAIN}" xmlns:r="{REL}"><sheets>{entries}</sheets></workbook>'


def workbook_rels(sheets: int = 1) -> str:
    kind = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/"
    rels = "".join(
        f'<Relationship Id="rId{i}" Type="{kind}worksheet" Target="worksheets/sheet{i}.xml"/>'
        for i in range(1, sheets + 1)
    )
    rels += f'<Relationship Id="rS" Type="{kind}sharedStrings" Target="sharedStrings.xml"/>'
    rels += f'<Relationship Id="rT" Type="{kind}styles" Target="styles.xml"/>'
    return f'<Relationships xmlns="{PKG}">{rels}</Relationships>'


def parts(**overrides) -> dict[str, str | bytes]:
    """The parts of a minimal workbook whose first sheet is `sheet()`; a keyword replaces or adds one."""
    members: dict[str, str | bytes] = {
        "[Content_Types].xml": '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>',
        "_rels/.rels": (
            f'<Relationships xmlns="{PKG}"><Relationship Id="r1" Type="http://schemas.openxmlformats.org/'
            'officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>'
        ),
        "xl/workbook.xml": workbook(),
        "xl/_rels/workbook.xml.rels": workbook_rels(),
        "xl/worksheets/sheet1.xml": sheet(),
    }
    names = {"sheet": "xl/worksheets/sheet1.xml", "strings": "xl/sharedStrings.xml", "styles": "xl/styles.xml",
             "book": "xl/workbook.xml", "rels": "xl/_rels/workbook.xml.rels"}  # fmt: skip
    for key, value in overrides.items():
        members[names.get(key, key)] = value
    return members


def zipped(members: dict[str, str | bytes] | list[tuple[str, str | bytes]]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in members.items() if isinstance(members, dict) else members:
            archive.writestr(name, content.encode() if isinstance(content, str) else content)
    return out.getvalue()


def read_measured(data: bytes, filename: str):
    """table_read's answer (a Table, or the ImportFileError) with the seconds and peak bytes it took."""
    tracemalloc.reset_peak()
    before = tracemalloc.get_traced_memory()[0]
    started = time.process_time()  # this process's CPU: other work on the machine does not count
    try:
        answer = table_read(data, filename)
    except ImportFileError as exc:
        answer = exc
    return answer, time.process_time() - started, tracemalloc.get_traced_memory()[1] - before


@pytest.fixture
def traced():
    tracemalloc.start()
    yield
    tracemalloc.stop()


def refused(data: bytes, filename: str = "so-lieu.xlsx") -> str:
    """The refusal's message, after checking it came fast and within the memory budget."""
    answer, seconds, peak = read_measured(data, filename)
    assert isinstance(answer, ImportFileError), answer
    assert seconds < SECONDS and peak < PEAK_BYTES, (seconds, peak)
    return str(answer)


def test_the_minimal_workbook_of_these_tests_is_read(traced):
    table, _seconds, _peak = read_measured(zipped(parts()), "a.xlsx")
    assert [(r.element, r.unit, r.period, r.value) for r in table.rows] == [("households_total", "26296", "2023", 1961)]


# zip bombs and odd archives


def test_a_shared_strings_bomb_is_refused_by_its_compression_ratio(traced):
    bomb = f'<sst xmlns="{MAIN}">' + "<si><t>a</t></si>" * 600_000 + "</sst>"  # 10 MB that zip to ~20 KB
    data = zipped(parts(strings=bomb))
    assert len(data) < 100_000
    message = refused(data)
    assert "“xl/sharedStrings.xml” của tệp XLSX nén" in message and "vượt giới hạn 100 lần" in message
    assert "bom nén" in message


def test_a_part_over_its_inflated_size_is_refused_before_it_is_read(traced, settings):
    settings.XASO_IMPORT_LIMITS = {"xlsx_strings_bytes": 1024 * 1024}
    strings = f'<sst xmlns="{MAIN}">' + "".join(f"<si><t>{i:07d}</t></si>" for i in range(80_000)) + "</sst>"
    message = refused(zipped(parts(strings=strings)))
    assert "“xl/sharedStrings.xml” của tệp XLSX khi giải nén lớn 1,8 MB, vượt giới hạn 1,0 MB" in message


def test_all_parts_together_over_the_inflated_total_are_refused(traced, settings):
    settings.XASO_IMPORT_LIMITS = {"xlsx_total_bytes": 100_000}
    filler = bytes(range(256)) * 500  # 128 KB that do not compress
    message = refused(zipped(parts(**{"xl/media/image1.bin": filler})))
    assert "Tệp XLSX khi giải nén lớn hơn 0,1 MB (giới hạn)" in message


def test_more_shared_strings_than_the_limit_are_refused_while_reading(traced, settings):
    settings.XASO_IMPORT_LIMITS = {"xlsx_strings": 1000}
    strings = f'<sst xmlns="{MAIN}">' + "".join(f"<si><t>{i}</t></si>" for i in range(1001)) + "</sst>"
    assert "hơn 1.000 chuỗi văn bản dùng chung" in refused(zipped(parts(strings=strings)))


def test_a_zip_of_too_many_parts_is_refused_from_its_directory(traced):
    data = zipped([(f"x/{i}.xml", "<a/>") for i in range(400)])
    assert "Tệp XLSX gồm 400 phần, vượt giới hạn 300 phần" in refused(data)


@pytest.mark.parametrize(
    ("name", "fragment"),
    [
        ("../../etc/passwd", "phần tên bất thường (“../../etc/passwd”)"),
        ("/xl/abs.xml", "phần tên bất thường"),
        ("xl\\sheet.xml", "phần tên bất thường"),
        ("xl/embeddings/nested.xlsx", "một tệp nén khác bên trong (“xl/embeddings/nested.xlsx”)"),
        ("xl/media/bomb.zip", "một tệp nén khác bên trong"),
    ],
)
def test_odd_or_nested_parts_are_refused(traced, name, fragment):
    assert fragment in refused(zipped(parts(**{name: "<a/>"})))


def test_a_repeated_part_name_is_refused(traced):
    members = list(parts().items()) + [("xl/worksheets/sheet1.xml", sheet(HEADER_ROW))]
    with pytest.warns(UserWarning, match="Duplicate name"):
        data = zipped(members)
    assert "phần tên bất thường" in refused(data)


@pytest.mark.parametrize(
    "data",
    [
        zipped(parts())[:-30],  # the end of the zip directory cut off
        zipped(parts())[: len(zipped(parts())) // 2],
        b"PK\x03\x04" + bytes(range(256)) * 4,
        bytes(range(256)) * 40,
        b"",
    ],
    ids=["truncated-tail", "truncated-half", "zip-magic-then-noise", "random-bytes", "empty"],
)
def test_a_truncated_or_random_file_named_xlsx_is_refused(traced, data):
    message = refused(data)
    assert "Không mở được tệp XLSX" in message or "Tệp rỗng" in message


def test_a_damaged_deflate_stream_is_refused(traced):
    data = bytearray(zipped(parts(sheet=sheet(HEADER_ROW + GOOD_ROW * 1))))
    at = data.find(b"xl/worksheets/sheet1.xml") + len("xl/worksheets/sheet1.xml") + 10
    data[at : at + 20] = b"\xff" * 20
    assert "Không mở được tệp XLSX" in refused(bytes(data))


# XML: entities, dimension, rows, columns, cells


BILLION_LAUGHS = (
    '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;'
    '&lol;&lol;&lol;"><!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>'
)


@pytest.mark.parametrize(
    "members",
    [
        {"sheet": BILLION_LAUGHS + sheet().split("?>", 1)[1].replace("2023", "&lol3;")},
        {"strings": BILLION_LAUGHS + f'<sst xmlns="{MAIN}"><si><t>&lol3;</t></si></sst>'},
        {"book": '<?xml version="1.0"?><!DOCTYPE w [<!ENTITY x SYSTEM "file:///etc/passwd">]>' + workbook()},
        {"styles": '<!DOCTYPE s SYSTEM "http://example.org/s.dtd"><styleSheet/>'},
    ],
    ids=["billion-laughs-sheet", "billion-laughs-strings", "external-entity-workbook", "external-dtd-styles"],
)
def test_xml_with_a_dtd_or_entities_is_refused(traced, members):
    assert "khai báo DTD hoặc thực thể XML" in refused(zipped(parts(**members)))


def test_a_huge_declared_dimension_is_refused_before_the_rows(traced):
    message = refused(zipped(parts(sheet=sheet(head='<dimension ref="A1:XFD1048576"/>'))))
    assert "khai báo vùng dữ liệu A1:XFD1048576 (1.048.576 dòng × 16.384 cột), vượt giới hạn 200.001 dòng" in message


def test_a_sheet_lying_about_its_dimension_is_held_to_its_real_rows(traced):
    rows = HEADER_ROW + GOOD_ROW + '<row r="1048576"><c r="A1048576"><v>1</v></c></row>'
    message = refused(zipped(parts(sheet=sheet(rows, head='<dimension ref="A1:D2"/>'))))
    assert "Tệp dài hơn 200.001 dòng (kể cả dòng tiêu đề và dòng trống; tệp có dòng thứ 1.048.576)" in message


def test_a_value_beyond_the_column_limit_is_refused(traced):
    rows = HEADER_ROW + GOOD_ROW.replace("</row>", '<c r="AY2"><v>7</v></c></row>')  # AY = column 51
    assert "Dòng 2 có dữ liệu ở cột thứ 51, vượt giới hạn 50 cột" in refused(zipped(parts(sheet=sheet(rows))))


def test_a_row_of_more_cells_than_excel_has_columns_is_refused(traced):
    rows = HEADER_ROW + '<row r="2">' + "<c/>" * 20_000 + "</row>"
    assert "Dòng 2 của trang tính có hơn 16.384 ô" in refused(zipped(parts(sheet=sheet(rows))))


def test_an_overlong_cell_is_refused(traced):
    rows = HEADER_ROW + GOOD_ROW.replace("<v>1961</v>", "<v>" + "9" * 40_000 + "</v>")
    assert "Dòng 2 có một ô dài 40.000 ký tự, vượt giới hạn 32.767 ký tự mỗi ô" in refused(
        zipped(parts(sheet=sheet(rows)))
    )


def test_more_sheets_than_the_limit_are_refused(traced):
    data = zipped(parts(book=workbook(60), rels=workbook_rels(60)))
    assert "hơn 50 trang tính" in refused(data)


def test_deeply_nested_markup_is_read_without_recursion(traced):
    deep = "<x>" * 20_000 + "</x>" * 20_000
    answer, seconds, peak = read_measured(zipped(parts(sheet=sheet(HEADER_ROW + GOOD_ROW + deep))), "a.xlsx")
    assert [r.value for r in answer.rows] == [1961]  # the reader stops at the end of the rows
    assert seconds < SECONDS and peak < PEAK_BYTES


def test_the_time_budget_stops_a_read(traced, settings):
    settings.XASO_IMPORT_LIMITS = {"seconds": 0}
    assert "Đọc tệp mất hơn 0 giây, vượt giới hạn thời gian" in refused(zipped(parts()))


# CSV


def csv_bytes(*lines: str) -> bytes:
    return ("\r\n".join(("chi_tieu,don_vi,ky,gia_tri", *lines)) + "\r\n").encode()


def test_a_csv_line_over_the_line_limit_is_refused(traced):
    message = refused(csv_bytes("households_total,26296,2023," + "1" * 70_000), "a.csv")
    assert "Dòng 2 của tệp dài 70.028 ký tự, vượt giới hạn 65.536 ký tự mỗi dòng" in message


def test_a_csv_row_of_too_many_columns_is_refused(traced):
    assert "Dòng 2 có dữ liệu ở cột thứ 60, vượt giới hạn 50 cột" in refused(csv_bytes(",".join("1" * 60)), "a.csv")


def test_a_quoted_csv_cell_over_the_cell_limit_is_refused(traced):
    cell = '"' + "\r\n".join(["x" * 1000] * 40) + '"'  # short lines, one 40,000-character cell
    assert "có một ô dài" in refused(csv_bytes(f"households_total,26296,2023,{cell}"), "a.csv")


def test_a_csv_of_too_many_rows_is_refused_while_reading(traced, settings):
    settings.XASO_IMPORT_LIMITS = {"rows": 1000}
    data = csv_bytes(*["households_total,26296,2023,1"] * 5000)
    assert "Tệp dài hơn 1.000 dòng (kể cả dòng tiêu đề và dòng trống; tệp có dòng thứ 1.001)" in refused(data, "a.csv")


def test_a_file_over_the_byte_limit_is_refused_before_anything_else(traced, settings):
    settings.XASO_IMPORT_LIMITS = {"file_bytes": 1024 * 1024}
    message = refused(b"x" * (1024 * 1024 + 1), "a.csv")
    assert message == "Tệp lớn 1,0 MB, vượt giới hạn 1,0 MB: chia thành nhiều tệp nhỏ hơn."


def test_limits_come_from_settings_by_name(settings):
    settings.XASO_IMPORT_LIMITS = {"rows": 10, "xlsx_ratio": 7, "no_such_limit": 1}
    assert (ImportLimits.current().rows, ImportLimits.current().xlsx_ratio) == (10, 7)
    assert ImportLimits.current().columns == 50


# a refusal changes nothing


@pytest.mark.parametrize(
    ("data", "filename"),
    [
        (zipped(parts(strings=f'<sst xmlns="{MAIN}">' + "<si><t>a</t></si>" * 600_000 + "</sst>")), "a.xlsx"),
        (zipped(parts(sheet=sheet(HEADER_ROW + GOOD_ROW + '<row r="900000"/>'))), "a.xlsx"),
        (csv_bytes("households_total,26296,2023,1961", ",".join("1" * 60)), "a.csv"),
    ],
    ids=["bomb", "rows", "columns"],
)
def test_a_refused_file_saves_nothing(catalog, an_vien, an_vien_officer, data, filename):
    counts = (DataValue.objects.count(), DataValueChange.objects.count(), Period.objects.count())
    with pytest.raises(ImportFileError):
        values_import(user=an_vien_officer, data=data, filename=filename)
    assert (DataValue.objects.count(), DataValueChange.objects.count(), Period.objects.count()) == counts


def test_the_first_rows_before_a_refusal_are_not_saved_either(catalog, an_vien, an_vien_officer, settings):
    settings.XASO_IMPORT_LIMITS = {"rows": 3}
    data = csv_bytes(
        "households_total,26296,2023,1961", "households_fibre,26296,2023,1384", "camera_points,26296,2023,2"
    )
    with pytest.raises(ImportFileError, match="dòng thứ 4"):
        values_import(user=an_vien_officer, data=data, filename="a.csv")
    assert DataValue.objects.count() == 0


# the report of a file with many bad rows is capped, and says how many were left out


def test_the_report_keeps_the_first_thousand_errors_and_counts_all(catalog, an_vien, an_vien_officer):
    data = csv_bytes(*["households_total,26296,2023,nhiều"] * 1200)
    report = values_import(user=an_vien_officer, data=data, filename="a.csv")
    assert (len(report.errors), report.error_count, report.errors_left_out) == (1000, 1200, 200)
    assert report.errors[0].row == 2 and report.errors[-1].row == 1001
    assert DataValue.objects.count() == 0


def test_a_small_part_that_compresses_well_is_not_taken_for_a_bomb(traced):
    table, _seconds, _peak = read_measured(zipped(parts(**{"xl/media/blank.bin": b"\0" * 900_000})), "a.xlsx")
    assert [r.value for r in table.rows] == [1961]  # 900 KB of zeros zip ~1,000×, but are under the 1 MB floor


def test_a_part_compressed_with_another_method_is_refused(traced):
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in parts().items():
            archive.writestr(name, content)
        archive.writestr("xl/media/x.bin", b"x" * 100, compress_type=zipfile.ZIP_BZIP2)
    assert "kiểu nén không hỗ trợ" in refused(out.getvalue())


def test_an_encrypted_part_is_refused(traced):
    data = bytearray(zipped(parts()))
    entry = data.find(b"PK\x01\x02")  # the first central directory entry; its flags are at offset 8
    data[entry + 8] |= 0x1
    assert "có phần được mã hóa" in refused(bytes(data))


def test_a_directory_larger_than_its_stated_count_is_refused_before_zipfile_reads_it(traced):
    data = bytearray(zipped([(f"x/{i:04d}" + "n" * 1500, "") for i in range(250)]))  # 250 members, 380 KB
    end = data.rfind(b"PK\x05\x06")
    data[end + 8 : end + 12] = (1).to_bytes(2, "little") * 2  # the end record claims one member
    assert "vượt giới hạn 300 phần" in refused(bytes(data))
