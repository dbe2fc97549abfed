"""Tokens for machine clients: exchange a username and password for a key sent as `Authorization: Token <key>`."""

from __future__ import annotations

from django.contrib.auth import authenticate
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework.authtoken.models import Token
from rest_framework.exceptions import ValidationError
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.throttling import ScopedRateThrottle
from rest_framework.views import APIView

from xaso.core.api import ErrorSerializer

from .serializers import TokenObtainSerializer, TokenSerializer


class TokenObtainApi(APIView):
    # no session: a machine client has none, and it would demand a CSRF token
    authentication_classes: list = []
    permission_classes = [AllowAny]
    # slow down password guessing: a few tries a minute per client address
    throttle_classes = [ScopedRateThrottle]
    throttle_scope = "auth_token"

    @extend_schema(
        operation_id="auth_token_obtain",
        summary="Lấy khóa API (token) từ tên đăng nhập và mật khẩu",
        request=TokenObtainSerializer,
        responses={200: TokenSerializer, 400: ErrorSerializer},
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
            raise ValidationError(
                {"non_field_errors": [_("Tên đăng nhập hoặc mật khẩu không đúng (hoặc tài khoản đã bị khóa).")]},
                code="invalid_credentials",
            )
        token, _created = Token.objects.get_or_create(user=user)
        return Response({"token": token.key})
