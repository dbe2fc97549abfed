"""The periodic report (Báo cáo, BC) for the first quarter of 2026 of the An Viễn plan: each target's baseline,
value for the quarter and status; tasks done, late and open; the officer's difficulties and proposals; charts."""

from __future__ import annotations

from datetime import date

import pytest
from docx.enum.section import WD_ORIENT

from xaso.core.periods import quarter
from xaso.indicators.services import ValueInput, values_write
from xaso.plans import services as plan_services
from xaso.plans.models import Task
from xaso.reports import selectors, services
from xaso.reports.models import ReportNarrative

from .conftest import docx_text, open_docx

pytestmark = pytest.mark.django_db
TODAY = date(2026, 4, 10)


@pytest.fixture
def quarter_data(an_vien, an_vien_plan, an_vien_officer):
    # dossiers: 80, 85, 90 online out of 100 a month → the quarter 255 / 300 = 85,0% (target 2026: ≥ 85%)
    rows = []
    for m, online in ((1, 80), (2, 85), (3, 90)):
        rows += [ValueInput("dossiers_received", an_vien.code, f"2026-{m:02d}", 100),
                 ValueInput("dossiers_online", an_vien.code, f"2026-{m:02d}", online)]  # fmt: skip
    rows.append(ValueInput("coverage_5g_stated", an_vien.code, "2025", 55))  # only last year's figure
    values_write(user=an_vien_officer, rows=rows)
    tasks = {t.title[:20]: t for t in Task.objects.filter(plan=an_vien_plan)}
    plan_services.task_update_add(task=tasks["Tuyên truyền, phổ bi"], user=an_vien_officer, on=date(2026, 3, 20),
                                  percent_done=100, text="Đã phát 12 tin, bài trên hệ thống truyền thanh")  # fmt: skip
    plan_services.task_update_add(task=tasks["Cấu hình hệ thống mạ"], user=an_vien_officer, on=date(2026, 3, 25),
                                  percent_done=40, text="Đã khảo sát hiện trạng")  # fmt: skip
    services.narrative_save(user=an_vien_officer, plan=an_vien_plan, kind="progress", period_code="2026Q1",
                            difficulties="Đường truyền Internet tại ấp 3 chưa ổn định.\nThiếu máy quét tài liệu.",
                            proposals="Đề nghị tỉnh hỗ trợ 02 máy quét tài liệu.")  # fmt: skip
    return an_vien_plan


@pytest.fixture
def report(quarter_data, an_vien_officer):
    return open_docx(services.document_progress_docx(quarter_data, an_vien_officer, "2026Q1", today=TODAY))


def _rows(document, caption: str) -> list[list[str]]:
    from docx.oxml.ns import qn

    out = []
    for table in document.tables:
        cap = table._tbl.tblPr.find(qn("w:tblCaption"))
        if cap is None or cap.get(qn("w:val")) != caption:
            continue
        for row in table.rows:
            cells, seen = [], set()
            for cell in row.cells:
                if id(cell._tc) not in seen:
                    seen.add(id(cell._tc))
                    cells.append(cell.text.strip())
            out.append(cells)
    return out


def test_header_type_and_summary_name_the_quarter(report):
    body = [p.text for p in report.paragraphs]
    i = body.index("BÁO CÁO")
    assert body[i + 1] == "Kết quả thực hiện kế hoạch chuyển đổi số quý I năm 2026"
    assert report.tables[0].rows[1].cells[0].text.replace(" ", "") == "Số:/BC-UBND"
    assert body[i + 3].startswith("Thực hiện Kế hoạch số 45/KH-UBND ngày 05 tháng 3 năm 2026 của Ủy ban nhân dân xã")


def test_each_target_shows_baseline_value_of_the_quarter_target_and_status(report):
    rows = _rows(report, "xaso:progress")
    assert rows[0] == ["STT", "Chỉ tiêu", "Đơn vị tính", "Xuất phát", "Kết quả quý I/2026", "Mục tiêu", "Đánh giá"]
    by_name = {r[1]: r for r in rows[1:] if len(r) == 7}
    assert len(by_name) == 31  # every target of the plan: 14 indicators over their horizons
    assert by_name["Tỷ lệ hồ sơ trực tuyến (năm 2026)"][3:] == ["60% (2026)", "85,0%", "≥ 85%", "Đã đạt"]
    # 2030: from 60% to 95%, 85% is 71% of the way after 5% of the time → on track
    assert by_name["Tỷ lệ hồ sơ trực tuyến (đến năm 2030)"][3:] == ["60% (2026)", "85,0%", "≥ 95%", "Đúng tiến độ"]
    # no figure for the quarter: last year's, marked with its period; the plan states no baseline for 5G, so the
    # "Xuất phát" is the commune's figure of the year before the plan, as the plan document prints it
    assert by_name["Tỷ lệ phủ sóng 5G trên địa bàn xã (năm 2026)"][3:] == [
        "55,0% (2025)",
        "55,0% (số liệu gần nhất: năm 2025)",
        "≥ 60%",
        "Đúng tiến độ",
    ]
    assert by_name["Tỷ lệ giao dịch không dùng tiền mặt (năm 2026)"][3:] == ["", "", "≥ 80%", "Chưa có số liệu"]
    groups = [r[1] for r in rows[1:] if len(r) == 2]
    assert groups == ["CHÍNH QUYỀN SỐ", "KINH TẾ SỐ", "XÃ HỘI SỐ", "HẠ TẦNG SỐ", "NHÂN LỰC SỐ, NHẬN THỨC SỐ",
                      "DỮ LIỆU SỐ"]  # fmt: skip
    text = docx_text(report)
    # counted over the 14 targets of 2026 (one per indicator: its 2026 target, else the nearest later horizon), as
    # the year-end evaluation counts: online dossiers 85,0% ≥ 85% met; 5G judged on 2025's 55% is on track; the
    # other 12 have no figure
    assert ("Tính đến ngày 31 tháng 3 năm 2026, trong 14 chỉ tiêu năm 2026 của kế hoạch: 1 chỉ tiêu đã đạt, 1 chỉ "
            "tiêu chưa đạt (trong đó 1 chỉ tiêu đúng tiến độ, 0 chỉ tiêu có nguy cơ chậm, 0 chỉ tiêu chậm tiến độ), "
            "12 chỉ tiêu chưa có số liệu.") in text  # fmt: skip


def test_tasks_done_late_and_in_progress(report):
    tables = _rows(report, "xaso:task-report")
    assert len(tables) == 1 + 1 + 1 + 1 + 1 + 2  # three tables: one done, one late, two in progress (+ headers)
    text = docx_text(report)
    done = text[text.index("1. Nhiệm vụ đã hoàn thành") : text.index("2. Nhiệm vụ chậm tiến độ")]
    late = text[text.index("2. Nhiệm vụ chậm tiến độ") : text.index("3. Nhiệm vụ đang thực hiện")]
    open_ = text[text.index("3. Nhiệm vụ đang thực hiện") : text.index("III. KHÓ KHĂN")]
    assert "Tuyên truyền, phổ biến chủ trương về chuyển đổi số" in done
    assert "Đã phát 12 tin, bài trên hệ thống truyền thanh" in done
    assert "Số hóa hồ sơ, kết quả giải quyết thủ tục hành chính" in late and "15/03/2026" in late
    assert "Cấu hình hệ thống mạng LAN của UBND xã" in open_ and "40% — Đã khảo sát hiện trạng" in open_
    assert "Nâng cao tỷ lệ giải quyết thủ tục hành chính trực tuyến" in open_
    assert (
        "Trong kỳ, kế hoạch có 4 nhiệm vụ đang triển khai: 1 nhiệm vụ đã hoàn thành, 1 nhiệm vụ chậm tiến độ, 2" in text
    )
    nxt = text[text.index("V. NHIỆM VỤ TRỌNG TÂM KỲ TỚI") :]
    assert "- Cấu hình hệ thống mạng LAN của UBND xã (hạn 30/06/2026)." in nxt
    assert "- Nâng cao tỷ lệ giải quyết thủ tục hành chính trực tuyến (hạn 30/06/2026)." in nxt


def test_difficulties_and_proposals_are_the_officers_text(report):
    body = [p.text for p in report.paragraphs]
    i, j = body.index("III. KHÓ KHĂN, VƯỚNG MẮC"), body.index("IV. ĐỀ XUẤT, KIẾN NGHỊ")
    assert body[i + 1 : j] == ["Đường truyền Internet tại ấp 3 chưa ổn định.", "Thiếu máy quét tài liệu."]
    assert body[j + 1] == "Đề nghị tỉnh hỗ trợ 02 máy quét tài liệu."


def test_charts_are_embedded_as_images(report):
    assert len(report.inline_shapes) == 2  # progress per pillar, trend of dossiers online (three months)
    for shape in report.inline_shapes:
        assert round(shape.width.mm) == 150
    text = docx_text(report)
    assert "Biểu đồ 1. Số chỉ tiêu theo lĩnh vực và tình trạng thực hiện" in text
    assert "Biểu đồ 2. Diễn biến một số chỉ tiêu chủ yếu" in text


def test_report_page_is_portrait_a4(report):
    [section] = report.sections
    assert section.orientation == WD_ORIENT.PORTRAIT and round(section.page_width.mm) == 210


def test_without_narrative_the_sections_say_none(an_vien_plan, an_vien_officer):
    document = open_docx(services.document_progress_docx(an_vien_plan, an_vien_officer, "2026-02", today=TODAY))
    body = [p.text for p in document.paragraphs]
    assert body[body.index("III. KHÓ KHĂN, VƯỚNG MẮC") + 1] == "Không có."
    assert "Kết quả thực hiện kế hoạch chuyển đổi số tháng 2 năm 2026" in body


def test_narrative_is_kept_per_period_and_only_writers_save_it(an_vien_plan, an_vien_officer, province_analyst):
    from django.core.exceptions import PermissionDenied

    services.narrative_save(user=an_vien_officer, plan=an_vien_plan, kind="progress", period_code="2026Q1",
                            difficulties="A", proposals="B")  # fmt: skip
    services.narrative_save(user=an_vien_officer, plan=an_vien_plan, kind="progress", period_code="2026Q1",
                            difficulties="C", proposals="")  # fmt: skip
    saved = ReportNarrative.objects.get()
    assert (saved.difficulties, saved.proposals) == ("C", "")
    with pytest.raises(PermissionDenied):
        services.narrative_save(user=province_analyst, plan=an_vien_plan, kind="progress", period_code="2026Q1",
                                difficulties="X", proposals="Y")  # fmt: skip


def test_a_target_whose_horizon_has_passed_is_reported_on_its_horizon_year(an_vien, an_vien_officer, catalog):
    """A 2025–2026 plan reported for the third quarter of 2026: its 2025 fibre target is judged on the 2025 figure
    (marked with its year), never on 2026's; its 2026 online target on the quarter's own figure."""
    plan = plan_services.plan_create_from_template(user=an_vien_officer, unit=an_vien, year=2025)
    plan.year_to = 2026
    plan.save(update_fields=["year_to"])
    plan_services.target_save(user=an_vien_officer, plan=plan, indicator=catalog["fibre"], value=80, horizon_year=2025)
    plan_services.target_save(user=an_vien_officer, plan=plan, indicator=catalog["online"], value=85,
                              horizon_year=2026)  # fmt: skip
    # fibre 2025: 6.600 / 8.000 = 82,5% ≥ 80%; 2026: 5.000 / 8.000 = 62,5%, after the horizon, never read
    rows = [
        ValueInput("households_total", an_vien.code, "2025", 8000),
        ValueInput("households_fibre", an_vien.code, "2025", 6600),
        ValueInput("households_total", an_vien.code, "2026", 8000),
        ValueInput("households_fibre", an_vien.code, "2026", 5000),
    ]
    for m in (7, 8, 9):  # 3 × 170 / 3 × 200 = 85,0%
        rows += [ValueInput("dossiers_received", an_vien.code, f"2026-{m:02d}", 200),
                 ValueInput("dossiers_online", an_vien.code, f"2026-{m:02d}", 170)]  # fmt: skip
    values_write(user=an_vien_officer, rows=rows)
    data = selectors.progress_data(user=an_vien_officer, plan=plan, spec=quarter(2026, 3), today=date(2026, 10, 10))
    by_code = {r.target.indicator.code: r for r in data.rows}
    fibre, online = by_code["households_fibre_rate"], by_code["dossiers_online_rate"]
    assert (fibre.current, fibre.period.code, fibre.status.code) == (82.5, "2025", "achieved")
    assert (online.current, online.period, online.status.code) == (85.0, None, "achieved")
    report = open_docx(services.document_progress_docx(plan, an_vien_officer, "2026Q3", today=date(2026, 10, 10)))
    by_name = {r[1]: r for r in _rows(report, "xaso:progress")[1:] if len(r) == 7}
    assert by_name["Tỷ lệ hộ có cáp quang (năm 2025)"][4:] == ["82,5% (số liệu gần nhất: năm 2025)", "≥ 80%", "Đã đạt"]
    assert by_name["Tỷ lệ hồ sơ trực tuyến (năm 2026)"][4:] == ["85,0%", "≥ 85%", "Đã đạt"]
