"""Fixtures: the An Viễn plan of seed 004 (targets for 2026, 2030 and 2045, tasks with the "6 rõ", a budget on
seed 001 Appendix II), issued as 45/KH-UBND, and helpers that open the generated files."""

from __future__ import annotations

from datetime import date
from io import BytesIO

import pytest
from docx import Document

from xaso.indicators.models import DataElement, Indicator
from xaso.indicators.tests.conftest import catalog  # noqa: F401
from xaso.plans import services

# seed 004, mục II: (code, name, pillar, unit, [(horizon, comparator, value)])
AN_VIEN_TARGETS = [
    ("coverage_5g", "Tỷ lệ phủ sóng 5G trên địa bàn xã", "infrastructure", "%", [(2026, ">=", 60), (2030, ">=", 85)]),
    ("coverage_6g", "Tỷ lệ phủ sóng 6G trên địa bàn xã", "infrastructure", "%", [(2045, ">=", 100)]),
    ("fixed_broadband_users", "Tỷ lệ người sử dụng có khả năng truy cập băng rộng cố định", "infrastructure", "%",
     [(2026, ">=", 70), (2030, ">=", 85)]),
    ("officials_basic_skills", "Tỷ lệ cán bộ, công chức cấp xã được bồi dưỡng kỹ năng số căn bản", "human_resources",
     "%", [(2026, ">=", 100), (2030, ">=", 100)]),
    ("adults_digital_health", "Tỷ lệ dân số trưởng thành tiếp cận dịch vụ số trong y tế", "society", "%",
     [(2026, ">=", 90), (2030, ">=", 90), (2045, ">=", 99)]),
    ("adults_regular_digital", "Tỷ lệ dân số trưởng thành thường xuyên sử dụng dịch vụ số", "society", "%",
     [(2045, ">=", 90)]),
    ("full_online_services", "Tỷ lệ dịch vụ công trực tuyến toàn trình trên tổng số thủ tục hành chính có đủ điều kiện",
     "government", "%", [(2026, ">=", 100), (2030, ">=", 100), (2045, ">=", 100)]),
    ("dossiers_online_rate", None, "government", "%", [(2026, ">=", 85), (2030, ">=", 95), (2045, ">=", 100)]),
    ("dossiers_digitised", "Tỷ lệ hồ sơ, kết quả giải quyết thủ tục hành chính được số hóa", "government", "%",
     [(2026, ">=", 100), (2030, ">=", 100), (2045, ">=", 100)]),
    ("systems_on_cloud", "Tỷ lệ hệ thống thông tin của xã vận hành trên nền tảng điện toán đám mây", "data", "%",
     [(2030, ">=", 70), (2045, ">=", 100)]),
    ("vneid_rate", "Tỷ lệ người dân có tài khoản định danh điện tử (VNeID)", "society", "%",
     [(2026, ">=", 80), (2030, ">=", 85), (2045, ">=", 100)]),
    ("adults_digital_signature", "Tỷ lệ người dân trưởng thành có chữ ký số", "society", "%",
     [(2026, ">=", 10), (2030, ">=", 10), (2045, ">=", 40)]),
    ("cashless_transactions", "Tỷ lệ giao dịch không dùng tiền mặt", "economy", "%",
     [(2026, ">=", 80), (2030, ">=", 80)]),
    ("enterprises_digital", "Tỷ lệ doanh nghiệp tại địa phương ứng dụng công nghệ số", "economy", "%",
     [(2045, ">=", 100)]),
]  # fmt: skip

TASKS = [
    {"area": "government", "title": "Nâng cao tỷ lệ giải quyết thủ tục hành chính trực tuyến",
     "person": "Nguyễn Văn An", "lead_unit": "Trung tâm Phục vụ Hành chính công xã",
     "coordinating_units": "Văn phòng HĐND & UBND xã", "timeframe_kind": "recurring", "recurrence": "quarterly",
     "start_date": date(2026, 1, 1), "timeframe_text": "Từ Quý I năm 2026, duy trì hằng quý",
     "deliverable": "Báo cáo quý về tỷ lệ hồ sơ trực tuyến", "approver": "Chủ tịch UBND xã",
     "method": "Hướng dẫn người dân nộp hồ sơ trực tuyến tại bộ phận một cửa", "expected_effect": "Giảm đi lại",
     "duration": "04 tuần"},
    {"area": "government", "title": "Số hóa hồ sơ, kết quả giải quyết thủ tục hành chính", "person": "Trần Thị Bình",
     "lead_unit": "Trung tâm Phục vụ Hành chính công xã", "timeframe_kind": "date", "due_date": date(2026, 3, 15),
     "deliverable": "100% kết quả giải quyết được số hóa", "approver": "Phó Chủ tịch UBND xã"},
    {"area": "society", "title": "Tuyên truyền, phổ biến chủ trương về chuyển đổi số", "person": "Lê Văn Cường",
     "lead_unit": "Phòng Văn hóa - Xã hội xã", "timeframe_kind": "quarter", "due_date": date(2026, 3, 31),
     "deliverable": "Tin, bài trên hệ thống truyền thanh", "approver": "Chủ tịch UBND xã"},
    {"area": "infrastructure", "title": "Cấu hình hệ thống mạng LAN của UBND xã", "person": "Phạm Văn Dũng",
     "lead_unit": "Văn phòng HĐND & UBND xã", "coordinating_units": "Phòng Văn hóa - Xã hội xã",
     "timeframe_kind": "date", "due_date": date(2026, 6, 30), "deliverable": "Mạng LAN quản lý truy cập ra/vào",
     "approver": "Chủ tịch UBND xã"},
]  # fmt: skip

BUDGET = [  # hand totals: investment 465, running 20, allocation 485 (million VND)
    {"area": "government", "item": "Hệ thống hội nghị truyền hình", "invest_equipment": 300_000_000,
     "running_maintenance": 20_000_000, "alloc_commune": 320_000_000},
    {"area": "government", "item": "Sử dụng chữ ký số", "invest_rented": 15_000_000, "alloc_province": 15_000_000},
    {"area": "society", "item": "Triển khai truyền thanh thông minh", "invest_equipment": 120_000_000,
     "invest_socialised": 30_000_000, "alloc_commune": 150_000_000, "notes": "Xã hội hóa 30 triệu"},
]  # fmt: skip


def seed_004_indicators(catalog) -> dict[str, Indicator]:  # noqa: F811
    out = {"dossiers_online_rate": catalog["online"]}
    for code, name, area, unit, _targets in AN_VIEN_TARGETS:
        if code in out:
            continue
        element = DataElement.objects.create(code=f"{code}_stated", name=name, value_type="percent", area=area,
                                             unit_label=unit, aggregation="last", period_type="year")  # fmt: skip
        ind = Indicator.objects.create(code=code, name=name, formula=element.code, area=area, unit_label=unit)
        ind.elements.set([element])
        out[code] = ind
    return out


@pytest.fixture
def an_vien_draft(an_vien, an_vien_officer, catalog):  # noqa: F811
    """Seed 004's plan as a draft: legal basis, goals, the targets of three horizons, tasks, budget, units."""
    indicators = seed_004_indicators(catalog)
    plan = services.plan_create_from_template(
        user=an_vien_officer, unit=an_vien, year=2026,
        title="Kế hoạch thực hiện Nghị quyết số 57-NQ/TW về đột phá phát triển khoa học, công nghệ, đổi mới sáng tạo "
        "và chuyển đổi số quốc gia trên địa bàn Xã An Viễn năm 2026",
    )  # fmt: skip
    services.legal_basis_add(user=an_vien_officer, plan=plan, number="91/KH-UBND",
                             issuer="Ủy ban nhân dân tỉnh Đồng Nai", issued_on=date(2026, 2, 12),
                             title="Triển khai Nghị quyết số 57-NQ/TW năm 2026")  # fmt: skip
    for i, (code, _name, _area, _unit, horizons) in enumerate(AN_VIEN_TARGETS):
        baseline = (60, date(2026, 1, 1)) if code == "dossiers_online_rate" else (None, None)
        for horizon, comparator, value in horizons:
            services.target_save(user=an_vien_officer, plan=plan, indicator=indicators[code], comparator=comparator,
                                 value=value, horizon_year=horizon, sort_order=i,
                                 baseline_value=baseline[0], baseline_date=baseline[1])  # fmt: skip
    for task in TASKS:
        services.task_save(user=an_vien_officer, plan=plan, **task)
    for line in BUDGET:
        services.budget_line_save(user=an_vien_officer, plan=plan, **line)
    services.responsibility_save(user=an_vien_officer, plan=plan, unit_name="Văn phòng HĐND & UBND xã", sort_order=1,
                                 duties="Tham mưu vận hành hệ thống quản lý văn bản và điều hành.\n"
                                 "Gửi, nhận văn bản điện tử đạt tỷ lệ 100%.")  # fmt: skip
    services.responsibility_save(user=an_vien_officer, plan=plan, unit_name="Trung tâm Phục vụ Hành chính công xã",
                                 duties="Vận hành dịch vụ công trực tuyến; hướng dẫn người dân nộp hồ sơ trực tuyến.",
                                 sort_order=2)  # fmt: skip
    plan.refresh_from_db()
    return plan


@pytest.fixture
def an_vien_plan(an_vien_draft, an_vien_officer, an_vien_leader):
    """The same plan issued: 45/KH-UBND of 5 March 2026, signed by the vice-chair (seed 004's signature)."""
    services.plan_submit(plan=an_vien_draft, user=an_vien_officer)
    services.plan_approve(plan=an_vien_draft, user=an_vien_leader, number="45/KH-UBND", issued_on=date(2026, 3, 5),
                          signer_name="Dương Quốc Hùng", signer_title="Phó Chủ tịch")  # fmt: skip
    an_vien_draft.refresh_from_db()
    return an_vien_draft


def open_docx(content: bytes):
    return Document(BytesIO(content))


def docx_text(document) -> str:
    """All the text a reader sees: body paragraphs and table cells (nested tables included), in order."""
    parts: list[str] = []

    def walk(container):
        for block in container.iter_inner_content():
            if hasattr(block, "rows"):
                seen = set()  # a merged cell is listed under every row and column it spans: read it once
                for row in block.rows:
                    for cell in row.cells:
                        if cell._tc in seen:
                            continue
                        seen.add(cell._tc)
                        walk(cell)
            else:
                parts.append(block.text)

    walk(document)
    return "\n".join(parts)
