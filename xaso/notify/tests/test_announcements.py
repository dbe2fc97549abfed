from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from xaso.indicators.models import DataValue
from xaso.notify import deliveries
from xaso.notify.announcements import (
    announcement_send,
    loudspeaker_point_add,
    playlist,
    subscriber_add,
    subscriber_confirm,
)
from xaso.notify.models import Delivery, OutboxMessage, Subscriber

BODY = "Sáng thứ Bảy 8 giờ, Trạm y tế xã tiêm chủng mở rộng cho trẻ dưới 5 tuổi."


@pytest.fixture(autouse=True)
def sent_at_once(monkeypatch):
    monkeypatch.setattr(deliveries, "after_commit", lambda callback: callback())


def subscribed(unit, address, village=None, channel="sms") -> Subscriber:
    subscriber = subscriber_add(unit=unit, channel=channel, address=address, village=village)
    code = re.search(r"\b(\d{6})\b", OutboxMessage.objects.filter(address=address).latest("id").body).group(1)
    return subscriber_confirm(subscriber=subscriber, code=code)


def test_sms_goes_to_confirmed_subscribers_of_the_chosen_villages(an_vien, an_vien_officer, villages):
    subscribed(an_vien, "0912000001", villages[0])
    subscribed(an_vien, "0912000002", villages[1])
    subscribed(an_vien, "0912000003")  # the whole commune
    subscriber_add(unit=an_vien, channel="sms", address="0912000004", village=villages[0])  # never confirmed
    OutboxMessage.objects.all().delete()
    announcement = announcement_send(
        user=an_vien_officer,
        unit=an_vien,
        title="Tiêm chủng",
        body=BODY,
        channels=["sms", "web"],
        villages=[villages[0]],
    )
    sent = OutboxMessage.objects.order_by("address")
    assert [m.address for m in sent] == ["0912000001", "0912000003"]
    assert sent[0].body.startswith("Xã An Viễn: Tiêm chủng. Sáng thứ Bảy") and "/notify/unsubscribe/" in sent[0].body
    assert set(announcement.deliveries.values_list("channel", "status")) == {("sms", "delivered"), ("web", "delivered")}


def test_unsubscribing_from_the_link_stops_the_next_message(an_vien, an_vien_officer, client):
    subscribed(an_vien, "0912000001")
    announcement_send(user=an_vien_officer, unit=an_vien, title="Lần một", body=BODY, channels=["sms"])
    link = re.search(r"(/notify/unsubscribe/[^/\s]+/)", OutboxMessage.objects.latest("id").body).group(1)
    assert client.get(link).status_code == 200  # a link preview changes nothing
    assert client.post(link).status_code == 200
    announcement_send(user=an_vien_officer, unit=an_vien, title="Lần hai", body=BODY, channels=["sms"])
    assert Delivery.objects.filter(channel="sms", purpose="announcement").count() == 1


@pytest.mark.parametrize(
    ("field", "changes", "message"),
    [
        ("title", {"title": "Ab"}, "Tiêu đề từ 5"),
        ("channels", {"channels": []}, "ít nhất một kênh"),
        ("channels", {"channels": ["fax"]}, "ít nhất một kênh"),
        ("body", {"body": "x" * 300, "channels": ["sms"]}, "SMS tối đa 280"),
        ("channels", {"channels": ["loudspeaker"]}, "chưa có cụm loa"),
    ],
)
def test_bad_announcements_are_refused_and_send_nothing(an_vien, an_vien_officer, field, changes, message):
    data = {"title": "Tiêm chủng", "body": BODY, "channels": ["web"]} | changes
    with pytest.raises(ValidationError) as caught:
        announcement_send(user=an_vien_officer, unit=an_vien, **data)
    assert message in " ".join(caught.value.message_dict[field])
    assert not Delivery.objects.exists()


def test_only_the_communes_officers_announce(an_vien, tri_an_officer, province_analyst):
    for user in (tri_an_officer, province_analyst):
        with pytest.raises(PermissionDenied):
            announcement_send(user=user, unit=an_vien, title="Tiêm chủng", body=BODY, channels=["web"])


def test_a_slot_in_the_past_is_refused(an_vien, an_vien_officer, villages):
    loudspeaker_point_add(user=an_vien_officer, village=villages[0], name="Nhà văn hóa", clusters=["C01"])
    with pytest.raises(ValidationError, match="đã qua"):
        announcement_send(
            user=an_vien_officer,
            unit=an_vien,
            title="Tiêm chủng",
            body=BODY,
            channels=["loudspeaker"],
            day=timezone.localdate() - timedelta(days=1),
            slots=["morning"],
        )


def test_an_emergency_plays_now_first_and_interrupts(an_vien, an_vien_officer, villages):
    loudspeaker_point_add(user=an_vien_officer, village=villages[0], name="Nhà văn hóa", clusters=["C01"])
    today = timezone.localdate()
    tomorrow = today + timedelta(days=1)
    announcement_send(
        user=an_vien_officer,
        unit=an_vien,
        title="Họp dân",
        body=BODY,
        channels=["loudspeaker"],
        day=tomorrow,
        slots=["morning"],
    )
    announcement_send(
        user=an_vien_officer,
        unit=an_vien,
        title="Bão số 5 đổ bộ",
        body="Người dân ở trong nhà, tránh xa bờ sông.",
        channels=["loudspeaker"],
        level="emergency",
    )
    [now] = playlist(unit=an_vien, day=today)
    assert now.title == "Bão số 5 đổ bộ" and now.interrupts and now.slot == "now" and now.level == "emergency"
    assert [i.title for i in playlist(unit=an_vien, day=tomorrow)] == ["Họp dân"]


def test_priority_plays_before_normal_in_the_same_slot(an_vien, an_vien_officer, villages):
    loudspeaker_point_add(user=an_vien_officer, village=villages[0], name="Nhà văn hóa", clusters=["C01"])
    tomorrow = timezone.localdate() + timedelta(days=1)
    for title, level in (("Lịch thu gom rác", "normal"), ("Cắt điện ngày mai", "priority")):
        announcement_send(
            user=an_vien_officer,
            unit=an_vien,
            title=title,
            body=BODY,
            channels=["loudspeaker"],
            level=level,
            day=tomorrow,
            slots=["morning"],
        )
    assert [i.title for i in playlist(unit=an_vien, day=tomorrow)] == ["Cắt điện ngày mai", "Lịch thu gom rác"]


def test_the_controller_reads_the_playlist_and_reports_the_play(an_vien, an_vien_officer, villages, client, settings):
    settings.XASO_NOTIFY_PROVIDERS = {"loudspeaker": {"backend": "playlist", "receipt_token": "controller-key"}}
    loudspeaker_point_add(user=an_vien_officer, village=villages[0], name="Nhà văn hóa", clusters=["C01"])
    tomorrow = timezone.localdate() + timedelta(days=1)
    announcement_send(
        user=an_vien_officer,
        unit=an_vien,
        title="Tiêm chủng",
        body=BODY,
        channels=["loudspeaker"],
        day=tomorrow,
        slots=["evening"],
    )
    answer = client.get(f"/notify/{an_vien.code}/playlist.json", {"date": tomorrow.isoformat()})
    [item] = answer.json()["items"]
    assert item["cluster"] == "C01" and item["play_at"].startswith(f"{tomorrow.isoformat()}T17:00:00+07:00")
    audio = client.get(item["audio_url"].removeprefix("http://testserver"))
    assert audio.status_code == 200 and audio["Content-Type"] == "audio/wav"
    assert Delivery.objects.get(channel="loudspeaker").status == "sending"
    receipt = client.post(
        "/notify/receipts/loudspeaker/",
        {"reference": item["receipt_reference"], "status": "delivered"},
        content_type="application/json",
        headers={"Authorization": "Bearer controller-key"},
    )
    assert receipt.status_code == 200
    assert Delivery.objects.get(channel="loudspeaker").status == "delivered"
    m3u = client.get(f"/notify/{an_vien.code}/playlist.m3u", {"date": tomorrow.isoformat()}).content.decode()
    assert m3u.startswith("#EXTM3U\n#EXTINF:") and "cluster=C01" in m3u and ",Tiêm chủng\n" in m3u
    assert client.get(f"/notify/{an_vien.code}/playlist.json", {"date": "31/12"}).status_code == 400


def test_seed_003_inventory_becomes_figures(an_vien, an_vien_officer, villages, loudspeaker_catalog):
    """Seed 003: loudspeakers at 21 points with 36 clusters. Here 21 points, 15 with two clusters and 6 with one
    (15 × 2 + 6 = 36), in the two villages."""
    number = 0
    for point in range(21):
        count = 2 if point < 15 else 1
        codes = [f"C{number + k + 1:02d}" for k in range(count)]
        number += count
        loudspeaker_point_add(
            user=an_vien_officer, village=villages[point % 2], name=f"Điểm {point + 1}", clusters=codes
        )
    year = str(timezone.localdate().year)
    stored = dict(DataValue.objects.filter(unit=an_vien, period__code=year).values_list("data_element__code", "value"))
    assert stored["loudspeaker_points"] == 21 and stored["loudspeaker_clusters"] == 36
    assert stored["smart_loudspeaker_clusters"] == 36 and stored["villages_loudspeaker_covered"] == 2
    with pytest.raises(ValidationError, match="C01"):
        loudspeaker_point_add(user=an_vien_officer, village=villages[0], name="Điểm 22", clusters=["c01"])


def test_the_announcement_page_sums_the_plays_per_slot_in_one_query(
    an_vien, an_vien_officer, villages, client, settings, django_assert_max_num_queries
):
    """Three clusters × two slots: two schedule rows of three clusters each; a play the controller reported is
    counted as played, one whose delivery failed for good as failed, the others as waiting; the query count does
    not grow with the clusters."""
    settings.XASO_NOTIFY_PROVIDERS = {"loudspeaker": {"backend": "playlist", "receipt_token": "controller-key"}}
    loudspeaker_point_add(user=an_vien_officer, village=villages[0], name="Nhà văn hóa", clusters=["C01", "C02"])
    loudspeaker_point_add(user=an_vien_officer, village=villages[1], name="Chợ", clusters=["C03"])
    tomorrow = timezone.localdate() + timedelta(days=1)
    announcement = announcement_send(
        user=an_vien_officer, unit=an_vien, title="Tiêm chủng", body=BODY, channels=["loudspeaker"], day=tomorrow,
        slots=["morning", "evening"],
    )  # fmt: skip
    plays = list(announcement.bulletin.plays.order_by("play_at", "cluster__code"))
    Delivery.objects.filter(pk=plays[0].delivery_id).update(status="delivered")
    Delivery.objects.filter(pk=plays[1].delivery_id).update(status="permanent_failure")
    client.force_login(an_vien_officer)
    with django_assert_max_num_queries(12):
        page = client.get(f"/notify/manage/{an_vien.code}/announcement/{announcement.pk}/").content.decode()
    rows = re.findall(r'<tr><th scope="row" data-label="Phát lúc">([^<]+)</th>(.*?)</tr>', page)
    cells = [(when, re.findall(r">(\d+)</td>", rest)) for when, rest in rows]
    day = tomorrow.strftime("%d/%m/%Y")
    assert cells == [
        (f"{day} 06:00 · Buổi sáng", ["3", "1", "1", "1"]),
        (f"{day} 17:00 · Buổi chiều", ["3", "0", "3", "0"]),
    ]
