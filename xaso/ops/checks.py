"""System checks: a mistyped metrics address range or log format stops the server at start-up."""

from __future__ import annotations

import ipaddress

from django.conf import settings
from django.core.checks import Error, register


@register("security")
def metrics_settings_check(app_configs, **kwargs) -> list[Error]:
    errors = []
    for entry in getattr(settings, "XASO_METRICS_ALLOWED_IPS", []):
        try:
            ipaddress.ip_network(entry, strict=False)
        except ValueError:
            errors.append(
                Error(
                    f"XASO_METRICS_ALLOWED_IPS: {entry!r} không phải địa chỉ IP hay dải CIDR "
                    "(not an IP address or CIDR).",
                    id="xaso.ops.E001",
                )
            )
    token = getattr(settings, "XASO_METRICS_TOKEN", "") or ""
    if token and len(token) < 32:
        errors.append(
            Error("XASO_METRICS_TOKEN phải dài ít nhất 32 ký tự (must be at least 32 characters).", id="xaso.ops.E002")
        )
    return errors
