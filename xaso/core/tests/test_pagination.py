"""API pages: 100 rows unless asked, never more than 1,000 whatever the client asks."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from xaso.plans import services

pytestmark = pytest.mark.django_db


@pytest.fixture
def three_plans(an_vien, an_vien_officer):
    return [services.plan_create_from_template(user=an_vien_officer, unit=an_vien, year=y) for y in (2026, 2027, 2028)]


def _page(user, query: str) -> dict:
    client = APIClient()
    client.force_authenticate(user)
    return client.get(f"/api/v1/plans/{query}").json()


def test_a_page_asked_larger_than_the_cap_is_a_400_naming_limit(three_plans, an_vien_officer):
    body = _page(an_vien_officer, "?limit=1001")
    assert body["code"] == "invalid" and list(body["errors"]) == ["limit"]
    assert body["errors"]["limit"][0]["message"] == "Cần một số nguyên từ 1 đến 1000."
    assert (body := _page(an_vien_officer, "?limit=1000"))["count"] == 3 and len(body["results"]) == 3


def test_the_default_page_and_the_cap(three_plans, an_vien_officer):
    from xaso.core.pagination import Pagination

    assert (Pagination.default_limit, Pagination.max_limit) == (100, 1000)
    assert len(_page(an_vien_officer, "?limit=2")["results"]) == 2
    assert len(_page(an_vien_officer, "")["results"]) == 3
