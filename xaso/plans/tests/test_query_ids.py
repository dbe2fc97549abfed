"""Ids in query strings and URLs, and the page window (`limit`, `offset`): a 400 or 404 with the usual error
body for anything that is not a positive ASCII integer within bigint, never a 500 (`xaso.core.limits`); the page
window (`limit`, `offset`) is checked by `xaso.core.pagination` and its tests."""

from __future__ import annotations

import pytest
from django.test import Client
from rest_framework.test import APIClient

from xaso.plans import services

pytestmark = pytest.mark.django_db

BAD_IDS = ["abc", "-1", "1e5", "99999999999999999999", "null", "", "0", "١٢", "²", "1.0", " 1"]
LISTS = [("/api/v1/targets/", "plan"), ("/api/v1/tasks/", "plan"), ("/api/v1/budget-lines/", "plan"),
         ("/api/v1/task-updates/", "task")]  # fmt: skip


@pytest.fixture
def officer_api(an_vien, an_vien_officer, catalog):
    plan = services.plan_create_from_template(user=an_vien_officer, unit=an_vien, year=2026)
    services.target_save(user=an_vien_officer, plan=plan, indicator=catalog["cameras"], value=10, horizon_year=2026)
    client = APIClient()
    client.force_authenticate(an_vien_officer)
    client.plan = plan
    return client


@pytest.mark.parametrize("bad", BAD_IDS)
@pytest.mark.parametrize(("url", "param"), LISTS)
def test_a_bad_id_filter_is_a_400_with_the_error_body(officer_api, url, param, bad):
    response = officer_api.get(url, {param: bad})
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "invalid" and param in body["errors"]


@pytest.mark.parametrize(("url", "param"), LISTS)
def test_a_good_id_filter_still_filters(officer_api, url, param):
    assert officer_api.get(url, {param: "9223372036854775807"}).json()["count"] == 0
    if param == "plan":
        expected = 1 if url == "/api/v1/targets/" else 0
        assert officer_api.get(url, {param: str(officer_api.plan.pk)}).json()["count"] == expected


@pytest.mark.parametrize("bad", ["abc", "-1", "1e5", "99999999999999999999", "null", "0", "9223372036854775808"])
@pytest.mark.parametrize("url", ["/api/v1/plans/{}/", "/api/v1/targets/{}/", "/api/v1/tasks/{}/",
                                 "/api/v1/budget-lines/{}/", "/api/v1/task-updates/{}/"])  # fmt: skip
def test_a_bad_detail_id_is_a_404_with_the_error_body(officer_api, url, bad):
    response = officer_api.get(url.format(bad))
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"


@pytest.mark.parametrize("bad", ["99999999999999999999", "9223372036854775808", "0"])
@pytest.mark.parametrize("url", ["/plans/{}/", "/plans/{}/edit/", "/reports/plans/{}/plan.docx",
                                 "/reports/jobs/{}/", "/api/v1/plans/{}/document.docx"])  # fmt: skip
def test_a_huge_id_in_a_page_url_is_a_404(an_vien_officer, url, bad):
    client = Client()
    client.force_login(an_vien_officer)
    assert client.get(url.format(bad)).status_code == 404
