"""Settings check: the private file server must be one xaso knows how to hand files to."""

from __future__ import annotations

from django.conf import settings
from django.core.checks import Error, register

SERVERS = (None, "nginx", "apache")


@register()
def private_file_server_check(app_configs, **kwargs):
    server = getattr(settings, "XASO_PRIVATE_FILE_SERVER", None)
    if server not in SERVERS:
        return [
            Error(
                f"XASO_PRIVATE_FILE_SERVER = {server!r}: use None (Django streams the file), 'nginx' "
                "(X-Accel-Redirect) or 'apache' (X-Sendfile).",
                id="xaso.files.E001",
            )
        ]
    return []
