"""Every main page in a real browser at a phone's and a desktop's width (issue 10's proof).

For each page × viewport: no horizontal overflow (the page is never wider than the screen), no table cell holding
text narrower than 48 px (a Vietnamese word never stands one letter per line), no request to any host but the app
(every request is routed and checked), and zero serious or critical accessibility violations found by axe-core
(vendored, test-only: vendor/axe-4.14.1.min.js, injected by Playwright). Pages of the Vietnamese interface are also
walked for the English texts of browser and framework widgets ("Select an option", "Choose File", "mm/dd/yyyy").

    XASO_TEST_SQLITE_FILE=1 XASO_CHROMIUM=/usr/bin/chromium .venv/bin/python -m pytest -q -m browser -p no:xdist \
        xaso/core/tests/browser/test_pages.py
"""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from xaso.core.browser import CHROMIUM_ARGS  # noqa: F401  (the session browser is launched with these)
from xaso.indicators.tests.conftest import catalog, write  # noqa: F401  (fixture)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

AXE = Path(__file__).parent / "vendor" / "axe-4.14.1.min.js"
VIEWPORTS = {"phone": {"width": 390, "height": 844}, "desktop": {"width": 1366, "height": 900}}
MIN_CELL_WIDTH = 48

#: name → (who signs in, the path; {plan} is the plan's id), whether it is part of the Vietnamese interface
PAGES = {
    "coc-commune": ("an_vien_officer", "/coc/unit/26296/?year=2025", True),
    "coc-province": ("province_analyst", "/coc/province/75/?year=2025", True),
    "scorecard": ("province_analyst", "/coc/province/75/scorecard/", True),
    "data-entry": ("an_vien_officer", "/data/entry/?unit=26296&period=2025", True),
    "import": ("an_vien_officer", "/data/import/", True),
    "plan": ("an_vien_officer", "/plans/{plan}/", True),
    "task-form": ("an_vien_officer", "/plans/{plan}/tasks/new/", True),
    "public": (None, "/public/26296/", True),
    # the API's documentation is for developers: Swagger UI's own words stay English; the rest is checked
    "api-docs": ("an_vien_officer", "/api/docs/", False),
}

OVERFLOW = "() => ({scroll: document.documentElement.scrollWidth, viewport: window.innerWidth})"

NARROW_CELLS = """(min) => {
    const narrow = [];
    for (const cell of document.querySelectorAll("td, th")) {
        const box = cell.getBoundingClientRect();
        const text = (cell.innerText || "").trim();
        if (!text || box.width === 0 || box.height === 0) continue;  // empty or not shown
        if (box.width < min) narrow.push(`${Math.round(box.width)}px: ${text.slice(0, 40)}`);
    }
    return narrow;
}"""

#: the visible texts of a page, option labels and the attributes a reader hears, and the widgets that bring
#: the browser's own (English) words: a native date box, a native file button left visible
WIDGET_TEXTS = """() => {
    const texts = [document.body.innerText];
    for (const el of document.querySelectorAll("option, [placeholder], [title], [aria-label], input[type=submit]")) {
        texts.push(el.textContent || "", el.getAttribute("placeholder") || "", el.getAttribute("title") || "",
                   el.getAttribute("aria-label") || "", el.value || "");
    }
    const nativeDates = document.querySelectorAll(
        "input[type=date], input[type=datetime-local], input[type=month], input[type=week], input[type=time]").length;
    const visibleFileButtons = [...document.querySelectorAll("input[type=file]")]
        .filter((el) => getComputedStyle(el).opacity !== "0").length;
    return {text: texts.join("\\n"), nativeDates, visibleFileButtons};
}"""

ENGLISH_WIDGET_TEXT = re.compile(
    r"Select an option|\bSelect\b|\bChoose\b|Choose File|No file chosen|\bBrowse\b|mm/dd|dd/mm/yyyy|yyyy-mm-dd"
    r"|---------|\bCurrently\b|\bClear\b|\bSubmit\b|This field is required|Please fill out"
)

AXE_RUN = """async () => {
    const result = await axe.run(document, {resultTypes: ["violations"]});
    return result.violations
        .filter((v) => v.impact === "serious" || v.impact === "critical")
        .map((v) => {
            const where = v.nodes.slice(0, 3).map((n) => n.target.join(" ")).join(" | ");
            return `${v.impact} ${v.id}: ${v.help} — ${where}`;
        });
}"""


@pytest.fixture
def world(catalog, an_vien, tri_an, an_vien_officer, tri_an_officer, province_analyst):  # noqa: F811
    """Two Đồng Nai communes with 2024–2025 figures, An Viễn's plan in execution with a target, a task and a budget
    line, and An Viễn's public page published: every main page has something to show."""
    from xaso.coc import services as coc_services
    from xaso.plans import services as plan_services
    from xaso.plans.models import Plan, PlanStatus

    write(an_vien_officer, an_vien, "2024", households_total=8500, households_fibre=5900, camera_points=50)
    write(an_vien_officer, an_vien, "2025", households_total=8560, households_fibre=6420, camera_points=64)
    write(tri_an_officer, tri_an, "2025", households_total=1961, households_fibre=1384)
    plan = plan_services.plan_create_from_template(user=an_vien_officer, unit=an_vien, year=2025)
    target = plan_services.target_save(
        user=an_vien_officer, plan=plan, indicator=catalog["fibre"], value=80, horizon_year=2025
    )
    plan_services.task_save(
        user=an_vien_officer, plan=plan, area="infrastructure", title="Phủ cáp quang đến các thôn còn thiếu",
        person="Nguyễn Văn An", lead_unit="Văn phòng HĐND&UBND xã", timeframe_kind="date",
        due_date=date(2025, 9, 30), deliverable="Biên bản nghiệm thu", approver="Chủ tịch UBND xã", targets=[target],
    )  # fmt: skip
    plan_services.budget_line_save(user=an_vien_officer, plan=plan, area="infrastructure", item="Cáp quang thôn 3",
                                   invest_equipment=120_000_000, alloc_commune=120_000_000)  # fmt: skip
    Plan.objects.filter(pk=plan.pk).update(status=PlanStatus.IN_EXECUTION)
    coc_services.publication_save(
        user=an_vien_officer, unit=an_vien, is_published=True, indicators=[catalog["fibre"]], show_targets=True
    )
    return {"plan": plan.pk}


def open_page(browser, live_server, viewport: dict, username: str | None, path: str, status: int = 200):
    """A fresh signed-in context whose every request is routed: one to another host is refused and recorded."""
    host = urlsplit(live_server.url).netloc
    foreign: list[str] = []
    # bypass_csp: axe-core is injected as a script by the test, not served by the app
    context = browser.new_context(base_url=live_server.url, viewport=viewport, locale="vi-VN", bypass_csp=True)
    context.set_default_timeout(15_000)

    def route(route):
        url = urlsplit(route.request.url)
        if url.scheme in ("http", "https", "ws", "wss") and url.netloc != host:
            foreign.append(route.request.url)
            return route.abort()
        return route.continue_()

    context.route("**/*", route)
    page = context.new_page()
    if username:
        page.goto("/accounts/login/")
        page.fill("input[name=username]", username)
        page.fill("input[name=password]", "pw-" + username)
        with page.expect_navigation():
            page.click("button[type=submit]")
        assert "/accounts/login/" not in page.url, f"{username} could not sign in"
    response = page.goto(path)
    assert response.status == status, f"{path}: {response.status}"
    # the page's own requests settle; up to the live server's SQLite lock wait (30 s, config/settings/test.py) and
    # more, so that a request queued behind another thread's write is waited for rather than failed
    page.wait_for_load_state("networkidle", timeout=45_000)
    return context, page, foreign


@pytest.mark.parametrize("name", PAGES)
def test_main_page_fits_phone_and_desktop_offline_and_accessible(name, browser, live_server, world):
    username, path, vietnamese = PAGES[name]
    path = path.format(**world)
    problems: list[str] = []
    for label, viewport in VIEWPORTS.items():
        context, page, foreign = open_page(browser, live_server, viewport, username, path)
        try:
            size = page.evaluate(OVERFLOW)
            if size["scroll"] > size["viewport"]:
                problems.append(f"{label}: the page is {size['scroll']} px wide on a {size['viewport']} px screen")
            problems += [f"{label}: cell narrower than {MIN_CELL_WIDTH} px, {c}" for c in
                         page.evaluate(NARROW_CELLS, MIN_CELL_WIDTH)]  # fmt: skip
            problems += [f"{label}: request to another host {url}" for url in foreign]
            page.add_script_tag(path=str(AXE))
            problems += [f"{label}: axe {v}" for v in page.evaluate(AXE_RUN)]
            if vietnamese:
                widgets = page.evaluate(WIDGET_TEXTS)
                english = sorted(set(ENGLISH_WIDGET_TEXT.findall(widgets["text"])))
                problems += [f"{label}: English widget text {e!r}" for e in english]
                if widgets["nativeDates"]:
                    problems.append(f"{label}: {widgets['nativeDates']} native date boxes (they show mm/dd/yyyy)")
                if widgets["visibleFileButtons"]:
                    problems.append(f"{label}: a file picker shows the browser's own English button")
        finally:
            context.close()
    assert not problems, f"{name} ({path}):\n" + "\n".join(problems)


def test_the_walker_catches_english_widget_texts():
    """The pattern the Vietnamese walk relies on finds what it must and spares ordinary Vietnamese."""
    for english in ("- Select an option -", "Choose File", "No file chosen", "mm/dd/yyyy", "---------"):
        assert ENGLISH_WIDGET_TEXT.search(english), english
    for vietnamese in ("— Chọn —", "Chọn tệp…", "Chưa chọn tệp nào", "Ngày/tháng/năm, ví dụ 31/12/2026."):
        assert not ENGLISH_WIDGET_TEXT.search(vietnamese), vietnamese
