"""The census pages read a bounded number of queries whatever the number of households (two sizes each)."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from xaso.census import questions as q
from xaso.census.figures import census_refresh
from xaso.census.models import Household
from xaso.census.services import household_submit
from xaso.teams.services import member_save, team_save

from .conftest import figures, person, record

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


def _statements(work) -> int:
    """How many statements `work` sends (savepoints aside: the test's own transaction adds them)."""
    with CaptureQueriesContext(connection) as captured:
        work()
    return len([q for q in captured.captured_queries if "SAVEPOINT" not in q["sql"].upper()])


def test_one_households_change_and_a_full_refresh_send_statements_independent_of_size(
    census_catalog, an_vien_villages, an_vien, an_vien_officer
):
    """The bench's aims (issue 14: one household's change < 50 ms, a commune's full re-aggregation < 1 s at 8.500
    households; bench/census_bench.py) rest on this: neither sends a statement per household, person or figure —
    a change counts its village in one statement and writes its figures in one (decision 0052), the full refresh
    counts every village at once. The same numbers with 3 households per village and with 30."""

    def grow(to: int) -> None:
        for village in an_vien_villages:
            for n in range(Household.objects.filter(village=village).count(), to):
                household_submit(user=an_vien_officer, record=record(
                    village, head_name=f"Hộ {n}", fibre=n % 2 == 0, members=[person(1980), person(2010)]))  # fmt: skip

    def change() -> int:
        household = Household.objects.filter(village=an_vien_villages[0]).order_by("-id").first()
        flipped = record(an_vien_villages[0], uid=household.uid, base=household.version, consent=None,
                         fibre=not household.answers.get("fibre"))  # fmt: skip
        flipped["fields"].pop("head_name")
        return _statements(lambda: household_submit(user=an_vien_officer, record=flipped))

    def refresh() -> int:
        for village in an_vien_villages:  # every village's figures change, as in the bench
            household = Household.objects.filter(village=village).order_by("id").first()
            answers = household.answers | {"fibre": not household.answers.get("fibre")}
            Household.objects.filter(pk=household.pk).update(answers=answers, yes_mask=q.yes_mask("household", answers))
        return _statements(lambda: census_refresh(commune=an_vien))

    grow(3)
    small = (change(), refresh())
    grow(30)
    large = (change(), refresh())
    assert small == large
    assert small[0] <= 25  # decision 0052: 39 statements became 25
    assert figures(an_vien_villages[0])["households_total"] == 30
