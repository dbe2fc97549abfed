"""The layout's stylesheets and scripts rendered once per process ({% head_assets %}, decision 0037)."""

from __future__ import annotations

from django.template import Context, Template
from django.templatetags.static import static

from xaso.core.templatetags import ui

ASSETS = [
    "xaso/favicon.svg",
    "vendor/uswds-3.14.0/css/uswds.min.css",
    "xaso/xaso.css",
    "vendor/uswds-3.14.0/js/uswds-init.min.js",
    "vendor/htmx-2.0.11.min.js",
    "xaso/app.js",
    "xaso/ui.js",
]


def test_every_asset_of_the_layout_is_linked_once(client, db):
    html = client.get("/accounts/login/").content.decode()
    for name in ASSETS:
        assert html.count(f'"{static(name)}"') == 1, name


def test_rendered_once_per_process_unless_debugging(settings):
    ui._head_assets.cache_clear()
    tag = Template("{% load ui %}{% head_assets %}")
    first = tag.render(Context())
    assert tag.render(Context()) == first and ui._head_assets.cache_info().misses == 1
    settings.DEBUG = True  # a template being edited shows at once
    tag.render(Context())
    assert ui._head_assets.cache_info().misses == 1  # not stored: rendered without the cache
