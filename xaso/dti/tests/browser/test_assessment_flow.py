"""The index in a real browser (Debian's Chromium through Playwright): An Viễn's officer, on a phone, starts the
2025 self-assessment, scores a hand-assessed criterion with one evidence file and submits; the province analyst
adjusts that criterion with a reason and publishes; the officer sees the commune's rank and the reason.

Hand-computed (the small index of test_index): An Viễn's figures give A1 10, A2 10, A3 10; A4 (a fact) and B2 are
left at 0; B1 self-assessed 24, adjusted by the province to 18 → 18 × 40/50 = 14,4. Total 44,4. Trị An,
published before, has 74: An Viễn ranks 2 of 2."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.conf import settings

from xaso.core.browser import PHONE
from xaso.dti.loader import index_load
from xaso.dti.models import Assessment
from xaso.dti.services import assessment_publish, assessment_submit
from xaso.dti.tests.test_assessment import tri_an_2025
from xaso.dti.tests.test_index import small_index_data
from xaso.files.tests.samples import pdf
from xaso.indicators.services import ValueInput, values_write

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
SCREENSHOTS = Path(settings.BASE_DIR) / "var" / "screenshots"


def test_self_assessment_review_and_rank_in_the_browser(
    open_session, catalog, dong_nai, an_vien, tri_an, an_vien_officer, tri_an_officer, province_analyst, tmp_path
):
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    index = index_load(user=province_analyst, data=small_index_data(), province=dong_nai)
    tri = tri_an_2025(index, tri_an, tri_an_officer)
    assessment_submit(user=tri_an_officer, assessment=tri)
    assessment_publish(user=province_analyst, assessment=tri)
    values_write(user=an_vien_officer, rows=[
        ValueInput("households_total", "26296", "2025", 1961), ValueInput("households_fibre", "26296", "2025", 1384),
        ValueInput("adults_total", "26296", "2025", 7410), ValueInput("adults_smartphone", "26296", "2025", 5187),
        ValueInput("lan_completed", "26296", "2025", 1),
    ])  # fmt: skip
    evidence = tmp_path / "bien-ban-mo-hinh.pdf"
    evidence.write_bytes(pdf())

    officer = open_session(PHONE)
    officer.login("an_vien_officer")
    page = officer.page
    page.goto("/dti/")
    page.select_option("select[name=index]", str(index.pk))
    page.fill("input[name=year]", "2025")
    with page.expect_navigation():
        page.click("button:has-text('Bắt đầu tự đánh giá')")
    assessment = Assessment.objects.get(commune=an_vien, year=2025)
    assert page.locator('[data-testid="total"]').inner_text() == "30"
    b1 = page.locator("#c-B1")
    b1.locator("input[name$=-points]").fill("24")
    b1.locator("textarea[name$=-explanation]").fill("Hai mô hình điểm: chợ 4.0 và thôn số")
    b1.locator("input[type=file]").set_input_files(str(evidence))
    with page.expect_navigation():
        b1.locator("button:has-text('Lưu')").click()
    assert "bien-ban-mo-hinh.pdf" in page.locator("#c-B1").inner_text()
    assert page.locator('[data-testid="total"]').inner_text() == "49,2"  # 30 + 24 × 0,8
    page.screenshot(path=str(SCREENSHOTS / "dti-self-assessment-phone.png"), full_page=True)
    with page.expect_navigation():
        page.click('[data-testid="submit"]')
    assert page.locator('[data-testid="status"]').inner_text() == "Đã gửi tỉnh thẩm định"

    analyst = open_session()
    analyst.login("province_analyst")
    review = analyst.page
    review.goto(f"/dti/assessment/{assessment.pk}/")
    b1 = review.locator("#c-B1")
    b1.locator("summary:has-text('Thẩm định')").click()
    b1.locator("input[value=adjust]").check(force=True)
    b1.locator("input[name$=-points]").fill("18")
    b1.locator("textarea[name$=-reason]").fill("Mô hình thôn số chưa có kết quả đo được")
    with review.expect_navigation():
        b1.locator("button:has-text('Lưu')").click()
    with review.expect_navigation():
        review.click('[data-testid="publish"]')
    assert review.locator('[data-testid="status"]').inner_text() == "Đã công bố"
    review.goto(f"/dti/index/{index.pk}/ranking/2025/")
    assert review.locator('[data-testid="ranking"] tbody tr').count() == 2
    review.screenshot(path=str(SCREENSHOTS / "dti-ranking-desktop.png"), full_page=True)

    page.goto(f"/dti/assessment/{assessment.pk}/")
    assert page.locator('[data-testid="rank"]').inner_text().startswith("Xếp hạng 2 trên 2 xã, phường")
    assert page.locator('[data-testid="total"]').inner_text() == "44,4"
    assert "Mô hình thôn số chưa có kết quả đo được" in page.locator("#c-B1 [data-testid=adjusted]").inner_text()
    assert "Mô hình thôn số chưa có kết quả đo được" in page.locator('[data-testid="lost"]').inner_text()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390  # nothing wider than the phone
    page.screenshot(path=str(SCREENSHOTS / "dti-result-phone.png"), full_page=True)
    assert officer.errors == [] and officer.foreign_requests() == []


def test_after_a_reissue_the_phone_offers_only_the_new_version(open_session, catalog, dong_nai, an_vien,
                                                                an_vien_officer, province_analyst):  # fmt: skip
    from xaso.core.browser import OVERFLOW, screenshot

    v1 = index_load(user=province_analyst, data=small_index_data(), province=dong_nai)
    v2 = index_load(user=province_analyst, data=small_index_data(), province=dong_nai)
    officer = open_session(PHONE)
    officer.login("an_vien_officer")
    page = officer.page
    page.goto("/dti/")
    offered = page.locator("select[name=index] option").evaluate_all("o => o.map(x => x.value).filter(Boolean)")
    assert offered == [str(v2.pk)] and str(v1.pk) not in offered
    assert page.locator("select[name=index]").input_value() == str(v2.pk)  # the one index in force, chosen
    assert page.locator('[data-testid="superseded"]').inner_text() == "đã có phiên bản mới"
    assert page.evaluate(OVERFLOW)
    screenshot(page, "dti-home-reissued-phone")
