"""A plan row stored before the input bounds (an impossible year, a value that is no number, a giant amount)
poisons nothing: every list that shows it still answers for everyone in scope, that row with its derived fields
null / "—", every other row computed as before (docs/rules/target-status.md, "not computed")."""

from __future__ import annotations

from datetime import date

import pytest
from django.test import Client
from rest_framework.test import APIClient

from xaso.indicators.tests.conftest import write
from xaso.plans import services
from xaso.plans.models import BudgetLine, Plan, Target, Task, TaskUpdate
from xaso.plans.selectors import budget_totals, target_progress
from xaso.plans.tests.factories import plan_in_execution

pytestmark = pytest.mark.django_db

BIGINT = 2**63 - 1


@pytest.fixture
def poisoned(catalog, an_vien, an_vien_officer):
    """An Viễn's 2026 plan in execution: a good fibre target (≥ 70%, 6,420 / 8,560 = 75% in 2026: achieved) and
    rows an old database may hold: a target for year 32767, another for year 0 with an infinite value, a task due
    on 31/12/9999, an update dated 01/01/0001, two budget lines at the bigint limit; and a second plan for the
    years 0–32767."""
    write(an_vien_officer, an_vien, "2026", households_total=8560, households_fibre=6420, camera_points=64)
    plan = plan_in_execution(an_vien, an_vien_officer, [(catalog["fibre"], 70)], year=2026)
    good = plan.targets.get()
    far = Target.objects.create(plan=plan, indicator=catalog["cameras"], value=100, horizon_year=32767)
    zero = Target.objects.create(plan=plan, indicator=catalog["online"], value=float("inf"), horizon_year=0,
                                 baseline_date=date(1, 1, 1))  # fmt: skip
    task = Task.objects.create(plan=plan, area="government", title="Nhiệm vụ hạn năm 9999", timeframe_kind="date",
                               due_date=date(9999, 12, 31), start_date=date(1, 1, 1))  # fmt: skip
    Task.objects.create(plan=plan, area="government", title="Định kỳ từ năm 1", timeframe_kind="recurring",
                        recurrence="monthly", start_date=date(1, 1, 1))  # fmt: skip
    TaskUpdate.objects.create(task=task, on=date(1, 1, 1), percent_done=10, text="Cập nhật năm 1")
    for item in ("Dòng 1", "Dòng 2"):
        BudgetLine.objects.create(plan=plan, area="government", item=item, invest_equipment=BIGINT, alloc_self=BIGINT)
    other = Plan.objects.create(unit=an_vien, title="Kế hoạch năm không thể", year_from=0, year_to=32767,
                                status="in_execution")  # fmt: skip
    Target.objects.create(plan=other, indicator=catalog["fibre"], value=80, horizon_year=32767)
    return {"plan": plan, "good": good, "far": far, "zero": zero, "task": task, "other": other}


def test_target_progress_computes_the_good_row_and_leaves_the_bad_ones_uncomputed(poisoned, an_vien_officer):
    targets = list(Target.objects.filter(plan__unit=an_vien_officer.unit).select_related("plan", "indicator"))
    progress = {p.target.id: p for p in target_progress(user=an_vien_officer, targets=targets, today=date(2026, 6, 1))}
    good = progress[poisoned["good"].id]
    assert (good.status.code, round(good.latest, 1), good.period.code) == ("achieved", 75.0, "2026")
    for bad in ("far", "zero"):
        assert progress[poisoned[bad].id].status.code == "unknown"
        assert progress[poisoned[bad].id].status.label == "Không tính được"


def test_targets_api_lists_every_row_with_null_status_for_the_impossible_ones(poisoned, an_vien_officer):
    client = APIClient()
    client.force_authenticate(an_vien_officer)
    response = client.get("/api/v1/targets/")
    assert response.status_code == 200
    rows = {r["id"]: r for r in response.json()["results"]}
    assert len(rows) == 4
    assert rows[poisoned["good"].id]["status"] == "achieved"
    assert rows[poisoned["good"].id]["latest_period"] == "2026"
    for bad in ("far", "zero"):
        assert (rows[poisoned[bad].id]["status"], rows[poisoned[bad].id]["latest"]) == (None, None)
    assert rows[poisoned["zero"].id]["value"] is None  # Infinity is not JSON: sent as null
    detail = client.get(f"/api/v1/targets/{poisoned['far'].id}/")
    assert detail.status_code == 200 and detail.json()["status"] is None


def test_budget_totals_add_amounts_beyond_what_a_database_sum_holds(poisoned):
    totals = budget_totals(poisoned["plan"])
    assert totals.total["invest_equipment"] == 2 * BIGINT
    assert totals.total["alloc_total"] == 2 * BIGINT


@pytest.mark.parametrize(
    "url",
    [
        "/plans/", "/plans/{plan}/", "/plans/{other}/", "/plans/{plan}/edit/", "/plans/{plan}/targets/{far}/",
        "/plans/{plan}/tasks/{task}/", "/", "/coc/unit/26296/", "/coc/unit/26296/?year=2026",
        "/reports/plans/{plan}/plan.docx", "/reports/plans/{other}/plan.docx", "/reports/plans/{plan}/progress/",
        "/reports/plans/{plan}/evaluation/?year=2026", "/reports/plans/{plan}/export/targets.xlsx",
        "/reports/plans/{plan}/export/tasks.xlsx", "/reports/plans/{plan}/export/budget.xlsx",
        "/reports/plans/{other}/progress/", "/reports/plans/{other}/evaluation/",
        "/reports/plans/{other}/evaluation/?year=2026&format=docx", "/reports/plans/{other}/export/targets.xlsx",
        "/coc/unit/26296/?year=²", "/coc/unit/26296/?year=99999999999999999999",
    ],
)  # fmt: skip
def test_pages_open_with_a_stored_impossible_year(poisoned, url, an_vien_officer):
    client = Client()
    client.force_login(an_vien_officer)
    ids = {k: v.id for k, v in poisoned.items()}
    response = client.get(url.format(**ids))
    assert response.status_code in (200, 302), response.status_code


def test_plan_page_shows_the_good_status_and_a_dash_for_the_bad_rows(poisoned, an_vien_officer):
    client = Client()
    client.force_login(an_vien_officer)
    page = client.get(f"/plans/{poisoned['plan'].id}/").content.decode()
    assert "Đã đạt" in page and "Không tính được" in page


@pytest.mark.parametrize(
    "url",
    ["/api/v1/plans/", "/api/v1/plans/{other}/", "/api/v1/targets/?plan={other}", "/api/v1/tasks/",
     "/api/v1/task-updates/", "/api/v1/budget-lines/", "/api/v1/plans/{plan}/document.docx",
     "/api/v1/plans/{other}/document.docx", "/api/v1/plans/{plan}/export/targets.xlsx",
     "/api/v1/plans/{other}/evaluation.docx?year=2026", "/api/v1/plans/{other}/progress-report.docx?period=2026Q1"],
)  # fmt: skip
def test_api_answers_with_a_stored_impossible_year(poisoned, url, an_vien_officer, province_analyst):
    ids = {k: v.id for k, v in poisoned.items()}
    for user in (an_vien_officer, province_analyst):
        client = APIClient()
        client.force_authenticate(user)
        assert client.get(url.format(**ids)).status_code == 200, url


def test_province_scorecard_ranks_with_a_stored_impossible_year(poisoned, province_analyst):
    client = Client()
    client.force_login(province_analyst)
    assert client.get("/coc/province/75/scorecard/").status_code == 200
    assert client.get("/coc/province/75/").status_code == 200


def test_a_new_version_does_not_copy_an_impossible_row_on(poisoned, an_vien_officer):
    plan = poisoned["plan"]
    plan.status = "approved"
    plan.save(update_fields=["status"])
    with pytest.raises(Exception) as refused:
        services.plan_new_version(plan=plan, user=an_vien_officer)
    assert "kế hoạch nguồn" in str(refused.value)
    assert Plan.objects.filter(supersedes=plan).count() == 0


@pytest.mark.parametrize("year", ["²", "32767", "99999999999999999999", "abc", ""])
def test_a_bad_evaluation_year_is_a_400(poisoned, an_vien_officer, year):
    client = APIClient()
    client.force_authenticate(an_vien_officer)
    response = client.get(f"/api/v1/plans/{poisoned['other'].id}/evaluation.docx", {"year": year})
    assert response.status_code == 400 and "year" in response.json()["errors"]


def test_province_scorecard_scores_a_commune_against_an_infinite_target_as_no_data(
    poisoned, catalog, dong_nai, province_analyst, an_vien_officer
):
    """Đồng Nai's 2026 plan: ≥ 70% fibre (An Viễn 75%: attainment 1) and a camera target stored as Infinity
    (attainment 0, not NaN): An Viễn scores (1 + 0) / 2 × 100 = 50.0."""
    from xaso.plans.scorecard import attainment, province_scorecard

    plan = Plan.objects.create(unit=dong_nai, title="Kế hoạch tỉnh", year_from=2026, year_to=2026,
                               status="in_execution")  # fmt: skip
    fibre = Target.objects.create(plan=plan, indicator=catalog["fibre"], value=70, horizon_year=2026)
    cameras = Target.objects.create(plan=plan, indicator=catalog["cameras"], value=float("inf"), horizon_year=2026)
    rows = province_scorecard(user=province_analyst, province=dong_nai, targets=[fibre, cameras],
                              today=date(2026, 6, 1))  # fmt: skip
    assert [(r.unit.code, r.score) for r in rows] == [("26296", 50.0)]
    assert attainment(">=", 70, float("nan")) == 0.0 and attainment(">=", 70, 75) == 1.0
    client = Client()
    client.force_login(province_analyst)
    assert client.get("/coc/province/75/scorecard/").status_code == 200
