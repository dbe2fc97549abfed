from __future__ import annotations

import re
from datetime import timedelta

import time_machine

from xaso.feedback import services
from xaso.feedback.models import Feedback, Status
from xaso.notify.models import OutboxMessage
from xaso.privacy.models import AccessLog

TEXT = "Cống thoát nước đầu ấp 2 bị tắc, nước tràn ra đường mỗi khi mưa."


def form(category, **extra):
    return {"category": category.pk, "text": TEXT, "contact_channel": "sms", "contact": "0912345678"} | extra


def confirmed(unit, category) -> Feedback:
    feedback = services.feedback_submit(
        unit=unit, category=category, text=TEXT, contact_channel="sms", contact="0912345678"
    )
    code = re.search(r"\b(\d{6})\b", OutboxMessage.objects.latest("id").body).group(1)
    return services.feedback_confirm(feedback=feedback, code=code)


def test_a_citizen_sends_without_an_account_and_lands_on_the_code_page(client, an_vien, roads):
    response = client.post(f"/feedback/{an_vien.code}/new/", form(roads))
    feedback = Feedback.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/feedback/{an_vien.code}/confirm/{feedback.token}/"
    page = client.get(response["Location"]).content.decode()
    assert "09•••••678" in page and "0912345678" not in page


def test_the_honeypot_refuses_and_stores_nothing(client, an_vien, roads):
    response = client.post(f"/feedback/{an_vien.code}/new/", form(roads, website="http://spam.example"))
    assert response.status_code == 400 and "ô dành cho máy tự động" in response.content.decode()
    assert not Feedback.objects.exists() and not OutboxMessage.objects.exists()


def test_bad_input_is_shown_on_the_form_in_vietnamese(client, an_vien, roads):
    response = client.post(f"/feedback/{an_vien.code}/new/", form(roads, contact="123"))
    assert response.status_code == 400
    assert "Số điện thoại di động gồm 10 chữ số" in response.content.decode()
    assert not Feedback.objects.exists()


def test_the_public_list_shows_only_published_items_without_personal_data(client, an_vien, roads, an_vien_officer):
    hidden = confirmed(an_vien, roads)
    shown = confirmed(an_vien, roads)
    services.feedback_publish(user=an_vien_officer, feedback=shown, public_text="Cống đầu ấp 2 bị tắc.")
    page = client.get(f"/feedback/{an_vien.code}/").content.decode()
    assert shown.tracking_code in page and hidden.tracking_code not in page
    assert "Cống đầu ấp 2 bị tắc." in page and TEXT not in page and "0912345678" not in page


def test_the_tracking_page_follows_the_item_and_the_rating(client, an_vien, roads, an_vien_officer):
    feedback = confirmed(an_vien, roads)
    url = f"/feedback/{an_vien.code}/track/{feedback.tracking_code}/"
    assert "Đã xác nhận" in client.get(url).content.decode()
    services.feedback_answer(user=an_vien_officer, feedback=feedback, answer="Đã thông cống ngày 04/12.")
    page = client.get(url).content.decode()
    assert "Đã thông cống ngày 04/12." in page and 'name="rating"' in page
    assert client.post(url, {"rating": "9"}).status_code == 400
    assert client.post(url, {"rating": "4"}).status_code == 302
    assert Feedback.objects.get().status == Status.CLOSED
    lookup = client.get(f"/feedback/{an_vien.code}/track/", {"tracking": feedback.tracking_code.lower()})
    assert lookup.status_code == 302 and lookup["Location"] == url


def test_showing_the_senders_contact_is_logged(client, an_vien, roads, an_vien_officer):
    feedback = confirmed(an_vien, roads)
    client.force_login(an_vien_officer)
    page = client.get(f"/feedback/manage/item/{feedback.pk}/").content.decode()
    assert "0912345678" not in page.split("Liên hệ người gửi")[1][:300]
    page = client.get(f"/feedback/manage/item/{feedback.pk}/", {"contact": "1"}).content.decode()
    assert 'data-testid="contact">0912345678<' in page
    logs = list(AccessLog.objects.values_list("subject_type", "subject_id", "username"))
    assert logs == [
        ("feedback_contact", feedback.tracking_code, "an_vien_officer"),
        ("feedback", feedback.tracking_code, "an_vien_officer"),
    ]


def test_opening_a_citizens_photo_is_in_the_access_log_and_a_refusal_logs_nothing(
    client, an_vien, roads, an_vien_officer, tri_an_officer, photo_upload
):
    feedback = services.feedback_submit(
        unit=an_vien, category=roads, text=TEXT, contact_channel="sms", contact="0912345678", photos=[photo_upload]
    )
    photo = feedback.photos.get()
    url = f"/files/feedback_photo/{photo.pk}/"
    client.force_login(tri_an_officer)
    assert client.get(url).status_code == 404
    assert not AccessLog.objects.exists()
    client.force_login(an_vien_officer)
    response = client.get(url)
    assert response.status_code == 200 and b"".join(response.streaming_content)[:2] == b"\xff\xd8"
    log = AccessLog.objects.get()
    assert (log.action, log.subject_type, log.subject_id, log.username, log.unit_id) == (
        "view", "feedback_photo", f"{feedback.tracking_code}/{photo.pk}", "an_vien_officer", an_vien.pk
    )  # fmt: skip


def test_an_officer_of_another_commune_sees_nothing_and_changes_nothing(client, an_vien, roads, tri_an_officer):
    feedback = confirmed(an_vien, roads)
    client.force_login(tri_an_officer)
    assert client.get(f"/feedback/manage/item/{feedback.pk}/").status_code == 404
    assert client.get(f"/feedback/manage/{an_vien.code}/").status_code == 403
    answer = client.post(f"/feedback/manage/item/{feedback.pk}/answer/", {"answer": "Không phải việc của tôi."})
    assert answer.status_code == 403
    assert Feedback.objects.get().status == Status.CONFIRMED


def test_overdue_feedback_is_flagged_for_the_operations_centre(client, an_vien, roads, an_vien_officer):
    feedback = confirmed(an_vien, roads)
    client.force_login(an_vien_officer)
    assert 'hx-get="/feedback/manage/26296/flag/"' in client.get(f"/coc/unit/{an_vien.code}/").content.decode()
    flag = client.get(f"/feedback/manage/{an_vien.code}/flag/").content.decode()
    assert "1 phản ánh chờ trả lời" in flag and "quá hạn" not in flag
    with time_machine.travel(feedback.due_at + timedelta(seconds=1)):
        flag = client.get(f"/feedback/manage/{an_vien.code}/flag/").content.decode()
        assert "1 quá hạn" in flag
        overdue = client.get(f"/feedback/manage/{an_vien.code}/", {"show": "overdue"}).content.decode()
        assert feedback.tracking_code in overdue
