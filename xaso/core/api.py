"""API conventions: JSON errors with a Vietnamese message, a stable code and field-level details.

{"detail": "Dữ liệu không hợp lệ.", "code": "invalid",
 "errors": {"value": [{"message": "...", "code": "invalid"}]}}
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.translation import gettext as _
from rest_framework import exceptions, status
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


def exception_handler(exc, context):
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
