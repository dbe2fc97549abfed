"""Fixtures of the feedback tests: the shipped catalog cut to the feedback elements, villages, a JPEG with EXIF."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from xaso.conftest import catalog_cut
from xaso.feedback.figures import ELEMENTS
from xaso.feedback.models import Category
from xaso.geo.services import village_create
from xaso.indicators.catalog import catalog_load


@pytest.fixture(scope="session")
def feedback_catalog_path(tmp_path_factory) -> Path:
    return catalog_cut(tmp_path_factory.mktemp("catalog"), set(ELEMENTS), "feedback.yaml")


@pytest.fixture
def feedback_catalog(db, feedback_catalog_path):
    catalog_load(feedback_catalog_path)


@pytest.fixture
def an_vien_villages(an_vien, an_vien_officer):
    return [village_create(commune=an_vien, name=f"Ấp {i}", user=an_vien_officer, division_type="ấp") for i in (1, 2)]


@pytest.fixture
def categories(db) -> list[Category]:
    """The categories of migration 0002 (a live-server test's flush removes migration data: put back here)."""
    import importlib

    shipped = importlib.import_module("xaso.feedback.migrations.0002_categories").CATEGORIES
    return [
        Category.objects.get_or_create(
            code=code, defaults={"name": name, "name_en": name_en, "deadline_days": days, "order": order}
        )[0]
        for order, (code, name, name_en, days) in enumerate(shipped, 1)
    ]


@pytest.fixture
def roads(categories) -> Category:
    return categories[0]


def jpeg_with_gps(*, size=(64, 48)) -> bytes:
    """A JPEG carrying EXIF: camera make and model, and a GPS position (Đồng Nai)."""
    image = Image.new("RGB", size, (200, 120, 40))
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"  # Make
    exif[0x0110] = "Model X"  # Model
    gps = {1: "N", 2: (11.0, 5.0, 30.0), 3: "E", 4: (107.0, 10.0, 12.0)}
    exif[0x8825] = gps  # GPSInfo
    out = io.BytesIO()
    image.save(out, format="JPEG", exif=exif)
    return out.getvalue()


@pytest.fixture
def photo_upload():
    return SimpleUploadedFile("anh-duong.jpg", jpeg_with_gps(), content_type="image/jpeg")


@pytest.fixture(autouse=True)
def deliveries_sent_at_once(monkeypatch):
    """A test's transaction never commits: the send a commit would start runs at once (immediate task backend)."""
    monkeypatch.setattr("xaso.notify.deliveries.after_commit", lambda callback: callback())
