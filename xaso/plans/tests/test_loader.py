from __future__ import annotations

import pytest

from xaso.plans.loader import plans_load
from xaso.plans.models import Plan

pytestmark = pytest.mark.django_db

PLANS = """
plans:
  - key: an_vien_2026
    unit: "26296"
    title: Kế hoạch thực hiện Nghị quyết 57-NQ/TW trên địa bàn xã An Viễn năm 2026
    year_from: 2026
    status: approved
    issued_on: 2026-02-12
    legal_bases:
      - {number: 91/KH-UBND, issued_on: 2026-02-12, issuer: UBND tỉnh Đồng Nai, title: Triển khai Nghị quyết 57-NQ/TW}
    targets:
      - {indicator: dossiers_online_rate, comparator: ">=", value: 85, horizon_year: 2026, stated_text: "≥ 85%"}
      - {indicator: dossiers_online_rate, comparator: ">=", value: 95, horizon_year: 2030}
      - {indicator: dossiers_online_rate, comparator: ">=", value: 100, horizon_year: 2045}
    tasks:
      - area: government
        title: Nâng cao tỷ lệ giải quyết thủ tục hành chính trực tuyến
        lead_unit: Trung tâm Phục vụ Hành chính công
        timeframe_kind: recurring
        recurrence: quarterly
        start_date: 2026-01-01
        timeframe_text: Từ Quý I năm 2026 và duy trì thường xuyên hằng quý, hằng năm
        targets: [dossiers_online_rate@2026]
    budget_lines:
      - {area: government, item: Chữ ký số, invest_rented: 15000000, alloc_commune: 15000000}
    responsibilities:
      - {unit_name: Văn phòng HĐND & UBND xã, duties: Tham mưu triển khai hệ thống quản lý văn bản}
"""


def test_plans_load_from_data_once(tmp_path, an_vien, catalog):
    path = tmp_path / "plans.yaml"
    path.write_text(PLANS, encoding="utf-8")
    assert plans_load(path).created == 1
    assert plans_load(path).skipped == 1
    plan = Plan.objects.get()
    assert [(t.horizon_year, t.value) for t in plan.targets.order_by("horizon_year")] == [
        (2026, 85),
        (2030, 95),
        (2045, 100),
    ]
    task = plan.tasks.get()
    assert task.targets.get().horizon_year == 2026
    assert plan.legal_bases.get().number == "91/KH-UBND"
    assert plan.budget_lines.get().invest_total == 15_000_000
