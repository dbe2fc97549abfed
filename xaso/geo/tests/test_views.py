"""The villages screen: a commune lists, adds and renames its villages; nobody else can."""

from __future__ import annotations

import pytest
from django.urls import reverse

from xaso.geo.models import AdminUnit, Level
from xaso.geo.services import village_create

pytestmark = pytest.mark.django_db


def villages_of(commune) -> list[str]:
    return list(
        AdminUnit.objects.filter(parent=commune, level=Level.VILLAGE).order_by("code").values_list("name", flat=True)
    )


def test_officer_adds_a_village_and_sees_it_listed(client, nga_dien, nga_dien_officer):
    client.force_login(nga_dien_officer)
    url = reverse("geo:villages", args=[nga_dien.code])
    response = client.post(url, {"name": "  Thôn   Trung Điền ", "division_type": "thôn"})
    assert response.status_code == 302 and response.url == url
    assert villages_of(nga_dien) == ["Thôn Trung Điền"]
    village = AdminUnit.objects.get(name="Thôn Trung Điền")
    assert village.code == "legacy:16150-001" and village.division_type == "thôn"
    page = client.get(url).content.decode()
    assert "Đã thêm Thôn Trung Điền." in page and 'value="Thôn Trung Điền"' in page
    assert f'href="/data/entry/?unit={village.code.replace(":", "%3A")}"' in page


def test_duplicate_village_name_is_refused_whatever_the_case(client, an_vien, an_vien_officer):
    village_create(commune=an_vien, name="Ấp 1", user=an_vien_officer)
    client.force_login(an_vien_officer)
    response = client.post(reverse("geo:villages", args=[an_vien.code]), {"name": "ấp 1", "division_type": "ấp"})
    assert response.status_code == 400
    assert "Xã An Viễn đã có thôn/ấp tên “ấp 1”." in response.content.decode()
    assert villages_of(an_vien) == ["Ấp 1"]


def test_blank_village_name_is_refused(client, an_vien, an_vien_officer):
    client.force_login(an_vien_officer)
    response = client.post(reverse("geo:villages", args=[an_vien.code]), {"name": "   ", "division_type": "ấp"})
    assert response.status_code == 400 and villages_of(an_vien) == []


def test_officer_renames_a_village(client, an_vien, an_vien_officer):
    village = village_create(commune=an_vien, name="Ấp 1", user=an_vien_officer)
    client.force_login(an_vien_officer)
    url = reverse("geo:village_rename", args=[an_vien.code, village.code])
    response = client.post(url, {"name": "Ấp Bến Sắn"})
    assert response.status_code == 302
    assert villages_of(an_vien) == ["Ấp Bến Sắn"]
    assert "Đã đổi tên Ấp 1 thành Ấp Bến Sắn." in client.get(response.url).content.decode()


def test_rename_to_a_sibling_name_is_refused_and_changes_nothing(client, an_vien, an_vien_officer):
    first = village_create(commune=an_vien, name="Ấp 1", user=an_vien_officer)
    village_create(commune=an_vien, name="Ấp 2", user=an_vien_officer)
    client.force_login(an_vien_officer)
    response = client.post(reverse("geo:village_rename", args=[an_vien.code, first.code]), {"name": "ấp 2"})
    assert response.status_code == 400
    assert "Xã An Viễn đã có thôn/ấp tên “ấp 2”." in response.content.decode()
    assert villages_of(an_vien) == ["Ấp 1", "Ấp 2"]
    # a village may keep its own name with another case
    response = client.post(reverse("geo:village_rename", args=[an_vien.code, first.code]), {"name": "ẤP 1"})
    assert response.status_code == 302 and villages_of(an_vien) == ["ẤP 1", "Ấp 2"]


def test_other_communes_officer_can_neither_see_nor_change_villages(client, an_vien, an_vien_officer, nga_dien_officer):
    village = village_create(commune=an_vien, name="Ấp 1", user=an_vien_officer)
    client.force_login(nga_dien_officer)
    assert client.get(reverse("geo:villages", args=[an_vien.code])).status_code == 404
    assert client.post(reverse("geo:villages", args=[an_vien.code]), {"name": "Ấp 9"}).status_code == 404
    url = reverse("geo:village_rename", args=[an_vien.code, village.code])
    assert client.post(url, {"name": "Ấp X"}).status_code == 404
    assert villages_of(an_vien) == ["Ấp 1"]


def test_analyst_reads_the_list_but_cannot_add_or_rename(client, an_vien, an_vien_officer, province_analyst):
    village = village_create(commune=an_vien, name="Ấp 1", user=an_vien_officer)
    client.force_login(province_analyst)
    page = client.get(reverse("geo:villages", args=[an_vien.code])).content.decode()
    assert "Ấp 1" in page and "Thêm thôn/ấp" not in page and "Đổi tên" not in page
    assert client.post(reverse("geo:villages", args=[an_vien.code]), {"name": "Ấp 2"}).status_code == 403
    url = reverse("geo:village_rename", args=[an_vien.code, village.code])
    assert client.post(url, {"name": "Ấp X"}).status_code == 403
    assert villages_of(an_vien) == ["Ấp 1"]


def test_villages_screen_is_for_communes_only(client, dong_nai, an_vien, administrator):
    client.force_login(administrator)
    assert client.get(reverse("geo:villages", args=[dong_nai.code])).status_code == 404
    assert client.get(reverse("geo:villages", args=[an_vien.code])).status_code == 200
