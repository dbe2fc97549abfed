"""The census pages read a bounded number of queries whatever the number of households (two sizes each)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from xaso.census.services import household_submit
from xaso.teams.services import member_save, team_save

from .conftest import person, record

pytestmark = pytest.mark.django_db


@pytest.fixture(params=[3, 30])
def households(request, census_catalog, an_vien_villages, an_vien_officer):
    village = an_vien_villages[0]
    team = team_save(user=an_vien_officer, village=village, name="Tổ")
    for n in range(request.param // 3 + 1):
        member_save(user=an_vien_officer, team=team, full_name=f"Thành viên {n}")
    uids = [
        household_submit(user=an_vien_officer, record=record(village, head_name=f"Hộ {n}",
                                                             members=[person(1980), person(2010)])).uid
        for n in range(request.param)
    ]  # fmt: skip
    return village, uids


def test_pages_query_counts_do_not_grow(client, households, an_vien, an_vien_officer, django_assert_max_num_queries):
    village, uids = households
    client.force_login(an_vien_officer)
    pages = {
        reverse("census:progress", kwargs={"code": an_vien.code}): 16,
        reverse("census:village", kwargs={"code": village.code}): 20,
        reverse("census:household", kwargs={"uid": uids[-1]}): 16,
        reverse("census:household_edit", kwargs={"code": village.code, "uid": uids[-1]}): 16,
        reverse("teams:overview", kwargs={"code": an_vien.code}): 12,
        reverse("teams:team", kwargs={"code": village.code}): 16,
    }
    for url, most in pages.items():
        with django_assert_max_num_queries(most):
            assert client.get(url).status_code == 200
