"""Read and write scope: the user's subtree, and the old communes their commune absorbed on 1 July 2025, which
are read, never written (docs/decisions/0007-absorbed-units.md)."""

from __future__ import annotations

from datetime import date

import pytest

from xaso.accounts.models import Role
from xaso.accounts.permissions import can_read_unit, can_write_commune, can_write_unit
from xaso.conftest import make_unit, make_user
from xaso.geo.models import AdminUnit, Level, UnitSuccession

pytestmark = pytest.mark.django_db


def test_a_commune_reads_the_old_commune_it_absorbed_and_its_villages_but_never_writes_them(
    nga_an, nga_an_officer, nga_dien, nga_dien_villages, nga_son, thanh_hoa_old
):
    for unit in [nga_dien, *nga_dien_villages]:
        assert can_read_unit(nga_an_officer, unit), unit.code
        assert not can_write_unit(nga_an_officer, unit), unit.code
    assert set(AdminUnit.objects.for_user(nga_an_officer)) == {nga_an, nga_dien, *nga_dien_villages}
    # the old district and province were not absorbed by Nga An: their totals cover other communes too
    assert not can_read_unit(nga_an_officer, nga_son)
    assert not can_read_unit(nga_an_officer, thanh_hoa_old)


def test_the_old_commune_keeps_its_own_scope(nga_an, nga_dien, nga_dien_officer):
    assert set(AdminUnit.objects.for_user(nga_dien_officer)) == {nga_dien}
    assert can_write_unit(nga_dien_officer, nga_dien)
    assert not can_read_unit(nga_dien_officer, nga_an)


def test_an_officer_of_an_unrelated_commune_reads_nothing_of_the_absorbed_commune(
    nga_an, nga_dien, nga_dien_villages, an_vien, an_vien_officer
):
    for unit in [nga_an, nga_dien, *nga_dien_villages]:
        assert not can_read_unit(an_vien_officer, unit), unit.code
        assert not can_write_unit(an_vien_officer, unit), unit.code
    assert set(AdminUnit.objects.for_user(an_vien_officer)) == {an_vien}


def test_the_province_of_the_absorbing_commune_reads_the_old_commune(nga_an, nga_dien, thanh_hoa):
    analyst = make_user("thanh_hoa_analyst", Role.ANALYST, thanh_hoa)
    assert can_read_unit(analyst, nga_dien)
    assert not can_write_unit(analyst, nga_dien)
    assert set(AdminUnit.objects.for_user(analyst)) == {thanh_hoa, nga_an, nga_dien}


def test_every_commune_that_took_part_of_a_split_old_commune_reads_all_of_it(nga_an, nga_dien, thanh_hoa):
    UnitSuccession.objects.filter(old_unit=nga_dien).update(is_partial=True)
    other = make_unit("99901", "Xã Thử Nghiệm", Level.COMMUNE, thanh_hoa)  # took the rest of the old commune
    UnitSuccession.objects.create(
        old_unit=nga_dien, new_unit=other, is_partial=True, effective_date=date(2025, 7, 1), data_version="test"
    )
    for unit in (nga_an, other):
        officer = make_user(f"officer_{unit.code}", Role.COMMUNE_OFFICER, unit)
        assert can_read_unit(officer, nga_dien)
        assert not can_write_unit(officer, nga_dien)
        assert set(AdminUnit.objects.for_user(officer)) == {unit, nga_dien}


def test_checking_an_old_commune_and_its_villages_reads_the_successions_once(
    nga_an_officer, nga_dien, nga_dien_villages, nga_son, django_assert_num_queries
):
    nga_an_officer.unit  # noqa: B018  (loaded before counting, as on a page)
    with django_assert_num_queries(1):
        assert all(can_read_unit(nga_an_officer, u) for u in [nga_dien, *nga_dien_villages])
        assert not can_read_unit(nga_an_officer, nga_son)


def test_a_communes_own_records_are_kept_by_its_active_writers_on_todays_map(
    an_vien,
    an_vien_officer,
    an_vien_leader,
    tri_an_officer,
    province_analyst,
    administrator,
    nga_dien,
    nga_dien_officer,
):
    """`can_write_commune`, the one check of the document register, the dossier register and the report forms:
    each condition flipped alone refuses."""
    assert can_write_commune(an_vien_officer, an_vien)
    assert can_write_commune(an_vien_leader, an_vien)
    assert can_write_commune(administrator, an_vien)
    assert not can_write_commune(tri_an_officer, an_vien)  # another commune's writer
    assert not can_write_commune(province_analyst, an_vien)  # reads the province, writes nothing
    village = make_unit("26296-01", "Ấp 1", Level.COMMUNE, an_vien)
    village.level = Level.VILLAGE
    assert can_write_unit(an_vien_officer, village) and not can_write_commune(an_vien_officer, village)
    # an old commune absorbed in 2025: its own officer still writes its figures, but it gets no new records
    assert can_write_unit(nga_dien_officer, nga_dien) and not can_write_commune(nga_dien_officer, nga_dien)
    an_vien_officer.is_active = False
    assert not can_write_commune(an_vien_officer, an_vien)
