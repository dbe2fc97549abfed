"""Spreadsheet cells that never run: the one rule for every text an export writes (CSV or XLSX).

A spreadsheet treats a cell that starts with `=`, `+`, `-` or `@` as a formula (OWASP "CSV injection"): a task
title such as `=HYPERLINK("http://…", "Bấm")` or `@SUM(1+1)*cmd|' /C calc'!A0` would run on the official's
computer when the export is opened. Excel and LibreOffice also skip leading spaces, tabs and line breaks before
deciding, and some versions read full-width look-alikes (`＝`, `＋`, `－`, `＠`) as the ASCII signs. So:

- `is_formula_like(text)` is the one test: after invisible characters, is the first sign a formula trigger? A
  plain number such as `-5` or `+84912345678` is not (it is a number either way, it cannot call anything).
- CSV: such text gets a leading apostrophe (`csv_value`), which spreadsheets show as text; the data import takes
  it off again (`strip_csv_guard`), so an export imports back unchanged.
- XLSX: such text is an explicit string cell with Excel's "quote prefix" (`xlsx_value`), so it reads back as the
  same literal text, shows without an apostrophe and stays text when edited. Characters XML cannot hold (control
  characters) are dropped instead of failing the whole export.

Numbers, dates and empty cells pass through untouched: a negative number stays a number.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable

from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE, Cell

TRIGGERS = frozenset("=+-@")
# a cell starting with one of these is re-read by spreadsheets whatever follows (OWASP lists tab and CR)
LEADING_BREAKS = frozenset("\t\r\n")
# look-alikes that NFKC normalisation does not fold onto an ASCII trigger
_LOOKALIKES = {"\u2212": "-", "\u2796": "-", "\u2795": "+", "\u2010": "-", "\u2011": "-"}
# skipped before the first sign: every Unicode space (str.isspace) and the zero-width characters
_INVISIBLE = "\u200b\u200c\u200d\u2060\ufeff\u180e"
_NUMBER = re.compile(r"[+-]?(?:\d+(?:[.,]\d+)*|[.,]\d+)(?:[eE][+-]?\d+)?%?")


def _first_sign(text: str) -> tuple[str, str]:
    """The first visible character (normalised to ASCII where it is a look-alike) and the visible rest."""
    i = 0
    while i < len(text) and (text[i].isspace() or text[i] in _INVISIBLE):
        i += 1
    if i == len(text):
        return "", ""
    rest = unicodedata.normalize("NFKC", text[i:]).strip()
    first = _LOOKALIKES.get(text[i], unicodedata.normalize("NFKC", text[i])[:1])
    return first, rest


def is_formula_like(text: str) -> bool:
    """Would a spreadsheet read this text as a formula (or re-read it as one)? Plain numbers are not."""
    if not text:
        return False
    if text[0] in LEADING_BREAKS:
        return True
    first, rest = _first_sign(text)
    if first not in TRIGGERS:
        return False
    return not _NUMBER.fullmatch(rest)


def csv_value(value: object) -> object:
    """A value for `csv.writer`: formula-like text gets a leading apostrophe; anything else is unchanged."""
    if isinstance(value, str) and is_formula_like(value):
        return "'" + value
    return value


def strip_csv_guard(text: str) -> str:
    """The text `csv_value` was given: an apostrophe the export put before formula-like text comes off."""
    if text[:1] == "'" and is_formula_like(text[1:]):
        return text[1:]
    return text


def xlsx_value(sheet, value: object) -> object:
    """A value for `sheet.append` (normal or write-only sheet): text is cleaned of characters XML cannot hold,
    and formula-like text becomes an explicit, quote-prefixed string cell."""
    if not isinstance(value, str):
        return value
    text = ILLEGAL_CHARACTERS_RE.sub("", value)
    if not is_formula_like(text):
        return text
    cell = Cell(sheet, row=1, column=1)
    cell._value, cell.data_type = text, "s"  # set directly: assigning `value` would bind "=…" as a formula
    cell.quotePrefix = True
    return cell


def xlsx_row(sheet, values: Iterable[object]) -> list[object]:
    return [xlsx_value(sheet, v) for v in values]


def workbook_neutralise(workbook) -> None:
    """Last check before a (normal, not write-only) workbook is saved: a cell openpyxl took for a formula, or any
    formula-like text, becomes a quote-prefixed string. xaso exports never write formulas of their own."""
    for sheet in workbook.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                if cell.data_type == "f" or (cell.data_type == "s" and is_formula_like(cell.value or "")):
                    cell.data_type = "s"
                    cell.quotePrefix = True
