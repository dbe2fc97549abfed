"""Zalo OA's webhook: a citizen who follows the commune's Official Account becomes a subscriber of the Zalo channel,
one who unfollows is unsubscribed (decision 0039's `Unsubscription`). docs/decisions/0050-zalo-followers.md.

Zalo POSTs JSON (`{"app_id", "oa_id", "event_name", "follower": {"id"}, "timestamp", …}`) with the header
`X-ZEvent-Signature: mac=<hex>`, where mac = SHA-256(app_id + the raw body + timestamp + the OA's secret key).
A request is applied only when the mac matches (compared in constant time), the app (and the OA, when configured)
is the commune's, the timestamp lies within `XASO_ZALO_WEBHOOK["window_seconds"]` of now and the same signed request
was never applied before; anything else changes nothing.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from xaso.geo.models import AdminUnit

from .deliveries import address_digest
from .models import Channel, Subscriber, Unsubscription, ZaloEvent

#: the largest body read (a follow event is about 300 bytes; a text message at most a few kB)
BODY_MAX = 16 * 1024
#: a follower's id: the OA-scoped user id Zalo sends (digits)
FOLLOWER_ID = re.compile(r"^\d{1,32}$")
#: events xaso acts on; the others (user_send_text…) are acknowledged and ignored
FOLLOW, UNFOLLOW = "follow", "unfollow"


@dataclass
class Refused(Exception):
    """A request refused: its HTTP status, a stable code and a Vietnamese message; nothing was changed."""

    status: int
    code: str
    message: str


def _options() -> dict:
    return settings.XASO_NOTIFY_PROVIDERS.get(Channel.ZALO) or {}


def signature(*, app_id: str, body: bytes, timestamp: str, secret: str) -> str:
    """The header value Zalo sends: `mac=` and SHA-256(app_id + body + timestamp + secret) in hex."""
    raw = app_id.encode() + body + str(timestamp).encode() + secret.encode()
    return "mac=" + hashlib.sha256(raw).hexdigest()


def _event_time(value) -> datetime:
    try:
        millis = int(str(value).strip())
    except (TypeError, ValueError):
        raise Refused(400, "invalid", _("timestamp: cần số mili giây từ 1970 (theo Zalo).")) from None
    try:
        return datetime.fromtimestamp(millis / 1000, tz=UTC)
    except (OverflowError, OSError, ValueError):
        raise Refused(400, "invalid", _("timestamp: cần số mili giây từ 1970 (theo Zalo).")) from None


def zalo_event_receive(*, unit: AdminUnit, body: bytes, header: str, now: datetime | None = None) -> str:
    """Check and apply one webhook request for a commune; what was done ("subscribed", "unsubscribed",
    "unchanged", "ignored"), or `Refused` with nothing changed."""
    now = now or timezone.now()
    options = _options()
    secret, app_id = options.get("oa_secret_key", ""), str(options.get("app_id", ""))
    if not secret or not app_id:
        raise Refused(403, "not_configured", _("Xã chưa cấu hình Zalo OA (app_id, oa_secret_key)."))
    if len(body) > BODY_MAX:
        raise Refused(413, "too_large", _("Nội dung quá lớn."))
    try:
        data = json.loads(body)
        if not isinstance(data, dict):
            raise ValueError
    except ValueError:
        raise Refused(400, "invalid", _("Nội dung phải là một đối tượng JSON.")) from None
    given = header.strip()
    expected = signature(app_id=app_id, body=body, timestamp=str(data.get("timestamp", "")), secret=secret)
    if not hmac.compare_digest(given.encode(), expected.encode()):
        raise Refused(403, "bad_signature", _("Chữ ký X-ZEvent-Signature không đúng."))
    if str(data.get("app_id", "")) != app_id:
        raise Refused(403, "wrong_app", _("app_id không phải ứng dụng Zalo của xã."))
    oa_id = str(options.get("oa_id", ""))
    if oa_id and str(data.get("oa_id", "")) != oa_id:
        raise Refused(403, "wrong_oa", _("oa_id không phải Official Account của xã."))
    at = _event_time(data.get("timestamp"))
    window = timedelta(seconds=settings.XASO_ZALO_WEBHOOK["window_seconds"])
    if abs(now - at) > window:
        raise Refused(
            403,
            "stale",
            _("timestamp lệch quá %(n)s giây so với giờ máy chủ: yêu cầu cũ hoặc gửi lại bị từ chối.")
            % {"n": int(window.total_seconds())},
        )
    event = str(data.get("event_name", ""))[:40]
    follower = ""
    if event in (FOLLOW, UNFOLLOW):
        follower = str((data.get("follower") or {}).get("id", "")) if isinstance(data.get("follower"), dict) else ""
        if not FOLLOWER_ID.match(follower):
            raise Refused(400, "invalid", _("follower.id: cần mã người theo dõi (chữ số) của Zalo."))
    return _apply(unit=unit, mac=given.removeprefix("mac=")[:64], event=event, follower=follower, at=at, now=now)


@transaction.atomic
def _apply(*, unit: AdminUnit, mac: str, event: str, follower: str, at: datetime, now: datetime) -> str:
    limit = settings.XASO_ZALO_WEBHOOK["per_minute"]
    if ZaloEvent.objects.filter(unit=unit, received_at__gte=now - timedelta(minutes=1)).count() >= limit:
        raise Refused(429, "rate_limited", _("Quá %(n)s sự kiện Zalo một phút: gửi lại sau.") % {"n": limit})
    window = timedelta(seconds=settings.XASO_ZALO_WEBHOOK["window_seconds"])
    ZaloEvent.objects.filter(received_at__lt=now - 2 * window).delete()
    try:
        with transaction.atomic():
            ZaloEvent.objects.create(unit=unit, mac=mac, event=event, received_at=now)
    except IntegrityError:
        raise Refused(403, "replayed", _("Sự kiện này đã được nhận: yêu cầu gửi lại bị từ chối.")) from None
    if event == FOLLOW:
        return _follow(unit=unit, follower=follower, at=at)
    if event == UNFOLLOW:
        return _unfollow(unit=unit, follower=follower, at=at)
    return "ignored"


def _follow(*, unit: AdminUnit, follower: str, at: datetime) -> str:
    digest = address_digest(Channel.ZALO, follower)
    refused = Unsubscription.objects.filter(channel=Channel.ZALO, address_digest=digest).first()
    if refused is not None and refused.at > at:
        return "unchanged"  # an unfollow (or an unsubscribe link) came after this follow: it wins
    if refused is not None:
        refused.delete()  # following again is asking again
    _subscriber, created = Subscriber.objects.get_or_create(
        unit=unit, channel=Channel.ZALO, address=follower, defaults={"confirmed_at": at}
    )
    return "subscribed" if created or refused is not None else "unchanged"


def _unfollow(*, unit: AdminUnit, follower: str, at: datetime) -> str:
    removed, _rows = Subscriber.objects.filter(unit=unit, channel=Channel.ZALO, address=follower).delete()
    digest = address_digest(Channel.ZALO, follower)
    row, created = Unsubscription.objects.get_or_create(channel=Channel.ZALO, address_digest=digest)
    if created or row.at < at:  # the event's own time: a follow sent before it (delivered late) does not undo it
        Unsubscription.objects.filter(pk=row.pk).update(at=at)
    return "unsubscribed" if removed or created else "unchanged"
