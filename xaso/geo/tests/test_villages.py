from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from xaso.geo.models import AdminUnit
from xaso.geo.services import village_create, village_rename

pytestmark = pytest.mark.django_db


def test_commune_officer_adds_villages_numbered_under_the_commune(nga_dien, nga_dien_officer):
    first = village_create(commune=nga_dien, name="Thôn Trung Điền", user=nga_dien_officer)
    second = village_create(commune=nga_dien, name="Thôn Đông Điền", user=nga_dien_officer)
    assert (first.code, second.code) == ("legacy:16150-001", "legacy:16150-002")
    assert second.path == "/legacy:38/legacy:401/legacy:16150/legacy:16150-002/"
    assert second.commune == nga_dien and second.province == nga_dien.province
    assert list(AdminUnit.objects.in_subtree(nga_dien).values_list("name", flat=True)) == [
        "Xã Nga Điền", "Thôn Trung Điền", "Thôn Đông Điền"
    ]  # fmt: skip


def test_duplicate_village_name_is_refused(nga_dien, nga_dien_officer):
    village_create(commune=nga_dien, name="Ấp Đông", user=nga_dien_officer)
    with pytest.raises(ValidationError, match="đã có thôn/ấp"):
        village_create(commune=nga_dien, name="ấp đông", user=nga_dien_officer)


def test_officer_cannot_add_villages_to_another_commune(an_vien, nga_dien_officer):
    with pytest.raises(PermissionDenied):
        village_create(commune=an_vien, name="Ấp 1", user=nga_dien_officer)


def test_no_user_means_no_right_to_add_a_village(an_vien, administrator):
    """A call without a user used to skip the rights check; a script names the user it acts as (the demo loader acts
    as the administrator), and an anonymous visitor has no right either."""
    from django.contrib.auth.models import AnonymousUser

    for nobody in (None, AnonymousUser()):
        with pytest.raises(PermissionDenied, match="Bạn không có quyền thêm thôn/ấp cho Xã An Viễn"):
            village_create(commune=an_vien, name="Ấp 1", user=nobody)
    assert not AdminUnit.objects.filter(parent=an_vien).exists()
    assert village_create(commune=an_vien, name="Ấp 1", user=administrator).code == "26296-001"


def test_analyst_reads_but_cannot_rename(an_vien, an_vien_officer, province_analyst):
    village = village_create(commune=an_vien, name="Ấp 1", user=an_vien_officer)
    assert AdminUnit.objects.for_user(province_analyst).filter(pk=village.pk).exists()
    with pytest.raises(PermissionDenied):
        village_rename(village=village, name="Ấp Một", user=province_analyst)
    assert village_rename(village=village, name="Ấp Một", user=an_vien_officer).name == "Ấp Một"


def test_scope_of_each_persona(an_vien, tri_an, nga_dien, an_vien_officer, province_analyst, administrator):
    assert set(AdminUnit.objects.for_user(an_vien_officer)) == {an_vien}
    assert set(AdminUnit.objects.for_user(province_analyst).filter(level="commune")) == {an_vien, tri_an}
    assert AdminUnit.objects.for_user(administrator).filter(pk=nga_dien.pk).exists()


def test_renaming_to_a_sibling_name_is_refused(nga_dien, nga_dien_officer):
    village_create(commune=nga_dien, name="Ấp Đông", user=nga_dien_officer)
    other = village_create(commune=nga_dien, name="Ấp Tây", user=nga_dien_officer)
    with pytest.raises(ValidationError, match="đã có thôn/ấp"):
        village_rename(village=other, name="ẤP ĐÔNG", user=nga_dien_officer)
    assert village_rename(village=other, name="Ấp Tây Mới", user=nga_dien_officer).name == "Ấp Tây Mới"
