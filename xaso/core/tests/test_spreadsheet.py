"""The one rule for formula-like text in exports: every trigger and its look-alikes, numbers left alone."""

from __future__ import annotations

import csv
import io

import pytest
from openpyxl import Workbook, load_workbook

from xaso.core.spreadsheet import csv_value, is_formula_like, strip_csv_guard, workbook_neutralise, xlsx_row

RUNS = [
    "=1+1", '=HYPERLINK("http://x.example","Bấm")', "+1+1", "-1+1", "@SUM(A1:A2)", "-", "+", "=",
    "\t1", "\tabc", "\r1", "\nabc",  # a leading tab, CR or LF: OWASP's own triggers
    " =1+1", "  \t @A1", "\u00a0=1", "\u3000=1", "\u200b=1", "\ufeff+A1",  # spaces and invisible characters first
    "＝1+1", "＋1+1", "－1+1", "＠SUM(A1)", "\u2212 1+1", "\ufe66 1",  # full-width and other look-alikes
    "- 5", "-5+5", "+84 912 345 678", "-1e5*cmd",
]  # fmt: skip
INERT = ["abc", "Ấp 1", "1+1", "a=b", "", "   ", "'=1", "5", "-5", "+5", "-1.234,5", "-0,5", "+84912345678", "-12%",
         " -5", "1e5", "x\t=1"]  # fmt: skip


@pytest.mark.parametrize("text", RUNS)
def test_formula_like_text_is_recognised(text):
    assert is_formula_like(text)


@pytest.mark.parametrize("text", INERT)
def test_text_and_plain_numbers_are_not_formulas(text):
    assert not is_formula_like(text)


@pytest.mark.parametrize("text", RUNS)
def test_csv_value_prefixes_an_apostrophe_that_the_import_takes_off(text):
    assert csv_value(text) == "'" + text
    assert strip_csv_guard(csv_value(text)) == text


@pytest.mark.parametrize("value", [-5, -1.5, 0, 3, None, "abc", "-5", "'abc"])
def test_csv_value_leaves_numbers_and_plain_text_alone(value):
    assert csv_value(value) == value
    if isinstance(value, str):
        assert strip_csv_guard(value) == value


def test_csv_file_reads_back_as_text():
    out = io.StringIO(newline="")
    csv.writer(out).writerow([csv_value(t) for t in ["=1+1", "\t=2", "-5", "＝3"]])
    assert next(csv.reader(io.StringIO(out.getvalue()))) == ["'=1+1", "'\t=2", "-5", "'＝3"]


@pytest.mark.parametrize("write_only", [True, False])
def test_xlsx_cells_read_back_as_literal_quote_prefixed_text(write_only):
    wb = Workbook(write_only=write_only)
    ws = wb.create_sheet("t") if write_only else wb.active
    ws.append(xlsx_row(ws, ["=1+1", "@A1", "＝2", "-5 ", -5, 2.5, "abc", "a\x01b\x1fc"]))
    if not write_only:
        workbook_neutralise(wb)
    out = io.BytesIO()
    wb.save(out)
    row = list(load_workbook(io.BytesIO(out.getvalue())).worksheets[0][1])
    assert [c.value for c in row] == ["=1+1", "@A1", "＝2", "-5 ", -5, 2.5, "abc", "abc"]
    assert [c.data_type for c in row] == ["s", "s", "s", "s", "n", "n", "s", "s"]
    assert [bool(c.quotePrefix) for c in row] == [True, True, True, False, False, False, False, False]


def test_workbook_neutralise_turns_a_stray_formula_into_text():
    wb = Workbook()
    wb.active["A1"] = "=SUM(1,2)"  # openpyxl binds it as a formula
    wb.active["A2"] = "@x"
    assert wb.active["A1"].data_type == "f"
    workbook_neutralise(wb)
    out = io.BytesIO()
    wb.save(out)
    ws = load_workbook(io.BytesIO(out.getvalue())).active
    assert (ws["A1"].value, ws["A1"].data_type, ws["A1"].quotePrefix) == ("=SUM(1,2)", "s", True)
    assert ws["A2"].quotePrefix
