"""Fuzz the import reader with random and hostile CSV and XLSX files (hypothesis).

Whatever the bytes, `table_read` either returns rows or raises ImportFileError with a Vietnamese message;
never another exception, never over SECONDS for one file, never over PEAK_BYTES of memory (tracemalloc).
The XLSX files are built member by member: damaged zips, lying dimensions, random cell references and
types, shared strings and styles out of range, entity declarations, many or no sheets, wrong relationships.
"""

from __future__ import annotations

import contextlib
import re
import time
import tracemalloc
from xml.sax.saxutils import escape

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from xaso.indicators.filelimits import ImportFileError
from xaso.indicators.importexport import table_read
from xaso.indicators.services import ValueInput

from .test_import_limits import BILLION_LAUGHS, HEADER_ROW, MAIN, PEAK_BYTES, SECONDS, parts, sheet, zipped
from .test_import_limits import workbook as workbook_xml
from .test_import_limits import workbook_rels as workbook_rels_xml

pytestmark = pytest.mark.django_db

VIETNAMESE = re.compile("[àáảãạăằắẳẵặâầấẩẫậđèéẻẽẹêềếểễệìíỉĩịòóỏõọôồốổỗộơờớởỡợùúủũụưừứửữựỳýỷỹỵ]")
FUZZ = settings(
    max_examples=60,
    deadline=None,  # each file's time is asserted against SECONDS, with tracemalloc's cost included
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.function_scoped_fixture],
)
HOSTILE = [
    '"', '""', '"70,6"', "70,6", "１２", "١٢", "1.384", "1,384", "\x00", "\ufeff", "true", "NaN", "inf", "-0",
    "1e309", "=SUM(A1)", "\r", "\n", ";", "\t", "households_total", "26296", "2023", "2023-13", "'", "   ", "Đ",
    "chi_tieu", "don_vi", "ky", "gia_tri", "ghi_chu", "9" * 400, "x" * 600,
]  # fmt: skip


@pytest.fixture(autouse=True)
def traced():
    with contextlib.suppress(ImportFileError):  # import charset-normalizer before anything is timed
        table_read("chi_tieu\r\nB\xea\xecn".encode("latin-1"), "a.csv")
    tracemalloc.start()
    yield
    tracemalloc.stop()


def check(data: bytes, filename: str) -> None:
    tracemalloc.reset_peak()
    before = tracemalloc.get_traced_memory()[0]
    started = time.process_time()  # this process's CPU: other work on the machine does not count
    try:
        table = table_read(data, filename)
    except ImportFileError as exc:
        assert VIETNAMESE.search(str(exc).lower()), str(exc)
        event("refused: " + str(exc)[:40])
    else:
        event("read")
        assert all(isinstance(row, ValueInput) for row in table.rows)
        assert table.count == len(table.rows) + len({e.row for e in table.errors})
    seconds, peak = time.process_time() - started, tracemalloc.get_traced_memory()[1] - before
    assert seconds < SECONDS, seconds
    assert peak < PEAK_BYTES, peak


# CSV

cell = st.one_of(st.sampled_from(HOSTILE), st.text(max_size=12))
header = st.one_of(
    st.just(["chi_tieu", "don_vi", "ky", "gia_tri", "ghi_chu"]),
    st.just(["Chỉ tiêu", "Đơn vị", "Kỳ", "Giá trị"]),
    st.lists(cell, max_size=8),
)


@FUZZ
@given(
    header=header,
    rows=st.lists(st.lists(cell, max_size=9), max_size=25),
    delimiter=st.sampled_from([",", ";", "\t", "|"]),
    newline=st.sampled_from(["\r\n", "\n", "\r"]),
    encoding=st.sampled_from(["utf-8", "utf-8-sig", "utf-16", "cp1258", "latin-1"]),
    noise=st.one_of(st.just(b""), st.just(b""), st.binary(max_size=16)),
    noise_at=st.integers(min_value=0, max_value=4000),
)
def test_random_and_hostile_csv_is_read_or_refused_in_vietnamese(header, rows, delimiter, newline, encoding, noise,
                                                                   noise_at):  # fmt: skip
    text = newline.join(delimiter.join(r) for r in [header, *rows]) + newline
    data = text.encode(encoding, errors="replace")
    check(data[:noise_at] + noise + data[noise_at:], "so-lieu.csv")


@FUZZ
@given(data=st.binary(max_size=3000), name=st.sampled_from(["a.csv", "a.txt", "a.xlsx", "a.xls", "a.pdf", "a"]))
def test_random_bytes_under_any_name_are_read_or_refused_in_vietnamese(data, name):
    check(data, name)


# XLSX

letters = st.text(alphabet="ABCDXYZ", min_size=1, max_size=4)
row_number = st.one_of(st.integers(min_value=1, max_value=40), st.integers(min_value=1, max_value=3_000_000))
good_reference = st.builds(lambda col, row: f"{col}{row}", letters, row_number)
reference = st.one_of(
    good_reference, good_reference, good_reference, st.sampled_from(["", "A0", "1A", "ZZZZ99999999", "a1", "XFD1"])
)
cell_type = st.sampled_from([None, "s", "inlineStr", "str", "b", "e", "d", "n", "x"])
style = st.sampled_from([None, "0", "1", "2", "99999", "-1", "x"])
value_text = st.one_of(st.sampled_from(HOSTILE), st.text(max_size=10), st.integers().map(str),
                       st.floats(allow_nan=True).map(repr))  # fmt: skip


@st.composite
def plain_cell(draw) -> str:
    """A cell as Excel writes it: text inline, a number, a boolean or a shared string 0–2, no reference."""
    kind = draw(st.sampled_from(["inlineStr", "n", "b", "s"]))
    if kind == "inlineStr":
        return f'<c t="inlineStr"><is><t>{escape(draw(st.sampled_from(HOSTILE) | st.text(max_size=8)))}</t></is></c>'
    if kind == "n":
        return f"<c><v>{draw(st.integers(min_value=-10, max_value=10**6) | st.floats(0, 1e6))}</v></c>"
    return f'<c t="{kind}"><v>{draw(st.integers(min_value=0, max_value=2 if kind == "s" else 1))}</v></c>'


@st.composite
def xml_cell(draw) -> str:
    ref, kind, s = draw(reference), draw(cell_type), draw(style)
    attrs = (f' r="{ref}"' if ref else "") + (f' t="{kind}"' if kind else "") + (f' s="{s}"' if s else "")
    text = escape(draw(value_text))
    body = f"<is><t>{text}</t></is>" if kind == "inlineStr" else f"<v>{text}</v>"
    return f"<c{attrs}>{body if draw(st.booleans()) else ''}</c>"


@st.composite
def xml_row(draw) -> str:
    r = draw(st.one_of(st.none(), st.none(), st.none(), row_number.map(str), st.sampled_from(["0", "-1", "x"])))
    cells = "".join(draw(st.lists(st.one_of(plain_cell(), plain_cell(), plain_cell(), xml_cell()), max_size=6)))
    attr = f' r="{r}"' if r else ""
    return f"<row{attr}>{cells}</row>"


@st.composite
def workbook_file(draw) -> bytes:
    rows = "".join(draw(st.lists(xml_row(), max_size=12)))
    head = draw(st.sampled_from(["", '<dimension ref="A1:XFD1048576"/>', '<dimension ref="A1:D3"/>',
                                 '<dimension ref="?"/>']))  # fmt: skip
    members = parts(sheet=sheet(draw(st.sampled_from([HEADER_ROW, ""])) + rows, head=head))
    strings = draw(st.lists(st.sampled_from(HOSTILE) | st.text(max_size=8), min_size=3, max_size=6))
    choice = draw(st.sampled_from(["strings"] * 4 + ["no-strings", "laughs", "garbage"]))
    if choice == "strings":
        members["xl/sharedStrings.xml"] = (
            f'<sst xmlns="{MAIN}">' + "".join(f"<si><t>{escape(s)}</t></si>" for s in strings) + "</sst>"
        )
    elif choice == "laughs":
        members["xl/sharedStrings.xml"] = BILLION_LAUGHS + f'<sst xmlns="{MAIN}"><si><t>&lol3;</t></si></sst>'
    elif choice == "garbage":
        members["xl/sharedStrings.xml"] = draw(st.binary(max_size=64))
    if draw(st.booleans()):
        ids = draw(st.lists(st.integers(min_value=-5, max_value=300), max_size=5))
        xfs = "".join(f'<xf numFmtId="{i}"/>' for i in ids)
        members["xl/styles.xml"] = (
            f'<styleSheet xmlns="{MAIN}"><numFmts><numFmt numFmtId="164" formatCode="yyyy-mm-dd"/>'
            f'<numFmt numFmtId="165" formatCode="0.0%"/></numFmts><cellXfs>{xfs}</cellXfs></styleSheet>'
        )
    sheets = draw(st.integers(min_value=0, max_value=3))
    members["xl/workbook.xml"] = draw(st.sampled_from([workbook_xml(max(sheets, 1))] * 4 + [workbook_xml(sheets), ""]))
    members["xl/_rels/workbook.xml.rels"] = draw(st.sampled_from([workbook_rels_xml(3)] * 4 + [
        workbook_rels_xml(sheets).replace("worksheets/", "../../"),
        workbook_rels_xml(sheets).replace("/worksheet", "/chartsheet"), "",
    ]))  # fmt: skip
    members["[Content_Types].xml"] = draw(st.sampled_from(["", "<Types/>", "garbage", "\x00"]))
    if draw(st.integers(min_value=0, max_value=5)) == 0:
        members.pop(draw(st.sampled_from(sorted(members))))
    data = zipped(members)
    damage = draw(st.sampled_from(["none"] * 4 + ["truncate", "flip"]))
    if damage == "truncate":
        data = data[: draw(st.integers(min_value=0, max_value=len(data)))]
    elif damage == "flip":
        at = draw(st.integers(min_value=0, max_value=len(data) - 1))
        data = data[:at] + bytes([data[at] ^ draw(st.integers(min_value=1, max_value=255))]) + data[at + 1 :]
    return data


@FUZZ
@given(data=workbook_file())
def test_random_and_hostile_xlsx_is_read_or_refused_in_vietnamese(data):
    check(data, "so-lieu.xlsx")
