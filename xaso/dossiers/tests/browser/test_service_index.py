"""A commune chairman reads the service index (766/QĐ-TTg) on the operations centre, opens its sub-criteria and the
dossiers behind the on-time rate, at a phone's and a desktop's width; a province analyst reads the communes' table.
Screenshots: var/screenshots/service-index-*."""

from __future__ import annotations

import pytest

from xaso.core.browser import DESKTOP, OVERFLOW, PHONE, SHOTS, screenshot

from ..conftest import JULY, PROVINCE_HEADER, csv_bytes, run_import

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _shot(page, name: str, size: str) -> None:
    screenshot(page, f"service-index-{name}-{size}")


@pytest.mark.parametrize("size", ["phone", "desktop"])
def test_chairman_reads_the_index_and_the_late_dossiers_behind_it(
    size, open_session, full_catalog, an_vien, an_vien_officer, province_analyst, dong_nai
):
    run_import(an_vien_officer, an_vien, csv_bytes(PROVINCE_HEADER, JULY))
    session = open_session(PHONE if size == "phone" else DESKTOP)
    session.login(an_vien_officer.username)
    page = session.page
    page.goto(f"/coc/unit/{an_vien.code}/?year=2025")
    card = page.locator("[data-testid=service-index]")
    assert card.locator("[data-testid=svc-points]").inner_text() == "26,38"
    assert card.locator("[data-testid=svc-group-satisfaction]").inner_text() == "xaso không đo"
    card.scroll_into_view_if_needed()
    page.screenshot(path=str(SHOTS / f"service-index-coc-{size}.png"))
    with page.expect_navigation():
        card.locator("[data-testid=svc-detail]").click()
    page.select_option("select[name=period]", "2025-07")
    with page.expect_navigation():
        page.locator(".svc-period button").click()
    assert page.locator("[data-testid='points-2.1']").inner_text() == "13,33"
    assert page.evaluate(OVERFLOW)
    _shot(page, "commune", size)
    with page.expect_navigation():
        page.locator("[data-testid='drill-2.1']").click()
    assert page.locator("[data-testid=dossier-rate]").inner_text() == "66,7%"
    assert page.locator("tbody tr").first.get_attribute("data-code") == "AV-0002"  # the late one first
    session.close()

    session = open_session(PHONE if size == "phone" else DESKTOP)
    session.login(province_analyst.username)
    page = session.page
    page.goto(f"/dossiers/province/{dong_nai.code}/service-index/?period=2025")
    assert page.locator("tr[data-unit='26296'] td").first.inner_text().startswith("26,38")
    assert page.evaluate(OVERFLOW)
    _shot(page, "province", size)
