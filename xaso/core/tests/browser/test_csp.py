"""Every main page under the Content-Security-Policy in a real browser (Debian's Chromium through Playwright): no
violation is reported (console or `securitypolicyviolation` event), no script error, Swagger UI draws the API docs,
and the handlers moved out of the templates (auto-submitting selects, htmx) still work."""

from __future__ import annotations

import pytest

from xaso.indicators.services import ValueInput, values_write
from xaso.plans import services

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WATCH = """
window.__csp = [];
document.addEventListener("securitypolicyviolation",
  (e) => window.__csp.push(e.violatedDirective + " " + e.blockedURI));
"""


def watched(session):
    """The session's page reporting CSP violations from both the console and the DOM event."""
    console: list[str] = []
    session.page.add_init_script(WATCH)
    session.page.on("console", lambda m: console.append(m.text) if "Content Security Policy" in m.text else None)
    return console


def violations(session, console) -> list[str]:
    return console + session.page.evaluate("window.__csp || []")


def test_main_pages_report_no_csp_violation(open_session, catalog, an_vien, an_vien_officer):
    plan = services.plan_create_from_template(user=an_vien_officer, unit=an_vien, year=2026)
    values_write(user=an_vien_officer, rows=[ValueInput("households_total", an_vien.code, "2025", 1961),
                                             ValueInput("households_fibre", an_vien.code, "2025", 1500),
                                             ValueInput("households_total", an_vien.code, "2026", 1970),
                                             ValueInput("households_fibre", an_vien.code, "2026", 1600)])  # fmt: skip
    session = open_session()
    console = watched(session)
    page = session.page
    page.goto("/accounts/login/")
    assert violations(session, console) == []
    session.login("an_vien_officer")
    for url in ("/", f"/coc/unit/{an_vien.code}/", "/plans/", f"/plans/{plan.pk}/", f"/plans/{plan.pk}/tasks/new/",
                "/data/entry/", "/data/import/", "/data/violations/", "/reports/jobs/",
                f"/reports/plans/{plan.pk}/progress/"):  # fmt: skip
        page.goto(url)
        page.wait_for_load_state("networkidle")
        assert violations(session, console) == [], url
    assert session.errors == []

    page.goto("/api/docs/")
    page.wait_for_selector(".swagger-ui .info .title", timeout=20_000)  # Swagger UI ran and drew the schema
    assert "xaso API" in page.locator(".swagger-ui .info .title").inner_text()
    page.wait_for_load_state("networkidle")
    assert violations(session, console) == []
    assert session.errors == [] and session.foreign_requests() == []


def test_an_auto_submitting_select_works_without_inline_handlers(open_session, catalog, an_vien, an_vien_officer):
    session = open_session()
    console = watched(session)
    session.login("an_vien_officer")
    page = session.page
    page.goto("/data/entry/?unit=26296&period=2025")
    with page.expect_navigation():
        page.select_option("select[name=period]", "2024")  # data-autosubmit, handled by xaso/app.js
    assert "period=2024" in page.url
    assert page.locator("html").get_attribute("lang") == "vi"
    with page.expect_navigation():
        page.click("button[name=language][value=en]")  # the language switch is a plain form button
    assert page.locator("html").get_attribute("lang") == "en"
    assert violations(session, console) == [] and session.errors == []
