"""Fixtures of the notification tests: villages of An Viễn, the catalog cut to the loudspeaker elements."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from xaso.geo.services import village_create
from xaso.indicators.catalog import CATALOG_PATH, catalog_load
from xaso.notify.announcements import INVENTORY_ELEMENTS


@pytest.fixture
def villages(an_vien, an_vien_officer):
    return [village_create(commune=an_vien, name=f"Ấp {i}", user=an_vien_officer, division_type="ấp") for i in (1, 2)]


@pytest.fixture(scope="session")
def loudspeaker_catalog_path(tmp_path_factory) -> Path:
    data = yaml.safe_load(CATALOG_PATH.read_text(encoding="utf-8"))
    codes = set(INVENTORY_ELEMENTS) | {"villages_total"}

    def within(*texts: str) -> bool:
        return set(re.findall(r"[a-z_][a-z0-9_]*", " ".join(texts))) <= codes

    cut = {
        "data_elements": [e for e in data["data_elements"] if e["code"] in codes],
        "indicators": [i for i in data["indicators"] if within(i["formula"])],
        "validation_rules": [r for r in data["validation_rules"] if within(r["left"], r["right"])],
    }
    path = tmp_path_factory.mktemp("catalog") / "loudspeakers.yaml"
    path.write_text(yaml.safe_dump(cut, allow_unicode=True), encoding="utf-8")
    return path


@pytest.fixture
def loudspeaker_catalog(db, loudspeaker_catalog_path):
    catalog_load(loudspeaker_catalog_path)
