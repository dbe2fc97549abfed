"""The Content-Security-Policy on every page: the directives, and every inline <script>/<style> of the page
carrying the nonce the header names (an inline one without it would be blocked, one with a stale nonce too), no
inline event handler and no `javascript:` link anywhere."""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest

from xaso.plans import services

pytestmark = pytest.mark.django_db

REQUIRED = {
    "default-src": "'self'",
    "object-src": "'none'",
    "base-uri": "'self'",
    "frame-ancestors": "'none'",
    "form-action": "'self'",
    "img-src": "'self' data:",
    "style-src-attr": "'unsafe-inline'",
}


def directives(header: str) -> dict[str, str]:
    return {part.split(" ", 1)[0]: part.split(" ", 1)[1] for part in (p.strip() for p in header.split(";")) if part}


class Inline(HTMLParser):
    """Collects each inline <script>/<style> with its nonce, every on* attribute and every javascript: link."""

    def __init__(self):
        super().__init__()
        self.inline: list[tuple[str, str | None]] = []
        self.handlers: list[str] = []

    def handle_starttag(self, tag, attrs):
        values = dict(attrs)
        data_block = values.get("type") == "application/json"  # json_script: data, never run, outside the CSP
        if tag == "style" or (tag == "script" and "src" not in values and not data_block):
            self.inline.append((tag, values.get("nonce")))
        for name, value in attrs:
            if name.startswith("on") or (value or "").strip().lower().startswith("javascript:"):
                self.handlers.append(f"<{tag} {name}={value}>")


def check_page(response) -> dict[str, str]:
    assert response.status_code == 200, response.status_code
    policy = directives(response["Content-Security-Policy"])
    for name, value in REQUIRED.items():
        assert policy[name] == value, name
    nonce = re.search(r"'nonce-([^']+)'", policy["script-src"])
    parser = Inline()
    parser.feed(response.content.decode())
    assert parser.handlers == []
    for tag, page_nonce in parser.inline:
        assert nonce is not None and page_nonce == nonce.group(1), tag
        assert f"'nonce-{page_nonce}'" in policy["style-src" if tag == "style" else "script-src"]
    return policy


@pytest.fixture
def pages(an_vien, an_vien_officer, catalog):
    plan = services.plan_create_from_template(user=an_vien_officer, unit=an_vien, year=2026)
    return ["/", f"/coc/unit/{an_vien.code}/", "/plans/", f"/plans/{plan.pk}/", f"/plans/{plan.pk}/tasks/new/",
            "/data/entry/", "/data/import/", "/data/violations/", "/reports/jobs/",
            f"/reports/plans/{plan.pk}/progress/"]  # fmt: skip


def test_every_main_page_has_the_policy_and_no_unnonced_inline_code(client, an_vien_officer, pages):
    client.force_login(an_vien_officer)
    for url in pages:
        response = client.get(url, follow=True)
        check_page(response)


def test_the_login_page_and_the_admin_have_it_too(client, administrator):
    check_page(client.get("/accounts/login/"))
    client.force_login(administrator)
    for url in ("/admin/", "/admin/plans/", "/admin/reports/reportjob/"):
        response = client.get(url)
        if response.status_code != 404:
            check_page(response)


def test_the_api_docs_page_has_no_inline_code_its_language_and_a_way_back(client):
    """Swagger UI's page is all files from xaso (templates/drf_spectacular/swagger_ui.html): its own styles in
    static/xaso/api-docs.css, its start-up script from ?script=, no <style> or <script> body to nonce at all."""
    response = client.get("/api/docs/")
    check_page(response)
    page = response.content.decode()
    assert "<style" not in page and not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", page)
    assert '<link rel="stylesheet" href="/static/xaso/api-docs.css">' in page
    assert '<html lang="vi">' in page and '<a href="/">← Về xaso</a>' in page
    assert '<script src="/api/docs/?script="></script>' in page and "cdn." not in page and "https://" not in page
    script = client.get("/api/docs/?script=")
    assert script.status_code == 200 and script["Content-Type"].startswith("application/javascript")
    assert b"SwaggerUIBundle" in script.content


def test_a_second_request_gets_a_new_nonce(client):
    # the admin's pages carry nonces (xaso's own pages have no inline code left to nonce)
    first = client.get("/admin/login/")["Content-Security-Policy"]
    second = client.get("/admin/login/")["Content-Security-Policy"]
    assert re.search(r"nonce-[^']+", first).group(0) != re.search(r"nonce-[^']+", second).group(0)
