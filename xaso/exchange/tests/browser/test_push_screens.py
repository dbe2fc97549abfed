"""A province's administrator sets up the push to the province operations centre on a phone, a commune saves a
figure, and the attempt log shows the batch delivered to a real receiver (started here). Screenshots at phone and
desktop width go to var/screenshots/."""

from __future__ import annotations

from pathlib import Path

import pytest

from xaso.core.browser import DESKTOP, PHONE
from xaso.exchange.models import PushEndpoint
from xaso.exchange.tests.conftest import write
from xaso.exchange.tests.receiver import Receiver

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SHOTS = Path(__file__).resolve().parents[4] / "var" / "screenshots"


@pytest.fixture
def receiver(settings):
    settings.XASO_EXCHANGE_ALLOW_PRIVATE_ADDRESSES = True
    settings.XASO_EXCHANGE_REQUIRE_HTTPS = False
    server = Receiver(fail_first=1)
    yield server
    server.close()


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["phone", "desktop"])
def test_province_admin_sets_up_the_push_and_reads_the_log(
    open_session, receiver, viewport, catalog, province_analyst, an_vien_officer
):
    SHOTS.mkdir(parents=True, exist_ok=True)
    name = "phone" if viewport is PHONE else "desktop"
    session = open_session(viewport)
    session.context.set_default_timeout(60_000)  # the live server answers slowly on a loaded CI machine
    session.login("province_analyst")
    page = session.page
    page.goto("/exchange/")
    page.click("[data-testid=endpoint-new]")
    page.fill("input[name=name]", "Trung tâm IOC Đồng Nai")
    page.fill("input[name=url]", receiver.url)
    page.click("text=Chỉ tiêu gửi")  # the folded list of elements
    page.check("text=Hộ có cáp quang")
    page.screenshot(path=str(SHOTS / f"exchange-endpoint-form-{name}.png"), full_page=True)
    with page.expect_navigation():
        page.click("[data-testid=endpoint-form] button[type=submit]")
    assert "Khóa ký HMAC" in page.content()
    endpoint = PushEndpoint.objects.get()
    assert list(endpoint.elements.values_list("code", flat=True)) == ["households_fibre"]

    from django.db import transaction
    from django.test.utils import CaptureQueriesContext  # noqa: F401

    with transaction.atomic():
        write(
            an_vien_officer, [("households_fibre", "26296", "2025", 1384), ("households_total", "26296", "2025", 1961)]
        )
    assert len(receiver.requests) == 1  # the first answer is a 503: logged, retried later
    page.reload()
    log = page.locator("[data-testid=attempt-log]")
    assert "HTTP 503" in log.inner_text() and "Gửi lại lúc" in log.inner_text()
    page.screenshot(path=str(SHOTS / f"exchange-endpoint-log-{name}.png"), full_page=True)
    assert page.evaluate("document.documentElement.scrollWidth") <= viewport["width"]
    assert session.errors == [] and session.foreign_requests() == []
