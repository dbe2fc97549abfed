"""A unit's subtree read by the ancestor columns is exactly its materialised path's subtree, through an index."""

from __future__ import annotations

from django.db import connection
from django.test.utils import CaptureQueriesContext

from xaso.geo.models import AdminUnit


def test_subtree_by_ancestor_column_is_the_path_prefix_subtree_at_every_level(
    an_vien, tri_an, nga_dien_villages, nga_dien, nga_son, thanh_hoa_old, nga_an, dong_nai
):
    units = list(AdminUnit.objects.all())
    assert {u.level for u in units} == {"province", "district", "commune", "village"}
    for unit in units:
        by_path = {u.code for u in units if u.path.startswith(unit.path)}
        assert set(AdminUnit.objects.in_subtree(unit).values_list("code", flat=True)) == by_path, unit.code
    assert set(AdminUnit.objects.in_subtree(nga_son).values_list("code", flat=True)) == {
        "legacy:401", "legacy:16150", *(v.code for v in nga_dien_villages)
    }  # fmt: skip
    assert [u.code for u in AdminUnit.objects.in_subtree(nga_dien_villages[0])] == [nga_dien_villages[0].code]


def test_scoped_unit_queries_never_match_the_path_with_like(province_analyst, nga_dien_officer, nga_an_officer):
    for user in (province_analyst, nga_dien_officer, nga_an_officer):
        with CaptureQueriesContext(connection) as captured:
            list(AdminUnit.objects.for_user(user))
        assert captured.captured_queries
        assert not any(" LIKE " in q["sql"].upper() for q in captured.captured_queries), captured.captured_queries
