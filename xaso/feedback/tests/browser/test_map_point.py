"""A point on the map in a real browser (decision 0049). Without a tile server: a citizen on a 390 px phone uses
"use my location" (Playwright's geolocation), sends feedback; the officer sees the point; the public list shows the
village, not the point. With a tile server (a local one, on another port): the Leaflet map loads its tiles under
the Content-Security-Policy and a tap marks the place. Screenshots: var/screenshots/feedback-map-*."""

from __future__ import annotations

import io
import re
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from PIL import Image

from xaso.core.browser import DESKTOP, OVERFLOW, PHONE, screenshot
from xaso.feedback import services
from xaso.feedback.models import Feedback
from xaso.notify.models import OutboxMessage

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

HOUSE = {"latitude": 11.092714, "longitude": 107.170306}


def _shot(page, name: str) -> None:
    screenshot(page, f"feedback-map-{name}")


def _confirm(page) -> Feedback:
    code = re.search(r"\b(\d{6})\b", OutboxMessage.objects.latest("id").body).group(1)
    page.fill("#id_code", code)
    with page.expect_navigation():
        page.locator("[data-testid=confirm]").click()
    return Feedback.objects.get()


def test_citizen_uses_my_location_the_officer_sees_the_point_the_public_only_the_village(
    open_session, an_vien, an_vien_officer, an_vien_villages, categories
):
    citizen = open_session(PHONE)
    citizen.context.grant_permissions(["geolocation"])
    citizen.context.set_geolocation(HOUSE)
    page = citizen.page
    page.goto(f"/feedback/{an_vien.code}/new/")
    assert page.locator(".leaflet-container").count() == 0  # no tile server: no map, the rest works
    assert "Chưa có bản đồ nền" in page.locator("[data-geo-status]").inner_text()
    page.select_option("#id_category", label="Hạ tầng: đường, cầu, cống, điện chiếu sáng")
    page.fill("#id_text", "Cột điện nghiêng sát mái nhà sau trận gió tối qua, rất nguy hiểm.")
    page.select_option("#id_village", label="Ấp 1")
    page.locator("[data-geo-button]").click()
    page.wait_for_function("() => document.getElementById('id_latitude').value !== ''")
    assert page.input_value("#id_latitude") == "11.09271" and page.input_value("#id_longitude") == "107.17031"
    assert "11.09271, 107.17031" in page.locator("[data-geo-status]").inner_text()
    page.fill("#id_contact", "0912345678")
    assert page.evaluate(OVERFLOW)
    _shot(page, "form-phone")
    with page.expect_navigation():
        page.locator("[data-testid=send]").click()
    feedback = _confirm(page)
    assert (str(feedback.latitude), str(feedback.longitude)) == ("11.092710", "107.170310")
    assert not citizen.foreign_requests() and not citizen.errors

    officer = open_session(PHONE)
    officer.login(an_vien_officer.username)
    officer.page.goto(f"/feedback/manage/item/{feedback.pk}/")
    point = officer.page.locator("[data-testid=point]")
    assert "11.09271, 107.17031" in point.inner_text()
    assert point.locator("a").get_attribute("href") == "geo:11.09271,107.17031"
    assert officer.page.evaluate(OVERFLOW)
    _shot(officer.page, "officer-phone")
    services.feedback_answer(user=an_vien_officer, feedback=feedback, answer="Điện lực đã dựng lại cột ngày 04/12.")
    services.feedback_publish(user=an_vien_officer, feedback=feedback, public_text="Cột điện nghiêng ở ấp 1.")

    page.goto(f"/feedback/{an_vien.code}/")
    item = page.locator("[data-testid=public-item]")
    assert "Ấp 1" in item.inner_text() and "Cột điện nghiêng ở ấp 1." in item.inner_text()
    assert not re.search(r"11[.,]09|107[.,]17", page.content())
    _shot(page, "public-phone")
    assert not officer.errors


def test_without_permission_the_citizen_is_told_in_vietnamese_and_can_type_the_point(open_session, an_vien, categories):
    citizen = open_session(PHONE)
    page = citizen.page
    page.goto(f"/feedback/{an_vien.code}/new/")
    page.locator("[data-geo-button]").click()
    page.wait_for_function("() => /chưa cho phép/.test(document.querySelector('[data-geo-status]').textContent)")
    assert page.input_value("#id_latitude") == ""
    page.select_option("#id_category", label="Hạ tầng: đường, cầu, cống, điện chiếu sáng")
    page.fill("#id_text", "Cột điện nghiêng sát mái nhà sau trận gió tối qua, rất nguy hiểm.")
    page.fill("#id_latitude", "48.85")
    page.fill("#id_longitude", "2.35")
    page.fill("#id_contact", "0912345678")
    with page.expect_navigation():
        page.locator("[data-testid=send]").click()
    assert "Vĩ độ phải từ 6.5 đến 23.5 (trong lãnh thổ Việt Nam)." in page.locator("[data-error-summary]").inner_text()
    assert not Feedback.objects.exists()
    _shot(page, "error-phone")


@pytest.fixture
def tile_server():
    """A tile server on another port: a 256 px PNG for every tile, and the paths it was asked for."""
    buffer = io.BytesIO()
    Image.new("RGB", (256, 256), (170, 211, 223)).save(buffer, format="PNG")
    tile, asked = buffer.getvalue(), []

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):
            asked.append(self.path)
            self.send_response(200)
            self.send_header("Content-Type", "image/png")
            self.send_header("Content-Length", str(len(tile)))
            self.end_headers()
            self.wfile.write(tile)

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_port}", asked
    server.shutdown()


def test_with_a_tile_server_a_tap_on_the_map_marks_the_place(open_session, an_vien, categories, settings, tile_server):
    origin, asked = tile_server
    settings.XASO_MAP = {
        **settings.XASO_MAP,
        "tile_url": origin + "/{z}/{x}/{y}.png",
        "attribution": "© Bản đồ thử",
        "communes": {an_vien.code: {"centre": [11.09, 107.17], "radius_km": 15}},
    }
    settings.SECURE_CSP = {**settings.SECURE_CSP, "img-src": [*settings.SECURE_CSP["img-src"], origin]}
    for viewport, name in ((PHONE, "tiles-phone"), (DESKTOP, "tiles-desktop")):
        session = open_session(viewport)
        violations: list[str] = []
        session.page.on("console", lambda m, seen=violations: seen.append(m.text) if "Security Policy" in m.text else 0)
        page = session.page
        page.goto(f"/feedback/{an_vien.code}/new/")
        page.wait_for_selector(".leaflet-tile-loaded")
        assert any(p.startswith("/14/") for p in asked)  # zoom 14 around the commune's centre
        page.locator("[data-geo-map]").click()  # Playwright scrolls to it and taps its centre
        page.wait_for_function("() => document.getElementById('id_latitude').value !== ''")
        lat, lon = float(page.input_value("#id_latitude")), float(page.input_value("#id_longitude"))
        assert abs(lat - 11.09) < 0.001 and abs(lon - 107.17) < 0.001  # the centre, where the tap was
        assert page.locator("path.leaflet-interactive").count() == 1  # the mark
        assert "© Bản đồ thử" in page.locator(".leaflet-control-attribution").inner_text()
        assert page.evaluate(OVERFLOW)
        _shot(page, name)
        assert not violations and not session.errors
        assert {u.split("/")[2] for u in session.foreign_requests()} == {origin.split("/")[2]}
