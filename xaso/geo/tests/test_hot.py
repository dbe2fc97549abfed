"""A unit by its code with its page version (xaso/geo/hot.py): the same unit and version as the ORM and
`unit_version` give, one query when nothing changed, never a stale unit after a change that shows on its pages."""

from __future__ import annotations

import pytest

from xaso.conftest import make_unit
from xaso.core.versions import EVERYTHING, unit_version, versions_touch
from xaso.geo import hot
from xaso.geo.models import AdminUnit, Level


def test_the_unit_and_its_version_equal_the_orm_and_unit_version(an_vien, nga_an, nga_dien, nga_dien_villages):
    for unit in (an_vien, nga_an, nga_dien, nga_dien_villages[0]):
        found, version = hot.unit_and_version(unit.code)
        assert found == unit and found.name == unit.name and found.province_id == unit.province_id
        assert version == unit_version(unit) != 0
    found = hot.unit_and_version(nga_dien_villages[0].code)[0]
    assert found.parent.name == "Xã Nga Điền"  # loaded with it: breadcrumbs need no query


def test_an_unknown_code_is_none(db):
    assert hot.unit_and_version("99999") == (None, 0)


def test_a_known_unit_costs_one_query(an_vien, django_assert_num_queries):
    hot.unit_and_version(an_vien.code)
    with django_assert_num_queries(1):
        found, version = hot.unit_and_version(an_vien.code)
    assert found.province.name == "Thành phố Đồng Nai"  # no query: loaded with the unit
    assert version == unit_version(an_vien)


def test_a_unit_renamed_is_read_again(an_vien):
    hot.unit_and_version(an_vien.code)
    an_vien.name = "Xã An Viễn Mới"
    an_vien.save()
    assert hot.unit_and_version(an_vien.code)[0].name == "Xã An Viễn Mới"


def test_a_province_renamed_shows_in_its_communes_breadcrumbs(an_vien, dong_nai):
    hot.unit_and_version(an_vien.code)
    dong_nai.name = "Tỉnh Đồng Nai"
    dong_nai.save()
    assert hot.unit_and_version(an_vien.code)[0].province.name == "Tỉnh Đồng Nai"


def test_a_unit_tree_reloaded_is_read_again(an_vien):
    hot.unit_and_version(an_vien.code)
    AdminUnit.objects.filter(pk=an_vien.pk).update(name="Xã An Viễn (nạp lại)")  # the loader: no signal…
    versions_touch([EVERYTHING])  # …it bumps everything
    assert hot.unit_and_version(an_vien.code)[0].name == "Xã An Viễn (nạp lại)"


def test_a_write_to_the_commune_gives_the_new_version(an_vien):
    before = hot.unit_and_version(an_vien.code)[1]
    versions_touch([an_vien.id])
    after = hot.unit_and_version(an_vien.code)[1]
    assert after != before and after == unit_version(an_vien)
    assert hot.unit_and_version(an_vien.code)[1] == after  # and from the entry kept after the reload


def test_another_communes_write_changes_nothing(an_vien, tri_an, django_assert_num_queries):
    hot.unit_and_version(an_vien.code)
    before = hot.unit_and_version(an_vien.code)[1]
    versions_touch([tri_an.id])
    with django_assert_num_queries(1):
        assert hot.unit_and_version(an_vien.code)[1] == before


def test_the_entries_are_bounded(dong_nai, monkeypatch):
    monkeypatch.setattr(hot, "MAX_ENTRIES", 3)
    codes = [make_unit(f"2610{n}", f"Xã {n}", Level.COMMUNE, dong_nai).code for n in range(5)]
    for code in codes:
        hot.unit_and_version(code)
    assert len(hot._entries) == 3
    assert [key[1] for key in hot._entries] == codes[2:]  # the least recently used went first


@pytest.mark.parametrize("code", ["26296", "x" * 40])
def test_the_page_refuses_what_lies_outside_the_scope(client, an_vien, tri_an_officer, code):
    client.force_login(tri_an_officer)
    assert client.get(f"/coc/unit/{code}/").status_code == 404
    assert client.get(f"/coc/unit/{'9' * 41}/").status_code == 404
