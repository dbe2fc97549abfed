"""Fixtures: An Viễn's plan of seed 004 issued (xaso/reports/tests/conftest.py) with a few 2026 figures, and its
steering committee (the chairman heads it, a vice-chairman is deputy, the culture officer is the standing member)."""

from __future__ import annotations

from datetime import date

import pytest

from xaso.indicators.services import ValueInput, values_write
from xaso.indicators.tests.conftest import catalog  # noqa: F401
from xaso.reports.tests.conftest import an_vien_draft, an_vien_plan  # noqa: F401
from xaso.steering import services

#: the 2026 figures the test commune reports (stated rates of seed 004's indicators)
FIGURES_2026 = {"coverage_5g_stated": 30, "cashless_transactions_stated": 20, "adults_digital_signature_stated": 6.5,
                "vneid_rate_stated": 70}  # fmt: skip


@pytest.fixture
def an_vien_figures(an_vien_plan, an_vien_officer):  # noqa: F811
    values_write(user=an_vien_officer, rows=[ValueInput(code, "26296", "2026", v) for code, v in FIGURES_2026.items()])
    return an_vien_plan


@pytest.fixture
def an_vien_committee(an_vien, an_vien_officer):
    committee = services.committee_save(
        user=an_vien_officer, commune=an_vien, decision_number="15/QĐ-UBND", decision_date=date(2025, 7, 10),
        decision_signer="Chủ tịch UBND xã",
    )  # fmt: skip
    services.member_add(user=an_vien_officer, committee=committee, full_name="Hoàng Minh Tuấn",
                        position="Chủ tịch UBND xã", role="head", leadership="chairman", valid_from=date(2025, 7, 10),
                        phone="0912345678")  # fmt: skip
    services.member_add(user=an_vien_officer, committee=committee, full_name="Dương Quốc Hùng",
                        position="Phó Chủ tịch UBND xã", role="deputy", leadership="vice_chairman",
                        valid_from=date(2025, 7, 10))  # fmt: skip
    services.member_add(user=an_vien_officer, committee=committee, full_name="Lê Văn Cường",
                        position="Công chức Văn hóa - Xã hội", role="standing", valid_from=date(2025, 7, 10),
                        account=an_vien_officer)  # fmt: skip
    return committee


FOLLOW_UP_LAN = {
    "area": "infrastructure", "title": "Hoàn thành cấu hình mạng LAN của UBND xã", "person": "Phạm Văn Dũng",
    "lead_unit": "Văn phòng HĐND & UBND xã", "timeframe_kind": "date", "due_date": date(2026, 11, 30),
    "deliverable": "Mạng LAN quản lý truy cập ra/vào", "approver": "Chủ tịch UBND xã",
}  # fmt: skip
FOLLOW_UP_CASHLESS = {
    "area": "economy", "title": "Vận động tiểu thương chợ xã nhận thanh toán không dùng tiền mặt",
    "person": "Nguyễn Thị Hoa", "lead_unit": "Phòng Kinh tế xã", "coordinating_units": "Đoàn Thanh niên xã",
    "timeframe_kind": "quarter", "due_date": date(2026, 12, 31),
    "deliverable": "Danh sách tiểu thương có mã QR thanh toán", "approver": "Phó Chủ tịch UBND xã",
}  # fmt: skip
