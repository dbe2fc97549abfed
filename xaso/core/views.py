"""Django's own error pages, answered in the API's error body on /api/ paths.

A request that never reaches a DRF view (an unknown path, a crash outside the exception handler, a rejected
Host) would otherwise get an HTML page; an API client gets the same JSON as every other error
(`xaso.core.api`). Other paths keep Django's pages.
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.utils.translation import gettext as _
from django.views import defaults

from xaso.core.api import json_error
from xaso.core.formatting import format_number


def _is_api(request) -> bool:
    return request.path.startswith("/api/")


def bad_request(request, exception=None):
    if _is_api(request):
        if isinstance(exception, RequestDataTooBig):
            mb = settings.DATA_UPLOAD_MAX_MEMORY_SIZE / 1024 / 1024
            return json_error(
                _("Nội dung gửi lên quá lớn: tối đa %(mb)s MB mỗi yêu cầu; chia thành nhiều lần gửi.")
                % {"mb": format_number(mb, 1)},
                "request_too_large",
                413,
            )
        return json_error(_("Yêu cầu không hợp lệ."), "bad_request", 400)
    return defaults.bad_request(request, exception)


def permission_denied(request, exception=None):
    if _is_api(request):
        return json_error(_("Bạn không có quyền thực hiện thao tác này."), "permission_denied", 403)
    return defaults.permission_denied(request, exception)


def page_not_found(request, exception=None):
    if _is_api(request):
        return json_error(_("Không có địa chỉ API này: xem danh sách ở /api/docs/."), "not_found", 404)
    return defaults.page_not_found(request, exception)


def server_error(request):
    if _is_api(request):
        return json_error(_("Lỗi máy chủ: yêu cầu chưa được thực hiện, thử lại sau."), "server_error", 500)
    return defaults.server_error(request)
