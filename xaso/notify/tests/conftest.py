"""Fixtures of the notification tests: villages of An Viễn, the catalog cut to the loudspeaker elements."""

from __future__ import annotations

from pathlib import Path

import pytest

from xaso.conftest import catalog_cut
from xaso.geo.services import village_create
from xaso.indicators.catalog import catalog_load
from xaso.notify.announcements import INVENTORY_ELEMENTS


@pytest.fixture
def villages(an_vien, an_vien_officer):
    return [village_create(commune=an_vien, name=f"Ấp {i}", user=an_vien_officer, division_type="ấp") for i in (1, 2)]


@pytest.fixture(scope="session")
def loudspeaker_catalog_path(tmp_path_factory) -> Path:
    codes = set(INVENTORY_ELEMENTS) | {"villages_total"}
    return catalog_cut(tmp_path_factory.mktemp("catalog"), codes, "loudspeakers.yaml")


@pytest.fixture
def loudspeaker_catalog(db, loudspeaker_catalog_path):
    catalog_load(loudspeaker_catalog_path)
