"""Announcements: composed once, sent to the chosen channels and villages of a commune; subscribers; the
loudspeaker inventory, bulletins (Vietnamese speech), their schedule per cluster and the controller's playlist;
the inventory's counts as figures.

- Public page: listed there once sent (a delivery record, delivered at once).
- SMS, Zalo, e-mail: one delivery per confirmed subscriber of the chosen villages (and of the whole commune),
  each message ending with its unsubscribe link; sent by the worker (xaso.notify.deliveries).
- Loudspeakers: one bulletin (speech made now with espeak-ng), played on every active cluster of the chosen
  villages in the chosen slots of a day (morning, evening); an emergency plays now and interrupts. One delivery
  per play: sending once on the playlist, delivered when the controller reports it played.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Case, IntegerField, Q, Value, When
from django.utils import timezone
from django.utils.translation import gettext as _

from xaso.accounts.permissions import can_write_unit
from xaso.core.text import text_check
from xaso.core.throttle import throttle_count, throttle_hit
from xaso.geo.models import AdminUnit, Level
from xaso.indicators.models import ChangeSource, DataElement
from xaso.indicators.services import ValueInput, values_write
from xaso.registers.figures import REGISTER_WRITER

from . import deliveries as sending
from . import tts
from .deliveries import daily_count, deliveries_create, deliveries_schedule
from .models import (
    PERSONAL_CHANNELS,
    Announcement,
    AnnouncementLevel,
    Bulletin,
    BulletinPlay,
    Channel,
    Delivery,
    DeliveryStatus,
    LoudspeakerCluster,
    LoudspeakerPoint,
    Purpose,
    Slot,
    Subscriber,
)
from .services import unsubscribe_link

TITLE_MAX, BODY_MAX = 150, 1500
#: a loudspeaker cluster's code: what a controller's configuration holds (C01, AP1-02)
CLUSTER_CODE = re.compile(r"^[A-Z0-9][A-Z0-9._-]{0,19}$")
#: the body of an SMS stays within 4 Unicode segments (70 characters each, less the link)
SMS_MAX = 280


def _authorise(user, unit: AdminUnit) -> None:
    if unit.level != Level.COMMUNE or not can_write_unit(user, unit):
        raise PermissionDenied(_("Bạn không có quyền gửi thông báo của %(u)s.") % {"u": unit.name})


def _slot_time(day: date, slot: str) -> datetime:
    hour, minute = (int(x) for x in settings.XASO_LOUDSPEAKER_SLOTS[slot].split(":"))
    return timezone.make_aware(datetime.combine(day, time(hour, minute)))


@transaction.atomic
def announcement_send(
    *,
    user,
    unit: AdminUnit,
    title: str,
    body: str,
    channels: list[str],
    villages: list[AdminUnit] = (),
    level: str = AnnouncementLevel.NORMAL,
    day: date | None = None,
    slots: list[str] = (),
) -> Announcement:
    """Compose and send: ValidationError naming the field on bad input, nothing sent."""
    _authorise(user, unit)
    title, body = (title or "").strip(), (body or "").strip()
    errors: dict[str, str] = {}
    if not 5 <= len(title) <= TITLE_MAX:
        errors["title"] = _("Tiêu đề từ 5 đến %(n)s ký tự.") % {"n": TITLE_MAX}
    if not 10 <= len(body) <= BODY_MAX:
        errors["body"] = _("Nội dung từ 10 đến %(n)s ký tự.") % {"n": BODY_MAX}
    # the title is one line of the controller's playlist and of an SMS: no line break, no control character
    for field, value, label, one_line in (("title", title, _("Tiêu đề"), True), ("body", body, _("Nội dung"), False)):
        try:
            text_check(value, field=field, label=label, one_line=one_line)
        except ValidationError as exc:
            errors.setdefault(field, exc.message_dict[field][0])
    channels = list(dict.fromkeys(channels))
    if not channels or set(channels) - set(Channel.values):
        errors["channels"] = _("Chọn ít nhất một kênh gửi.")
    if level not in AnnouncementLevel.values:
        errors["level"] = _("Mức độ không hợp lệ.")
    villages = list(villages)
    if any(v.level != Level.VILLAGE or v.parent_id != unit.pk for v in villages):
        errors["villages"] = _("Thôn được chọn không thuộc xã này.")
    if Channel.SMS in channels and len(body) > SMS_MAX:
        errors["body"] = _("Tin nhắn SMS tối đa %(n)s ký tự (hiện có %(m)s): rút gọn hoặc bỏ kênh SMS.") % {
            "n": SMS_MAX,
            "m": len(body),
        }
    now = timezone.now()
    plays: list[tuple[LoudspeakerCluster, str, datetime]] = []
    if Channel.LOUDSPEAKER in channels and not errors.get("villages"):
        clusters = list(
            LoudspeakerCluster.objects.filter(unit=unit, is_active=True, point__is_active=True)
            .filter(Q(point__village__in=villages) if villages else Q())
            .order_by("code")
        )
        if not clusters:
            errors["channels"] = _("Các thôn được chọn chưa có cụm loa nào: thêm cụm loa trong danh mục loa.")
        if level == AnnouncementLevel.EMERGENCY:
            plays = [(c, Slot.NOW, now) for c in clusters]
        else:
            wanted = [s for s in slots if s in settings.XASO_LOUDSPEAKER_SLOTS]
            if not day or not wanted or len(wanted) != len(slots):
                errors["slots"] = _("Chọn ngày và ít nhất một khung giờ phát (sáng, chiều).")
            else:
                times = [(s, _slot_time(day, s)) for s in wanted]
                if any(at < now for _s, at in times):
                    errors["slots"] = _("Khung giờ phát đã qua: chọn ngày hoặc khung giờ khác.")
                plays = [(c, s, at) for c in clusters for s, at in times]
    if errors:
        raise ValidationError(errors)
    announcement = Announcement.objects.create(
        unit=unit, title=title, body=body, level=level, channels=channels, created_by=user, sent_at=now
    )
    announcement.villages.set(villages)
    if Channel.WEB in channels:
        Delivery.objects.create(
            channel=Channel.WEB, unit=unit, address=unit.code, body=title, purpose=Purpose.ANNOUNCEMENT,
            announcement=announcement, next_attempt_at=now,
        )  # fmt: skip
        sending.after_commit(lambda: deliveries_schedule(Channel.WEB))
    for channel in PERSONAL_CHANNELS:
        if channel in channels:
            _send_personal(announcement, channel, villages)
    if plays:
        _bulletin(announcement, plays, now=now)
    return announcement


def _send_personal(announcement: Announcement, channel: str, villages: list[AdminUnit]) -> None:
    audience = Subscriber.objects.filter(unit=announcement.unit, channel=channel, confirmed_at__isnull=False)
    audience = audience.filter(Q(village__isnull=True) | Q(village__in=villages)) if villages else audience
    label = announcement.unit.name
    text = f"{label}: {announcement.title}. {announcement.body}"

    def body_for(address: str) -> str:
        return f"{text}\n{_('Ngừng nhận')}: {unsubscribe_link(channel=channel, address=address)}"

    deliveries_create(
        channel=channel, unit=announcement.unit, addresses=list(audience.values_list("address", flat=True)),
        body=text, body_for=body_for, purpose=Purpose.ANNOUNCEMENT, subject=announcement.title,
        announcement=announcement,
    )  # fmt: skip


def _bulletin(announcement: Announcement, plays, *, now) -> Bulletin:
    unit = announcement.unit
    cap = {**settings.XASO_NOTIFY_DEFAULTS, **settings.XASO_NOTIFY_LIMITS.get(Channel.LOUDSPEAKER, {})}["daily_cap"]
    if daily_count(channel=Channel.LOUDSPEAKER, unit=unit) + len(plays) > cap:
        raise ValidationError(
            {"channels": _("Loa truyền thanh đã tới giới hạn %(cap)s lượt phát một ngày của xã.") % {"cap": cap}}
        )
    text = f"{announcement.title}. {announcement.body}"
    try:
        speech = tts.speak(text)
    except Exception as exc:  # espeak-ng missing or failing: the announcement is not sent half-way
        raise ValidationError({"channels": _("Không tạo được giọng đọc cho loa: %(e)s") % {"e": exc}}) from exc
    bulletin = Bulletin(unit=unit, announcement=announcement, text=text, level=announcement.level,
                        audio_seconds=round(speech.seconds, 2), voice=settings.XASO_TTS["voice"])  # fmt: skip
    bulletin.audio.save("bulletin.wav", ContentFile(speech.wav), save=False)
    bulletin.save()
    deliveries = Delivery.objects.bulk_create(
        [
            Delivery(channel=Channel.LOUDSPEAKER, unit=unit, address=cluster.code, body=announcement.title,
                     purpose=Purpose.ANNOUNCEMENT, announcement=announcement, next_attempt_at=now)
            for cluster, _slot, _at in plays
        ]
    )  # fmt: skip
    BulletinPlay.objects.bulk_create(
        [
            BulletinPlay(bulletin=bulletin, cluster=cluster, slot=slot, play_at=at, delivery=delivery,
                         interrupts=announcement.level == AnnouncementLevel.EMERGENCY)
            for (cluster, slot, at), delivery in zip(plays, deliveries, strict=True)
        ]
    )  # fmt: skip
    sending.after_commit(lambda: deliveries_schedule(Channel.LOUDSPEAKER))
    return bulletin


# the controller's playlist

LEVEL_ORDER = Case(
    When(bulletin__level=AnnouncementLevel.EMERGENCY, then=Value(0)),
    When(bulletin__level=AnnouncementLevel.PRIORITY, then=Value(1)),
    default=Value(2),
    output_field=IntegerField(),
)


@dataclass
class PlaylistItem:
    cluster: str
    play_at: datetime
    slot: str
    level: str
    interrupts: bool
    title: str
    bulletin_id: int
    seconds: float
    receipt_reference: str


def playlist(*, unit: AdminUnit, day: date, cluster: str = "") -> list[PlaylistItem]:
    """What each cluster plays on `day` (local), in order: by time, then emergency, priority, normal, then oldest
    first. Public: loudspeaker bulletins are broadcast in the open and carry no personal data."""
    start = timezone.make_aware(datetime.combine(day, time.min))
    end = timezone.make_aware(datetime.combine(day, time.max))
    rows = (
        BulletinPlay.objects.filter(cluster__unit=unit, play_at__range=(start, end))
        .filter(Q(cluster__code=cluster) if cluster else Q())
        .select_related("bulletin__announcement", "cluster", "delivery")
        .annotate(level_order=LEVEL_ORDER)
        .order_by("cluster__code", "play_at", "level_order", "bulletin__created_at", "id")
    )
    return [
        PlaylistItem(
            cluster=p.cluster.code,
            play_at=p.play_at,
            slot=p.slot,
            level=p.bulletin.level,
            interrupts=p.interrupts,
            title=p.bulletin.announcement.title,
            bulletin_id=p.bulletin_id,
            seconds=p.bulletin.audio_seconds,
            receipt_reference=str(p.delivery.key) if p.delivery_id else "",
        )  # fmt: skip
        for p in rows
        if p.delivery is None or p.delivery.status != DeliveryStatus.PERMANENT_FAILURE
    ]


# subscribers

SUBSCRIBE_SCOPE = "notify-subscribe"


@transaction.atomic
def subscriber_add(
    *, unit: AdminUnit, channel: str, address: str, village: AdminUnit | None = None, ip: str = ""
) -> Subscriber:
    """A citizen asks for the commune's announcements: a code is sent to the address to confirm it. At most
    `XASO_NOTIFY_CODE_LIMITS["subscribe_per_ip_per_hour"]` asks an hour from one network address (`ip`)."""
    from xaso.feedback.services import contact_clean
    from xaso.notify.verification import verification_send

    if channel not in (Channel.SMS, Channel.EMAIL):
        raise ValidationError({"channel": _("Đăng ký nhận qua tin nhắn SMS hoặc thư điện tử.")})
    address = contact_clean(channel, address)
    if village is not None and (village.level != Level.VILLAGE or village.parent_id != unit.pk):
        raise ValidationError({"village": _("Thôn được chọn không thuộc xã này.")})
    per_ip = settings.XASO_NOTIFY_CODE_LIMITS["subscribe_per_ip_per_hour"]
    if throttle_count(SUBSCRIBE_SCOPE, ip, window=3600) >= per_ip:
        raise ValidationError(
            _("Đã có %(n)s lượt đăng ký từ mạng này trong một giờ qua, là mức tối đa: vui lòng thử lại sau.")
            % {"n": per_ip}
        )
    throttle_hit(SUBSCRIBE_SCOPE, ip, window=3600)
    subscriber, _created = Subscriber.objects.update_or_create(
        unit=unit, channel=channel, address=address, defaults={"village": village}
    )
    verification_send(
        subject=f"subscriber:{subscriber.pk}", purpose="subscribe", channel=channel, address=address, unit=unit,
        text=_("Mã xác nhận đăng ký nhận thông báo của %(u)s: %%(code)s.") % {"u": unit.name},
    )  # fmt: skip
    return subscriber


def subscriber_confirm(*, subscriber: Subscriber, code: str) -> Subscriber:
    from xaso.notify.verification import verification_check

    verification_check(subject=f"subscriber:{subscriber.pk}", code=code)
    Subscriber.objects.filter(pk=subscriber.pk).update(confirmed_at=timezone.now())
    subscriber.refresh_from_db()
    return subscriber


# inventory


@transaction.atomic
def loudspeaker_point_add(*, user, village: AdminUnit, name: str, clusters: list[str]) -> LoudspeakerPoint:
    """A loudspeaker point in a village with its clusters' codes (unique in the commune); the counts follow."""
    unit = village.parent
    if village.level != Level.VILLAGE or unit is None:
        raise ValidationError({"village": _("Chọn một thôn.")})
    _authorise(user, unit)
    name = (name or "").strip()
    if not 2 <= len(name) <= 120:
        raise ValidationError({"name": _("Tên vị trí từ 2 đến 120 ký tự.")})
    text_check(name, field="name", label=_("Tên vị trí"), one_line=True)
    codes = [c.strip().upper() for c in clusters if c.strip()]
    if not codes or len(codes) > 20 or any(len(c) > 20 for c in codes) or len(set(codes)) != len(codes):
        raise ValidationError({"clusters": _("Ghi từ 1 đến 20 mã cụm loa khác nhau, mỗi mã tối đa 20 ký tự.")})
    # a code is a field of the controller's playlist line (`cluster=C01;…`) and a query parameter
    wrong = [c for c in codes if not CLUSTER_CODE.match(c)]
    if wrong:
        raise ValidationError(
            {
                "clusters": _(
                    "Mã cụm loa chỉ gồm chữ cái không dấu, chữ số, dấu gạch ngang, gạch dưới, dấu chấm: %(c)s."
                )
                % {"c": ", ".join(repr(c)[1:-1] for c in wrong[:3])}
            }
        )
    taken = set(LoudspeakerCluster.objects.filter(unit=unit, code__in=codes).values_list("code", flat=True))
    if taken:
        raise ValidationError({"clusters": _("Mã cụm loa đã có trong xã: %(c)s.") % {"c": ", ".join(sorted(taken))}})
    point = LoudspeakerPoint.objects.create(unit=unit, village=village, name=name)
    LoudspeakerCluster.objects.bulk_create([LoudspeakerCluster(point=point, unit=unit, code=c) for c in codes])
    loudspeaker_figures_write(unit=unit)
    return point


@dataclass
class Inventory:
    points: int
    clusters: int
    villages_covered: int


def loudspeaker_inventory(*, unit: AdminUnit) -> Inventory:
    active = LoudspeakerCluster.objects.filter(unit=unit, is_active=True, point__is_active=True)
    return Inventory(
        points=LoudspeakerPoint.objects.filter(unit=unit, is_active=True, clusters__is_active=True).distinct().count(),
        clusters=active.count(),
        villages_covered=active.values("point__village").distinct().count(),
    )


INVENTORY_ELEMENTS = {
    "loudspeaker_points": "points",
    "loudspeaker_clusters": "clusters",
    "smart_loudspeaker_clusters": "clusters",
    "villages_loudspeaker_covered": "villages_covered",
}


def loudspeaker_figures_write(*, unit: AdminUnit, year: int | None = None) -> None:
    """The inventory's counts as the commune's figures of the year (points, clusters — every cluster xaso plays is
    a smart, text-to-speech one — and villages covered), source: register."""
    known = set(DataElement.objects.filter(code__in=INVENTORY_ELEMENTS).values_list("code", flat=True))
    if not known:
        return
    counts = loudspeaker_inventory(unit=unit)
    year = year or timezone.localdate().year
    rows = [
        ValueInput(element=code, unit=unit.code, period=str(year), value=getattr(counts, field),
                   comment="Tính từ danh mục loa truyền thanh")
        for code, field in INVENTORY_ELEMENTS.items()
        if code in known
    ]  # fmt: skip
    values_write(user=REGISTER_WRITER, rows=rows, source=ChangeSource.REGISTER)
