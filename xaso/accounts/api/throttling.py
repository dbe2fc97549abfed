"""Throttles keyed on the client's real address (`xaso.accounts.client_ip`), not on what X-Forwarded-For claims.

DRF's own `get_ident` takes X-Forwarded-For from any peer unless NUM_PROXIES is set, so a client sending a new
value on every request was never throttled.
"""

from __future__ import annotations

from rest_framework.throttling import ScopedRateThrottle

from xaso.accounts.client_ip import client_ip


class ClientAddressScopedRateThrottle(ScopedRateThrottle):
    def get_ident(self, request) -> str:
        return client_ip(request._request) or ""
