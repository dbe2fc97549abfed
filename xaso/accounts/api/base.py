"""What every xaso API view shares: Vietnamese messages where DRF's own `vi` catalogue has none, and the
error shape of `xaso.core.api` for the docs.

Authentication is the project's setting: `Authorization: Token <key>` first (so a 401 carries
`WWW-Authenticate: Token`), then the session of the screens.
"""

from __future__ import annotations

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from rest_framework import exceptions, serializers

#: DRF's TokenAuthentication messages (untranslated in its `vi` catalogue), by their English text
_TOKEN_MESSAGES = {
    "Invalid token.": gettext_lazy("Khóa xác thực không đúng hoặc đã bị thu hồi."),
    "Invalid token header. No credentials provided.": gettext_lazy(
        "Tiêu đề Authorization thiếu khóa: dùng “Token <khóa>”."
    ),
    "Invalid token header. Token string should not contain spaces.": gettext_lazy(
        "Tiêu đề Authorization sai dạng: dùng “Token <khóa>”, khóa không có khoảng trắng."
    ),
    "Invalid token header. Token string should not contain invalid characters.": gettext_lazy(
        "Khóa xác thực chứa ký tự không hợp lệ."
    ),
}


def _vietnamese(exc: Exception) -> Exception:
    """DRF's request-level errors, said in Vietnamese (its `vi` catalogue leaves these in English)."""
    if isinstance(exc, exceptions.NotAuthenticated):
        return exceptions.NotAuthenticated(
            _("Chưa xác thực: gửi tiêu đề “Authorization: Token <khóa>” (lấy khóa bằng POST /api/v1/auth/token/).")
        )
    if isinstance(exc, exceptions.AuthenticationFailed) and str(exc.detail) in _TOKEN_MESSAGES:
        return exceptions.AuthenticationFailed(str(_TOKEN_MESSAGES[str(exc.detail)]))
    if isinstance(exc, exceptions.ParseError):
        reason = str(exc.detail).partition(" - ")[2] or str(exc.detail)
        return exceptions.ParseError(_("Nội dung gửi lên không phải JSON hợp lệ (%(reason)s).") % {"reason": reason})
    if isinstance(exc, exceptions.UnsupportedMediaType):
        return exceptions.UnsupportedMediaType(
            "", detail=_("Kiểu nội dung không được hỗ trợ: gửi JSON (Content-Type: application/json).")
        )
    return exc


# mixed into every APIView / viewset of /api/v1/ (a comment: a docstring would show in every operation's docs)
class ApiViewMixin:
    def handle_exception(self, exc):
        return super().handle_exception(_vietnamese(exc))  # type: ignore[misc]


def _field_messages(field: serializers.Field) -> dict[str, str]:
    invalid = _("Giá trị không hợp lệ.")
    if isinstance(field, serializers.CharField):
        invalid = _("Cần một chuỗi ký tự.")
    elif isinstance(field, serializers.IntegerField):
        invalid = _("Cần một số nguyên.")
    elif isinstance(field, serializers.FloatField | serializers.DecimalField):
        invalid = _("Cần một số.")
    elif isinstance(field, serializers.BooleanField):
        invalid = _("Cần true hoặc false.")
    elif isinstance(field, serializers.DateField):
        invalid = _("Ngày không hợp lệ: dùng dạng YYYY-MM-DD.")
    return {
        "required": _("Trường này là bắt buộc."),
        "null": _("Trường này không được là null."),
        "blank": _("Trường này không được để trống."),
        "invalid": invalid,
        "max_length": _("Tối đa {max_length} ký tự."),
        "min_length": _("Tối thiểu {min_length} ký tự."),
        "max_value": _("Giá trị lớn nhất là {max_value}."),
        "min_value": _("Giá trị nhỏ nhất là {min_value}."),
        "invalid_choice": _("“{input}” không phải là lựa chọn hợp lệ."),
        "not_a_list": _("Cần một danh sách, không phải {input_type}."),
        "empty": _("Danh sách không được rỗng."),
    }


class VietnameseMessages:
    """Serializer mixin: field errors in Vietnamese ("Trường này là bắt buộc.") instead of DRF's English."""

    def get_fields(self):
        fields = super().get_fields()  # type: ignore[misc]
        for field in fields.values():
            messages = _field_messages(field)
            field.error_messages.update({k: v for k, v in messages.items() if k in field.error_messages})
        return fields


class FieldErrorSerializer(serializers.Serializer):
    message = serializers.CharField()
    code = serializers.CharField()


class ErrorSerializer(serializers.Serializer):
    """The error body of every endpoint (`xaso.core.api.exception_handler`)."""

    detail = serializers.CharField(help_text="Thông báo lỗi (tiếng Việt).")
    code = serializers.CharField(help_text="Mã lỗi ổn định: invalid, not_authenticated, permission_denied, not_found…")
    errors = serializers.DictField(
        child=FieldErrorSerializer(many=True),
        required=False,
        help_text="Với lỗi 400: lỗi theo từng trường, {tên trường: [{message, code}]}.",
    )
