"""The OpenAPI schema's view of every operation: its error responses, all in the one error body.

Each operation documents its own success and, where it says something particular, its own errors
(`@extend_schema(responses=...)`); this class adds every error status the framework itself can answer
with, so no operation lacks them and a client can rely on one error body (`xaso.core.api.ErrorSerializer`).
"""

from __future__ import annotations

from drf_spectacular import openapi
from drf_spectacular.utils import OpenApiResponse

from xaso.core.api import ErrorSerializer, FieldErrorSerializer, RowErrorSerializer

#: status → when it happens (the response's description in the schema)
ERRORS = {
    "400": "Dữ liệu hoặc tham số không hợp lệ; JSON không đọc được (errors: lỗi theo từng trường).",
    "401": "Chưa xác thực hoặc khóa (token) sai.",
    "403": "Không có quyền, hoặc đơn vị ngoài phạm vi của bạn.",
    "404": "Không tìm thấy (hoặc ngoài phạm vi được đọc).",
    "406": "Tiêu đề Accept không nhận JSON.",
    "413": "Nội dung gửi lên quá lớn.",
    "415": "Nội dung không phải JSON (Content-Type: application/json).",
    "429": "Quá nhiều yêu cầu: thử lại sau (tiêu đề Retry-After).",
    "500": "Lỗi máy chủ.",
}
#: the statuses that come only with a request body
BODY_ERRORS = {"413", "415"}


class AutoSchema(openapi.AutoSchema):
    def _get_response_bodies(self, direction="response"):
        responses = super()._get_response_bodies(direction)
        if direction != "response":
            return responses
        # the members `errors` refers to by $ref
        for serializer in (FieldErrorSerializer, RowErrorSerializer):
            self.resolve_serializer(serializer, "response")
        has_body = self.method in ("POST", "PUT", "PATCH")
        for code, description in ERRORS.items():
            if code in responses or (code in BODY_ERRORS and not has_body):
                continue
            if code == "401" and not self.get_auth():
                continue
            responses[code] = self._get_response_for_code(
                OpenApiResponse(ErrorSerializer, description=description), code
            )
        return dict(sorted(responses.items()))
