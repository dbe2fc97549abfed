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
from django.http import HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
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


# ---- whole pages, with the person's holes filled per request (docs/decisions/0058-whole-page-cache.md) ----

#: stand-ins rendered into a kept page where the request's CSRF token and CSP nonce go; filled on every answer
CSRF_HOLE = "xaso-hole-csrf-9c41e7b2d5"
NONCE_HOLE = "xaso-hole-nonce-9c41e7b2d5"
#: a longer address is rendered each time, never kept (the address is part of the key)
PAGE_PATH_MAX = 2000


def _messages_waiting(request) -> bool:
    """Whether the page would show a message (django.contrib.messages): queued by this request, or stored in the
    cookie or the session by an earlier one. Such a page is rendered each time: a kept page would show it again."""
    from django.contrib.messages.storage.cookie import CookieStorage
    from django.contrib.messages.storage.session import SessionStorage

    storage = getattr(request, "_messages", None)
    if storage is not None and getattr(storage, "_queued_messages", None):
        return True
    if CookieStorage.cookie_name in request.COOKIES:
        return True
    session = getattr(request, "session", None)
    return bool(session is not None and session.get(SessionStorage.session_key))


def page_keepable(request) -> bool:
    """A page may be kept whole only for a plain GET of a signed-in reader, no htmx swap, no message to show."""
    return (
        request.method in ("GET", "HEAD")
        and request.user.is_authenticated
        and "HX-Request" not in request.headers
        and len(request.get_full_path()) <= PAGE_PATH_MAX
        and not _messages_waiting(request)
    )


def reader_parts(request) -> tuple:
    """What a whole page depends on besides its data: the address (the year and filters asked, the language form's
    `next`, the menu's current item) and the reader (the header names them; breadcrumbs, the menu's exchange item
    and the publication link follow their rights). A change of the person's account — name, unit, role, rights —
    changes the key."""
    user = request.user
    return (
        request.get_full_path(),
        user.pk,
        user.unit_id,
        user.role,
        user.is_superuser,
        user.is_staff,
        str(user),
        user.unit.name if user.unit_id else "",
    )


def fill_holes(request, html: str) -> str:
    """The kept page with this request's CSRF token (sets the CSRF cookie when it is new, as `{% csrf_token %}`
    does) and, when the page asked for one, its CSP nonce (then named in the response's policy)."""
    from django.middleware.csp import get_nonce
    from django.middleware.csrf import get_token

    html = html.replace(CSRF_HOLE, get_token(request))
    if NONCE_HOLE in html:
        html = html.replace(NONCE_HOLE, str(get_nonce(request)))
    return html


def render_page(request, page: str, parts: tuple, template: str, context: Callable[[], dict]) -> HttpResponse:
    """The page `template` renders with `context()`, kept whole under `page`, `parts` (the data it shows, as for a
    fragment: unit, version, scope…) and the reader's parts, so that a reader opening it again costs the reads that
    check their rights and the version, one cache read and two string replacements — not the layout's rendering.

    The person-dependent bits are not in the stored HTML: the CSRF token and the CSP nonce are holes filled per
    request; everything else that depends on the reader is in the key (`reader_parts`). A request that cannot be
    kept (`page_keepable`) is rendered as usual."""
    if not page_keepable(request):
        return render(request, template, context())
    store = caches[FRAGMENTS]
    key = fragment_key(f"{page}-page", *parts, *reader_parts(request))
    html = store.get(key)
    if html is None:
        html = render_to_string(template, {**context(), "csrf_token": CSRF_HOLE, "csp_nonce": NONCE_HOLE}, request)
        store.set(key, html)
    return HttpResponse(fill_holes(request, html))
