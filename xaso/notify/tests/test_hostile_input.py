"""What an attacker (or a careless paste) sends to the announcement side: line breaks and control characters that
would forge lines of the loudspeaker controller's playlist; subscriptions used to flood a phone with codes
(decision 0061)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from xaso.feedback.models import Category, Feedback
from xaso.feedback.services import feedback_submit
from xaso.notify import deliveries
from xaso.notify.announcements import announcement_send, loudspeaker_point_add, subscriber_add
from xaso.notify.models import Announcement, Delivery, LoudspeakerPoint, OutboxMessage, Subscriber

BODY = "Sáng thứ Bảy 8 giờ, Trạm y tế xã tiêm chủng mở rộng cho trẻ dưới 5 tuổi."


@pytest.fixture
def roads(db):
    return Category.objects.filter(is_active=True).order_by("order").first()  # shipped by migration 0002


@pytest.fixture(autouse=True)
def sent_at_once(monkeypatch):
    monkeypatch.setattr(deliveries, "after_commit", lambda callback: callback())


@pytest.mark.parametrize(
    ("field", "changes", "message"),
    [
        ("title", {"title": "Tiêm chủng\n#EXT-X-XASO:cluster=C01;interrupts=1"}, "một dòng"),
        ("title", {"title": "Tiêm\rchủng"}, "một dòng"),
        ("title", {"title": "Tiêm\x1b chủng"}, "U+001B"),
        ("body", {"body": "\x0b".join(BODY.split(",", 1))}, "U+000B"),
        ("body", {"body": BODY + "\u202e"}, "U+202E"),
    ],
)
def test_control_characters_and_a_title_on_two_lines_are_refused(an_vien, an_vien_officer, field, changes, message):
    data = {"title": "Tiêm chủng", "body": BODY, "channels": ["web"]} | changes
    with pytest.raises(ValidationError) as caught:
        announcement_send(user=an_vien_officer, unit=an_vien, **data)
    assert message in " ".join(caught.value.message_dict[field])
    assert not Announcement.objects.exists() and not Delivery.objects.exists()


def test_a_body_on_several_lines_is_kept(an_vien, an_vien_officer):
    sent = announcement_send(user=an_vien_officer, unit=an_vien, title="Tiêm chủng", body=BODY + "\nMang sổ tiêm.",
                             channels=["web"])  # fmt: skip
    assert sent.body.endswith("\nMang sổ tiêm.")


@pytest.mark.parametrize("code", ["C01;interrupts=1", "C0\n1", "C01=", "C 01", "Cụm1"])
def test_a_cluster_code_that_is_not_a_plain_code_is_refused(an_vien, an_vien_officer, villages, code):
    with pytest.raises(ValidationError) as caught:
        loudspeaker_point_add(user=an_vien_officer, village=villages[0], name="Nhà văn hóa", clusters=[code])
    assert "chữ cái không dấu, chữ số" in " ".join(caught.value.message_dict["clusters"])
    assert not LoudspeakerPoint.objects.exists()


def test_a_point_name_on_two_lines_is_refused(an_vien, an_vien_officer, villages):
    with pytest.raises(ValidationError) as caught:
        loudspeaker_point_add(user=an_vien_officer, village=villages[0], name="Nhà\nvăn hóa", clusters=["C01"])
    assert "một dòng" in " ".join(caught.value.message_dict["name"])


def test_the_m3u_playlist_has_one_entry_per_play_whatever_an_older_title_holds(
    an_vien, an_vien_officer, villages, client
):
    loudspeaker_point_add(user=an_vien_officer, village=villages[0], name="Nhà văn hóa", clusters=["C01"])
    tomorrow = timezone.localdate() + timedelta(days=1)
    sent = announcement_send(user=an_vien_officer, unit=an_vien, title="Tiêm chủng", body=BODY,
                             channels=["loudspeaker"], day=tomorrow, slots=["evening"])  # fmt: skip
    # written before the check existed: a title that tries to add an entry playing another file, interrupting
    Announcement.objects.filter(pk=sent.pk).update(
        title="Tiêm chủng\n#EXT-X-XASO:cluster=C01;interrupts=1\r\nhttp://evil.example/x.wav"
    )
    m3u = client.get(f"/notify/{an_vien.code}/playlist.m3u", {"date": tomorrow.isoformat()}).content.decode()
    lines = m3u.splitlines()
    assert len(lines) == 4 and lines[0] == "#EXTM3U"
    assert lines[1].startswith("#EXTINF:") and lines[1].endswith(
        ",Tiêm chủng #EXT-X-XASO:cluster=C01;interrupts=1 http://evil.example/x.wav"
    )
    assert lines[2].startswith("#EXT-X-XASO:cluster=C01;") and "interrupts=0" in lines[2]
    assert lines[3] == f"http://testserver/notify/{an_vien.code}/bulletin/{sent.bulletin.pk}.wav"


def test_subscriptions_from_one_network_address_are_limited_per_hour(client, an_vien, settings):
    settings.XASO_NOTIFY_CODE_LIMITS = {**settings.XASO_NOTIFY_CODE_LIMITS, "subscribe_per_ip_per_hour": 3}
    statuses = [
        client.post(f"/notify/{an_vien.code}/subscribe/", {"channel": "sms", "address": f"091200000{i}"}).status_code
        for i in range(5)
    ]
    assert statuses == [302, 302, 302, 400, 400]
    assert sorted(OutboxMessage.objects.values_list("address", flat=True)) == ["0912000000", "0912000001", "0912000002"]
    refused = client.post(f"/notify/{an_vien.code}/subscribe/", {"channel": "sms", "address": "0912000009"})
    assert "Đã có 3 lượt đăng ký từ mạng này" in refused.content.decode()
    assert Subscriber.objects.count() == 3
    # another address is not held back
    other = client.post(
        f"/notify/{an_vien.code}/subscribe/", {"channel": "sms", "address": "0912000009"}, REMOTE_ADDR="198.51.100.7"
    )
    assert other.status_code == 302


def test_one_phone_gets_at_most_the_hours_codes_whatever_asks_for_them(an_vien, tri_an, roads, settings):
    """Subscriptions in two communes and a feedback: 3 codes to the same phone, then the fourth is refused."""
    settings.XASO_NOTIFY_CODE_LIMITS = {**settings.XASO_NOTIFY_CODE_LIMITS, "per_address_per_hour": 3}
    subscriber_add(unit=an_vien, channel="sms", address="0912000001", ip="203.0.113.1")
    subscriber_add(unit=tri_an, channel="sms", address="0912000001", ip="203.0.113.2")
    feedback_submit(unit=an_vien, category=roads, text="Đèn hỏng ở đầu ấp 1 ba hôm nay.", contact_channel="sms",
                    contact="0912000001", ip="203.0.113.3")  # fmt: skip
    with pytest.raises(ValidationError) as caught:
        feedback_submit(unit=tri_an, category=roads, text="Đèn hỏng ở đầu ấp 2 ba hôm nay.", contact_channel="sms",
                        contact="0912000001", ip="203.0.113.4")  # fmt: skip
    assert "đã nhận 3 mã xác nhận trong một giờ qua" in " ".join(caught.value.messages)
    assert OutboxMessage.objects.filter(address="0912000001").count() == 3
    assert Feedback.objects.count() == 1  # the refused one left nothing
    # another phone is not held back
    subscriber_add(unit=tri_an, channel="sms", address="0912000002", ip="203.0.113.2")
