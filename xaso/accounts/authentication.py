"""API keys that expire: a key older than `XASO_API_TOKEN_DAYS` days (30 by default) is refused and deleted,
so a key left in an old script or a leaked log stops working on its own; the client asks for a new one with its
username and password (POST /api/v1/auth/token/). Keys are looked up by their SHA-256 digest: the database holds
no key in clear (docs/decisions/0030-hashed-api-keys.md)."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _
from rest_framework.authentication import TokenAuthentication
from rest_framework.exceptions import AuthenticationFailed

from .models import ApiKey
from .services import api_key_digest

#: `last_used_at` is written at most this often per key: a busy client does not write on every request
LAST_USED_RESOLUTION = timedelta(minutes=5)


def token_lifetime() -> timedelta:
    return timedelta(days=settings.XASO_API_TOKEN_DAYS)


def token_is_expired(key: ApiKey, *, now=None) -> bool:
    return key.created_at <= (now or timezone.now()) - token_lifetime()


class ExpiringTokenAuthentication(TokenAuthentication):
    model = ApiKey

    def authenticate_credentials(self, key):
        api_key = ApiKey.objects.select_related("user").filter(digest=api_key_digest(key)).first()
        if api_key is None:
            raise AuthenticationFailed(_("Khóa xác thực không đúng hoặc đã bị thu hồi."))
        if not api_key.user.is_active:
            raise AuthenticationFailed(_("Người dùng không còn hoạt động, hoặc đã bị xoá."))
        now = timezone.now()
        if token_is_expired(api_key, now=now):
            api_key.delete()
            raise AuthenticationFailed(
                _("Khóa API đã hết hạn (sau %(days)s ngày): lấy khóa mới bằng POST /api/v1/auth/token/.")
                % {"days": settings.XASO_API_TOKEN_DAYS}
            )
        if api_key.last_used_at is None or api_key.last_used_at <= now - LAST_USED_RESOLUTION:
            ApiKey.objects.filter(pk=api_key.pk).update(last_used_at=now)
        return api_key.user, api_key
