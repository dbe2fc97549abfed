"""Shared by every app's browser tests (made available in xaso/conftest.py).

A real browser for UI tests: Debian's Chromium driven by Playwright (sync API) against pytest-django's live server.

    XASO_CHROMIUM=/usr/bin/chromium .venv/bin/python -m pytest -q -m browser -p no:xdist xaso/coc/tests/browser

`make system-deps` installs Chromium (apt-get install chromium). The default pytest options leave these tests
out (`-m 'not browser'`); `-m browser` selects them.
"""

from __future__ import annotations

import os
from pathlib import Path
from urllib.parse import urlsplit

import pytest

CHROMIUM = os.environ.get("XASO_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}
#: where the browser tests leave their screenshots (var/ is not kept in git)
SHOTS = Path(__file__).resolve().parents[2] / "var" / "screenshots"
#: `page.evaluate(OVERFLOW)` is true when nothing is wider than the window: the page never scrolls sideways
OVERFLOW = "() => document.documentElement.scrollWidth <= window.innerWidth"


def screenshot(page, name: str) -> None:
    """The whole page as var/screenshots/<name>.png, to look at after the run."""
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    # Playwright's sync API runs an event loop in this thread; Django would then refuse the fixtures' database calls.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

    if not Path(CHROMIUM).exists():
        pytest.fail(f"Chromium not found at {CHROMIUM}: run `make system-deps` or set XASO_CHROMIUM.", pytrace=False)
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


class Session:
    """A browser context on the live server that records every request, so a test can show nothing left the host."""

    def __init__(self, browser, base_url: str, viewport: dict):
        self.base_url = base_url
        self.context = browser.new_context(base_url=base_url, viewport=viewport, locale="vi-VN")
        self.context.set_default_timeout(10_000)
        self.page = self.context.new_page()
        self.requests: list[str] = []
        self.errors: list[str] = []
        self.page.on("request", lambda request: self.requests.append(request.url))
        self.page.on("pageerror", lambda error: self.errors.append(str(error)))

    def login(self, username: str, password: str | None = None) -> None:
        page = self.page
        page.goto("/accounts/login/")
        page.fill("input[name=username]", username)
        page.fill("input[name=password]", password or "pw-" + username)
        with page.expect_navigation():
            page.click("button[type=submit]")
        assert "/accounts/login/" not in page.url, f"{username} could not sign in"

    def foreign_requests(self) -> list[str]:
        host = urlsplit(self.base_url).netloc
        web = [urlsplit(url) for url in self.requests if urlsplit(url).scheme in ("http", "https")]
        return [url.geturl() for url in web if url.netloc != host]

    def close(self) -> None:
        self.context.close()


@pytest.fixture
def open_session(browser, live_server):
    """`open_session(viewport=PHONE)` → a fresh signed-out browser session; closed after the test."""
    sessions: list[Session] = []

    def open_(viewport: dict = DESKTOP) -> Session:
        session = Session(browser, live_server.url, viewport)
        sessions.append(session)
        return session

    yield open_
    for session in sessions:
        session.close()
