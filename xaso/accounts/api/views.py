"""Tokens for machine clients: exchange a username and password for a key sent as `Authorization: Token <key>`."""

from __future__ import annotations

from django.contrib.auth import authenticate
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework.exceptions import APIException, ValidationError
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from xaso.accounts.authentication import ExpiringTokenAuthentication
from xaso.accounts.lockout import lockout_message, login_succeeded, retry_after_seconds
from xaso.accounts.services import api_key_issue, api_key_revoke
from xaso.core.api import ErrorSerializer

from .serializers import TokenObtainSerializer, TokenSerializer
from .throttling import ClientAddressScopedRateThrottle


class LoginLockedOut(APIException):
    """429 with Retry-After (DRF sets it from `wait`), in the API's error body with code "locked_out"."""

    status_code = 429
    default_code = "locked_out"

    def __init__(self, *, wait: int):
        self.wait = wait
        super().__init__(lockout_message(wait))


class TokenObtainApi(APIView):
    """POST: a new key from a username and password. DELETE: revoke the key the request is sent with."""

    # a machine client has no session (and a session would demand a CSRF token): POST authenticates with the
    # password in its body, DELETE with the key it revokes
    def _revoking(self) -> bool:
        return getattr(getattr(self, "request", None), "method", None) == "DELETE"

    def get_authenticators(self):
        return [ExpiringTokenAuthentication()] if self._revoking() else []

    def get_permissions(self):
        return [IsAuthenticated()] if self._revoking() else [AllowAny()]

    # a burst limit per client address (every request, right or wrong); failed passwords also lock the
    # account and the address for a while (xaso.accounts.lockout)
    throttle_classes = [ClientAddressScopedRateThrottle]
    throttle_scope = "auth_token"

    @extend_schema(
        operation_id="auth_token_obtain",
        summary="Lấy khóa API (token) từ tên đăng nhập và mật khẩu",
        request=TokenObtainSerializer,
        responses={200: TokenSerializer, 400: ErrorSerializer, 429: ErrorSerializer},
        auth=[],
    )
    def post(self, request):
        payload = TokenObtainSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        user = authenticate(
            request=request._request,
            username=payload.validated_data["username"],
            password=payload.validated_data["password"],
        )
        if user is None:
            if getattr(request._request, "axes_locked_out", False):
                credentials = {"username": payload.validated_data["username"]}
                raise LoginLockedOut(wait=retry_after_seconds(request._request, credentials))
            raise ValidationError(
                {"non_field_errors": [_("Tên đăng nhập hoặc mật khẩu không đúng (hoặc tài khoản đã bị khóa).")]},
                code="invalid_credentials",
            )
        # no session login here, so no user_logged_in signal: clear the account's failures ourselves
        login_succeeded(request=request._request, username=user.get_username())
        # a new key each time, shown once: only its digest is stored (docs/decisions/0030-hashed-api-keys.md)
        return Response({"token": api_key_issue(user=user)})

    @extend_schema(
        operation_id="auth_token_revoke",
        summary="Thu hồi khóa API đang dùng (gửi kèm chính khóa đó)",
        request=None,
        responses={204: None, 401: ErrorSerializer},
    )
    def delete(self, request):
        api_key_revoke(key=request.auth)
        return Response(status=204)
