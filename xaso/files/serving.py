"""Hand a private file to the browser as a download that cannot run in xaso's origin.

Every response is an attachment (RFC 6266/5987 `filename*` for Vietnamese names), `nosniff`, and carries its own
`Content-Security-Policy: sandbox` so that even a file opened in the browser has no script and no origin. With
`XASO_PRIVATE_FILE_SERVER = "nginx"` or `"apache"`, Django only checks the rights and the web server sends the
bytes (`X-Accel-Redirect` to the internal location `XASO_PRIVATE_FILE_INTERNAL_URL`, or `X-Sendfile` with the
path); with None (development, tests) Django streams the file itself.
"""

from __future__ import annotations

import os
from urllib.parse import quote

from django.conf import settings
from django.http import FileResponse, Http404, HttpResponse
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _

from .uploads import CONTENT_TYPES

FILE_CSP = "default-src 'none'; sandbox"


def file_response(fieldfile, *, download_name: str) -> HttpResponse:
    name = fieldfile.name
    if not name or not fieldfile.storage.exists(name):
        raise Http404(_("Không tìm thấy tệp."))
    ext = os.path.splitext(name)[1].lower().lstrip(".")
    content_type = CONTENT_TYPES.get(ext, "application/octet-stream")
    server = getattr(settings, "XASO_PRIVATE_FILE_SERVER", None)
    if server == "nginx":
        response = HttpResponse(content_type=content_type)
        prefix = settings.XASO_PRIVATE_FILE_INTERNAL_URL.rstrip("/")
        response["X-Accel-Redirect"] = f"{prefix}/{quote(name)}"
    elif server == "apache":
        response = HttpResponse(content_type=content_type)
        response["X-Sendfile"] = fieldfile.storage.path(name)
    else:
        response = FileResponse(fieldfile.storage.open(name, "rb"), content_type=content_type)
    response["Content-Disposition"] = content_disposition_header(True, download_name)
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = FILE_CSP
    response["Cache-Control"] = "private, no-store"
    return response
