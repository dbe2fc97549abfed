"""Tokens for machine clients: exchange a username and password for a key sent as `Authorization: Token <key>`."""

from __future__ import annotations

from django.contrib.auth import authenticate
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework.authtoken.models import Token
from rest_framework.exceptions import APIException, ValidationError
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from xaso.accounts.authentication import token_is_expired
from xaso.accounts.lockout import lockout_message, login_succeeded, retry_after_seconds
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
    # no session: a machine client has none, and it would demand a CSRF token
    authentication_classes: list = []
    permission_classes = [AllowAny]
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
        token, _created = Token.objects.get_or_create(user=user)
        if token_is_expired(token):  # a new key for a new period, never the expired one again
            token.delete()
            token = Token.objects.create(user=user)
        return Response({"token": token.key})
