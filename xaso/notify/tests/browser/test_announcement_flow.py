"""An officer on a phone adds a loudspeaker point, composes an announcement for the public page and the
loudspeakers, hears the bulletin in the browser; a citizen reads it on the commune's announcements page and
subscribes by SMS. Every page fits 390 px. Screenshots: var/screenshots/notify-*."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.utils import timezone

from xaso.core.browser import OVERFLOW, PHONE, screenshot
from xaso.notify.models import Bulletin, OutboxMessage, Subscriber

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _shot(page, name: str) -> None:
    screenshot(page, f"notify-{name}")


def test_officer_announces_on_the_loudspeakers_and_a_citizen_reads_it(open_session, an_vien, an_vien_officer, villages):
    officer = open_session(PHONE)
    page = officer.page
    officer.login(an_vien_officer.username)
    page.goto(f"/notify/manage/{an_vien.code}/loudspeakers/")
    page.select_option("#id_village", label="Ấp 1")
    page.fill("#id_name", "Nhà văn hóa ấp 1")
    page.fill("#id_clusters", "C01, C02")
    with page.expect_navigation():
        page.locator("button[type=submit]").last.click()
    assert "2 cụm loa" in page.locator("[data-testid=inventory]").inner_text()
    assert page.evaluate(OVERFLOW)
    _shot(page, "loudspeakers-phone")

    page.goto(f"/notify/manage/{an_vien.code}/new/")
    page.fill("#id_title", "Tiêm chủng mở rộng")
    page.fill("#id_body", "Sáng thứ Bảy, Trạm y tế xã tiêm chủng cho trẻ dưới năm tuổi.")
    page.locator("label", has_text="Loa truyền thanh").click()
    tomorrow = timezone.localdate() + timedelta(days=1)
    page.fill("#id_day", tomorrow.strftime("%d/%m/%Y"))
    page.locator("label", has_text="Buổi chiều").click()
    assert page.evaluate(OVERFLOW)
    _shot(page, "compose-phone")
    with page.expect_navigation():
        page.locator("[data-testid=send]").click()
    assert "Đã gửi thông báo." in page.content(), page.content()[:3000]
    bulletin = Bulletin.objects.get()
    audio = page.locator("[data-testid=audio]")
    duration = page.evaluate(
        """async (el) => { el.preload = "auto"; el.load();
           await new Promise(r => el.readyState >= 1 ? r() : el.addEventListener("loadedmetadata", r, {once: true}));
           return el.duration; }""",
        audio.element_handle(),
    )
    assert abs(duration - bulletin.audio_seconds) < 0.1  # the browser plays the speech xaso measured
    assert page.evaluate(OVERFLOW)
    _shot(page, "announcement-phone")

    citizen = open_session(PHONE)
    public = citizen.page
    public.goto(f"/notify/{an_vien.code}/")
    assert "Tiêm chủng mở rộng" in public.locator("[data-testid=public-announcement]").inner_text()
    with public.expect_navigation():
        public.locator("a", has_text="Nhận thông báo qua SMS").click()
    public.fill("#id_address", "0912345678")
    with public.expect_navigation():
        public.locator("button[type=submit]").last.click()
    code = re.search(r"\b(\d{6})\b", OutboxMessage.objects.get(address="0912345678").body).group(1)
    public.fill("#id_code", code)
    with public.expect_navigation():
        public.locator("button[type=submit]").last.click()
    assert Subscriber.objects.get(address="0912345678").confirmed_at is not None
    assert public.evaluate(OVERFLOW)
    _shot(public, "public-phone")
    assert not citizen.foreign_requests() and not citizen.errors and not officer.errors
