"""Rendered page fragments, kept in the `fragments` cache until the data they show changes.

A fragment's key names everything its HTML depends on: the page and its parameters (unit, year), the language,
the reader's scope (their unit, or administrator: two readers share a fragment only when they may read exactly
the same things), the day (what is late or due), the unit's data version (`xaso.core.versions.unit_version`,
read before the data) and the code version (a hash of the application's code, templates and translations, so a
deployment never serves a fragment of the previous release). A fragment holds no personal data, no CSRF token,
no user name: what depends on the person stays in the page around it. docs/decisions/0024-page-cache.md.

The caller checks that the reader may read the unit before asking for the fragment.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from functools import cache
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.cache import caches
from django.utils import timezone, translation

FRAGMENTS = "fragments"
_ROOT = Path(__file__).resolve().parent.parent  # the xaso package


@cache
def code_version() -> str:
    """A hash of the application's Python files, templates and compiled translations (once per process), or
    `settings.XASO_CODE_VERSION` when the deployment names its release."""
    named = getattr(settings, "XASO_CODE_VERSION", "")
    if named:
        return str(named)
    digest = hashlib.blake2b(digest_size=8)
    files = [*_ROOT.rglob("*.py"), *_ROOT.rglob("*.html")]
    files += [Path(p) / "en" / "LC_MESSAGES" / "django.mo" for p in settings.LOCALE_PATHS]
    for path in sorted(files):
        if "tests" in path.parts or not path.is_file():
            continue
        digest.update(str(path.relative_to(_ROOT.parent) if path.is_relative_to(_ROOT.parent) else path).encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()


def reader_scope(user) -> str:
    """What a reader may see, as a key part: administrators see everything; others their unit's subtree."""
    from xaso.accounts.permissions import is_admin

    return "admin" if is_admin(user) else f"u{user.unit_id}"


def fragment_key(page: str, *parts: Any) -> str:
    raw = ":".join(str(p) for p in (page, code_version(), translation.get_language(), timezone.localdate(), *parts))
    return f"{page}:{hashlib.blake2b(raw.encode(), digest_size=16).hexdigest()}"


def cached(page: str, parts: tuple, compute: Callable[[], Any]) -> Any:
    """The value stored under the key of `page` and `parts`, else `compute()`'s, stored for the next reader."""
    store = caches[FRAGMENTS]
    key = fragment_key(page, *parts)
    found = store.get(key)
    if found is None:
        found = compute()
        store.set(key, found)
    return found
