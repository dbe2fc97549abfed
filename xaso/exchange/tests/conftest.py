"""Figures of seed 003 in An Viễn and Trị An (Đồng Nai), written through `values_write` as a commune would."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from xaso.indicators.services import ValueInput, values_write
from xaso.indicators.tests.conftest import catalog  # noqa: F401


def write(user, rows):
    return values_write(
        user=user, rows=[ValueInput(element=e, unit=u, period=p, value=v, row=n) for n, (e, u, p, v) in
                         enumerate(rows, start=1)],
    )  # fmt: skip


@pytest.fixture
def figures(catalog, an_vien_officer, tri_an_officer):  # noqa: F811
    """An Viễn 2025: 1.961 households, 1.384 with fibre (70,6%); March 2026 dossiers 120, 87 online.
    Trị An 2025: 2.400 households, 1.500 with fibre."""
    write(an_vien_officer, [
        ("households_total", "26296", "2025", 1961), ("households_fibre", "26296", "2025", 1384),
        ("dossiers_received", "26296", "2026-01", 120), ("dossiers_online", "26296", "2026-01", 87),
    ])  # fmt: skip
    write(tri_an_officer, [("households_total", "26170", "2025", 2400), ("households_fibre", "26170", "2025", 1500)])


def api(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client
