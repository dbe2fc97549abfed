"""System checks: a mistyped proxy address must stop the server at start-up, not silently trust nobody."""

from __future__ import annotations

from django.core.checks import Error, register
from django.core.exceptions import ImproperlyConfigured

from .client_ip import forwarded_header, trusted_proxies


@register("security")
def client_ip_settings_check(app_configs, **kwargs) -> list[Error]:
    errors = []
    for read in (trusted_proxies, forwarded_header):
        try:
            read()
        except ImproperlyConfigured as exc:
            errors.append(Error(str(exc), id="xaso.accounts.E001"))
    return errors
