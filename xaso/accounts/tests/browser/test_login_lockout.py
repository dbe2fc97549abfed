"""The lock-out as an official on a phone sees it: the message in the login form's error area, nothing cut off."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.conf import settings

from xaso.core.browser import PHONE

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SCREENSHOTS = Path(settings.BASE_DIR) / "var" / "screenshots"


def test_after_five_wrong_passwords_the_phone_login_says_it_is_locked_and_for_how_long(open_session, an_vien_officer):
    session = open_session(PHONE)
    page = session.page
    for _ in range(5):
        page.goto("/accounts/login/")
        page.fill("input[name=username]", "an_vien_officer")
        page.fill("input[name=password]", "doan-sai")
        with page.expect_navigation():
            page.click("button[type=submit]")
    error = page.locator("[role=alert] .usa-alert__text")
    assert error.inner_text() == (
        "Đăng nhập tạm thời bị khóa vì nhập sai mật khẩu quá nhiều lần. Hãy thử lại sau 15 phút, "
        "hoặc nhờ quản trị viên mở khóa."
    )
    width = page.evaluate("() => document.documentElement.scrollWidth")
    assert width <= PHONE["width"]
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "login-locked-phone.png"), full_page=True)
    # the right password is refused too while the lock lasts
    page.fill("input[name=username]", "an_vien_officer")
    page.fill("input[name=password]", "pw-an_vien_officer")
    with page.expect_navigation():
        page.click("button[type=submit]")
    assert "/accounts/login/" in page.url
    assert "tạm thời bị khóa" in error.inner_text()
    assert session.foreign_requests() == []
