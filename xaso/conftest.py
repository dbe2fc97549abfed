"""Shared fixtures: a small slice of the real unit tree and the personas tests speak of.

Units use their official codes: Đồng Nai (75) with An Viễn (26296) and Trị An (26170) after
the 2025 reorganisation; the old Thanh Hóa (38) → Nga Sơn (401) → Nga Điền (16150) before it, which
Xã Nga An (16144) of today's Thanh Hóa absorbed on 1 July 2025.
"""

from __future__ import annotations

from datetime import date

import pytest
from django.utils import translation
from hypothesis import HealthCheck
from hypothesis import settings as hypothesis_settings

from xaso.accounts.models import Role, User
from xaso.core.browser import browser, open_session  # noqa: F401  (real-browser fixtures, created only when asked)
from xaso.geo.models import AdminUnit, Level, UnitSuccession
from xaso.geo.services import village_create


@pytest.fixture(autouse=True)
def vietnamese_by_default():
    """Each test starts in Vietnamese: a request that switched to English (set_language, Accept-Language) leaves
    English active in the worker's thread, and a later test calling gettext directly would read English."""
    translation.activate("vi")
    yield
    translation.deactivate()


@pytest.fixture(autouse=True)
def fragments_emptied():
    """Each test starts with no cached page fragment: the database is rolled back between tests, so unit ids
    and data versions of one test could meet another's cached fragments (xaso/core/fragments.py)."""
    from django.core.cache import caches

    from xaso.geo.hot import forget_all

    caches["fragments"].clear()
    caches["default"].clear()  # the public pages' counts per network address (xaso/core/throttle.py) too
    forget_all()  # the units this process keeps (xaso/geo/hot.py), for the same reason
    yield


# Property tests judge behaviour, not speed: CI shares two cores, so hypothesis's per-example deadline and its
# "too slow" check would fail a correct test on a busy machine (tests that bound time assert it themselves).
hypothesis_settings.register_profile("xaso", deadline=None, suppress_health_check=[HealthCheck.too_slow])
hypothesis_settings.load_profile("xaso")


def make_unit(code: str, name: str, level: str, parent: AdminUnit | None = None, legacy: bool = False) -> AdminUnit:
    unit = AdminUnit.objects.create(
        code=code,
        official_code=code.removeprefix("legacy:"),
        name=name,
        division_type={"province": "tỉnh", "district": "huyện", "commune": "xã"}[level],
        level=level,
        parent=parent,
        path=(parent.path if parent else "/") + code + "/",
        is_legacy=legacy,
        data_version="test",
        province=parent.province if parent else None,
        district=parent if parent and parent.level == Level.DISTRICT else (parent.district if parent else None),
    )
    if level == Level.PROVINCE:
        unit.province = unit
    if level == Level.DISTRICT:
        unit.district = unit
    if level == Level.COMMUNE:
        unit.commune = unit
    unit.save()
    return unit


@pytest.fixture
def dong_nai(db) -> AdminUnit:
    return make_unit("75", "Thành phố Đồng Nai", Level.PROVINCE)


@pytest.fixture
def an_vien(dong_nai) -> AdminUnit:
    return make_unit("26296", "Xã An Viễn", Level.COMMUNE, dong_nai)


@pytest.fixture
def tri_an(dong_nai) -> AdminUnit:
    return make_unit("26170", "Xã Trị An", Level.COMMUNE, dong_nai)


@pytest.fixture
def thanh_hoa_old(db) -> AdminUnit:
    return make_unit("legacy:38", "Tỉnh Thanh Hóa", Level.PROVINCE, legacy=True)


@pytest.fixture
def nga_son(thanh_hoa_old) -> AdminUnit:
    return make_unit("legacy:401", "Huyện Nga Sơn", Level.DISTRICT, thanh_hoa_old, legacy=True)


@pytest.fixture
def nga_dien(nga_son) -> AdminUnit:
    return make_unit("legacy:16150", "Xã Nga Điền", Level.COMMUNE, nga_son, legacy=True)


@pytest.fixture
def thanh_hoa(db) -> AdminUnit:
    return make_unit("38", "Tỉnh Thanh Hóa", Level.PROVINCE)


@pytest.fixture
def nga_an(thanh_hoa, nga_dien) -> AdminUnit:
    """Today's Xã Nga An: it absorbed the old Nga Điền (with the old Nga An and Nga Phú) on 1 July 2025."""
    unit = make_unit("16144", "Xã Nga An", Level.COMMUNE, thanh_hoa)
    UnitSuccession.objects.create(
        old_unit=nga_dien, new_unit=unit, effective_date=date(2025, 7, 1), data_version="test"
    )
    return unit


def make_user(username: str, role: str, unit: AdminUnit | None, **extra) -> User:
    return User.objects.create_user(username=username, password="pw-" + username, role=role, unit=unit, **extra)


@pytest.fixture
def an_vien_officer(an_vien) -> User:
    return make_user("an_vien_officer", Role.COMMUNE_OFFICER, an_vien, full_name="Nguyễn Văn An")


@pytest.fixture
def an_vien_leader(an_vien) -> User:
    return make_user("an_vien_leader", Role.COMMUNE_LEADER, an_vien, full_name="Trần Thị Viễn")


@pytest.fixture
def tri_an_officer(tri_an) -> User:
    return make_user("tri_an_officer", Role.COMMUNE_OFFICER, tri_an)


@pytest.fixture
def nga_dien_officer(nga_dien) -> User:
    return make_user("nga_dien_officer", Role.COMMUNE_OFFICER, nga_dien, full_name="Mai Văn Điền")


@pytest.fixture
def nga_an_officer(nga_an) -> User:
    return make_user("nga_an_officer", Role.COMMUNE_OFFICER, nga_an, full_name="Lê Thị Nga")


@pytest.fixture
def province_analyst(dong_nai) -> User:
    return make_user("province_analyst", Role.ANALYST, dong_nai)


@pytest.fixture
def administrator(db) -> User:
    return User.objects.create_superuser(username="administrator", password="pw-admin", role=Role.ADMIN)


@pytest.fixture
def nga_dien_villages(nga_dien, nga_dien_officer) -> list[AdminUnit]:
    return [village_create(commune=nga_dien, name=f"Thôn {i}", user=nga_dien_officer) for i in (1, 2, 3)]


def catalog_cut(directory, codes: set[str], name: str = "catalog.yaml"):
    """The shipped catalog cut to these data elements, with the indicators and validation rules over them only,
    written as `directory/name` (for `catalog_load`): a test loads what it counts, not 170 elements."""
    import re

    import yaml

    from xaso.indicators.catalog import CATALOG_PATH

    data = yaml.safe_load(CATALOG_PATH.read_text(encoding="utf-8"))

    def within(*texts: str) -> bool:
        return set(re.findall(r"[a-z_][a-z0-9_]*", " ".join(texts))) <= codes

    cut = {
        "data_elements": [e for e in data["data_elements"] if e["code"] in codes],
        "indicators": [i for i in data["indicators"] if within(i["formula"])],
        "validation_rules": [r for r in data["validation_rules"] if within(r["left"], r["right"])],
    }
    path = directory / name
    path.write_text(yaml.safe_dump(cut, allow_unicode=True), encoding="utf-8")
    return path
