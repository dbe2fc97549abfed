"""Zalo OA's webhook through real HTTP requests: a follower becomes a Zalo subscriber, an unfollow unsubscribes; a
request with a wrong signature, an old timestamp or sent a second time changes nothing."""

from __future__ import annotations

import json
import time
from datetime import timedelta

import pytest
from django.utils import timezone

from xaso.notify.announcements import announcement_send
from xaso.notify.deliveries import address_digest
from xaso.notify.models import Channel, Delivery, Subscriber, Unsubscription, ZaloEvent
from xaso.notify.zalo import signature

pytestmark = pytest.mark.django_db

APP_ID, OA_ID, SECRET = "4321098765432109876", "1234567890123456789", "oa-secret-Xy9"
FOLLOWER = "8475639201837465"


@pytest.fixture(autouse=True)
def zalo_oa(settings):
    settings.XASO_NOTIFY_PROVIDERS = {
        "zalo": {"backend": "local", "app_id": APP_ID, "oa_secret_key": SECRET, "oa_id": OA_ID},
    }
    settings.XASO_ZALO_WEBHOOK = {"window_seconds": 300, "per_minute": 120}


def event(name: str, *, follower: str = FOLLOWER, at=None, app_id: str = APP_ID, oa_id: str = OA_ID) -> bytes:
    millis = int((at or timezone.now()).timestamp() * 1000)
    data = {
        "oa_id": oa_id,
        "follower": {"id": follower},
        "user_id_by_app": "5566778899",
        "event_name": name,
        "source": "oa_profile",
        "app_id": app_id,
        "timestamp": str(millis),
    }
    return json.dumps(data).encode()


def post(client, body: bytes, *, secret: str = SECRET, header: str | None = None, code: str = "26296"):
    if header is None:
        data = json.loads(body)
        header = signature(app_id=APP_ID, body=body, timestamp=data["timestamp"], secret=secret)
    return client.post(
        f"/notify/zalo/{code}/events/", data=body, content_type="application/json", HTTP_X_ZEVENT_SIGNATURE=header
    )


def zalo_subscribers(unit) -> list[str]:
    return list(Subscriber.objects.filter(unit=unit, channel=Channel.ZALO).values_list("address", flat=True))


def unsubscribed(follower: str = FOLLOWER) -> bool:
    return Unsubscription.objects.filter(
        channel=Channel.ZALO, address_digest=address_digest(Channel.ZALO, follower)
    ).exists()


def test_signature_is_sha256_of_app_body_timestamp_and_secret():
    import hashlib

    expected = hashlib.sha256(b"app" + b'{"a":1}' + b"1700000000000" + b"key").hexdigest()
    assert signature(app_id="app", body=b'{"a":1}', timestamp="1700000000000", secret="key") == f"mac={expected}"


def test_a_valid_follow_makes_a_confirmed_zalo_subscriber_who_gets_announcements(client, an_vien, an_vien_officer):
    response = post(client, event("follow"))
    assert response.status_code == 200 and response.json() == {"status": "subscribed"}
    subscriber = Subscriber.objects.get(unit=an_vien, channel=Channel.ZALO)
    assert subscriber.address == FOLLOWER and subscriber.confirmed_at is not None
    announcement_send(
        user=an_vien_officer, unit=an_vien, title="Lịch tiêm chủng", body="Tiêm chủng tại trạm y tế sáng thứ Hai.",
        channels=[Channel.ZALO],
    )  # fmt: skip
    assert list(Delivery.objects.filter(channel=Channel.ZALO).values_list("address", flat=True)) == [FOLLOWER]


def test_a_repeated_follow_event_keeps_one_subscription(client, an_vien):
    assert post(client, event("follow")).json() == {"status": "subscribed"}
    later = event("follow", at=timezone.now() + timedelta(seconds=2))  # a new event, not a replay
    assert post(client, later).json() == {"status": "unchanged"}
    assert zalo_subscribers(an_vien) == [FOLLOWER]


def test_unfollow_removes_the_subscriber_and_records_the_unsubscription(client, an_vien):
    post(client, event("follow"))
    response = post(client, event("unfollow", at=timezone.now() + timedelta(seconds=1)))
    assert response.status_code == 200 and response.json() == {"status": "unsubscribed"}
    assert zalo_subscribers(an_vien) == [] and unsubscribed()


def test_following_again_after_unfollowing_subscribes_again(client, an_vien):
    now = timezone.now()
    post(client, event("follow", at=now - timedelta(seconds=20)))
    post(client, event("unfollow", at=now - timedelta(seconds=10)))
    assert post(client, event("follow", at=now)).json() == {"status": "subscribed"}
    assert zalo_subscribers(an_vien) == [FOLLOWER] and not unsubscribed()


def test_a_follow_delivered_after_a_later_unfollow_does_not_resubscribe(client, an_vien):
    now = timezone.now()
    post(client, event("unfollow", at=now - timedelta(seconds=5)))
    assert post(client, event("follow", at=now - timedelta(seconds=30))).json() == {"status": "unchanged"}
    assert zalo_subscribers(an_vien) == [] and unsubscribed()


def test_a_replayed_request_is_refused_and_changes_nothing(client, an_vien):
    follow = event("follow", at=timezone.now() - timedelta(seconds=30))
    unfollow = event("unfollow")
    post(client, follow)
    post(client, unfollow)
    assert zalo_subscribers(an_vien) == []
    replay = post(client, follow)
    assert replay.status_code == 403 and replay.json()["code"] == "replayed"
    assert zalo_subscribers(an_vien) == [] and unsubscribed()
    assert ZaloEvent.objects.count() == 2


@pytest.mark.parametrize("seconds", [-301, 301])
def test_a_timestamp_outside_the_window_is_refused(client, an_vien, seconds):
    response = post(client, event("follow", at=timezone.now() + timedelta(seconds=seconds)))
    assert response.status_code == 403 and response.json()["code"] == "stale"
    assert "timestamp" in response.json()["detail"]
    assert zalo_subscribers(an_vien) == [] and ZaloEvent.objects.count() == 0


def test_a_timestamp_just_inside_the_window_is_accepted(client, an_vien):
    assert post(client, event("follow", at=timezone.now() - timedelta(seconds=290))).status_code == 200


@pytest.mark.parametrize(
    "tamper",
    [
        "secret",  # signed with another key
        "body",  # the follower id changed after signing
        "timestamp",  # the timestamp changed after signing
        "header",  # no header at all
        "prefix",  # the bare digest without "mac="
    ],
)
def test_a_bad_signature_is_refused_and_changes_nothing(client, an_vien, tamper):
    body = event("follow")
    data = json.loads(body)
    good = signature(app_id=APP_ID, body=body, timestamp=data["timestamp"], secret=SECRET)
    if tamper == "secret":
        response = post(client, body, secret="another-secret")
    elif tamper == "body":
        response = post(client, body.replace(FOLLOWER.encode(), b"1111111111111111"), header=good)
    elif tamper == "timestamp":
        data["timestamp"] = str(int(data["timestamp"]) + 1000)
        response = post(client, json.dumps(data).encode(), header=good)
    elif tamper == "header":
        response = post(client, body, header="")
    else:
        response = post(client, body, header=good.removeprefix("mac="))
    assert response.status_code == 403 and response.json()["code"] == "bad_signature"
    assert Subscriber.objects.count() == 0 and ZaloEvent.objects.count() == 0


def test_another_app_or_oa_is_refused(client, an_vien):
    other_app = event("follow", app_id="999")
    data = json.loads(other_app)
    header = signature(app_id="999", body=other_app, timestamp=data["timestamp"], secret=SECRET)
    assert post(client, other_app, header=header).status_code == 403
    response = post(client, event("follow", oa_id="555"))
    assert response.status_code == 403 and response.json()["code"] == "wrong_oa"
    assert Subscriber.objects.count() == 0


def test_without_a_configured_secret_every_event_is_refused(client, an_vien, settings):
    settings.XASO_NOTIFY_PROVIDERS = {"zalo": {"backend": "zalo_oa", "access_token": "t"}}
    response = post(client, event("follow"))
    assert response.status_code == 403 and response.json()["code"] == "not_configured"
    assert Subscriber.objects.count() == 0


@pytest.mark.parametrize(
    "body",
    [b"not json", b"[1, 2]", b'{"event_name": "follow"}'],
)
def test_malformed_bodies_are_answered_400_or_403_in_vietnamese(client, an_vien, body):
    header = signature(app_id=APP_ID, body=body, timestamp="", secret=SECRET)
    response = post(client, body, header=header)
    assert response.status_code in (400, 403) and response.json()["detail"]
    assert Subscriber.objects.count() == 0


def test_a_follow_without_a_numeric_follower_id_is_400(client, an_vien):
    response = post(client, event("follow", follower="<script>"))
    assert response.status_code == 400 and "follower.id" in response.json()["detail"]
    assert Subscriber.objects.count() == 0 and ZaloEvent.objects.count() == 0


def test_a_text_message_is_acknowledged_and_changes_no_subscription(client, an_vien):
    body = event("user_send_text")
    assert post(client, body).json() == {"status": "ignored"}
    assert Subscriber.objects.count() == 0


def test_a_body_larger_than_16_kb_is_refused_413(client, an_vien):
    body = json.dumps({"pad": "x" * 17000}).encode()
    assert post(client, body, header="mac=0").status_code == 413


def test_an_unknown_commune_is_404_and_get_is_405(client, an_vien):
    assert post(client, event("follow"), code="99999").status_code == 404
    assert client.get("/notify/zalo/26296/events/").status_code == 405
    assert Subscriber.objects.count() == 0


def test_events_beyond_the_rate_per_minute_are_refused_429(client, an_vien, settings):
    settings.XASO_ZALO_WEBHOOK = {"window_seconds": 300, "per_minute": 3}
    base = int(time.time() * 1000)
    codes = []
    for i in range(4):
        data = json.loads(event("follow", follower=str(1000 + i)))
        data["timestamp"] = str(base + i)
        codes.append(post(client, json.dumps(data).encode()).status_code)
    assert codes == [200, 200, 200, 429]
    assert len(zalo_subscribers(an_vien)) == 3


def test_replay_records_are_deleted_after_twice_the_window(client, an_vien):
    post(client, event("follow", follower="1"))
    ZaloEvent.objects.update(received_at=timezone.now() - timedelta(seconds=601))
    post(client, event("follow", follower="2"))
    assert ZaloEvent.objects.count() == 1
