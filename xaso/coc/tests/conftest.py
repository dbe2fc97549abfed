"""Fixtures for the operations centre: the indicator catalog and seed 003's figures written the real way."""

from __future__ import annotations

import re
from html import unescape

import pytest

from xaso.indicators.tests.conftest import catalog, write  # noqa: F401


@pytest.fixture
def seed_003(catalog, nga_dien, nga_dien_officer):  # noqa: F811
    """Nga Điền, 2023 (seed 003, Part 1, II.3): 1,384 / 1,961 households on fibre = 70.6%; 5,187 / 7,410 = 70.0%."""
    write(
        nga_dien_officer,
        nga_dien,
        "2023",
        households_total=1961,
        households_fibre=1384,
        households_fibre_rate_stated=70.6,
        population_total=7410,
        adults_smartphone=5187,
        adults_smartphone_rate_stated=75,
    )
    return catalog


@pytest.fixture
def dong_nai_figures(catalog, an_vien, tri_an, an_vien_officer, tri_an_officer):  # noqa: F811
    """An Viễn 2025: 6,420 / 8,560 households on fibre = 75.0%, 64 camera points; Trị An: 1,384 / 1,961 = 70.6%."""
    write(an_vien_officer, an_vien, "2025", households_total=8560, households_fibre=6420, camera_points=64)
    write(tri_an_officer, tri_an, "2025", households_total=1961, households_fibre=1384)
    return catalog


@pytest.fixture
def fragments_uncached(settings):
    """Render the commune page's fragment on every request (a test of what the rendering reads, not of the cache)."""
    settings.CACHES = {**settings.CACHES, "fragments": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}}


def with_areas(client, response) -> str:
    """The commune page as a reader who opens every area of indicators sees it: the page, then each folded area's
    table fetched as htmx fetches it when the area is opened (the page holds only the area its address opens)."""
    assert response.status_code == 200
    html = response.content.decode()
    for url in re.findall(r'hx-get="([^"]+/area/[^"]+)"', html):
        part = client.get(unescape(url), HTTP_HX_REQUEST="true")
        assert part.status_code == 200
        html += part.content.decode()
    return html
