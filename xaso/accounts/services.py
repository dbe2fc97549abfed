"""Writes of the accounts app: API keys (docs/decisions/0030-hashed-api-keys.md)."""

from __future__ import annotations

import hashlib
import secrets

from django.db import transaction

from .models import ApiKey, User

#: keys a user holds at once; issuing one more deletes the oldest (a script that asks for a key on every run
#: does not pile up live keys)
MAX_KEYS_PER_USER = 5


def api_key_digest(key: str) -> str:
    """What is stored of a key: its SHA-256, hex. A key is 160 random bits, so no salt or slow hash is needed."""
    return hashlib.sha256(key.encode()).hexdigest()


@transaction.atomic
def api_key_issue(*, user: User) -> str:
    """A new key for `user`, returned once and never stored in clear; the oldest keys past the limit are deleted."""
    key = secrets.token_hex(20)
    ApiKey.objects.create(user=user, prefix=key[:8], digest=api_key_digest(key))
    stale = (
        ApiKey.objects.filter(user=user).order_by("-created_at", "-id").values_list("id", flat=True)[MAX_KEYS_PER_USER:]
    )
    ApiKey.objects.filter(id__in=list(stale)).delete()
    return key


def api_key_revoke(*, key: ApiKey) -> None:
    """Delete the key the client authenticated with (DELETE /api/v1/auth/token/): it stops working at once."""
    key.delete()
