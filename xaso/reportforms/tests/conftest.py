from __future__ import annotations

import io

import pytest
from openpyxl import Workbook

from xaso.indicators.catalog import catalog_load


@pytest.fixture
def catalog(db):
    catalog_load()


def monthly_report(*, period: str = "Tháng 11 năm 2025", sent: object = 217, signed: object = 216,
                   dossiers: object = 1638, label: str = "Tổng số văn bản đi") -> bytes:  # fmt: skip
    """The monthly digital-transformation report a commune sends, as a real XLSX: a title block with the period,
    a table "STT / Chỉ tiêu / Số lượng", and a second sheet the form does not use."""
    book = Workbook()
    sheet = book.active
    sheet.title = "BC tháng"
    sheet["A1"] = "UBND XÃ AN VIỄN"
    sheet["A2"] = "BÁO CÁO KẾT QUẢ CHUYỂN ĐỔI SỐ"
    sheet["A3"] = period
    sheet.append([])
    sheet.append(["STT", "Chỉ tiêu", "Số lượng"])  # row 5
    sheet.append([1, label, sent])  # row 6
    sheet.append([2, "Văn bản đi được ký số", signed])  # row 7
    sheet.append([3, "Tổng số hồ sơ thủ tục hành chính tiếp nhận", dossiers])  # row 8
    notes = book.create_sheet("Ghi chú")
    notes["A1"] = "Người lập biểu"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
