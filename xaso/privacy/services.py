"""Personal-data access logging, consent helpers and small-cell suppression (docs/decisions/0034-personal-data.md)."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _

from .models import AccessLog, ConsentMethod

#: an aggregate of fewer than this many households is shown as "<5" to whoever may not see names
SMALL_CELL = 5
#: the longest reason kept; a longer one is refused, not cut
REASON_MAX = 300
#: the shortest reason an export of personal data accepts (a word or two is not a reason)
REASON_MIN = 10


class PrivacyError(ValueError):
    """A refused personal-data operation; the message is Vietnamese and names what is wrong."""


def log_access(
    *, user, action: str, subject_type: str, subject_id: str = "", unit=None, count: int = 1, reason: str = ""
) -> AccessLog:
    """Record one read (or export, correction, erasure) of personal data. Call it in the same request that shows
    the data, before the response is built: a read that is not logged is a bug the tests look for."""
    return AccessLog.objects.create(
        user=user if user is not None and user.is_authenticated else None,
        username=(user.get_username() if user is not None and user.is_authenticated else "")[:150],
        action=action,
        subject_type=subject_type[:30],
        subject_id=str(subject_id)[:64],
        unit=unit,
        count=max(0, int(count)),
        reason=(reason or "")[:REASON_MAX],
    )


def reason_clean(reason: str | None) -> str:
    """The stated reason of an export of personal data, or PrivacyError: required, 10 to 300 characters."""
    text = " ".join((reason or "").split())
    if len(text) < REASON_MIN:
        raise PrivacyError(
            _("Lý do xuất dữ liệu cá nhân: bắt buộc, ít nhất %(n)s ký tự (ví dụ: đối chiếu danh sách hộ với thôn).")
            % {"n": REASON_MIN}
        )
    if len(text) > REASON_MAX:
        raise PrivacyError(_("Lý do xuất dữ liệu cá nhân: tối đa %(n)s ký tự.") % {"n": REASON_MAX})
    return text


def consent_method_clean(value) -> str:
    """A consent method from the choices, or PrivacyError naming the field."""
    if value in ConsentMethod.values:
        return value
    raise PrivacyError(
        _("Đồng ý của chủ thể dữ liệu (consent_method): chọn một trong %(choices)s.")
        % {"choices": ", ".join(ConsentMethod.values)}
    )


def suppress_small(count: int | None, *, threshold: int = SMALL_CELL) -> int | str | None:
    """`count` itself, or "<5" when it is above zero and under the threshold (small-cell suppression).

    Zero is shown: "no household" reveals nobody. None (no data) stays None.
    """
    if count is None:
        return None
    if 0 < count < threshold:
        return f"<{threshold}"
    return count


def access_logs_cleanup(*, now=None) -> int:
    """Delete access-log rows older than `XASO_ACCESS_LOG_DAYS` days; how many were deleted."""
    now = now or timezone.now()
    cutoff = now - timedelta(days=settings.XASO_ACCESS_LOG_DAYS)
    return AccessLog.objects.filter(at__lt=cutoff).delete()[0]
