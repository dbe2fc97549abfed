"""Writes of the feedback: a citizen sends and confirms, an officer assigns, answers or refuses, moderates what is
published; the citizen rates the answer. Each write is atomic, checks its input and raises a ValidationError
with a Vietnamese message; an officer's write is authorised against the stored item's commune."""

from __future__ import annotations

import hashlib
import hmac
import math
import re
import secrets
from datetime import timedelta
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from xaso.accounts.permissions import can_write_unit
from xaso.core.text import text_check
from xaso.core.throttle import throttle_count, throttle_hit
from xaso.files.uploads import IMAGE, MB, Policy, upload_accept
from xaso.geo.models import AdminUnit, Level
from xaso.notify.deliveries import deliveries_create
from xaso.notify.models import Channel, Purpose
from xaso.notify.verification import verification_check, verification_send

from . import figures
from .models import (
    EMAIL_IN_TEXT,
    PHONE_IN_TEXT,
    Category,
    CategoryOfficer,
    Feedback,
    FeedbackEvent,
    FeedbackPhoto,
    RefusalReason,
    Source,
    Status,
)

TEXT_MIN, TEXT_MAX = 10, 2000
ANSWER_MIN, ANSWER_MAX = 10, 3000
NOTE_MAX = 500
PHOTOS_MAX = 3
PHOTO = Policy(frozenset({IMAGE}), 5 * MB)
#: the letters of a tracking code: no 0/O, 1/I, 2/Z, 5/S, 8/B that read alike on a phone
CODE_LETTERS = "ACDEFGHJKLMNPQRTUVWXY34679"
PHONE = re.compile(r"^0[35789]\d{8}$")
#: Việt Nam's bounding box with its islands (Côn Đảo, Phú Quốc, Trường Sa, Hoàng Sa), for a point on the map, and an
#: example shown in the error; a commune's own radius (`XASO_MAP["communes"]`) is the closer check
LAT_RANGE = (Decimal("6.5"), Decimal("23.5"), "11.09271")
LON_RANGE = (Decimal("102.0"), Decimal("117.5"), "107.17031")


def _digest(text: str) -> str:
    return hmac.new(settings.SECRET_KEY.encode(), text.encode(), hashlib.sha256).hexdigest()


def phone_clean(value: str) -> str:
    """A Vietnamese mobile number as 10 digits ("0912345678"); +84 / 84 prefixes and spaces are accepted."""
    digits = re.sub(r"[\s.\-()]", "", value or "")
    if digits.startswith("+84"):
        digits = "0" + digits[3:]
    elif digits.startswith("84") and len(digits) == 11:
        digits = "0" + digits[2:]
    if not PHONE.match(digits):
        raise ValidationError(
            {
                "contact": _(
                    "Số điện thoại di động gồm 10 chữ số, bắt đầu bằng 03, 05, 07, 08 hoặc 09 (ví dụ 0912345678)."
                )
            }
        )
    return digits


def contact_clean(channel: str, value: str) -> str:
    if channel == Channel.SMS:
        return phone_clean(value)
    if channel == Channel.EMAIL:
        value = (value or "").strip().lower()
        try:
            validate_email(value)
        except ValidationError:
            raise ValidationError({"contact": _("Địa chỉ thư điện tử không hợp lệ (ví dụ ten@gmail.com).")}) from None
        if len(value) > 254:
            raise ValidationError({"contact": _("Địa chỉ thư điện tử tối đa 254 ký tự.")})
        return value
    raise ValidationError({"contact_channel": _("Chọn nhận mã xác nhận qua tin nhắn SMS hoặc thư điện tử.")})


#: a point is stored to 5 decimals (about 1 m): what a phone's position is worth, no false precision
POINT_STEP = Decimal("0.00001")


def _coordinate(value, bounds, field: str, label: str) -> Decimal | None:
    if value in (None, ""):
        return None
    text = str(value).strip().replace(",", ".")
    try:
        number = Decimal(text[:30]) if len(text) <= 30 else None
        if number is None or not number.is_finite():
            raise InvalidOperation
        number = number.quantize(POINT_STEP, rounding=ROUND_HALF_UP)
    except (InvalidOperation, ValueError):
        message = _("%(label)s phải là một số thập phân, ví dụ %(example)s.")
        raise ValidationError({field: message % {"label": label, "example": bounds[2]}}) from None
    if not bounds[0] <= number <= bounds[1]:
        raise ValidationError(
            {
                field: _("%(label)s phải từ %(lo)s đến %(hi)s (trong lãnh thổ Việt Nam).")
                % {"label": label, "lo": bounds[0], "hi": bounds[1]}
            }
        )
    return number


def point_clean(*, unit: AdminUnit, latitude, longitude) -> tuple[Decimal | None, Decimal | None]:
    """A point on the map: both coordinates or neither, numbers inside Việt Nam's bounding box, and within the
    commune's radius when `XASO_MAP["communes"]` knows its centre; ValidationError naming the field."""
    lat = _coordinate(latitude, LAT_RANGE, "latitude", _("Vĩ độ"))
    lon = _coordinate(longitude, LON_RANGE, "longitude", _("Kinh độ"))
    if lat is None and lon is not None:
        raise ValidationError({"latitude": _("Vĩ độ: cần cả vĩ độ và kinh độ (hoặc bỏ trống cả hai).")})
    if lon is None and lat is not None:
        raise ValidationError({"longitude": _("Kinh độ: cần cả vĩ độ và kinh độ (hoặc bỏ trống cả hai).")})
    if lat is None:
        return None, None
    area = (settings.XASO_MAP.get("communes") or {}).get(unit.code)
    if area:
        km = distance_km(float(lat), float(lon), *area["centre"])
        if km > area["radius_km"]:
            raise ValidationError(
                {
                    "latitude": _(
                        "Vị trí cách trung tâm %(unit)s %(km)s km, xa hơn %(max)s km: chọn một điểm trong xã."
                    )
                    % {"unit": unit.name, "km": round(km), "max": area["radius_km"]}
                }
            )
    return lat, lon


def distance_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance (haversine, Earth radius 6371 km)."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * 6371 * math.asin(math.sqrt(a))


def _new_code() -> str:
    while True:
        code = "PA-" + "".join(secrets.choice(CODE_LETTERS) for _i in range(6))
        if not Feedback.objects.filter(tracking_code=code).exists():
            return code


def _event(feedback: Feedback, *, status: str, note: str = "", by=None, at=None) -> None:
    FeedbackEvent.objects.create(feedback=feedback, status=status, note=note, by=by, at=at or timezone.now())


def _rate_limits(*, contact_digest: str, ip_digest: str, now) -> None:
    limits = settings.XASO_FEEDBACK
    day = Feedback.objects.filter(contact_digest=contact_digest, received_at__gte=now - timedelta(days=1)).count()
    if day >= limits["per_contact_per_day"]:
        raise ValidationError(
            _(
                "Số điện thoại/thư điện tử này đã gửi %(n)s phản ánh trong 24 giờ qua, là mức tối đa: vui lòng gửi lại "
                "sau."
            )
            % {"n": day}
        )
    if ip_digest:
        hour = Feedback.objects.filter(ip_digest=ip_digest, received_at__gte=now - timedelta(hours=1)).count()
        if hour >= limits["per_ip_per_hour"]:
            raise ValidationError(
                _("Đã có %(n)s phản ánh gửi từ mạng này trong một giờ qua, là mức tối đa: vui lòng gửi lại sau.")
                % {"n": hour}
            )


#: a tracking code is 6 of 26 letters (about 3 × 10⁸): guessing stops after this many unknown codes an hour from
#: one network address (XASO_FEEDBACK["track_misses_per_ip_per_hour"]), so nobody walks the codes to read answers or
#: rate someone else's item; a citizen looking up their own code is never counted
TRACK_SCOPE, TRACK_WINDOW = "feedback-track-miss", 3600


def _track_limit() -> int:
    return settings.XASO_FEEDBACK.get("track_misses_per_ip_per_hour", 20)


def track_lookup_refused(*, ip: str) -> str:
    """The Vietnamese reason a lookup from `ip` is refused (too many unknown codes this hour), or ""."""
    if throttle_count(TRACK_SCOPE, ip, window=TRACK_WINDOW) < _track_limit():
        return ""
    return _(
        "Mạng này đã tra %(n)s mã theo dõi không có trong một giờ qua: vui lòng kiểm tra lại mã trong tin nhắn và thử "
        "lại sau một giờ."
    ) % {"n": _track_limit()}


def track_lookup_missed(*, ip: str) -> None:
    """Count an unknown tracking code looked up from `ip`."""
    throttle_hit(TRACK_SCOPE, ip, window=TRACK_WINDOW)


def code_text(feedback: Feedback) -> str:
    return _("Mã xác nhận phản ánh %(tracking)s: %%(code)s (hiệu lực %(minutes)s phút).") % {
        "tracking": feedback.tracking_code,
        "minutes": settings.XASO_NOTIFY_CODE_MINUTES,
    }


@transaction.atomic
def feedback_submit(
    *,
    unit: AdminUnit,
    category: Category,
    text: str,
    contact_channel: str,
    contact: str,
    village: AdminUnit | None = None,
    latitude=None,
    longitude=None,
    photos=(),
    ip: str = "",
    source: str = Source.WEB,
) -> Feedback:
    """Receive a citizen's feedback (state "received") and send the confirmation code to their phone or e-mail."""
    if unit.level != Level.COMMUNE:
        raise ValidationError(_("Phản ánh gửi tới một xã."))
    # every field is checked before refusing, so a citizen on a phone corrects them all in one round
    errors: dict[str, list[str]] = {}

    def checked(check, default=None):
        try:
            return check()
        except ValidationError as exc:
            for field, messages in exc.message_dict.items():
                errors.setdefault(field, messages)
            return default

    def text_clean() -> str:
        value = (text or "").strip()
        if len(value) < TEXT_MIN or len(value) > TEXT_MAX:
            raise ValidationError(
                {
                    "text": _("Nội dung phản ánh từ %(lo)s đến %(hi)s ký tự (hiện có %(n)s).")
                    % {"lo": TEXT_MIN, "hi": TEXT_MAX, "n": len(value)}
                }
            )
        text_check(value, field="text", label=_("Nội dung phản ánh"))
        return value

    def photos_accept() -> list:
        if len(photos) > PHOTOS_MAX:
            raise ValidationError({"photos": _("Tối đa %(n)s ảnh cho một phản ánh.") % {"n": PHOTOS_MAX}})
        return [upload_accept(p, policy=PHOTO, field="photos") for p in photos]

    if not category.is_active:
        errors["category"] = [_("Lĩnh vực này không còn nhận phản ánh: chọn lĩnh vực khác.")]
    text = checked(text_clean, "")
    if village is not None and (village.level != Level.VILLAGE or village.parent_id != unit.pk):
        errors["village"] = [_("Thôn được chọn không thuộc xã này.")]
    lat, lon = checked(lambda: point_clean(unit=unit, latitude=latitude, longitude=longitude), (None, None))
    photos = list(photos)
    accepted = checked(photos_accept, [])
    contact = checked(lambda: contact_clean(contact_channel, contact), "")
    if errors:
        raise ValidationError(errors)
    now = timezone.now()
    contact_digest = _digest(f"contact:{contact}")
    ip_digest = _digest(f"ip:{ip}") if ip else ""
    _rate_limits(contact_digest=contact_digest, ip_digest=ip_digest, now=now)
    feedback = Feedback.objects.create(
        unit=unit,
        village=village,
        category=category,
        text=text,
        latitude=lat,
        longitude=lon,
        tracking_code=_new_code(),
        source=source,
        received_at=now,
        contact_channel=contact_channel,
        contact=contact,
        contact_digest=contact_digest,
        ip_digest=ip_digest,
    )
    saved: list = []
    try:
        for ok in accepted:  # the re-encoded bytes: no EXIF, nothing appended
            photo = FeedbackPhoto(feedback=feedback, name=ok.download_name[:200])
            photo.image.save(ok.content.name, ok.content, save=False)
            saved.append(photo.image)
            photo.save()
        _event(feedback, status=Status.RECEIVED, at=now)
        verification_send(
            subject=f"feedback:{feedback.pk}", purpose="feedback", channel=contact_channel, address=contact,
            unit=unit, text=code_text(feedback),
        )  # fmt: skip
    except Exception:  # the transaction is rolled back: no file may outlive its row
        for image in saved:
            image.delete(save=False)
        raise
    return feedback


def feedback_code_resend(*, feedback: Feedback) -> None:
    if feedback.status != Status.RECEIVED or not feedback.contact:
        raise ValidationError(_("Phản ánh này đã được xác nhận."))
    verification_send(
        subject=f"feedback:{feedback.pk}",
        purpose="feedback",
        channel=feedback.contact_channel,
        address=feedback.contact,
        unit=feedback.unit,
        text=code_text(feedback),
    )


def feedback_confirm(*, feedback: Feedback, code: str) -> Feedback:
    """The citizen's code: the feedback is confirmed (its deadline starts) and given to the category's officer."""
    if feedback.status != Status.RECEIVED:
        return feedback
    verification_check(subject=f"feedback:{feedback.pk}", code=code)  # a wrong code is counted even if we stop here
    with transaction.atomic():
        feedback = Feedback.objects.select_for_update().get(pk=feedback.pk)
        if feedback.status != Status.RECEIVED:
            return feedback
        now = timezone.now()
        feedback.status, feedback.confirmed_at = Status.CONFIRMED, now
        feedback.due_at = now + timedelta(days=feedback.category.deadline_days)
        _event(feedback, status=Status.CONFIRMED, at=now)
        owner = (
            CategoryOfficer.objects.filter(unit=feedback.unit, category=feedback.category, officer__is_active=True)
            .select_related("officer")
            .first()
        )
        if owner is not None:
            feedback.status, feedback.assigned_to = Status.ASSIGNED, owner.officer
            _event(feedback, status=Status.ASSIGNED, at=now)
        feedback.save(update_fields=["status", "confirmed_at", "due_at", "assigned_to", "updated_at"])
        figures.feedback_figures_refresh(unit=feedback.unit, moments=[now])
    return feedback


def _authorise(user, feedback: Feedback) -> None:
    if not can_write_unit(user, feedback.unit):
        raise PermissionDenied(_("Bạn không có quyền xử lý phản ánh của xã này."))


def _locked(feedback: Feedback) -> Feedback:
    return Feedback.objects.select_for_update().select_related("unit", "category").get(pk=feedback.pk)


@transaction.atomic
def feedback_assign(*, user, feedback: Feedback, officer) -> Feedback:
    _authorise(user, feedback)
    feedback = _locked(feedback)
    if feedback.status not in (Status.CONFIRMED, Status.ASSIGNED, Status.IN_PROGRESS):
        raise ValidationError(_("Chỉ giao được phản ánh đã xác nhận, chưa trả lời."))
    if officer is None or not officer.is_active or officer.unit_id != feedback.unit_id:
        raise ValidationError({"officer": _("Người xử lý phải là công chức của xã này.")})
    feedback.assigned_to = officer
    if feedback.status == Status.CONFIRMED:
        feedback.status = Status.ASSIGNED
    feedback.save(update_fields=["assigned_to", "status", "updated_at"])
    _event(feedback, status=Status.ASSIGNED, by=user)
    return feedback


@transaction.atomic
def feedback_start(*, user, feedback: Feedback, note: str = "") -> Feedback:
    _authorise(user, feedback)
    feedback = _locked(feedback)
    if feedback.status not in (Status.CONFIRMED, Status.ASSIGNED):
        raise ValidationError(_("Chỉ bắt đầu xử lý được phản ánh đã xác nhận hoặc đã giao."))
    note = (note or "").strip()
    if len(note) > NOTE_MAX:
        raise ValidationError({"note": _("Ghi chú tối đa %(n)s ký tự.") % {"n": NOTE_MAX}})
    text_check(note, field="note", label=_("Ghi chú"))
    feedback.status = Status.IN_PROGRESS
    if feedback.assigned_to_id is None:
        feedback.assigned_to = user
    feedback.save(update_fields=["status", "assigned_to", "updated_at"])
    _event(feedback, status=Status.IN_PROGRESS, note=note, by=user)
    return feedback


def _tell_citizen(feedback: Feedback, text: str) -> None:
    """A short message to the sender's phone or e-mail (when still kept), with the tracking page's address."""
    if not feedback.contact or feedback.contact_channel not in (Channel.SMS, Channel.EMAIL):
        return
    link = settings.XASO_PUBLIC_BASE_URL.rstrip("/") + reverse(
        "feedback:track", kwargs={"code": feedback.unit.code, "tracking": feedback.tracking_code}
    )
    deliveries_create(
        channel=feedback.contact_channel,
        unit=feedback.unit,
        addresses=[feedback.contact],
        body=f"{text} {link}",
        purpose=Purpose.FEEDBACK,
        subject=feedback.tracking_code,
    )


@transaction.atomic
def feedback_answer(*, user, feedback: Feedback, answer: str) -> Feedback:
    _authorise(user, feedback)
    feedback = _locked(feedback)
    if feedback.status not in (Status.CONFIRMED, Status.ASSIGNED, Status.IN_PROGRESS):
        raise ValidationError(_("Chỉ trả lời được phản ánh đã xác nhận, chưa trả lời."))
    answer = (answer or "").strip()
    if not ANSWER_MIN <= len(answer) <= ANSWER_MAX:
        raise ValidationError(
            {"answer": _("Câu trả lời từ %(lo)s đến %(hi)s ký tự.") % {"lo": ANSWER_MIN, "hi": ANSWER_MAX}}
        )
    text_check(answer, field="answer", label=_("Câu trả lời"))
    now = timezone.now()
    feedback.status, feedback.answer, feedback.answered_at = Status.ANSWERED, answer, now
    if feedback.assigned_to_id is None:
        feedback.assigned_to = user
    feedback.save(update_fields=["status", "answer", "answered_at", "assigned_to", "updated_at"])
    _event(feedback, status=Status.ANSWERED, note=answer, by=user, at=now)
    _tell_citizen(feedback, _("UBND xã đã trả lời phản ánh %(t)s:") % {"t": feedback.tracking_code})
    figures.feedback_figures_refresh(unit=feedback.unit, moments=[now])
    return feedback


@transaction.atomic
def feedback_refuse(*, user, feedback: Feedback, reason: str, note: str) -> Feedback:
    """Refuse (duplicate, not the commune's matter, spam), always with the reason the citizen reads."""
    _authorise(user, feedback)
    feedback = _locked(feedback)
    if feedback.status in (Status.ANSWERED, Status.CLOSED, Status.REFUSED):
        raise ValidationError(_("Phản ánh này đã được xử lý xong."))
    if reason not in RefusalReason.values:
        raise ValidationError({"reason": _("Chọn lý do không tiếp nhận.")})
    note = (note or "").strip()
    if not 10 <= len(note) <= NOTE_MAX:
        raise ValidationError(
            {
                "note": _("Giải thích cho người dân từ 10 đến %(n)s ký tự (ví dụ: trùng với phản ánh PA-…).")
                % {"n": NOTE_MAX}
            }
        )
    text_check(note, field="note", label=_("Giải thích cho người dân"))
    now = timezone.now()
    feedback.status, feedback.refusal_reason, feedback.closed_at = Status.REFUSED, reason, now
    feedback.answer = note
    feedback.save(update_fields=["status", "refusal_reason", "closed_at", "answer", "updated_at"])
    _event(feedback, status=Status.REFUSED, note=f"{RefusalReason(reason).label}: {note}", by=user, at=now)
    _tell_citizen(feedback, _("Phản ánh %(t)s không được tiếp nhận, xem lý do:") % {"t": feedback.tracking_code})
    return feedback


@transaction.atomic
def feedback_publish(*, user, feedback: Feedback, public_text: str, photo_ids=(), publish: bool = True) -> Feedback:
    """Moderation: publish the item with the text the officer checked (names, phone numbers taken out) and the
    photos they chose (faces checked), or withdraw it from the public list."""
    _authorise(user, feedback)
    feedback = _locked(feedback)
    if not publish:
        feedback.is_published = False
        feedback.save(update_fields=["is_published", "updated_at"])
        FeedbackPhoto.objects.filter(feedback=feedback).update(is_public=False)
        return feedback
    if feedback.status == Status.RECEIVED:
        raise ValidationError(_("Chưa công khai được phản ánh chưa xác nhận."))
    if feedback.status == Status.REFUSED and feedback.refusal_reason == RefusalReason.SPAM:
        raise ValidationError(_("Không công khai phản ánh bị từ chối vì là quảng cáo."))
    public_text = (public_text or "").strip()
    if not TEXT_MIN <= len(public_text) <= TEXT_MAX:
        raise ValidationError(
            {"public_text": _("Nội dung công khai từ %(lo)s đến %(hi)s ký tự.") % {"lo": TEXT_MIN, "hi": TEXT_MAX}}
        )
    text_check(public_text, field="public_text", label=_("Nội dung công khai"))
    if PHONE_IN_TEXT.search(public_text):
        raise ValidationError({"public_text": _("Nội dung công khai còn số điện thoại: xóa trước khi công khai.")})
    if EMAIL_IN_TEXT.search(public_text):
        raise ValidationError(
            {"public_text": _("Nội dung công khai còn địa chỉ thư điện tử: xóa trước khi công khai.")}
        )
    ids = {int(i) for i in photo_ids}
    own = set(FeedbackPhoto.objects.filter(feedback=feedback).values_list("id", flat=True))
    if ids - own:
        raise ValidationError({"photos": _("Ảnh được chọn không thuộc phản ánh này.")})
    FeedbackPhoto.objects.filter(feedback=feedback).update(is_public=False)
    FeedbackPhoto.objects.filter(feedback=feedback, id__in=ids).update(is_public=True)
    feedback.is_published, feedback.public_text = True, public_text
    feedback.save(update_fields=["is_published", "public_text", "updated_at"])
    return feedback


@transaction.atomic
def feedback_rate(*, feedback: Feedback, rating, comment: str = "") -> Feedback:
    """The citizen rates the answer (1–5, once); the item is then closed."""
    feedback = _locked(feedback)
    if feedback.status != Status.ANSWERED:
        raise ValidationError(_("Chỉ đánh giá được phản ánh đã có câu trả lời, một lần."))
    try:
        value = int(rating)
    except (TypeError, ValueError):
        value = 0
    if not 1 <= value <= 5:
        raise ValidationError({"rating": _("Chọn mức đánh giá từ 1 (rất không hài lòng) đến 5 (rất hài lòng).")})
    comment = (comment or "").strip()
    if len(comment) > 500:
        raise ValidationError({"comment": _("Ý kiến tối đa 500 ký tự.")})
    text_check(comment, field="comment", label=_("Ý kiến thêm"))
    now = timezone.now()
    feedback.rating, feedback.rating_comment = value, comment
    feedback.status, feedback.closed_at = Status.CLOSED, now
    feedback.save(update_fields=["rating", "rating_comment", "status", "closed_at", "updated_at"])
    _event(feedback, status=Status.CLOSED, at=now)
    figures.feedback_figures_refresh(unit=feedback.unit, moments=[feedback.answered_at])
    return feedback


def feedback_contacts_cleanup(*, now=None) -> int:
    """Erase the sender's contact `XASO_FEEDBACK["contact_days"]` days after the item closed (or was refused),
    and of items never confirmed after 7 days (their photos too); how many items were erased."""
    now = now or timezone.now()
    cutoff = now - timedelta(days=settings.XASO_FEEDBACK["contact_days"])
    done = Feedback.objects.filter(contact_erased_at__isnull=True, closed_at__lt=cutoff).update(
        contact="", contact_erased_at=now
    )
    stale = Feedback.objects.filter(status=Status.RECEIVED, received_at__lt=now - timedelta(days=7))
    for photo in FeedbackPhoto.objects.filter(feedback__in=stale):
        photo.image.delete(save=False)
    done += stale.count()
    stale.delete()
    return done
