"""The document register in a real browser at a phone's width and on a desktop: import the document system's
export, see the month's figures, open the documents behind one of them."""

from __future__ import annotations

from pathlib import Path

import pytest

from xaso.core.browser import DESKTOP, PHONE
from xaso.correspondence.tests.conftest import xlsx
from xaso.correspondence.tests.test_register import OUT_HEADER, outgoing_rows

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SCREENSHOTS = Path(__file__).resolve().parents[4] / "var" / "screenshots"


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["phone", "desktop"])
def test_import_then_drill_down_from_a_figure(open_session, tmp_path, catalog, an_vien, an_vien_officer, viewport):
    name = "phone" if viewport == PHONE else "desktop"
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    session = open_session(viewport)
    session.login("an_vien_officer")
    page = session.page
    page.goto("/documents/import/")
    rows = outgoing_rows()
    rows[1][7] = "Fax"
    bad = tmp_path / "so-van-ban-di-loi.xlsx"
    bad.write_bytes(xlsx([OUT_HEADER, *rows], title="SỔ VĂN BẢN ĐI NĂM 2025"))
    page.set_input_files("input[type=file]", str(bad))
    with page.expect_navigation():
        page.locator("form button[type=submit]").click()
    assert "“Fax”" in page.locator("[data-testid=import-errors]").inner_text()
    page.screenshot(path=str(SCREENSHOTS / f"documents-import-errors-{name}.png"), full_page=True)
    page.goto("/documents/import/")
    good = tmp_path / "so-van-ban-di.xlsx"
    good.write_bytes(xlsx([OUT_HEADER, *outgoing_rows()], title="SỔ VĂN BẢN ĐI NĂM 2025"))
    page.set_input_files("input[type=file]", str(good))
    with page.expect_navigation():
        page.locator("form button[type=submit]").click()
    assert page.locator("[data-testid=created]").inner_text() == "6"
    page.goto("/documents/?period=2025-11")
    figures = page.locator("[data-testid=register-figures]")
    assert "75,0%" in figures.inner_text()  # 3 of the 4 counted outgoing documents signed
    with page.expect_navigation():
        figures.locator("[data-code=documents_sent_signed]").click()
    assert page.locator("[data-testid=documents] li").count() == 3
    page.screenshot(path=str(SCREENSHOTS / f"documents-drill-down-{name}.png"), full_page=True)
    width = page.evaluate("() => document.documentElement.scrollWidth")
    assert width <= viewport["width"], width
    assert session.errors == [] and session.foreign_requests() == []
