from __future__ import annotations

import io

import pytest
from openpyxl import Workbook

from xaso.indicators.catalog import catalog_load


@pytest.fixture
def catalog(db):
    catalog_load()


def xlsx(rows: list[list[object]], title: str | None = None) -> bytes:
    """A real XLSX as a document system exports it: an optional title row, then the header and the rows."""
    book = Workbook()
    sheet = book.active
    if title:
        sheet.append([title])
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
