"""Loading the official list of administrative units (vietnam-provinces, pinned)."""

from __future__ import annotations

import pytest
from django.core.management import call_command

from xaso.core.testing import wipe_committed_data
from xaso.geo.loader import DATA_VERSION
from xaso.geo.models import AdminUnit, Level, UnitSuccession

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def loaded(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        call_command("load_units", stdout=open("/dev/null", "w"))  # noqa: SIM115
        yield
        wipe_committed_data()


def test_the_whole_country_after_july_2025(loaded):
    current = AdminUnit.objects.filter(is_legacy=False)
    assert current.filter(level=Level.PROVINCE).count() == 34
    communes = current.filter(level=Level.COMMUNE)
    assert communes.count() == 3321
    assert communes.filter(division_type="xã").count() == 2621
    assert communes.filter(division_type="phường").count() == 687
    assert communes.filter(division_type="đặc khu").count() == 13


def test_the_country_before_july_2025_with_validity(loaded):
    legacy = AdminUnit.objects.filter(is_legacy=True)
    assert legacy.filter(level=Level.PROVINCE).count() == 63
    assert legacy.filter(level=Level.DISTRICT).count() == 696
    assert legacy.filter(level=Level.COMMUNE).count() == 10051
    nga_dien = AdminUnit.objects.get(code="legacy:16150")
    assert (nga_dien.name, nga_dien.district.name, nga_dien.province.name) == (
        "Xã Nga Điền",
        "Huyện Nga Sơn",
        "Tỉnh Thanh Hóa",
    )
    assert str(nga_dien.valid_to) == "2025-06-30"
    assert nga_dien.path == "/legacy:38/legacy:401/legacy:16150/"


def test_every_code_records_its_data_version(loaded):
    assert not AdminUnit.objects.exclude(data_version=DATA_VERSION).exists()
    assert "vietnam-provinces 2026.9.0" in DATA_VERSION


def test_old_units_map_to_the_new_ones_that_absorbed_them(loaded):
    nga_dien = AdminUnit.objects.get(code="legacy:16150")
    assert [s.new_unit.name for s in nga_dien.successions.select_related("new_unit")] == ["Xã Nga An"]
    nga_an = AdminUnit.objects.get(code="16144")
    assert sorted(p.old_unit.name for p in nga_an.predecessions.select_related("old_unit")) == [
        "Xã Nga An", "Xã Nga Phú", "Xã Nga Điền"
    ]  # fmt: skip


def test_an_vien_is_a_commune_of_dong_nai(loaded):
    an_vien = AdminUnit.objects.get(code="26296")
    assert (an_vien.name, an_vien.province.code, an_vien.commune_id) == ("Xã An Viễn", "75", an_vien.id)
    assert AdminUnit.objects.in_subtree(an_vien.province).filter(level=Level.COMMUNE).count() == 95


def test_loading_again_changes_nothing(loaded):
    before = (AdminUnit.objects.count(), UnitSuccession.objects.count())
    call_command("load_units", stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert (AdminUnit.objects.count(), UnitSuccession.objects.count()) == before


def test_partly_merged_comes_from_the_conversion_table_not_the_number_of_successors(loaded):
    # Xã Đặng Xá (Hà Nội, old code 00556): the table marks it partly merged with a single successor listed,
    # Xã Phù Đổng (00541); counting successors would call it wholly merged.
    dang_xa = UnitSuccession.objects.select_related("new_unit").get(old_unit__code="legacy:00556")
    assert (dang_xa.new_unit.code, dang_xa.new_unit.name, dang_xa.is_partial) == ("00541", "Xã Phù Đổng", True)
    # Xã Nga Điền (old code 16150): wholly merged into Xã Nga An.
    nga_dien = UnitSuccession.objects.select_related("new_unit").get(old_unit__code="legacy:16150")
    assert (nga_dien.new_unit.name, nga_dien.is_partial) == ("Xã Nga An", False)
    # Phường Ngọc Hà (old code 00016), split between Phường Ba Đình (00004) and Phường Ngọc Hà (00008): partial.
    split = UnitSuccession.objects.filter(old_unit__code="legacy:00016").order_by("new_unit__code")
    assert [(s.new_unit.code, s.is_partial) for s in split] == [("00004", True), ("00008", True)]


def test_loading_again_restores_the_partly_merged_flag(loaded):
    UnitSuccession.objects.filter(old_unit__code="legacy:00556").update(is_partial=False)
    UnitSuccession.objects.filter(old_unit__code="legacy:16150").update(is_partial=True)
    call_command("load_units", stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert UnitSuccession.objects.get(old_unit__code="legacy:00556").is_partial
    assert not UnitSuccession.objects.get(old_unit__code="legacy:16150").is_partial
