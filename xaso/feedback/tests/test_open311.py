"""Open311 GeoReport v2 as a real client uses it: the `georeport` client library (GET, JSON and XML) and a
conformance script over HTTP for what the library does not do (POST, tokens, errors), against a live server."""

from __future__ import annotations

import re
from xml.etree import ElementTree as ET

import pytest
import requests
from georeport import GeoReport

from xaso.feedback import services
from xaso.feedback.models import Feedback
from xaso.notify.models import OutboxMessage

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def endpoint(live_server):
    return live_server.url + "/open311/v2"


def test_services_in_json_and_xml_through_the_client_library(endpoint, an_vien, categories):
    for fmt in ("json", "xml"):
        client = GeoReport(endpoint, jurisdiction=an_vien.code, output_format=fmt)
        listed = client.get_service_list()
        assert [s["service_code"] for s in listed] == [c.code for c in categories]
        first = listed[0]
        assert first["service_name"] == "Hạ tầng: đường, cầu, cống, điện chiếu sáng"
        assert str(first["metadata"]).lower() == "false" and first["type"] == "realtime"


def test_post_then_token_then_request_then_published_list(endpoint, live_server, an_vien, roads, an_vien_officer):
    # POST as an Open311 app does: form-encoded, with the citizen's phone
    answer = requests.post(
        f"{endpoint}/requests.json",
        data={
            "jurisdiction_id": an_vien.code,
            "service_code": "ha-tang",
            "lat": "11.0927",
            "long": "107.1703",
            "description": "Ổ gà lớn giữa đường liên ấp, xe máy dễ ngã.",
            "phone": "0912345678",
        },
        timeout=10,
    )
    assert answer.status_code == 200, answer.text
    [created] = answer.json()
    token = created["token"]
    assert "09•••••678" in created["service_notice"]
    # before the code: the token has no request id yet
    [pending] = requests.get(f"{endpoint}/tokens/{token}.json", timeout=10).json()
    assert pending == {"token": token}
    feedback = Feedback.objects.get(token=token)
    code = re.search(r"\b(\d{6})\b", OutboxMessage.objects.get(address="0912345678").body).group(1)
    services.feedback_confirm(feedback=feedback, code=code)
    [ready] = requests.get(f"{endpoint}/tokens/{token}.json", timeout=10).json()
    assert ready["service_request_id"] == feedback.tracking_code
    # one request, unpublished: its state, no text, no place
    client = GeoReport(endpoint, jurisdiction=an_vien.code)
    one = client.get_service_request(feedback.tracking_code)
    assert one["status"] == "open" and one["description"] == "" and one["lat"] is None
    assert client.get_service_requests() == []  # nothing published yet
    services.feedback_answer(user=an_vien_officer, feedback=feedback, answer="Đã vá ổ gà ngày 03/12.")
    services.feedback_publish(user=an_vien_officer, feedback=feedback, public_text="Ổ gà giữa đường liên ấp.")
    for fmt in ("json", "xml"):
        rows = GeoReport(endpoint, jurisdiction=an_vien.code, output_format=fmt).get_service_requests(status="closed")
        row = rows if isinstance(rows, dict) else rows[0]  # xmltodict gives one <request> as a dict
        assert row["service_request_id"] == feedback.tracking_code
        assert row["status"] == "closed" and row["status_notes"] == "Đã vá ổ gà ngày 03/12."
        assert row["description"] == "Ổ gà giữa đường liên ấp."
        assert float(row["lat"]) == 11.09 and float(row["long"]) == 107.17  # 0.01°: a village, not a house
        assert "0912345678" not in str(row)
    assert GeoReport(endpoint, jurisdiction=an_vien.code).get_service_requests(status="open") == []


def test_errors_are_open311_errors_in_vietnamese(endpoint, an_vien, roads):
    missing = requests.get(f"{endpoint}/services.json", timeout=10)
    assert missing.status_code == 404 and "jurisdiction_id" in missing.json()[0]["description"]
    bad = requests.post(
        f"{endpoint}/requests.xml",
        data={"jurisdiction_id": an_vien.code, "service_code": "ha-tang", "description": "ngắn", "phone": "0912345678"},
        timeout=10,
    )
    assert bad.status_code == 400
    error = ET.fromstring(bad.content).find("error")
    assert error.findtext("code") == "400" and "description: Nội dung phản ánh từ 10 đến 2000" in error.findtext(
        "description"
    )
    no_contact = requests.post(
        f"{endpoint}/requests.json",
        data={"jurisdiction_id": an_vien.code, "service_code": "ha-tang", "description": "Đường ngập sau mưa lớn."},
        timeout=10,
    )
    assert no_contact.status_code == 400 and "phone hoặc email" in no_contact.json()[0]["description"]
    status = requests.get(
        f"{endpoint}/requests.json", params={"jurisdiction_id": an_vien.code, "status": "x"}, timeout=10
    )
    assert status.status_code == 400
    assert not Feedback.objects.exists()
