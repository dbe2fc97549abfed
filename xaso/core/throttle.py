"""Counting what one network address does in a window, for the public pages without an account (a tracking code
looked up, a subscription asked for): a fixed window in the default cache, keyed by a keyed digest of the address
(the address itself is never stored). docs/decisions/0061-hostile-text-in-citizen-channels.md.

The cache is the one Django REST framework's throttles use, one for every worker process (`XASO_LIMITS_CACHE`: a
folder under var/, the database or Redis; config/settings/base.py), so a limit is one limit whatever the number of
processes (xaso/core/tests/test_limits_shared.py).
"""

from __future__ import annotations

import hashlib
import hmac

from django.conf import settings
from django.core.cache import cache


def _key(scope: str, ident: str, window: int) -> str:
    digest = hmac.new(settings.SECRET_KEY.encode(), f"{scope}:{ident}".encode(), hashlib.sha256).hexdigest()[:32]
    return f"xaso:throttle:{scope}:{window}:{digest}"


def throttle_count(scope: str, ident: str, *, window: int) -> int:
    """How many times `ident` (a client address) was counted in `scope` within the current window."""
    return cache.get(_key(scope, ident, window), 0) if ident else 0


def throttle_hit(scope: str, ident: str, *, window: int) -> int:
    """Count one more for `ident` in `scope` (the window starts with the first); the new count."""
    if not ident:
        return 0
    key = _key(scope, ident, window)
    if cache.add(key, 1, timeout=window):
        return 1
    try:
        return cache.incr(key)
    except ValueError:  # expired between add and incr: a new window
        cache.set(key, 1, timeout=window)
        return 1
