"""API keys (tokens) that expire: a key older than `XASO_API_TOKEN_DAYS` days (30 by default) is refused and deleted,
so a key left in an old script or a leaked log stops working on its own; the client asks for a new one with its
username and password (POST /api/v1/auth/token/)."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _
from rest_framework.authentication import TokenAuthentication
from rest_framework.exceptions import AuthenticationFailed


def token_lifetime() -> timedelta:
    return timedelta(days=settings.XASO_API_TOKEN_DAYS)


def token_is_expired(token, *, now=None) -> bool:
    return token.created <= (now or timezone.now()) - token_lifetime()


class ExpiringTokenAuthentication(TokenAuthentication):
    def authenticate_credentials(self, key):
        user, token = super().authenticate_credentials(key)
        if token_is_expired(token):
            token.delete()
            raise AuthenticationFailed(
                _("Khóa API đã hết hạn (sau %(days)s ngày): lấy khóa mới bằng POST /api/v1/auth/token/.")
                % {"days": settings.XASO_API_TOKEN_DAYS}
            )
        return user, token
