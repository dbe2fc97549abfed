"""The steering committee in a real browser (Debian's Chromium through Playwright), on a 390 px phone: An Viễn's
officer adds a member, opens the fourth-quarter review of 2026, writes a conclusion and a follow-up task with its
"6 rõ", concludes, downloads the report; the task is then on the plan's page. The province analyst reads it at
desktop width without a form to change it."""

from __future__ import annotations

from io import BytesIO
from pathlib import Path

import pytest
from django.conf import settings
from docx import Document

from xaso.core.browser import PHONE
from xaso.plans.models import Task
from xaso.reports.tests.conftest import docx_text
from xaso.steering.models import Member, Review

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
SCREENSHOTS = Path(settings.BASE_DIR) / "var" / "screenshots"


def test_officer_concludes_a_review_on_a_phone(open_session, an_vien_plan, an_vien_committee, an_vien,
                                               province_analyst):  # fmt: skip
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    officer = open_session(PHONE)
    officer.login("an_vien_officer")
    page = officer.page
    page.goto("/steering/")
    assert page.url.endswith(f"/steering/unit/{an_vien.pk}/")
    form = page.locator('[data-testid="member-form"]')
    form.locator("input[name=full_name]").fill("Phan Thị Lan")
    form.locator("input[name=position]").fill("Công chức Tư pháp - Hộ tịch")
    form.locator("select[name=role]").select_option("member")
    form.locator("input[name=valid_from]").fill("01/12/2026")
    with page.expect_navigation():
        form.locator("button[type=submit]").click()
    assert "Phan Thị Lan" in page.locator('[data-testid="members"]').inner_text()
    assert Member.objects.filter(full_name="Phan Thị Lan", valid_to__isnull=True).exists()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.screenshot(path=str(SCREENSHOTS / "steering-committee-phone.png"), full_page=True)

    page.goto(f"/steering/unit/{an_vien.pk}/reviews/")
    form = page.locator('[data-testid="review-form"]')
    form.locator("select[name=kind]").select_option("quarter")
    form.locator("input[name=year]").fill("2026")
    form.locator("select[name=part]").select_option("4")
    form.locator("input[name=meeting_date]").fill("03/12/2026")
    with page.expect_navigation():
        form.locator("button[type=submit]").click()
    review = Review.objects.get()
    assert page.locator("h1").inner_text() == "Sơ kết quý IV năm 2026"
    assert "Cấu hình hệ thống mạng LAN của UBND xã" in page.locator('[data-testid="overdue"]').inner_text()

    form = page.locator('[data-testid="conclusions-form"]')
    form.locator("textarea[name=conclusions]").fill("Khẩn trương hoàn thành mạng LAN trong tháng 12.")
    with page.expect_navigation():
        form.locator("button[type=submit]").click()
    assert "Khẩn trương hoàn thành mạng LAN" in page.locator('[data-testid="conclusions"]').inner_text()

    page.locator("summary:has-text('Thêm nhiệm vụ (6 rõ)')").click()
    form = page.locator('[data-testid="follow-up-form"]')
    form.locator("select[name=area]").select_option("infrastructure")
    form.locator("textarea[name=title]").fill("Hoàn thành cấu hình mạng LAN của UBND xã")
    form.locator("input[name=person]").fill("Phạm Văn Dũng")
    form.locator("input[name=timeframe_kind][value=date]").check(force=True)
    form.locator("input[name=due_date]").fill("31/12/2026")
    form.locator("input[name=lead_unit]").fill("Văn phòng HĐND & UBND xã")
    form.locator("textarea[name=deliverable]").fill("Mạng LAN quản lý truy cập ra/vào")
    form.locator("input[name=approver]").fill("Chủ tịch UBND xã")
    with page.expect_navigation():
        form.locator("button[type=submit]").click()
    assert "Phạm Văn Dũng" in page.locator('[data-testid="follow-ups"]').inner_text()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.screenshot(path=str(SCREENSHOTS / "steering-review-draft-phone.png"), full_page=True)

    with page.expect_navigation():
        page.click('[data-testid="conclude"]')
    assert page.locator('[data-testid="status"]').inner_text() == "Đã kết luận"
    with page.expect_download() as download:
        page.click('[data-testid="docx"]')
    assert download.value.suggested_filename.startswith("bao-cao-so-ket-quy-iv-nam-2026")
    text = docx_text(Document(BytesIO(Path(download.value.path()).read_bytes())))
    assert "TM. BAN CHỈ ĐẠO" in text and "Hoàng Minh Tuấn" in text and "Phạm Văn Dũng" in text
    page.screenshot(path=str(SCREENSHOTS / "steering-review-concluded-phone.png"), full_page=True)

    task = Task.objects.get(plan=an_vien_plan, title="Hoàn thành cấu hình mạng LAN của UBND xã")
    page.goto(f"/plans/{an_vien_plan.pk}/")
    assert "Hoàn thành cấu hình mạng LAN của UBND xã" in page.content()
    assert task.person == "Phạm Văn Dũng" and str(task.due_date) == "2026-12-31"
    assert officer.errors == [] and officer.foreign_requests() == []

    analyst = open_session()
    analyst.login("province_analyst")
    desk = analyst.page
    desk.goto(f"/steering/review/{review.pk}/")
    assert desk.locator('[data-testid="status"]').inner_text() == "Đã kết luận"
    assert desk.locator('[data-testid="conclude"]').count() == 0 and desk.locator("form textarea").count() == 0
    desk.screenshot(path=str(SCREENSHOTS / "steering-review-desktop.png"), full_page=True)
    desk.goto(f"/steering/unit/{an_vien.pk}/")
    assert desk.locator('[data-testid="member-form"]').count() == 0
    assert "0912345678" not in desk.content()
    desk.screenshot(path=str(SCREENSHOTS / "steering-committee-desktop.png"), full_page=True)
    assert analyst.errors == []
