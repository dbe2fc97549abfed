from xaso.coc.tests.browser.conftest import browser, open_session  # noqa: F401
