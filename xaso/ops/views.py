"""/healthz (anyone, no personal data, no internals) and /metrics (Prometheus, token or address allow-list)."""

from __future__ import annotations

import hmac
import ipaddress

from django.conf import settings
from django.http import HttpResponse, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from xaso.accounts.client_ip import client_address

from . import health, metrics


@never_cache
@require_safe
def healthz(request):
    """200 when every check passes, 503 otherwise; the body names each check and says ok or fail."""
    checks = health.run_checks()
    healthy = all(v == health.OK for v in checks.values())
    return JsonResponse({"status": health.OK if healthy else health.FAIL, "checks": checks},
                        status=200 if healthy else 503)  # fmt: skip


def _bearer_token(request) -> str:
    header = request.META.get("HTTP_AUTHORIZATION", "")
    scheme, _, token = header.partition(" ")
    return token.strip() if scheme.lower() == "bearer" else ""


def _address_allowed(request) -> bool:
    allowed = getattr(settings, "XASO_METRICS_ALLOWED_IPS", [])
    address = client_address(request) if allowed else None
    if address is None:
        return False
    if getattr(address, "ipv4_mapped", None):
        address = address.ipv4_mapped
    return any(
        address.version == net.version and address in net
        for net in (ipaddress.ip_network(entry, strict=False) for entry in allowed)
    )


def metrics_allowed(request) -> bool:
    """A request with the configured bearer token, or from an allowed address (behind trusted proxies, the client's
    address as `xaso.accounts.client_ip.client_address` reads it). Neither configured: nobody."""
    expected = getattr(settings, "XASO_METRICS_TOKEN", "") or ""
    offered = _bearer_token(request)
    if expected and offered and hmac.compare_digest(offered.encode(), expected.encode()):
        return True
    return _address_allowed(request)


@never_cache
@require_safe
def metrics_view(request):
    if not metrics_allowed(request):
        return HttpResponse("Forbidden\n", status=403, content_type="text/plain; charset=utf-8")
    body, content_type = metrics.exposition()
    return HttpResponse(body, content_type=content_type)
