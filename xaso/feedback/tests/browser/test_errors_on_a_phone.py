"""Bad input on a 390 px phone, as a citizen without an account and as an officer: every refusal is a Vietnamese
sentence next to what is wrong, the page fits the screen, nothing is stored. Screenshots: var/screenshots/errors-*."""

from __future__ import annotations

import pytest

from xaso.core.browser import OVERFLOW, PHONE, screenshot
from xaso.feedback.models import Feedback
from xaso.notify.models import Announcement, LoudspeakerPoint, Subscriber

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _shot(page, name: str) -> None:
    screenshot(page, f"errors-{name}")


def _errors(page) -> str:
    return " ".join(page.locator(".usa-error-message, .usa-alert--error, .errorlist").all_inner_texts())


def test_a_citizens_mistakes_are_named_in_vietnamese(open_session, an_vien, an_vien_villages, categories, settings):
    settings.XASO_FEEDBACK = {**settings.XASO_FEEDBACK, "track_misses_per_ip_per_hour": 2}
    citizen = open_session(PHONE)
    page = citizen.page
    page.goto(f"/feedback/{an_vien.code}/new/")
    page.select_option("#id_category", index=1)
    page.fill("#id_text", "Đèn hỏng")
    page.fill("#id_latitude", "48,85")
    page.fill("#id_contact", "12345")
    with page.expect_navigation():
        page.locator("[data-testid=send]").click()
    errors = _errors(page)
    assert "từ 10 đến 2000 ký tự" in errors and "10 chữ số" in errors and "lãnh thổ Việt Nam" in errors, errors
    assert page.evaluate(OVERFLOW)
    _shot(page, "feedback-form-phone")
    assert not Feedback.objects.exists()

    for _i in range(2):
        page.goto(f"/feedback/{an_vien.code}/track/?tracking=PA-AAAAAA")
        assert "Không có phản ánh nào mang mã này" in _errors(page)
    page.goto(f"/feedback/{an_vien.code}/track/?tracking=PA-CCCCCC")
    assert "thử lại sau một giờ" in _errors(page)
    assert page.evaluate(OVERFLOW)
    _shot(page, "track-limit-phone")

    page.goto(f"/notify/{an_vien.code}/subscribe/")
    page.fill("#id_address", "0123")
    with page.expect_navigation():
        page.locator("button[type=submit]").last.click()
    assert "10 chữ số" in _errors(page)
    assert page.evaluate(OVERFLOW)
    assert not Subscriber.objects.exists()
    assert not citizen.errors


def test_an_officers_mistakes_are_named_in_vietnamese(open_session, an_vien, an_vien_officer, an_vien_villages):
    officer = open_session(PHONE)
    officer.login(an_vien_officer.username)
    page = officer.page
    page.goto(f"/notify/manage/{an_vien.code}/loudspeakers/")
    page.select_option("#id_village", label="Ấp 1")
    page.fill("#id_name", "Nhà văn hóa ấp 1")
    page.fill("#id_clusters", "C01;interrupts=1")
    with page.expect_navigation():
        page.locator("button[type=submit]").last.click()
    assert "chữ cái không dấu, chữ số" in _errors(page)
    assert page.evaluate(OVERFLOW)
    _shot(page, "loudspeakers-phone")
    assert not LoudspeakerPoint.objects.exists()

    page.goto(f"/notify/manage/{an_vien.code}/new/")
    page.fill("#id_title", "Tin")
    page.fill("#id_body", "Ngắn")
    page.locator("label", has_text="Loa truyền thanh").click()
    with page.expect_navigation():
        page.locator("[data-testid=send]").click()
    errors = _errors(page)
    assert "Tiêu đề từ 5" in errors and "Nội dung từ 10" in errors, errors
    assert page.evaluate(OVERFLOW)
    _shot(page, "compose-phone")
    assert not Announcement.objects.exists()
    assert not officer.errors
