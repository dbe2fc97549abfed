"""Each request gets an id, a latency measurement by view name and, outside gunicorn, its log line.

The outermost middleware (first in MIDDLEWARE), so the time includes every other middleware and static files.
"""

from __future__ import annotations

import logging
import re
import time
import uuid

from django.conf import settings

from . import metrics
from .logs import ENVIRON_REQUEST_ID, ENVIRON_USER_ID, ENVIRON_VIEW, request_id_var, request_line

logger = logging.getLogger("xaso.request")

# a proxy's request id is kept when it looks like one (nginx's $request_id is 32 hex digits); anything else —
# too long, spaces, quotes, control characters that could forge a log line — is replaced by a new id
_REQUEST_ID = re.compile(r"^[A-Za-z0-9._-]{8,64}$")


def request_id_for(request) -> str:
    offered = request.META.get("HTTP_X_REQUEST_ID", "")
    return offered if _REQUEST_ID.match(offered) else uuid.uuid4().hex


def view_name(request) -> str:
    """A bounded label: the URL pattern's name (never the path, which holds ids), or what served the request."""
    match = getattr(request, "resolver_match", None)
    if match is not None:
        return match.view_name or match._func_path
    if request.path.startswith(settings.STATIC_URL):
        return "static"
    return "unresolved"


def user_id_of(request):
    """The signed-in user's id if this request already loaded the user (never a database query of its own)."""
    user = getattr(request, "_cached_user", None)
    if user is not None and user.is_authenticated:
        return user.pk
    return None


class RequestObservabilityMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        started = time.perf_counter()
        request_id = request_id_for(request)
        request.request_id = request_id
        # reset when the response is closed (OpsConfig.ready), after Django has logged an error response
        request_id_var.set(request_id)
        response = self.get_response(request)
        duration = time.perf_counter() - started
        view = view_name(request)
        response.headers["X-Request-ID"] = request_id
        metrics.observe_request(view=view, method=request.method, status=response.status_code, seconds=duration)
        user_id = user_id_of(request)
        environ = request.META
        environ[ENVIRON_REQUEST_ID] = request_id
        environ[ENVIRON_VIEW] = view
        environ[ENVIRON_USER_ID] = user_id
        if "gunicorn.socket" not in environ:  # gunicorn's access log writes this line (xaso.ops.logs)
            line = request_line(request_id=request_id, user_id=user_id, method=request.method, path=request.path,
                                view=view, status=response.status_code, duration_ms=duration * 1000)  # fmt: skip
            logger.info(
                "%s %s %s", request.method, request.path, response.status_code,
                extra={k: v for k, v in line.items() if k != "request_id"},
            )  # fmt: skip
        return response
