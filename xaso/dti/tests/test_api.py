"""The index API (read-only): index versions with their tree, a province's ranking of a year, a commune's
assessment, each scoped like the screens. Figures of test_assessment: Trị An 74 (A 50, B 24), rank 1; An Viễn
61,4 after the province adjusts B1 to 18 (A 35, B (18 + 15) × 0,8 = 26,4), rank 2."""

import pytest
from drf_spectacular.generators import SchemaGenerator
from rest_framework.test import APIClient

from xaso.conftest import make_user
from xaso.dti.services import assessment_publish, assessment_submit, score_review
from xaso.dti.tests.test_assessment import an_vien_2025, score, tri_an_2025

pytestmark = pytest.mark.django_db


@pytest.fixture
def published(index, an_vien, tri_an, an_vien_officer, tri_an_officer, province_analyst):
    av, ta = an_vien_2025(index, an_vien, an_vien_officer), tri_an_2025(index, tri_an, tri_an_officer)
    for a, officer in ((av, an_vien_officer), (ta, tri_an_officer)):
        assessment_submit(user=officer, assessment=a)
    score_review(user=province_analyst, score=score(av, "B1"), points=18, reason="Chỉ một mô hình")
    for a in (av, ta):
        assessment_publish(user=province_analyst, assessment=a)
    return av, ta


def api(user=None) -> APIClient:
    client = APIClient()
    if user is not None:
        client.force_authenticate(user)
    return client


def test_the_index_tree(index, province_analyst):
    listed = api(province_analyst).get("/api/v1/dti/indexes/").json()
    assert [(i["code"], i["version"], i["province"]) for i in listed["results"]] == [("xa-thu", 1, "75")]
    tree = api(province_analyst).get(f"/api/v1/dti/indexes/{index.pk}/").json()
    assert [(c["code"], c["parent"], c["depth"]) for c in tree["criteria"]][:3] == [
        ("A", None, 0), ("A1", "A", 1), ("A2", "A", 1)]  # fmt: skip
    b1 = next(c for c in tree["criteria"] if c["code"] == "B1")
    assert (b1["points"], b1["factor"], b1["rule_kind"]) == (30, pytest.approx(0.8), "manual")
    a1 = next(c for c in tree["criteria"] if c["code"] == "A1")
    assert (a1["indicator"], a1["params"]["thresholds"]) == ("households_fibre_rate", [[50.0, 0.5], [80.0, 1.0]])
    assert tree["total_points"] == 100 and tree["decision_number"] == "12/QĐ-UBND"


def test_the_provinces_ranking_with_pillars_and_change(published, index, province_analyst):
    body = api(province_analyst).get(f"/api/v1/dti/indexes/{index.pk}/ranking/2025/").json()
    assert body["province"] == {"code": "75", "name": "Thành phố Đồng Nai"} and body["year"] == 2025
    assert [p["code"] for p in body["pillars"]] == ["A", "B"]
    assert [(r["rank"], r["commune"]["name"], r["total"], r["pillars"], r["completed"], r["change"])
            for r in body["rows"]] == [
        (1, "Xã Trị An", 74, {"A": 50, "B": 24}, True, None),
        (2, "Xã An Viễn", 61.4, {"A": 35, "B": 26.4}, False, None),
    ]  # fmt: skip


def test_a_commune_reads_its_own_assessment_with_its_rank_not_the_ranking(
    published,
    index,
    an_vien_officer,
):
    av, ta = published
    body = api(an_vien_officer).get(f"/api/v1/dti/assessments/{av.pk}/").json()
    assert (body["total"], body["pillars"], body["status"]) == (61.4, {"A": 35, "B": 26.4}, "published")
    assert body["position"] == {"rank": 2, "ranked": 2, "change": None, "completed": False}
    b1 = next(s for s in body["scores"] if s["code"] == "B1")
    assert (b1["self_points"], b1["points"], b1["earned"], b1["review_reason"]) == (24, 18, 14.4, "Chỉ một mô hình")
    assert api(an_vien_officer).get(f"/api/v1/dti/assessments/{ta.pk}/").status_code == 404
    listed = api(an_vien_officer).get("/api/v1/dti/assessments/").json()
    assert [a["id"] for a in listed["results"]] == [av.pk]
    assert api(an_vien_officer).get(f"/api/v1/dti/indexes/{index.pk}/ranking/2025/").status_code == 403


def test_another_provinces_analyst_gets_nothing(published, index, thanh_hoa):
    other = make_user("thanh_hoa_analyst", "analyst", thanh_hoa)
    client = api(other)
    assert client.get(f"/api/v1/dti/indexes/{index.pk}/").status_code == 404
    assert client.get(f"/api/v1/dti/indexes/{index.pk}/ranking/2025/").status_code == 404
    assert client.get(f"/api/v1/dti/assessments/{published[0].pk}/").status_code == 404
    assert client.get("/api/v1/dti/indexes/").json()["results"] == []
    assert client.get("/api/v1/dti/assessments/").json()["results"] == []


def test_the_public_gets_nothing(published, index):
    for path in ("/api/v1/dti/indexes/", f"/api/v1/dti/indexes/{index.pk}/",
                 f"/api/v1/dti/indexes/{index.pk}/ranking/2025/", "/api/v1/dti/assessments/",
                 f"/api/v1/dti/assessments/{published[0].pk}/"):  # fmt: skip
        response = api().get(path)
        assert response.status_code in (401, 403), path
        assert "results" not in response.json() and "rows" not in response.json()


def test_a_year_out_of_bounds_is_a_400_naming_the_year(index, province_analyst):
    response = api(province_analyst).get(f"/api/v1/dti/indexes/{index.pk}/ranking/1999/")
    assert response.status_code == 400 and "year" in response.json()["errors"]


def test_the_openapi_schema_shows_the_index_api(db):
    paths = SchemaGenerator().get_schema(request=None, public=True)["paths"]
    for path in ("/api/v1/dti/indexes/", "/api/v1/dti/indexes/{id}/", "/api/v1/dti/indexes/{id}/ranking/{year}/",
                 "/api/v1/dti/assessments/", "/api/v1/dti/assessments/{id}/"):  # fmt: skip
        assert path in paths, path
