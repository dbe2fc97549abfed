"""API conventions: one JSON error body for every error status, with a Vietnamese message and a stable code.

{"detail": "Dữ liệu không hợp lệ.", "code": "invalid",
 "errors": {"value": [{"message": "...", "code": "invalid"}]}}

`errors` comes only with a 400: by field (a nested field is named by its dotted path, `legal_bases.0.number`),
or, for a bulk write of figures, a list of {row, column, message, code}. Django's own errors on /api/ paths
(unknown path, a crash) use the same body: `json_error` and `xaso.core.views`.
"""

from __future__ import annotations

import logging
import math
from collections.abc import Mapping

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import models
from django.http import Http404, JsonResponse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import extend_schema_field
from rest_framework import exceptions, renderers, serializers, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from xaso.core.limits import parse_id
from xaso.indicators.errors import BulkValueError

logger = logging.getLogger(__name__)


def _flatten(detail, prefix: str = "") -> dict[str, list[dict[str, str]]]:
    """DRF's error tree as {field path: [{message, code}]}: one level, whatever the nesting of serializers."""
    if not isinstance(detail, dict):
        detail = {"non_field_errors": detail}
    flat: dict[str, list[dict[str, str]]] = {}
    for key, value in detail.items():
        path = f"{prefix}{key}"
        if isinstance(value, dict):
            flat.update(_flatten(value, f"{path}."))
        elif isinstance(value, list) and any(isinstance(v, dict | list) for v in value):
            # a list serializer: one entry per item, empty for the items without errors
            for index, item in enumerate(value):
                if item:
                    flat.update(_flatten(item if isinstance(item, dict) else {"": item}, f"{path}.{index}."))
        else:
            items = value if isinstance(value, list) else [value]
            flat[path] = [{"message": str(e), "code": getattr(e, "code", "invalid")} for e in items]
    return {key.rstrip("."): value for key, value in flat.items()}


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
    if isinstance(exc, exceptions.MethodNotAllowed):
        return exceptions.MethodNotAllowed("", detail=_("Địa chỉ này không nhận phương thức này."))
    if isinstance(exc, exceptions.NotAcceptable):
        return exceptions.NotAcceptable(_("Chỉ trả về JSON: bỏ tiêu đề Accept hoặc dùng application/json."))
    if isinstance(exc, Http404 | exceptions.NotFound) and _is_default_message(exc, exceptions.NotFound):
        return exceptions.NotFound(_("Không tìm thấy."))
    if isinstance(exc, DjangoPermissionDenied | exceptions.PermissionDenied) and _is_default_message(
        exc, exceptions.PermissionDenied
    ):
        return exceptions.PermissionDenied(_("Bạn không có quyền thực hiện thao tác này."))
    return exc


def _is_default_message(exc: Exception, drf_class: type[exceptions.APIException]) -> bool:
    """True when the exception carries no message of ours: DRF's English default or Django's bare exception."""
    text = str(getattr(exc, "detail", "") or (exc.args[0] if exc.args else ""))
    # Django's get_object_or_404 says "No Plan matches the given query." (English, and names a model)
    return not text or text == str(drf_class.default_detail) or text.endswith(" matches the given query.")


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
        "overflow": _("Số quá lớn."),
        "max_string_length": _("Chuỗi số quá dài."),
        "empty": _("Danh sách không được rỗng."),
    }


class NumberField(serializers.FloatField):
    """A float that refuses JSON booleans (`true` is not 1) besides what DRF refuses (NaN, Infinity, 1e400,
    10**400); the range comes from the model field's validators (`xaso.core.limits`)."""

    def to_internal_value(self, data):
        if isinstance(data, bool):
            self.fail("invalid")
        return super().to_internal_value(data)


class VietnameseMessages:
    """Serializer mixin for input: field errors in Vietnamese ("Trường này là bắt buộc.") instead of DRF's English,
    and a field the serializer does not know refused (400, code unknown_field) rather than silently dropped: a
    misspelt `comparater` would otherwise save the default. Query-string serializers set `allow_unknown_fields`
    (the paginator's `limit` and `offset` arrive beside their own parameters). Model float fields read through
    `NumberField` (no booleans)."""

    serializer_field_mapping = {**serializers.ModelSerializer.serializer_field_mapping, models.FloatField: NumberField}

    allow_unknown_fields = False

    def to_internal_value(self, data):
        if isinstance(data, Mapping) and not self.allow_unknown_fields:
            fields = self.fields  # type: ignore[attr-defined]
            unknown = [str(key) for key in data if key not in fields]
            if unknown:
                raise serializers.ValidationError(
                    {key: [_("Trường không xác định: bỏ trường này (các trường nhận được: xem /api/docs/).")]
                     for key in unknown},
                    code="unknown_field",
                )  # fmt: skip
        return super().to_internal_value(data)  # type: ignore[misc]

    def get_fields(self):
        fields = super().get_fields()  # type: ignore[misc]
        for field in fields.values():
            messages = _field_messages(field)
            field.error_messages.update({k: v for k, v in messages.items() if k in field.error_messages})
        return fields


class FieldErrorSerializer(serializers.Serializer):
    message = serializers.CharField(help_text="Lỗi, bằng tiếng Việt.")
    code = serializers.CharField(help_text="Mã lỗi ổn định: required, invalid, max_value…")


class RowErrorSerializer(FieldErrorSerializer):
    row = serializers.IntegerField(allow_null=True, help_text="Thứ tự mục trong `values`, từ 1.")
    column = serializers.CharField(help_text="Trường có lỗi: element, unit, period, value, comment.")


@extend_schema_field(
    {
        "oneOf": [
            {
                "type": "object",
                "description": "Lỗi theo từng trường: {tên trường: [{message, code}]}; "
                "trường lồng nhau viết theo đường dẫn có dấu chấm (legal_bases.0.number).",
                "additionalProperties": {"type": "array", "items": {"$ref": "#/components/schemas/FieldError"}},
            },
            {
                "type": "array",
                "description": "Ghi nhiều số liệu (code invalid_rows): lỗi theo từng mục (row) và trường (column).",
                "items": {"$ref": "#/components/schemas/RowError"},
            },
        ]
    }
)
class ErrorsField(serializers.Field):
    """The `errors` member: by field for a single object, by row for a bulk write of figures."""


class ErrorSerializer(serializers.Serializer):
    """The error body of every endpoint and every error status (`xaso.core.api.exception_handler`)."""

    detail = serializers.CharField(help_text="Thông báo lỗi (tiếng Việt).")
    code = serializers.CharField(
        help_text="Mã lỗi ổn định: invalid, invalid_rows, parse_error, not_authenticated, authentication_failed, "
        "permission_denied, out_of_scope, not_found, method_not_allowed, not_acceptable, unsupported_media_type, "
        "throttled, server_error…"
    )
    errors = ErrorsField(required=False, help_text="Chỉ với lỗi 400: lỗi chi tiết theo trường hoặc theo mục.")


def json_error(detail: str, code: str, status_code: int, errors=None) -> JsonResponse:
    """The API error body outside DRF's views (Django's 404, 500… on /api/ paths)."""
    body: dict = {"detail": detail, "code": code}
    if errors is not None:
        body["errors"] = errors
    return JsonResponse(body, status=status_code, json_dumps_params={"ensure_ascii": False})


def query_id(request, name: str) -> int | None:
    """The id in query parameter `name` (`?plan=12`), None when absent; a 400 with the usual error body when it is
    not ASCII digits within 1 … 2^63−1 (`abc`, `-1`, `1e5`, `99999999999999999999`, `null`, empty)."""
    if name not in request.query_params:
        return None
    raw = request.query_params.get(name)
    number = parse_id(raw)
    if number is None:
        raise exceptions.ValidationError(
            {name: [_("“%(v)s” không phải mã số hợp lệ: cần một số nguyên dương.") % {"v": (raw or "")[:40]}]}
        )
    return number


def _finite(data):
    """`data` with every NaN or ±Infinity replaced by None (JSON has no such numbers)."""
    if isinstance(data, float):
        return data if math.isfinite(data) else None
    if isinstance(data, dict):
        return {k: _finite(v) for k, v in data.items()}
    if isinstance(data, list | tuple):
        return [_finite(v) for v in data]
    return data


class JSONRenderer(renderers.JSONRenderer):
    """Strict JSON, but a value stored before the input bounds (Infinity, NaN) goes out as null, with a warning
    logged, instead of failing the whole response: the rest of the list stays readable."""

    def render(self, data, accepted_media_type=None, renderer_context=None):
        try:
            return super().render(data, accepted_media_type, renderer_context)
        except ValueError:  # "Out of range float values are not JSON compliant"
            request = (renderer_context or {}).get("request")
            logger.warning("Non-finite numbers sent as null in %s", getattr(request, "path", "a response"))
            return super().render(_finite(data), accepted_media_type, renderer_context)


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
        code = getattr(detail, "code", None) or getattr(exc, "default_code", None) or "error"
        response.data = {"detail": str(detail), "code": code}
    return response
