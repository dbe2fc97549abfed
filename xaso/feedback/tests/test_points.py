"""A point on the map (decision 0049): both coordinates or none, numbers inside Việt Nam, near the commune when its
centre is known; stored to 5 decimals, shown to the officer, never public more precisely than about a village."""

from __future__ import annotations

import json
import re
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from xaso.feedback import services
from xaso.feedback.models import Feedback
from xaso.notify.models import OutboxMessage

pytestmark = pytest.mark.django_db

TEXT = "Cột điện nghiêng sát mái nhà sau trận gió tối qua, rất nguy hiểm."
#: a house in Ấp 1 (test data): 11.09271° N, 107.17031° E
HOUSE = {"latitude": "11.092714", "longitude": "107.170306"}


def form(category, **extra):
    return {"category": category.pk, "text": TEXT, "contact_channel": "sms", "contact": "0912345678"} | extra


def published(unit, category, officer, **point) -> Feedback:
    feedback = services.feedback_submit(
        unit=unit, category=category, text=TEXT, contact_channel="sms", contact="0912345678", **point
    )
    code = re.search(r"\b(\d{6})\b", OutboxMessage.objects.latest("id").body).group(1)
    feedback = services.feedback_confirm(feedback=feedback, code=code)
    services.feedback_answer(user=officer, feedback=feedback, answer="Điện lực đã dựng lại cột ngày 04/12.")
    services.feedback_publish(user=officer, feedback=feedback, public_text="Cột điện nghiêng ở ấp 1.")
    return Feedback.objects.get(pk=feedback.pk)


def test_a_point_is_stored_to_five_decimals(an_vien, roads):
    feedback = services.feedback_submit(
        unit=an_vien, category=roads, text=TEXT, contact_channel="sms", contact="0912345678", **HOUSE
    )
    feedback.refresh_from_db()
    assert feedback.latitude == Decimal("11.09271") and feedback.longitude == Decimal("107.17031")


@pytest.mark.parametrize(
    ("point", "field", "message"),
    [
        ({"latitude": "48.85", "longitude": "2.35"}, "latitude", "Vĩ độ phải từ 6.5 đến 23.5"),
        ({"latitude": "11.09", "longitude": "120.5"}, "longitude", "Kinh độ phải từ 102.0 đến 117.5"),
        ({"latitude": "6.49", "longitude": "107.1"}, "latitude", "lãnh thổ Việt Nam"),
        ({"latitude": "mười một", "longitude": "107.1"}, "latitude", "Vĩ độ phải là một số thập phân"),
        ({"latitude": "11.09", "longitude": "107,1,7"}, "longitude", "Kinh độ phải là một số thập phân"),
        ({"latitude": "NaN", "longitude": "107.1"}, "latitude", "Vĩ độ phải là một số thập phân"),
        ({"latitude": "11.09", "longitude": "Infinity"}, "longitude", "Kinh độ phải là một số thập phân"),
        ({"latitude": "11.09"}, "longitude", "Kinh độ: cần cả vĩ độ và kinh độ"),
        ({"longitude": "107.17"}, "latitude", "Vĩ độ: cần cả vĩ độ và kinh độ"),
    ],
)
def test_a_bad_point_is_named_in_vietnamese_and_nothing_is_saved(client, an_vien, roads, point, field, message):
    with pytest.raises(ValidationError) as caught:
        services.feedback_submit(
            unit=an_vien, category=roads, text=TEXT, contact_channel="sms", contact="0912345678", **point
        )
    assert message in " ".join(caught.value.message_dict[field])
    # the same through the public form: the error sits on the field, nothing stored, no code sent
    response = client.post(f"/feedback/{an_vien.code}/new/", form(roads, **point))
    page = response.content.decode()
    assert response.status_code == 400
    label = "Vĩ độ" if field == "latitude" else "Kinh độ"
    assert f'href="#id_{field}">{label}: ' in page and message.split(" (")[0] in page
    assert not Feedback.objects.exists() and not OutboxMessage.objects.exists()


def test_an_overlong_coordinate_is_refused_without_being_parsed(client, an_vien, roads):
    with pytest.raises(ValidationError) as caught:
        services.feedback_submit(
            unit=an_vien, category=roads, text=TEXT, contact_channel="sms", contact="0912345678",
            latitude="1" * 31, longitude="107.1",
        )  # fmt: skip
    assert "Vĩ độ phải là một số thập phân" in caught.value.message_dict["latitude"][0]
    response = client.post(f"/feedback/{an_vien.code}/new/", form(roads, latitude="1" * 31, longitude="107.1"))
    assert response.status_code == 400 and 'href="#id_latitude">Vĩ độ: ' in response.content.decode()
    assert not Feedback.objects.exists()


def test_a_comma_decimal_is_read_as_a_point(an_vien, roads):
    feedback = services.feedback_submit(
        unit=an_vien, category=roads, text=TEXT, contact_channel="sms", contact="0912345678",
        latitude="11,09271", longitude=" 107,17031 ",
    )  # fmt: skip
    assert (feedback.latitude, feedback.longitude) == (Decimal("11.09271"), Decimal("107.17031"))


def test_a_point_far_from_a_commune_with_a_known_centre_is_refused(an_vien, roads, settings):
    settings.XASO_MAP = {**settings.XASO_MAP, "communes": {an_vien.code: {"centre": [11.09, 107.17], "radius_km": 15}}}
    ok = services.feedback_submit(
        unit=an_vien, category=roads, text=TEXT, contact_channel="sms", contact="0912345678",
        latitude="11.2", longitude="107.17",  # 12,2 km north
    )  # fmt: skip
    assert ok.latitude == Decimal("11.2")
    with pytest.raises(ValidationError) as caught:
        services.feedback_submit(
            unit=an_vien, category=roads, text=TEXT, contact_channel="sms", contact="0912345679",
            latitude="21.03", longitude="105.85",  # Hà Nội
        )  # fmt: skip
    message = caught.value.message_dict["latitude"][0]
    assert message.startswith("Vị trí cách trung tâm Xã An Viễn ") and "xa hơn 15 km" in message
    assert Feedback.objects.count() == 1


def test_distance_is_the_great_circle_distance():
    # Hà Nội (21.0285, 105.8542) to Hồ Chí Minh City (10.7769, 106.7009): 10,2516° of latitude = 1.139,9 km and
    # 0,8467° of longitude at 15,9° N = 90,5 km, so √(1.139,9² + 90,5²) = 1.143,5 km
    assert round(services.distance_km(21.0285, 105.8542, 10.7769, 106.7009)) == 1144
    assert services.distance_km(11.09, 107.17, 11.09, 107.17) == 0


def test_the_form_works_without_javascript_with_typed_coordinates(client, an_vien, roads, an_vien_villages):
    page = client.get(f"/feedback/{an_vien.code}/new/").content.decode()
    assert 'name="latitude"' in page and 'type="text"' in page and 'inputmode="decimal"' in page
    assert 'name="village"' in page
    response = client.post(f"/feedback/{an_vien.code}/new/", form(roads, village=an_vien_villages[0].pk, **HOUSE))
    assert response.status_code == 302
    feedback = Feedback.objects.get()
    assert feedback.village == an_vien_villages[0] and feedback.latitude == Decimal("11.09271")


def test_the_officer_sees_the_point_the_public_sees_the_village_only(
    client, an_vien, roads, an_vien_officer, an_vien_villages
):
    feedback = published(an_vien, roads, an_vien_officer, village=an_vien_villages[0], **HOUSE)
    client.force_login(an_vien_officer)
    officer = client.get(f"/feedback/manage/item/{feedback.pk}/").content.decode()
    assert "11.09271, 107.17031" in officer and 'href="geo:11.09271,107.17031"' in officer
    client.logout()
    public = client.get(f"/feedback/{an_vien.code}/").content.decode()
    track = client.get(f"/feedback/{an_vien.code}/track/{feedback.tracking_code}/").content.decode()
    for page in (public, track):
        assert feedback.tracking_code in page and "Ấp 1" in page
        assert not re.search(r"11[.,]09|107[.,]17", page)
    rows = client.get("/open311/v2/requests.json", {"jurisdiction_id": an_vien.code}).json()
    assert (rows[0]["lat"], rows[0]["long"]) == (11.09, 107.17)  # 0.01°: about 1,1 km, no house
    one = client.get(f"/open311/v2/requests/{feedback.tracking_code}.json", {"jurisdiction_id": an_vien.code}).json()
    assert (one[0]["lat"], one[0]["long"]) == (11.09, 107.17)


def test_without_a_tile_server_the_page_loads_no_map_and_its_policy_no_tile_host(client, an_vien, roads):
    response = client.get(f"/feedback/{an_vien.code}/new/")
    page = response.content.decode()
    assert "leaflet" not in page and "data-geo-button" in page
    assert "img-src 'self' data:;" in response["Content-Security-Policy"]


def test_the_tile_source_of_the_policy_is_the_configured_host_only():
    from django.core.exceptions import ImproperlyConfigured

    from config.settings.base import _tile_source

    assert _tile_source("https://tiles.example.gov.vn/osm/{z}/{x}/{y}.png") == "https://tiles.example.gov.vn"
    assert _tile_source("https://{s}.tile.openstreetmap.org/{z}/{x}/{y}.png") == "https://*.tile.openstreetmap.org"
    for bad in ("javascript:alert(1)", "tiles/{z}/{x}/{y}.png", "https://{z}.example/{x}/{y}.png"):
        with pytest.raises(ImproperlyConfigured):
            _tile_source(bad)


def test_with_a_tile_server_the_form_carries_the_map_and_leaflet(client, an_vien, roads, settings):
    settings.XASO_MAP = {
        **settings.XASO_MAP,
        "tile_url": "https://tiles.example.gov.vn/{z}/{x}/{y}.png",
        "attribution": "© OpenStreetMap",
        "communes": {an_vien.code: {"centre": [11.09, 107.17], "radius_km": 15}},
    }
    page = client.get(f"/feedback/{an_vien.code}/new/").content.decode()
    assert 'data-tiles="https://tiles.example.gov.vn/{z}/{x}/{y}.png"' in page
    assert 'data-lat="11.09"' in page and 'data-zoom="14"' in page
    assert "vendor/leaflet-1.9.4/leaflet.js" in page and "vendor/leaflet-1.9.4/leaflet.css" in page


@pytest.mark.parametrize(
    ("point", "name"),
    [
        ({"lat": "48.85", "long": "2.35"}, "lat"),
        ({"lat": "11.09", "long": "abc"}, "long"),
        ({"lat": "11.09"}, "long"),
        ({"long": "107.17"}, "lat"),
    ],
)
def test_open311_post_with_a_bad_point_is_an_open311_error(client, an_vien, roads, point, name):
    data = {
        "jurisdiction_id": an_vien.code,
        "service_code": roads.code,
        "description": TEXT,
        "phone": "0912345678",
    } | point
    for fmt in ("json", "xml"):
        response = client.post(f"/open311/v2/requests.{fmt}", data)
        assert response.status_code == 400
        if fmt == "json":
            [error] = json.loads(response.content)
            assert error["code"] == 400 and error["description"].startswith(f"{name}: ")
        else:
            assert b"<errors><error><code>400</code><description>" + name.encode() + b": " in response.content
    assert not Feedback.objects.exists() and not OutboxMessage.objects.exists()
