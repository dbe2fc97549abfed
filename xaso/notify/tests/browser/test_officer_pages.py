"""The officer's announcement screens and the citizens' pages of a commune with several villages and clusters, at
390 px and on a desktop: nothing wider than the screen, the loudspeaker schedule summed per slot (a chairman reads
two rows, not one per cluster). Screenshots: var/screenshots/notify-officer-*."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from xaso.core.browser import DESKTOP, OVERFLOW, PHONE, SHOTS
from xaso.notify.announcements import announcement_send, loudspeaker_point_add

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_announcement_pages_fit_a_phone_and_a_desktop(open_session, an_vien, an_vien_officer, villages):
    for i, village in enumerate(villages):
        loudspeaker_point_add(
            user=an_vien_officer, village=village, name=f"Nhà văn hóa ấp {i + 1}",
            clusters=[f"A{i + 1}-{c:02d}" for c in range(1, 7)],
        )  # fmt: skip
    announcement = announcement_send(
        user=an_vien_officer, unit=an_vien, title="Lịch tiêm chủng mở rộng tháng này",
        body="Trạm y tế xã tiêm chủng cho trẻ dưới năm tuổi vào sáng thứ Hai và thứ Ba tuần tới.",
        channels=["web", "loudspeaker"], day=timezone.localdate() + timedelta(days=1), slots=["morning", "evening"],
    )  # fmt: skip
    SHOTS.mkdir(parents=True, exist_ok=True)
    for viewport, width in ((PHONE, "phone"), (DESKTOP, "desktop")):
        session = open_session(viewport)
        session.login(an_vien_officer.username)
        page = session.page
        for url, name in (
            (f"/notify/manage/{an_vien.code}/", "list"),
            (f"/notify/manage/{an_vien.code}/announcement/{announcement.pk}/", "announcement"),
            (f"/notify/manage/{an_vien.code}/loudspeakers/", "loudspeakers"),
            (f"/notify/{an_vien.code}/", "public"),
        ):
            page.goto(url)
            assert page.evaluate(OVERFLOW), (url, width)
            page.screenshot(path=str(SHOTS / f"notify-officer-{name}-{width}.png"), full_page=True)
        page.goto(f"/notify/manage/{an_vien.code}/announcement/{announcement.pk}/")
        rows = page.locator("[data-testid=schedule] tbody tr")
        assert rows.count() == 2 and "12" in rows.first.inner_text()
        assert not session.errors
