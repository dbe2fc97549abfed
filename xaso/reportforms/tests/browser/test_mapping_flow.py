"""The report-form flow in a real browser, at a phone's width and on a desktop: upload a sample report, map its
cells (one from the name suggestion, one by hand), take the period from a cell, then import the next month's
report and find its figures saved; a broken report is refused naming the sheet and cell."""

from __future__ import annotations

from pathlib import Path

import pytest

from xaso.core.browser import DESKTOP, PHONE
from xaso.indicators.models import DataValue
from xaso.reportforms.tests.conftest import monthly_report

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SCREENSHOTS = Path(__file__).resolve().parents[4] / "var" / "screenshots"


def _fits(page, viewport) -> None:
    width = page.evaluate("() => document.documentElement.scrollWidth")
    assert width <= viewport["width"], width  # nothing wider than the screen


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["phone", "desktop"])
def test_officer_maps_a_report_once_then_imports_the_next_issue(
    open_session, tmp_path, catalog, an_vien, an_vien_officer, viewport
):
    name = "phone" if viewport == PHONE else "desktop"
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    session = open_session(viewport)
    session.login("an_vien_officer")
    page = session.page
    page.goto("/report-forms/")
    page.screenshot(path=str(SCREENSHOTS / f"reportforms-empty-{name}.png"), full_page=True)
    page.click("text=Thêm mẫu báo cáo >> nth=0")
    sample = tmp_path / "bc-thang-11.xlsx"
    sample.write_bytes(monthly_report())
    page.fill("input[name=name]", "Báo cáo tháng chuyển đổi số")
    page.select_option("select[name=period_type]", "month")
    page.set_input_files("input[type=file]", str(sample))
    with page.expect_navigation():
        page.click("button[type=submit]")
    # the suggestion by row name: "Tổng số văn bản đi" → the element of that name
    suggested = page.locator("[data-testid=suggested]")
    assert "Tổng số văn bản đi" in suggested.inner_text()
    page.screenshot(path=str(SCREENSHOTS / f"reportforms-map-{name}.png"), full_page=True)
    _fits(page, viewport)
    with page.expect_navigation():
        suggested.locator("li", has_text="C6").locator("button").click()
    # by hand: C7 → digitally signed outgoing documents
    page.select_option("#rf-cell", "BC tháng!C7")
    page.select_option("#rf-element", "documents_sent_signed")
    with page.expect_navigation():
        page.locator("[data-testid=add-cell] button[type=submit]").click()
    page.select_option("#rf-period", "BC tháng!A3")
    with page.expect_navigation():
        page.locator("[data-testid=period-cell] button[type=submit]").click()
    mapped = page.locator("[data-testid=mapped]").inner_text()
    assert "2 ô được nhập thành số liệu" in mapped and "Văn bản đi được ký số" in mapped
    page.screenshot(path=str(SCREENSHOTS / f"reportforms-mapped-{name}.png"), full_page=True)
    _fits(page, viewport)

    page.click("text=Nhập báo cáo >> nth=0")
    broken = tmp_path / "bc-thang-12-loi.xlsx"
    broken.write_bytes(monthly_report(period="Tháng 12/2025", sent=236, signed="hai trăm"))
    page.set_input_files("input[type=file]", str(broken))
    with page.expect_navigation():
        page.locator("form.usa-form button[type=submit]").click()
    errors = page.locator("[data-testid=import-errors]").inner_text()
    assert "Trang “BC tháng”, ô C7" in errors and DataValue.objects.count() == 0
    page.screenshot(path=str(SCREENSHOTS / f"reportforms-errors-{name}.png"), full_page=True)
    _fits(page, viewport)

    good = tmp_path / "bc-thang-12.xlsx"
    good.write_bytes(monthly_report(period="Tháng 12/2025", sent=236, signed=235))
    page.set_input_files("input[type=file]", str(good))
    with page.expect_navigation():
        page.locator("form.usa-form button[type=submit]").click()
    assert page.locator("[data-testid=period]").inner_text() == "2025-12"
    page.screenshot(path=str(SCREENSHOTS / f"reportforms-imported-{name}.png"), full_page=True)
    values = dict(DataValue.objects.filter(unit=an_vien, period__code="2025-12").values_list("data_element__code",
                                                                                               "value"))  # fmt: skip
    assert values == {"documents_sent_total": 236, "documents_sent_signed": 235}
    assert session.errors == [] and session.foreign_requests() == []
