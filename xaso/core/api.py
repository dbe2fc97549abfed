"""API conventions: JSON errors with a Vietnamese message, a stable code and field-level details.

{"detail": "Dữ liệu không hợp lệ.", "code": "invalid",
 "errors": {"value": [{"message": "...", "code": "invalid"}]}}
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from rest_framework import exceptions, serializers, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from xaso.indicators.errors import BulkValueError


def _flatten(detail) -> dict:
    if isinstance(detail, dict):
        return {
            str(k): [
                {"message": str(e), "code": getattr(e, "code", "invalid")} for e in (v if isinstance(v, list) else [v])
            ]
            if not isinstance(v, dict)
            else _flatten(v)
            for k, v in detail.items()
        }
    items = detail if isinstance(detail, list) else [detail]
    return {"non_field_errors": [{"message": str(e), "code": getattr(e, "code", "invalid")} for e in items]}


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
    if isinstance(exc, exceptions.Throttled):
        return exceptions.Throttled(
            wait=exc.wait, detail=_("Quá nhiều yêu cầu: thử lại sau %(s)s giây.") % {"s": int(exc.wait or 60)}
        )
    if isinstance(exc, exceptions.ParseError):
        reason = str(exc.detail).partition(" - ")[2] or str(exc.detail)
        return exceptions.ParseError(_("Nội dung gửi lên không phải JSON hợp lệ (%(reason)s).") % {"reason": reason})
    if isinstance(exc, exceptions.UnsupportedMediaType):
        return exceptions.UnsupportedMediaType(
            "", detail=_("Kiểu nội dung không được hỗ trợ: gửi JSON (Content-Type: application/json).")
        )
    return exc


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


def exception_handler(exc, context):
    translated = _vietnamese(exc)
    if translated is not exc:
        # keep what APIView.handle_exception already decided (WWW-Authenticate header, 401 vs 403)
        translated.auth_header = getattr(exc, "auth_header", None)
        translated.status_code = getattr(exc, "status_code", translated.status_code)
        exc = translated
    if isinstance(exc, BulkValueError):
        return Response(
            {"detail": str(exc), "code": "invalid_rows", "errors": [e.as_dict() for e in exc.errors]},
            status=status.HTTP_400_BAD_REQUEST,
        )
    if isinstance(exc, DjangoValidationError):
        exc = exceptions.ValidationError(exc.message_dict if hasattr(exc, "error_dict") else exc.messages)
    if isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied(str(exc) or None)
    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    if isinstance(exc, exceptions.ValidationError):
        response.data = {"detail": _("Dữ liệu không hợp lệ."), "code": "invalid", "errors": _flatten(exc.detail)}
    else:
        detail = response.data.get("detail", "") if isinstance(response.data, dict) else response.data
        code = getattr(detail, "code", None) or getattr(exc, "default_code", None) or "not_found"
        response.data = {"detail": str(detail), "code": code}
    return response
