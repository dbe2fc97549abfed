"""The operations centre in a real browser: figures, charts drawn by the local Chart.js, scope, a phone's width."""

from __future__ import annotations

import re

import pytest

from xaso.coc.tests.conftest import write
from xaso.core.browser import PHONE

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

CHART_DRAWN = """(key) => {
    const canvas = document.querySelector(`canvas[data-key="${key}"]`);
    if (!canvas || !window.Chart || !Chart.getChart(canvas)) return false;
    const { width, height } = canvas;
    const pixels = canvas.getContext("2d").getImageData(0, 0, width, height).data;
    for (let i = 3; i < pixels.length; i += 4) if (pixels[i] > 0) return true;  // something painted
    return false;
}"""

NO_HORIZONTAL_OVERFLOW = """() => {
    const root = document.documentElement;
    return {scroll: Math.max(root.scrollWidth, document.body.scrollWidth), viewport: window.innerWidth};
}"""


@pytest.fixture
def an_vien_figures(catalog, an_vien, an_vien_officer):
    """An Viễn with seed 003's fibre figures (1,384 / 1,961 = 70.6%) in 2025 and an earlier year for the trend."""
    write(an_vien_officer, an_vien, "2024", households_total=1950, households_fibre=1250)  # 64.1%
    write(
        an_vien_officer,
        an_vien,
        "2025",
        households_total=1961,
        households_fibre=1384,
        population_total=7410,
        adults_smartphone=5187,
        adults_smartphone_rate_stated=75,
        camera_points=25,
    )
    return catalog


def row_text(page, code: str) -> str:
    open_areas(page)
    return re.sub(r"\s+", " ", page.locator(f'tr[data-indicator="{code}"]').inner_text())


def open_areas(page) -> None:
    """Unfold every area of indicators (they are folded below the plans at a glance) and wait for their tables,
    which htmx fetches when an area is opened."""
    page.evaluate("() => document.querySelectorAll('details.coc-section').forEach((d) => { d.open = true; })")
    page.wait_for_function("() => document.querySelectorAll('details.coc-section .coc-fold-load').length === 0")


def test_officer_lands_on_their_commune_and_sees_figures_and_charts(open_session, an_vien_figures):
    session = open_session()
    session.login("an_vien_officer")
    page = session.page
    assert page.url.endswith("/coc/unit/26296/")
    assert page.locator("h1").inner_text().startswith("Xã An Viễn")
    fibre = row_text(page, "households_fibre_rate")
    assert "70,6%" in fibre and "64,1%" not in fibre  # the chart draws the trend, not a figure
    assert "Văn bản nêu 75%, tính được 70,0%" in row_text(page, "adults_smartphone_population_rate")
    assert "thiếu số liệu" in row_text(page, "adults_smartphone_rate")  # over adults: no count of adults
    assert "thiếu số liệu" in row_text(page, "dossiers_online_rate")
    assert "Chưa có số liệu" in row_text(page, "dossiers_online_rate")  # no trend without figures
    assert page.get_by_test_id("count-with-data").inner_text() == "3"
    page.wait_for_function(CHART_DRAWN, arg="households_fibre_rate")
    trend = page.evaluate(
        "() => Chart.getChart(document.querySelector('canvas[data-key=households_fibre_rate]')).data.datasets[0].data"
    )
    assert [None if v is None else round(v, 1) for v in trend] == [None, None, None, 64.1, 70.6]
    assert session.foreign_requests() == []  # Chart.js and htmx come from the server itself, no CDN
    assert session.errors == []


def test_officer_of_another_commune_gets_a_404_without_figures(open_session, an_vien_figures, tri_an_officer):
    session = open_session()
    session.login("tri_an_officer")
    response = session.page.goto("/coc/unit/26296/")
    assert response.status == 404
    assert "70,6" not in session.page.content()


def test_commune_page_fits_a_phone(open_session, an_vien_figures):
    session = open_session(viewport=PHONE)
    session.login("an_vien_officer")
    page = session.page
    open_areas(page)
    page.wait_for_function(CHART_DRAWN, arg="households_fibre_rate")
    size = page.evaluate(NO_HORIZONTAL_OVERFLOW)
    assert size["scroll"] <= size["viewport"] == 390
    box = page.locator('tr[data-indicator="households_fibre_rate"]').bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= 390


def test_province_table_sorts_on_header_click_and_drills_down(
    open_session, an_vien_figures, tri_an, tri_an_officer, province_analyst
):
    write(tri_an_officer, tri_an, "2025", households_total=1000, households_fibre=800)  # 80.0%
    session = open_session()
    session.login("province_analyst")
    page = session.page
    assert page.url.endswith("/coc/province/75/")
    page.goto("/coc/province/75/?year=2025&indicators=households_fibre_rate,camera_points")

    def order():
        return page.locator("#coc-table tbody tr").evaluate_all("rows => rows.map(r => r.dataset.unit)")

    assert order() == ["26296", "26170"]  # by name: An Viễn, Trị An
    page.locator('th[data-sort="households_fibre_rate"] a').click()  # best first
    page.wait_for_function("() => document.querySelector('th[data-sort=households_fibre_rate]').ariaSort !== 'none'")
    assert order() == ["26170", "26296"]  # 80.0% before 70.6%
    assert "sort=households_fibre_rate" in page.url  # htmx pushed the sorted address
    page.locator('th[data-sort="households_fibre_rate"] a').click()
    page.wait_for_function(
        "() => document.querySelector('th[data-sort=households_fibre_rate]').ariaSort === 'ascending'"
    )
    assert order() == ["26296", "26170"]
    cells = page.locator('tr[data-unit="26296"] td').all_inner_texts()
    assert cells == ["25", "70,6%"]  # columns in catalog order: camera points, then fibre
    page.get_by_role("link", name="Xã An Viễn").click()
    page.wait_for_url(re.compile(r"/coc/unit/26296/\?year=2025$"))
    assert "70,6%" in row_text(page, "households_fibre_rate")
    assert session.foreign_requests() == [] and session.errors == []


def test_province_table_fits_a_phone(open_session, an_vien_figures, tri_an, province_analyst):
    session = open_session(viewport=PHONE)
    session.login("province_analyst")
    page = session.page
    page.goto("/coc/province/75/?year=2025")
    size = page.evaluate(NO_HORIZONTAL_OVERFLOW)
    assert size["scroll"] <= size["viewport"] == 390  # the wide table scrolls inside its own box


def test_village_breakdown_opens_in_place(open_session, catalog, nga_dien, nga_dien_villages, nga_dien_officer):
    for village, (total, fibre) in zip(nga_dien_villages, [(100, 90), (300, 150), (600, 360)], strict=True):
        write(nga_dien_officer, village, "2024", households_total=total, households_fibre=fibre)
    session = open_session()
    session.login("nga_dien_officer")
    page = session.page
    open_areas(page)
    page.locator('tr[data-indicator="households_fibre_rate"] a.coc-drill').click()
    page.get_by_test_id("villages-total").wait_for()
    assert page.get_by_test_id("villages-total").inner_text() == "60,0%"  # 600 / 1,000 households
    page.wait_for_function(
        "() => { const c = document.querySelector('canvas[data-kind=bars]'); return c && Chart.getChart(c); }"
    )
    assert page.url.endswith("/coc/unit/legacy:16150/")  # swapped in place, no reload
    page.locator("[data-coc-close]").click()
    assert page.get_by_test_id("villages-total").count() == 0
