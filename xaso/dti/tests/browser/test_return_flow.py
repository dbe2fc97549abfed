"""Returning an assessment to the commune in a real browser: the province analyst (desktop) returns An Viễn's
submitted assessment with a reason; the officer, on a phone, reads the reason, corrects B1 and submits again; the
history keeps every step.

Hand-computed (the small index of test_index): An Viễn's figures give A1 10, A2 10, A3 10, A4 (deputy) 5; B1 self
24, B2 15 → (24 + 15) × 0,8 = 31,2; total 66,2. Corrected B1 20 → (20 + 15) × 0,8 = 28 → total 63."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.conf import settings

from xaso.core.browser import PHONE
from xaso.dti.models import ScoreChange
from xaso.dti.services import assessment_submit
from xaso.dti.tests.test_assessment import an_vien_2025
from xaso.files.tests.samples import pdf

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
SCREENSHOTS = Path(settings.BASE_DIR) / "var" / "screenshots"
REASON = "Biên bản mô hình điểm chưa có chữ ký; bổ sung biên bản có chữ ký và chấm lại B1."


def test_the_province_returns_the_commune_corrects_and_submits_again(
    open_session, index, an_vien, an_vien_officer, province_analyst, tmp_path
):
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    assessment = an_vien_2025(index, an_vien, an_vien_officer)
    assessment_submit(user=an_vien_officer, assessment=assessment)
    signed = tmp_path / "bien-ban-co-chu-ky.pdf"
    signed.write_bytes(pdf())

    analyst = open_session()
    analyst.login("province_analyst")
    review = analyst.page
    review.goto(f"/dti/assessment/{assessment.pk}/")
    review.click("summary:has-text('Trả lại xã để bổ sung')")
    review.fill("textarea[name=reason]", REASON)
    with review.expect_navigation():
        review.click('[data-testid="return"]')
    assert review.locator('[data-testid="status"]').inner_text() == "Xã đang tự đánh giá"
    assert review.locator('[data-testid="publish"]').count() == 0
    review.wait_for_selector("canvas[data-dti-chart][data-drawn]")
    review.screenshot(path=str(SCREENSHOTS / "dti-returned-desktop.png"), full_page=True)

    officer = open_session(PHONE)
    officer.login("an_vien_officer")
    page = officer.page
    page.goto(f"/dti/assessment/{assessment.pk}/")
    assert page.locator('[data-testid="returned"]').inner_text() == REASON
    assert page.locator('[data-testid="total"]').inner_text() == "66,2"
    b1 = page.locator("#c-B1")
    b1.locator("summary:has-text('Tự đánh giá')").click()
    b1.locator("input[name$=-points]").fill("20")
    b1.locator("textarea[name$=-explanation]").fill("Một mô hình có biên bản ký")
    b1.locator("input[type=file]").set_input_files(str(signed))
    with page.expect_navigation():
        b1.locator("button:has-text('Lưu')").click()
    assert page.locator('[data-testid="total"]').inner_text() == "63"
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.screenshot(path=str(SCREENSHOTS / "dti-returned-phone.png"), full_page=True)
    with page.expect_navigation():
        page.click('[data-testid="submit"]')
    assert page.locator('[data-testid="status"]').inner_text() == "Đã gửi tỉnh thẩm định"
    assert page.locator('[data-testid="returned"]').count() == 0
    history = page.locator('[data-testid="history"]').inner_text()
    assert "tỉnh trả lại để bổ sung — " + REASON in history
    actions = list(ScoreChange.objects.filter(assessment=assessment).values_list("action", flat=True))
    assert actions[-4:] == ["submit", "return", "self", "submit"]
    assert officer.errors == [] and analyst.errors == []
