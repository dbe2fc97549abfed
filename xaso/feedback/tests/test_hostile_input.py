"""What an attacker (or a careless paste) sends to the citizen channels: control characters and line breaks that
would break Open311 XML; tracking codes walked one after another (decision 0061)."""

from __future__ import annotations

import re
from xml.etree import ElementTree as ET

import pytest
from django.core.exceptions import ValidationError

from xaso.feedback import services
from xaso.feedback.models import Feedback, Status
from xaso.notify.models import OutboxMessage

TEXT = "Đèn chiếu sáng đầu ấp 1 bị hỏng ba hôm nay, tối rất nguy hiểm."


def confirmed(unit, category, contact="0912345678") -> Feedback:
    feedback = services.feedback_submit(unit=unit, category=category, text=TEXT, contact_channel="sms", contact=contact)
    code = re.search(r"\b(\d{6})\b", OutboxMessage.objects.latest("id").body).group(1)
    return services.feedback_confirm(feedback=feedback, code=code)


@pytest.mark.parametrize("char", ["\x0b", "\x1b", "\x00", "\x85", "\u2028", "\u202e"])
def test_a_control_character_in_the_citizens_text_is_refused_naming_it(an_vien, roads, char):
    with pytest.raises(ValidationError) as caught:
        services.feedback_submit(
            unit=an_vien, category=roads, text=f"Đèn hỏng{char} ở đầu ấp 1 ba hôm nay", contact_channel="sms",
            contact="0912345678",
        )  # fmt: skip
    message = " ".join(caught.value.message_dict["text"])
    assert f"U+{ord(char):04X}" in message and "Nội dung phản ánh" in message
    assert not Feedback.objects.exists() and not OutboxMessage.objects.exists()


def test_line_breaks_and_tabs_in_the_citizens_text_are_kept(an_vien, roads):
    feedback = services.feedback_submit(
        unit=an_vien, category=roads, text="Đèn hỏng ở ấp 1.\r\nĐã ba hôm nay.\tRất tối.", contact_channel="sms",
        contact="0912345678",
    )  # fmt: skip
    assert feedback.text == "Đèn hỏng ở ấp 1.\r\nĐã ba hôm nay.\tRất tối."


def test_the_officers_texts_refuse_control_characters_and_change_nothing(an_vien, roads, an_vien_officer):
    feedback = confirmed(an_vien, roads)
    calls = [
        ("note", lambda: services.feedback_start(user=an_vien_officer, feedback=feedback, note="Đang\x1b xử lý")),
        ("answer", lambda: services.feedback_answer(user=an_vien_officer, feedback=feedback, answer="Đã sửa\x0c đèn.")),
        ("note", lambda: services.feedback_refuse(
            user=an_vien_officer, feedback=feedback, reason="duplicate", note="Trùng với\x07 PA-ACDEFG.")),
        ("public_text", lambda: services.feedback_publish(
            user=an_vien_officer, feedback=feedback, public_text="Đèn hỏng\u202e ở ấp 1.")),
    ]  # fmt: skip
    for field, call in calls:
        with pytest.raises(ValidationError) as caught:
            call()
        assert "ký tự điều khiển" in " ".join(caught.value.message_dict[field]), field
    feedback.refresh_from_db()
    assert feedback.status == Status.CONFIRMED and not feedback.answer and not feedback.is_published


def test_the_rating_comment_refuses_control_characters(an_vien, roads, an_vien_officer):
    feedback = confirmed(an_vien, roads)
    services.feedback_answer(user=an_vien_officer, feedback=feedback, answer="Đã thay bóng đèn ngày 04/12.")
    with pytest.raises(ValidationError) as caught:
        services.feedback_rate(feedback=feedback, rating=5, comment="Tốt\x00")
    assert "U+0000" in " ".join(caught.value.message_dict["comment"])
    assert Feedback.objects.get().status == Status.ANSWERED


def test_open311_xml_stays_well_formed_whatever_an_older_row_holds(client, an_vien, roads, an_vien_officer):
    feedback = confirmed(an_vien, roads)
    services.feedback_answer(user=an_vien_officer, feedback=feedback, answer="Đã thay bóng đèn ngày 04/12.")
    services.feedback_publish(user=an_vien_officer, feedback=feedback, public_text="Đèn hỏng ở đầu ấp 1.")
    # written before the check existed: characters XML 1.0 cannot hold
    Feedback.objects.filter(pk=feedback.pk).update(answer="Đã thay\x0c bóng\x1b đèn.", public_text="Đèn\x0b hỏng.")
    for url in (f"/open311/v2/requests/{feedback.tracking_code}.xml", "/open311/v2/requests.xml"):
        answer = client.get(url, {"jurisdiction_id": an_vien.code})
        assert answer.status_code == 200
        [request] = ET.fromstring(answer.content).findall("request")
        assert request.findtext("status_notes") == "Đã thay bóng đèn."
        assert request.findtext("description") == "Đèn hỏng."


def test_walking_tracking_codes_is_stopped_after_20_unknown_codes_an_hour(client, an_vien, roads, settings):
    feedback = confirmed(an_vien, roads)
    mine = f"/feedback/{an_vien.code}/track/{feedback.tracking_code}/"
    for _i in range(5):  # the citizen's own code, as often as they like: never counted
        assert client.get(mine).status_code == 200
    guesses = [f"PA-{'ACDEFGHJKLMNPQRTUVWXY'[i]}ACAC" for i in range(20)]
    statuses = [client.get(f"/feedback/{an_vien.code}/track/{g}/").status_code for g in guesses[:10]]
    statuses += [client.get(f"/feedback/{an_vien.code}/track/", {"tracking": g}).status_code for g in guesses[10:19]]
    statuses.append(
        client.get(f"/open311/v2/requests/{guesses[19]}.json", {"jurisdiction_id": an_vien.code}).status_code
    )
    assert statuses == [404] * 20
    # the 21st from this address, even the right code, on any of the three ways in
    refused = client.get(mine)
    assert refused.status_code == 429 and "thử lại sau một giờ" in refused.content.decode()
    lookup = client.get(f"/feedback/{an_vien.code}/track/", {"tracking": feedback.tracking_code})
    assert lookup.status_code == 429
    api = client.get(f"/open311/v2/requests/{feedback.tracking_code}.json", {"jurisdiction_id": an_vien.code})
    assert api.status_code == 429 and api.json()[0]["code"] == 429
    assert client.post(mine, {"rating": "1"}).status_code == 429  # nor rate someone else's answer
    # another network address is not held back
    assert client.get(mine, REMOTE_ADDR="198.51.100.7").status_code == 200


def test_the_tracking_limit_follows_its_setting(client, an_vien, roads, settings):
    settings.XASO_FEEDBACK = {**settings.XASO_FEEDBACK, "track_misses_per_ip_per_hour": 2}
    feedback = confirmed(an_vien, roads)
    assert client.get(f"/feedback/{an_vien.code}/track/PA-AAAAAA/").status_code == 404
    assert client.get(f"/feedback/{an_vien.code}/track/{feedback.tracking_code}/").status_code == 200
    assert client.get(f"/feedback/{an_vien.code}/track/PA-CCCCCC/").status_code == 404
    assert client.get(f"/feedback/{an_vien.code}/track/{feedback.tracking_code}/").status_code == 429


def test_a_phone_or_an_email_in_the_answer_is_never_public(client, an_vien, roads, an_vien_officer):
    """Publishing checks the public text; the answer is published with it, written before anyone thought of it."""
    feedback = confirmed(an_vien, roads)
    answer = "Đã gọi anh Nam (0912.345.678, nam.nguyen@gmail.com) và thay bóng đèn ngày 04/12."
    services.feedback_answer(user=an_vien_officer, feedback=feedback, answer=answer)
    services.feedback_publish(user=an_vien_officer, feedback=feedback, public_text="Đèn hỏng ở đầu ấp 1.")
    public = client.get(f"/feedback/{an_vien.code}/").content.decode()
    assert "Đã gọi anh Nam (•••, •••) và thay bóng đèn ngày 04/12." in public
    assert "345" not in public and "nam.nguyen" not in public
    for fmt in ("json", "xml"):
        listed = client.get(f"/open311/v2/requests.{fmt}", {"jurisdiction_id": an_vien.code}).content.decode()
        assert "Đã gọi anh Nam (•••, •••)" in listed and "nam.nguyen" not in listed and "345" not in listed
    # the citizen's own tracking page shows the answer as written
    mine = client.get(f"/feedback/{an_vien.code}/track/{feedback.tracking_code}/").content.decode()
    assert "0912.345.678" in mine
