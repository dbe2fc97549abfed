from __future__ import annotations

from rest_framework import serializers

from xaso.core.api import VietnameseMessages


class TokenObtainSerializer(VietnameseMessages, serializers.Serializer):
    username = serializers.CharField(max_length=150, help_text="Tên đăng nhập.")
    password = serializers.CharField(
        max_length=128, trim_whitespace=False, style={"input_type": "password"}, help_text="Mật khẩu."
    )


class TokenSerializer(serializers.Serializer):
    token = serializers.CharField(help_text="Gửi kèm mỗi yêu cầu: tiêu đề “Authorization: Token <token>”.")
