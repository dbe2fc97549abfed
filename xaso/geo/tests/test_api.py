"""Units API: read within the user's subtree by official code (legacy codes included); villages added by communes."""

from __future__ import annotations

from datetime import date

import pytest
from rest_framework.test import APIClient

from xaso.geo.models import AdminUnit, Level, UnitSuccession

pytestmark = pytest.mark.django_db


def api(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def codes(response) -> list[str]:
    assert response.status_code == 200, response.json()
    return [u["code"] for u in response.json()["results"]]


def test_officer_lists_only_their_commune_and_its_villages(an_vien, tri_an, nga_dien, an_vien_officer):
    api(an_vien_officer).post("/api/v1/units/26296/villages/", {"name": "Ấp 1"}, format="json")
    assert codes(api(an_vien_officer).get("/api/v1/units/")) == ["26296", "26296-001"]


def test_analyst_lists_the_province_and_filters_it(an_vien, tri_an, nga_dien, province_analyst):
    client = api(province_analyst)
    assert codes(client.get("/api/v1/units/")) == ["75", "26170", "26296"]
    assert codes(client.get("/api/v1/units/", {"level": "commune"})) == ["26170", "26296"]
    assert codes(client.get("/api/v1/units/", {"parent": "75", "q": "an viễn"})) == ["26296"]
    assert codes(client.get("/api/v1/units/", {"is_legacy": "true"})) == []


def test_bad_filter_value_is_a_field_level_400(an_vien, province_analyst):
    response = api(province_analyst).get("/api/v1/units/", {"level": "hamlet"})
    assert response.status_code == 400
    assert response.json()["code"] == "invalid"
    assert list(response.json()["errors"]) == ["level"]


def test_legacy_unit_by_its_colon_code_with_path_and_successor(nga_dien, an_vien, nga_dien_officer, administrator):
    UnitSuccession.objects.create(old_unit=nga_dien, new_unit=an_vien, effective_date=date(2025, 7, 1),
                                  data_version="test")  # fmt: skip
    response = api(nga_dien_officer).get("/api/v1/units/legacy:16150/")
    assert response.status_code == 200
    body = response.json()
    assert body["name"] == "Xã Nga Điền"
    assert body["parent"] == "legacy:401"
    assert body["path"] == ["legacy:38", "legacy:401", "legacy:16150"]
    assert (body["successors"], body["predecessors"], body["is_legacy"]) == (["26296"], [], True)
    # the same, percent-encoded as a careful client sends it
    assert api(nga_dien_officer).get("/api/v1/units/legacy%3A16150/").json()["code"] == "legacy:16150"
    assert api(administrator).get("/api/v1/units/26296/").json()["predecessors"] == ["legacy:16150"]


def test_unknown_unit_is_404_and_another_commune_403(an_vien, tri_an, an_vien_officer):
    client = api(an_vien_officer)
    missing = client.get("/api/v1/units/99999/")
    assert missing.status_code == 404
    assert missing.json() == {"detail": "Không có đơn vị hành chính mã “99999”.", "code": "not_found"}
    refused = client.get("/api/v1/units/26170/")
    assert refused.status_code == 403
    assert refused.json()["code"] == "out_of_scope"
    assert "Xã Trị An (26170)" in refused.json()["detail"]


def test_officer_adds_a_village_to_their_legacy_commune(nga_dien, nga_dien_officer):
    response = api(nga_dien_officer).post(
        "/api/v1/units/legacy:16150/villages/", {"name": " Thôn Trung Điền ", "division_type": "thôn"}, format="json"
    )
    assert response.status_code == 201, response.json()
    assert response.json()["code"] == "legacy:16150-001"
    assert response.json()["parent"] == "legacy:16150"
    village = AdminUnit.objects.get(code="legacy:16150-001")
    assert (village.name, village.level, village.commune) == ("Thôn Trung Điền", Level.VILLAGE, nga_dien)


def test_analyst_and_other_communes_cannot_add_villages(an_vien, tri_an_officer, province_analyst):
    analyst = api(province_analyst).post("/api/v1/units/26296/villages/", {"name": "Ấp 1"}, format="json")
    assert analyst.status_code == 403
    assert analyst.json()["code"] == "permission_denied"
    assert "không có quyền thêm thôn/ấp" in analyst.json()["detail"]
    other = api(tri_an_officer).post("/api/v1/units/26296/villages/", {"name": "Ấp 1"}, format="json")
    assert other.status_code == 403
    assert not AdminUnit.objects.filter(level=Level.VILLAGE).exists()


def test_village_errors_are_field_level_and_vietnamese(an_vien, dong_nai, an_vien_officer, administrator):
    client = api(an_vien_officer)
    assert client.post("/api/v1/units/26296/villages/", {"name": "Ấp Bàu Sen"}, format="json").status_code == 201
    duplicate = client.post("/api/v1/units/26296/villages/", {"name": "Ấp bàu sen"}, format="json")
    assert duplicate.status_code == 400
    assert duplicate.json()["errors"]["name"][0]["message"] == "Xã An Viễn đã có thôn/ấp tên “Ấp bàu sen”."
    missing = client.post("/api/v1/units/26296/villages/", {}, format="json")
    assert missing.json()["errors"] == {"name": [{"message": "Trường này là bắt buộc.", "code": "required"}]}
    to_province = api(administrator).post("/api/v1/units/75/villages/", {"name": "Ấp 2"}, format="json")
    assert to_province.status_code == 400
    assert "Chỉ thêm thôn/ấp vào một xã" in to_province.json()["errors"]["non_field_errors"][0]["message"]
