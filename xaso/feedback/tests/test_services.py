from __future__ import annotations

import io
import re
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from xaso.feedback import services
from xaso.feedback.figures import feedback_month_counts
from xaso.feedback.models import CategoryOfficer, Feedback, FeedbackEvent, Status
from xaso.indicators.models import DataValue
from xaso.notify.models import OutboxMessage

VN = ZoneInfo("Asia/Ho_Chi_Minh")


def send(unit, category, *, contact="0912345678", channel="sms", ip="203.0.113.5", **extra) -> Feedback:
    data = {"text": "Đèn chiếu sáng đầu ấp 1 bị hỏng ba hôm nay, tối rất nguy hiểm."} | extra
    return services.feedback_submit(
        unit=unit, category=category, contact_channel=channel, contact=contact, ip=ip, **data
    )


def code_of(feedback: Feedback) -> str:
    message = OutboxMessage.objects.filter(body__contains=feedback.tracking_code).order_by("-id").first()
    return re.search(r"\b(\d{6})\b", message.body).group(1)


def test_submit_sends_a_code_and_waits_unconfirmed(an_vien, roads):
    feedback = send(an_vien, roads)
    assert feedback.status == Status.RECEIVED and feedback.due_at is None
    message = OutboxMessage.objects.get()
    assert message.channel == "sms" and message.address == "0912345678"
    assert feedback.tracking_code in message.body and "Mã xác nhận" in message.body
    assert re.fullmatch(r"PA-[ACDEFGHJKLMNPQRTUVWXY34679]{6}", feedback.tracking_code)


def test_confirm_starts_the_deadline_and_assigns_by_category(an_vien, roads, an_vien_officer):
    CategoryOfficer.objects.create(unit=an_vien, category=roads, officer=an_vien_officer)
    with time_machine.travel(datetime(2026, 12, 1, 9, 0, tzinfo=VN), tick=False):
        feedback = send(an_vien, roads)
        feedback = services.feedback_confirm(feedback=feedback, code=code_of(feedback))
    assert feedback.status == Status.ASSIGNED and feedback.assigned_to == an_vien_officer
    assert feedback.due_at == datetime(2026, 12, 11, 9, 0, tzinfo=VN)  # roads: 10 days
    assert list(feedback.events.values_list("status", flat=True)) == ["received", "confirmed", "assigned"]


def test_without_an_officer_for_the_category_it_stays_confirmed(an_vien, roads):
    feedback = send(an_vien, roads)
    feedback = services.feedback_confirm(feedback=feedback, code=code_of(feedback))
    assert feedback.status == Status.CONFIRMED and feedback.assigned_to is None


def test_a_wrong_code_is_refused_and_counted_then_locked(an_vien, roads):
    feedback = send(an_vien, roads)
    right = code_of(feedback)
    wrong = f"{(int(right) + 1) % 10**6:06d}"
    for left in (4, 3, 2, 1, 0):
        with pytest.raises(ValidationError, match=f"Còn {left} lần thử"):
            services.feedback_confirm(feedback=feedback, code=wrong)
    with pytest.raises(ValidationError, match="sai mã 5 lần"):
        services.feedback_confirm(feedback=feedback, code=right)
    feedback.refresh_from_db()
    assert feedback.status == Status.RECEIVED


def test_an_expired_code_is_refused(an_vien, roads):
    feedback = send(an_vien, roads)
    code = code_of(feedback)
    with (
        time_machine.travel(feedback.received_at + timedelta(minutes=11)),
        pytest.raises(ValidationError, match="hết hạn"),
    ):
        services.feedback_confirm(feedback=feedback, code=code)


@pytest.mark.parametrize(
    ("field", "extra", "message"),
    [
        ("text", {"text": "ngắn"}, "từ 10 đến 2000 ký tự"),
        ("contact", {"contact": "12345"}, "10 chữ số"),
        ("contact", {"contact": "khong-phai-thu", "channel": "email"}, "thư điện tử không hợp lệ"),
        ("latitude", {"latitude": "48.85", "longitude": "2.35"}, "lãnh thổ Việt Nam"),
        ("longitude", {"latitude": "11.1"}, "cả vĩ độ và kinh độ"),
    ],
)
def test_bad_input_is_named_and_saves_nothing(an_vien, roads, field, extra, message):
    with pytest.raises(ValidationError) as caught:
        send(an_vien, roads, **extra)
    assert message in " ".join(caught.value.message_dict[field])
    assert not Feedback.objects.exists() and not OutboxMessage.objects.exists()


def test_every_bad_field_is_named_at_once(an_vien, roads):
    """A citizen on a phone corrects everything in one round, not one field per send."""
    with pytest.raises(ValidationError) as caught:
        send(an_vien, roads, text="ngắn", contact="12345", latitude="48.85", longitude="2.35")
    assert set(caught.value.message_dict) == {"text", "contact", "latitude"}
    assert not Feedback.objects.exists() and not OutboxMessage.objects.exists()


def test_phone_written_with_country_code_is_normalised(an_vien, roads):
    assert send(an_vien, roads, contact="+84 912 345 678").contact == "0912345678"


def test_a_village_of_another_commune_is_refused(an_vien, tri_an, roads, tri_an_officer):
    from xaso.geo.services import village_create

    other = village_create(commune=tri_an, name="Ấp Trị An", user=tri_an_officer)
    with pytest.raises(ValidationError, match="không thuộc xã này"):
        send(an_vien, roads, village=other)


def test_rate_limit_per_contact_per_day(an_vien, roads, settings):
    settings.XASO_FEEDBACK = {**settings.XASO_FEEDBACK, "per_contact_per_day": 2}
    send(an_vien, roads, ip="203.0.113.1")
    send(an_vien, roads, ip="203.0.113.2")
    with pytest.raises(ValidationError, match="2 phản ánh trong 24 giờ"):
        send(an_vien, roads, ip="203.0.113.3")
    send(an_vien, roads, contact="0987654321", ip="203.0.113.4")  # another phone is not held back
    assert Feedback.objects.count() == 3


def test_rate_limit_per_network_address_per_hour(an_vien, roads, settings):
    settings.XASO_FEEDBACK = {**settings.XASO_FEEDBACK, "per_ip_per_hour": 2}
    send(an_vien, roads, contact="0912000001")
    send(an_vien, roads, contact="0912000002")
    with pytest.raises(ValidationError, match="mạng này"):
        send(an_vien, roads, contact="0912000003")
    with time_machine.travel(Feedback.objects.latest("id").received_at + timedelta(hours=1, seconds=1)):
        send(an_vien, roads, contact="0912000003")


def test_photos_are_stored_without_exif(an_vien, roads, photo_upload):
    feedback = send(an_vien, roads, photos=[photo_upload])
    stored = feedback.photos.get()
    with stored.image.open("rb") as handle, Image.open(io.BytesIO(handle.read())) as image:
        exif = image.getexif()
        assert image.size == (64, 48)
        assert 0x010F not in exif and 0x0110 not in exif and not exif.get_ifd(0x8825)


def test_more_than_three_photos_or_a_non_image_are_refused(an_vien, roads):
    from xaso.feedback.tests.conftest import jpeg_with_gps

    photos = [SimpleUploadedFile(f"a{i}.jpg", jpeg_with_gps(), content_type="image/jpeg") for i in range(4)]
    with pytest.raises(ValidationError, match="Tối đa 3 ảnh"):
        send(an_vien, roads, photos=photos)
    pdf = SimpleUploadedFile("a.jpg", b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF", content_type="image/jpeg")
    with pytest.raises(ValidationError, match="Chỉ nhận: ảnh PNG, JPEG hoặc WebP"):
        send(an_vien, roads, photos=[pdf])
    assert not Feedback.objects.exists()


def confirmed(unit, category, **extra) -> Feedback:
    feedback = send(unit, category, **extra)
    return services.feedback_confirm(feedback=feedback, code=code_of(feedback))


def test_answer_tells_the_citizen_and_rating_closes(an_vien, roads, an_vien_officer):
    feedback = confirmed(an_vien, roads)
    feedback = services.feedback_answer(user=an_vien_officer, feedback=feedback, answer="Đã thay bóng đèn ngày 02/12.")
    assert feedback.status == Status.ANSWERED
    told = OutboxMessage.objects.order_by("-id").first()
    assert told.address == "0912345678" and f"/feedback/{an_vien.code}/track/{feedback.tracking_code}/" in told.body
    with pytest.raises(ValidationError, match="từ 1"):
        services.feedback_rate(feedback=feedback, rating=6)
    feedback = services.feedback_rate(feedback=feedback, rating=5, comment="Nhanh")
    assert feedback.status == Status.CLOSED and feedback.rating == 5
    with pytest.raises(ValidationError, match="một lần"):
        services.feedback_rate(feedback=feedback, rating=1)


def test_refusal_needs_a_reason_shown_to_the_citizen(an_vien, roads, an_vien_officer):
    feedback = confirmed(an_vien, roads)
    with pytest.raises(ValidationError):
        services.feedback_refuse(user=an_vien_officer, feedback=feedback, reason="", note="Trùng với PA-AAAAAA đã có")
    with pytest.raises(ValidationError, match="10 đến"):
        services.feedback_refuse(user=an_vien_officer, feedback=feedback, reason="duplicate", note="trùng")
    feedback = services.feedback_refuse(
        user=an_vien_officer, feedback=feedback, reason="duplicate", note="Trùng với phản ánh PA-AAAAAA đã có."
    )
    assert feedback.status == Status.REFUSED and feedback.refusal_reason == "duplicate"
    assert FeedbackEvent.objects.filter(
        feedback=feedback, status="refused", note__startswith="Trùng với phản ánh đã có"
    ).exists()


def test_an_officer_of_another_commune_cannot_act(an_vien, roads, an_vien_officer, tri_an_officer, nga_dien_officer):
    feedback = confirmed(an_vien, roads)
    for officer in (tri_an_officer, nga_dien_officer):
        with pytest.raises(PermissionDenied):
            services.feedback_answer(user=officer, feedback=feedback, answer="Không phải việc của xã khác.")
    with pytest.raises(ValidationError, match="công chức của xã này"):
        services.feedback_assign(user=an_vien_officer, feedback=feedback, officer=tri_an_officer)


def test_publishing_refuses_a_phone_number_or_an_email_in_the_public_text(an_vien, roads, an_vien_officer):
    feedback = confirmed(an_vien, roads)
    for text in ("Gọi tôi 0912 345 678 nhé, đèn hỏng.", "Đèn hỏng, liên hệ an@gmail.com giúp."):
        with pytest.raises(ValidationError, match="Nội dung công khai còn"):
            services.feedback_publish(user=an_vien_officer, feedback=feedback, public_text=text)
    feedback = services.feedback_publish(user=an_vien_officer, feedback=feedback, public_text="Đèn đầu ấp 1 bị hỏng.")
    assert feedback.is_published


def test_contact_is_erased_after_the_retention_period(an_vien, roads, an_vien_officer, settings):
    feedback = confirmed(an_vien, roads)
    feedback = services.feedback_answer(user=an_vien_officer, feedback=feedback, answer="Đã sửa xong đèn chiếu sáng.")
    services.feedback_rate(feedback=feedback, rating=4)
    feedback.refresh_from_db()
    days = settings.XASO_FEEDBACK["contact_days"]
    assert services.feedback_contacts_cleanup(now=feedback.closed_at + timedelta(days=days - 1)) == 0
    assert services.feedback_contacts_cleanup(now=feedback.closed_at + timedelta(days=days, seconds=1)) == 1
    feedback.refresh_from_db()
    assert feedback.contact == "" and feedback.contact_digest  # the digest keeps the rate limit, reveals nothing


def test_figures_count_received_on_time_and_satisfied(an_vien, roads, an_vien_officer, feedback_catalog):
    """December 2026: three confirmed; two answered, one of them late (roads: 10 days); ratings 5 and 3.
    received 3, answered 2, on time 1, rated 2, satisfied (4–5) 1 → on-time 50%, satisfaction 50%."""
    start = datetime(2026, 12, 1, 8, 0, tzinfo=VN)
    with time_machine.travel(start, tick=False):
        a = confirmed(an_vien, roads, contact="0912000001")
        b = confirmed(an_vien, roads, contact="0912000002")
        confirmed(an_vien, roads, contact="0912000003")
    with time_machine.travel(start + timedelta(days=2), tick=False):
        a = services.feedback_answer(user=an_vien_officer, feedback=a, answer="Đã sửa xong đèn chiếu sáng.")
    with time_machine.travel(start + timedelta(days=12), tick=False):
        b = services.feedback_answer(user=an_vien_officer, feedback=b, answer="Đã nạo vét xong cống thoát nước.")
    services.feedback_rate(feedback=a, rating=5)
    services.feedback_rate(feedback=b, rating=3)
    counts = feedback_month_counts(unit=an_vien, moment=start)
    assert counts == {
        "feedback_received": 3,
        "feedback_answered": 2,
        "feedback_answered_on_time": 1,
        "feedback_rated": 2,
        "feedback_satisfied": 1,
    }
    stored = dict(
        DataValue.objects.filter(unit=an_vien, period__code="2026-12").values_list("data_element__code", "value")
    )
    assert stored == {k: float(v) for k, v in counts.items()}


def test_a_refused_send_leaves_no_photo_behind(an_vien, roads, photo_upload, settings):
    from xaso.files.storage import private_storage

    storage = private_storage()

    def stored() -> set[str]:
        found, pending = set(), ["feedback"]
        while pending:
            folder = pending.pop()
            if not storage.exists(folder):
                continue
            dirs, files = storage.listdir(folder)
            found |= {f"{folder}/{f}" for f in files}
            pending += [f"{folder}/{d}" for d in dirs]
        return found

    before = stored()
    settings.XASO_NOTIFY_LIMITS = {"sms": {"daily_cap": 0}}
    with pytest.raises(ValidationError, match="giới hạn 0 tin một ngày"):
        send(an_vien, roads, photos=[photo_upload])
    assert stored() == before and not Feedback.objects.exists()
