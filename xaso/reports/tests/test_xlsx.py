"""Spreadsheet exports opened with openpyxl: headers, numbers stored as numbers with Vietnamese-locale formats,
budget totals that add up, indicator values by unit and period with their numerator and denominator."""

from __future__ import annotations

from datetime import date
from io import BytesIO

import pytest
from openpyxl import load_workbook

from xaso.indicators.services import ValueInput, values_write
from xaso.reports import services
from xaso.reports.xlsx import DATE, INTEGER, PERCENT

pytestmark = pytest.mark.django_db
TODAY = date(2026, 4, 10)


def _sheet(content: bytes, name: str | None = None):
    wb = load_workbook(BytesIO(content))
    return wb[name] if name else wb.active


def _rows(ws, header_row: int = 3):
    head = [c.value for c in ws[header_row]]
    rows = []
    for row in ws.iter_rows(min_row=header_row + 1):
        if row[0].value in (None, "") and row[1].value in (None, ""):
            break
        rows.append(dict(zip(head, row, strict=False)))
    return head, rows


def test_vietnamese_number_formats_carry_the_locale():
    assert INTEGER == "[$-42A]#,##0" and PERCENT == "[$-42A]0.0%" and DATE == "dd/mm/yyyy"


def test_targets_export(an_vien, an_vien_plan, an_vien_officer):
    values_write(user=an_vien_officer, rows=[ValueInput("dossiers_received", an_vien.code, "2026-01", 1961),
                                             ValueInput("dossiers_online", an_vien.code, "2026-01", 1384)])  # fmt: skip
    ws = _sheet(services.export_plan_xlsx(an_vien_plan, an_vien_officer, "targets", today=TODAY))
    head, rows = _rows(ws)
    assert head == ["STT", "Lĩnh vực", "Chỉ tiêu", "Mã chỉ số", "Đơn vị tính", "Mục tiêu", "Giá trị mục tiêu",
                    "Mốc (năm)", "Xuất phát", "Kết quả hiện tại", "Kỳ số liệu", "Trạng thái", "Tiến độ"]  # fmt: skip
    assert len(rows) == 31
    assert ws.freeze_panes == "A4" and ws.auto_filter.ref.startswith("A3:M")
    row = next(r for r in rows if r["Chỉ tiêu"].value == "Tỷ lệ hồ sơ trực tuyến" and r["Mốc (năm)"].value == 2026)
    assert row["Mục tiêu"].value == "≥ 85%"
    assert row["Giá trị mục tiêu"].value == pytest.approx(0.85) and row["Giá trị mục tiêu"].number_format == PERCENT
    # 1,384 / 1,961 = 70.6%, stored as a number (0.706), shown 70,6%
    assert row["Kết quả hiện tại"].value == pytest.approx(1384 / 1961)
    assert row["Kết quả hiện tại"].number_format == PERCENT
    # from 60% to 85%: 70.6% is 42% of the way on 10 April, when 27% of the year has gone → on track
    assert row["Kỳ số liệu"].value == "2026" and row["Trạng thái"].value == "Đúng tiến độ"
    assert row["Tiến độ"].value == pytest.approx((1384 / 1961 * 100 - 60) / 25)
    assert ws["C3"].font.bold and ws["C3"].font.name == "Times New Roman"


def test_tasks_export_has_the_six_clear_columns_and_dates(an_vien_plan, an_vien_officer):
    ws = _sheet(services.export_plan_xlsx(an_vien_plan, an_vien_officer, "tasks", today=TODAY))
    head, rows = _rows(ws)
    assert "Người chịu trách nhiệm (rõ người)" in head and "Thẩm quyền (rõ thẩm quyền)" in head
    assert len(rows) == 4
    late = next(r for r in rows if r["Nội dung nhiệm vụ (rõ việc)"].value.startswith("Số hóa hồ sơ"))
    assert late["Hạn hoàn thành"].value.date() == date(2026, 3, 15) and late["Hạn hoàn thành"].number_format == DATE
    assert late["Quá hạn"].value == "Có"


def test_budget_export_follows_seed_001_and_totals_add_up(an_vien_plan, an_vien_officer):
    ws = _sheet(services.export_plan_xlsx(an_vien_plan, an_vien_officer, "budget"))
    assert ws["C3"].value == "Kinh phí đầu tư ban đầu" and "C3:F3" in {str(r) for r in ws.merged_cells.ranges}
    assert ws["G3"].value == "Kinh phí duy trì hằng năm" and ws["J3"].value == "Kế hoạch phân bổ kinh phí hằng năm"
    assert (ws["A3"].value, ws["B3"].value, ws["O3"].value) == ("STT", "Nội dung", "Ghi chú")
    assert [c.value for c in ws[4]][2:6] == ["Tổng", "Đầu tư nâng cấp hạ tầng, thiết bị", "Xã hội hóa", "Thuê dịch vụ"]
    body = list(ws.iter_rows(min_row=5, max_row=ws.max_row))
    items = [r for r in body if isinstance(r[0].value, int)]
    groups = [r for r in body if r[0].value in ("I", "II")]
    total = next(r for r in body if r[1].value == "TỔNG CỘNG")
    assert [c.value for c in total[2:14]] == [465_000_000, 420_000_000, 30_000_000, 15_000_000, 20_000_000,
                                              20_000_000, 0, 485_000_000, 15_000_000, 0, 470_000_000, 0]  # fmt: skip
    assert len(items) == 3 and [g[1].value for g in groups] == ["PHÁT TRIỂN CHÍNH QUYỀN SỐ", "PHÁT TRIỂN XÃ HỘI SỐ"]
    for col in range(2, 14):
        assert sum(r[col].value for r in items) == total[col].value == sum(g[col].value for g in groups)
    assert all(c.number_format == INTEGER for c in total[2:14])


def test_values_export_by_unit_and_period_with_counts(an_vien, an_vien_plan, an_vien_officer):
    rows = []
    for m, online in ((1, 80), (2, 85), (3, 90)):
        rows += [ValueInput("dossiers_received", an_vien.code, f"2026-{m:02d}", 100),
                 ValueInput("dossiers_online", an_vien.code, f"2026-{m:02d}", online)]  # fmt: skip
    values_write(user=an_vien_officer, rows=rows)
    ws = _sheet(services.export_plan_xlsx(an_vien_plan, an_vien_officer, "values"))
    head, rows = _rows(ws)
    assert head[:3] == ["Mã đơn vị", "Đơn vị", "Kỳ"]
    by_period = {r["Kỳ"].value: r for r in rows if r["Mã chỉ số"].value == "dossiers_online_rate"}
    assert set(by_period) == {"2026", "2026Q1"}
    q1 = by_period["2026Q1"]
    assert (q1["Tử số"].value, q1["Mẫu số"].value) == (255, 300)  # summed, never averaged
    assert q1["Giá trị"].value == pytest.approx(0.85) and q1["Giá trị"].number_format == PERCENT
    assert q1["Đơn vị"].value == "Xã An Viễn"
