"""Building an index on screen in a real browser, on a phone (390 px): the province analyst creates a draft, adds a
pillar and two criteria, sees the loader's verdict change, attaches the decision, issues; An Viễn's officer then
self-assesses under it.

Hand-computed: P1 100 = L1 linear on the smartphone rate between 50 and 90 (60 points) + M1 hand-assessed (40,
mandatory). An Viễn 2025: 5.187 / 7.410 = 70,0% → (70 − 50) / (90 − 50) = 0,5 → L1 30; M1 not answered → 0.
Total 30 of 100."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.conf import settings

from xaso.core.browser import PHONE
from xaso.dti.models import Assessment, IndexVersion
from xaso.files.tests.samples import pdf
from xaso.indicators.services import ValueInput, values_write

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
SCREENSHOTS = Path(settings.BASE_DIR) / "var" / "screenshots"


def add_node(page, live_total: str = "", **fields):
    form = page.locator('[data-testid="node-form"]')
    for name, value in fields.items():
        target = form.locator(f"[name=n-{name}]")
        if name in ("kind", "parent", "indicator"):
            target.select_option(value)
        elif name == "mandatory":
            target.check()
        else:
            target.fill(value)
    if live_total:  # what the pillars will add up to once saved, shown while typing
        assert form.locator("[data-live-total]").inner_text() == live_total
    with page.expect_navigation():
        form.locator("button:has-text('Lưu tiêu chí')").click()


def test_a_province_builds_an_index_on_a_phone_issues_it_and_a_commune_assesses_under_it(
    open_session, catalog, dong_nai, an_vien, an_vien_officer, province_analyst, tmp_path
):
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    decision = tmp_path / "qd-45-ubnd.pdf"
    decision.write_bytes(pdf())
    analyst = open_session(PHONE)
    analyst.login("province_analyst")
    page = analyst.page
    page.goto("/dti/")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.screenshot(path=str(SCREENSHOTS / "dti-home-analyst-phone.png"), full_page=True)
    with page.expect_navigation():
        page.click('[data-testid="build-new"]')
    page.fill("input[name=code]", "xa-dong-nai")
    page.fill("input[name=title]", "Bộ chỉ số chuyển đổi số cấp xã tỉnh Đồng Nai")
    page.fill("input[name=decision_number]", "45/QĐ-UBND")
    page.fill("input[name=decision_date]", "2026-02-10")
    page.fill("input[name=issuer]", "UBND tỉnh Đồng Nai")
    page.fill("input[name=total_points]", "100")
    with page.expect_navigation():
        page.click("button:has-text('Tạo bộ chỉ số nháp')")

    add_node(page, code="P1", name="Hạ tầng và chính quyền số", points="100", kind="group",
             live_total="Tổng điểm các trụ cột sau khi lưu: 100 / 100")  # fmt: skip
    assert page.locator('[data-testid="pillars-total"]').inner_text() == "100"
    assert page.locator('[data-testid="draft-error"]').inner_text() == (
        "Tiêu chí “P1”: tiêu chí lá phải có cách chấm (rule)."
    )
    page.click("#n-P1 a:has-text('Thêm tiêu chí con')")
    add_node(page, code="L1", name="Người trưởng thành có điện thoại thông minh", points="60", kind="linear",
             indicator="adults_smartphone_rate", minimum="50", maximum="90")  # fmt: skip
    add_node(page, parent="P1", code="M1", name="Mô hình chuyển đổi số điểm", points="40", kind="manual",
             mandatory=True)  # fmt: skip
    assert page.locator('[data-testid="draft-ok"]').is_visible()
    assert page.locator("#n-P1").inner_text().count("tiêu chí con: 100 điểm") == 1
    page.locator("input[name=f-decision_file]").set_input_files(str(decision))
    with page.expect_navigation():
        page.click("button:has-text('Đính kèm tệp quyết định')")
    assert page.locator('[data-testid="decision-file"]').inner_text() == "qd-45-ubnd.pdf"
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.screenshot(path=str(SCREENSHOTS / "dti-builder-phone.png"), full_page=True)
    # the form shows only the fields of the rule kind chosen
    page.select_option("select[name=n-kind]", "linear")
    assert page.locator("[data-field=n-minimum]").is_visible()
    assert not page.locator("[data-field=n-options]").is_visible()
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(page.url.split("#")[0] + "?edit=L1")
    assert page.locator("input[name=n-minimum]").input_value() == "50"
    page.screenshot(path=str(SCREENSHOTS / "dti-builder-desktop.png"), full_page=True)
    page.set_viewport_size(PHONE)
    with page.expect_navigation():
        page.click('[data-testid="issue"]')
    index = IndexVersion.objects.get(code="xa-dong-nai")
    assert page.url.endswith(f"/dti/index/{index.pk}/")
    assert (index.version, index.decision_number, index.decision_file_name) == (1, "45/QĐ-UBND", "qd-45-ubnd.pdf")
    assert "Mô hình chuyển đổi số điểm" in page.locator('[data-testid="criteria"]').inner_text()
    assert page.locator('[data-testid="decision-file"]').is_visible()
    assert page.locator('[data-testid="copy"]').is_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.screenshot(path=str(SCREENSHOTS / "dti-issued-index-phone.png"), full_page=True)
    assert analyst.errors == [] and analyst.foreign_requests() == []

    values_write(user=an_vien_officer, rows=[
        ValueInput("adults_total", "26296", "2025", 7410), ValueInput("adults_smartphone", "26296", "2025", 5187),
    ])  # fmt: skip
    officer = open_session(PHONE)
    officer.login("an_vien_officer")
    commune = officer.page
    commune.goto("/dti/")
    commune.select_option("select[name=index]", str(index.pk))
    commune.fill("input[name=year]", "2025")
    with commune.expect_navigation():
        commune.click("button:has-text('Bắt đầu tự đánh giá')")
    assert Assessment.objects.get(commune=an_vien, year=2025).index == index
    assert commune.locator('[data-testid="total"]').inner_text() == "30"
    assert commune.locator("#c-L1 [data-testid=earned]").inner_text() == "30"
    commune.wait_for_selector("canvas[data-dti-chart][data-drawn]")
    assert commune.evaluate("document.documentElement.scrollWidth") <= 390
    commune.screenshot(path=str(SCREENSHOTS / "dti-built-index-assessment-phone.png"), full_page=True)
    assert officer.errors == [] and officer.foreign_requests() == []
