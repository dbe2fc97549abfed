"""No English in the Vietnamese interface (issue 10's proof): a real browser walks every main page and every form
page in Vietnamese, signed in as the demo personas, and fails on the English words browsers and frameworks put in
widgets ("Select", "Choose file", "No file chosen", "mm/dd", "Submit", "Next", "---------"...), in what is read
out (placeholder, title, aria-label, alt) and on buttons (value), and on the widgets that bring the browser's own
English: a native date box (mm/dd/yyyy) or a visible native file button ("Choose file / No file chosen").

    XASO_TEST_SQLITE_FILE=1 XASO_CHROMIUM=/usr/bin/chromium .venv/bin/python -m pytest -q -m browser -p no:xdist \\
        xaso/core/tests/browser/test_vietnamese_only.py
"""

from __future__ import annotations

import re

import pytest

from xaso.indicators.tests.conftest import catalog  # noqa: F401  (fixture)

from .test_pages import open_page, world  # noqa: F401  (fixture: two Đồng Nai communes, a plan, a publication)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

#: name → (who signs in, path, expected status); {plan} and {task} are the world's plan and task
WALK = {
    "login": (None, "/accounts/login/", 200),
    "unit-picker": ("administrator", "/coc/units/", 200),
    "coc-commune": ("an_vien_officer", "/coc/unit/26296/?year=2025", 200),
    "coc-province": ("province_analyst", "/coc/province/75/?year=2025", 200),
    "scorecard": ("province_analyst", "/coc/province/75/scorecard/", 200),
    "publication-form": ("an_vien_officer", "/coc/unit/26296/publication/", 200),
    "public": (None, "/public/26296/", 200),
    "public-unpublished": (None, "/public/26170/", 404),
    "data-entry": ("an_vien_officer", "/data/entry/?unit=26296&period=2025", 200),
    "violations": ("an_vien_officer", "/data/violations/", 200),
    "import": ("an_vien_officer", "/data/import/", 200),
    "villages": ("an_vien_officer", "/units/26296/villages/", 200),
    "plans": ("an_vien_officer", "/plans/", 200),
    "plan-new": ("an_vien_officer", "/plans/new/", 200),
    "plan": ("an_vien_officer", "/plans/{plan}/", 200),
    "plan-edit": ("an_vien_officer", "/plans/{plan}/edit/", 200),
    "legal-basis-form": ("an_vien_officer", "/plans/{plan}/legal-bases/new/", 200),
    "target-form": ("an_vien_officer", "/plans/{plan}/targets/new/", 200),
    "task-form": ("an_vien_officer", "/plans/{plan}/tasks/new/", 200),
    "task-edit": ("an_vien_officer", "/plans/{plan}/tasks/{task}/", 200),
    "task-update-form": ("an_vien_officer", "/plans/{plan}/tasks/{task}/updates/new/", 200),
    "budget-form": ("an_vien_officer", "/plans/{plan}/budget/new/", 200),
    "responsibility-form": ("an_vien_officer", "/plans/{plan}/responsibilities/new/", 200),
    "progress-report-form": ("an_vien_officer", "/reports/plans/{plan}/progress/", 200),
    "evaluation-form": ("an_vien_officer", "/reports/plans/{plan}/evaluation/", 200),
    "report-jobs": ("an_vien_officer", "/reports/jobs/", 200),
    # the API's documentation: Swagger UI's own words are for developers and stay English; xaso's frame is checked
    "api-docs": ("an_vien_officer", "/api/docs/", 200),
}

#: the English of browser and framework widgets, as words (so "Selected" in a code is no match, "Select" is)
ENGLISH_WIDGET_WORDS = re.compile(
    r"\b(?:Select(?: an option)?|Choose(?: files?)?|No files? chosen|Browse|Submit|Search|Next|Previous|Loading"
    r"|Currently|Clear|Change|Upload|Required|Optional|Close|Open|Menu|Toggle|Skip|Back|Cancel|Save|Delete"
    r"|Edit|Add|Remove|Show|Hide|More|Filter|Sort|Page|of)\b"
    r"|mm/dd|dd/mm/yyyy|yyyy-mm-dd|---------|This field is required|Please (?:fill|select|enter)"
)
#: what may legitimately read as English on a Vietnamese page: the switch to English, the product's name, the API
ALLOWED = {"English", "API", "xaso", "AGPL-3.0", "VNeID", "LAN", "Internet", "Wi-Fi", "Swagger"}

WALK_PAGE = """() => {
    const skip = (el) => el.closest("#swagger-ui, [lang=en]");  // Swagger UI's own texts; the English switch
    const visible = [];
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    while (walker.nextNode()) {
        const node = walker.currentNode, el = node.parentElement;
        if (!el || skip(el) || el.closest("script, style, noscript, template")) continue;
        const text = node.textContent.trim();
        if (text) visible.push(text);
    }
    const attributes = [];
    for (const el of document.querySelectorAll("[placeholder], [title], [aria-label], [alt], [aria-placeholder]")) {
        if (skip(el)) continue;
        for (const name of ["placeholder", "title", "aria-label", "alt", "aria-placeholder"]) {
            const value = el.getAttribute(name);
            if (value) attributes.push(`${name}=${value}`);
        }
    }
    for (const el of document.querySelectorAll("input[type=submit], input[type=button], input[type=reset]")) {
        if (!skip(el) && el.value) attributes.push(`value=${el.value}`);
    }
    for (const el of document.querySelectorAll("option")) if (!skip(el)) visible.push(el.textContent.trim());
    const nativeDates = [...document.querySelectorAll(
        "input[type=date], input[type=datetime-local], input[type=month], input[type=week], input[type=time]")]
        .filter((el) => !skip(el)).length;
    const fileButtons = [...document.querySelectorAll("input[type=file]")].filter((el) => {
        const style = getComputedStyle(el);
        return style.display !== "none" && style.visibility !== "hidden" && style.opacity !== "0"
            && el.getBoundingClientRect().width > 1;
    }).length;
    const fileLabels = [...document.querySelectorAll("input[type=file]")].map((el) => {
        const label = el.id && document.querySelector(`label[for="${el.id}"]`);
        return label ? label.innerText.trim() : "";
    });
    return {visible, attributes, nativeDates, fileButtons, fileLabels, lang: document.documentElement.lang};
}"""


def english_in(texts: list[str]) -> list[str]:
    found = []
    for text in texts:
        for match in ENGLISH_WIDGET_WORDS.finditer(text):
            if match.group(0) not in ALLOWED:
                found.append(f"{match.group(0)!r} in {text[:80]!r}")
    return found


@pytest.mark.parametrize("name", WALK)
def test_vietnamese_pages_show_no_english_widget_text(name, browser, live_server, world, administrator):  # noqa: F811
    from xaso.plans.models import Task

    username, path, status = WALK[name]
    administrator.set_password("pw-administrator")  # open_page signs in with "pw-" + the username
    administrator.save(update_fields=["password"])
    task = Task.objects.filter(plan_id=world["plan"]).values_list("pk", flat=True).first()
    path = path.format(plan=world["plan"], task=task)
    context, page, _foreign = open_page(browser, live_server, {"width": 1366, "height": 900}, username, path,
                                        status=status)  # fmt: skip
    try:
        found = page.evaluate(WALK_PAGE)
        problems = [f"text {e}" for e in english_in(found["visible"])]
        problems += [f"attribute {e}" for e in english_in(found["attributes"])]
        if found["lang"] != "vi":
            problems.append(f'<html lang="{found["lang"]}">, not "vi"')
        if found["nativeDates"]:
            problems.append(f"{found['nativeDates']} native date box(es): the browser shows mm/dd/yyyy")
        if found["fileButtons"]:
            problems.append("a native file button is visible: the browser shows “Choose file / No file chosen”")
        problems += [f"a file picker without a Vietnamese label: {label!r}" for label in found["fileLabels"]
                     if not label or english_in([label])]  # fmt: skip
    finally:
        context.close()
    assert not problems, f"{name} ({path}):\n" + "\n".join(problems)


def test_the_walker_knows_english_widget_words_and_spares_vietnamese():
    for english in ("Select an option", "Choose File", "No file chosen", "mm/dd/yyyy", "---------", "Submit",
                    "Search", "Next", "Previous", "Loading…", "Browse…"):  # fmt: skip
        assert english_in([english]), english
    for vietnamese in ("— Chọn —", "Chọn tệp…", "Chưa chọn tệp nào", "Ngày/tháng/năm, ví dụ 31/12/2026.", "Tìm",
                       "Trang sau", "Trang trước", "Đang tải…", "English", "Tài khoản VNeID"):  # fmt: skip
        assert not english_in([vietnamese]), vietnamese
