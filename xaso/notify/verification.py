"""One-time codes sent to a phone or an e-mail address: 6 digits, valid `XASO_NOTIFY_CODE_MINUTES` minutes,
at most `CODE_TRIES` wrong tries and `CODE_SENDS_PER_HOUR` codes an hour for one subject, and
`XASO_NOTIFY_CODE_LIMITS["per_address_per_hour"]` codes an hour to one address whatever the subject. Only a
keyed digest of the code is stored."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from .deliveries import deliveries_create
from .models import Delivery, Purpose, Verification

CODE_TRIES = 5
CODE_SENDS_PER_HOUR = 3


def _digest(subject: str, code: str) -> str:
    return hmac.new(settings.SECRET_KEY.encode(), f"{subject}:{code}".encode(), hashlib.sha256).hexdigest()


@transaction.atomic
def verification_send(*, subject: str, purpose: str, channel: str, address: str, unit, text: str) -> Verification:
    """Send a new code to `address`; `text` holds `%(code)s`. ValidationError after too many codes in an hour."""
    now = timezone.now()
    recent = Verification.objects.filter(subject=subject, created_at__gte=now - timedelta(hours=1)).count()
    if recent >= CODE_SENDS_PER_HOUR:
        raise ValidationError(_("Đã gửi %(n)s mã trong một giờ qua: chờ một lúc rồi xin mã mới.") % {"n": recent})
    # whatever asked for it (feedback in any commune, a subscription): a phone is not flooded with codes
    per_address = settings.XASO_NOTIFY_CODE_LIMITS["per_address_per_hour"]
    to_address = Delivery.objects.filter(
        purpose=Purpose.CODE, channel=channel, address=address, created_at__gte=now - timedelta(hours=1)
    ).count()
    if to_address >= per_address:
        raise ValidationError(
            _(
                "Số điện thoại/thư điện tử này đã nhận %(n)s mã xác nhận trong một giờ qua, là mức tối đa: vui lòng "
                "thử lại sau."
            )
            % {"n": to_address}
        )
    code = f"{secrets.randbelow(10**6):06d}"
    row = Verification.objects.create(
        subject=subject,
        purpose=purpose,
        channel=channel,
        code_digest=_digest(subject, code),
        expires_at=now + timedelta(minutes=settings.XASO_NOTIFY_CODE_MINUTES),
    )
    deliveries_create(
        channel=channel,
        unit=unit,
        addresses=[address],
        body=text % {"code": code},
        purpose=Purpose.CODE,
        subject=_("Mã xác nhận"),
    )
    return row


def verification_check(*, subject: str, code: str) -> Verification:
    """The subject's latest code if `code` matches it (then confirmed); else ValidationError saying why. A wrong
    code counts against the tries even when the caller's transaction later fails (it is written at once)."""
    now = timezone.now()
    row = Verification.objects.filter(subject=subject).order_by("-id").first()
    code = (code or "").strip()
    if row is None:
        raise ValidationError(_("Chưa có mã xác nhận nào được gửi: bấm “Gửi lại mã”."))
    if row.confirmed_at is not None:
        return row
    if row.expires_at < now:
        raise ValidationError(_("Mã xác nhận đã hết hạn: bấm “Gửi lại mã” để nhận mã mới."))
    if row.failures >= CODE_TRIES:
        raise ValidationError(_("Đã nhập sai mã %(n)s lần: bấm “Gửi lại mã” để nhận mã mới.") % {"n": CODE_TRIES})
    if not (len(code) == 6 and code.isdigit() and hmac.compare_digest(row.code_digest, _digest(subject, code))):
        Verification.objects.filter(pk=row.pk).update(failures=F("failures") + 1)
        left = CODE_TRIES - row.failures - 1
        raise ValidationError(
            _("Mã xác nhận không đúng (mã gồm 6 chữ số trong tin nhắn). Còn %(n)s lần thử.") % {"n": max(0, left)}
        )
    Verification.objects.filter(pk=row.pk).update(confirmed_at=now)
    row.confirmed_at = now
    return row
