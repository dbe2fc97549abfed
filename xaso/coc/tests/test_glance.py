"""A commune's plans at a glance (`commune_plan_summary`): targets per pillar and status, late and due tasks, data
gaps; counted on the demo data (seed 004's An Viễn 2026 plan, seed 003's Nga Điền 2024 plan) by hand."""

from __future__ import annotations

from datetime import date

import pytest
from django.core.management import call_command
from django.urls import reverse

from xaso.accounts.models import User
from xaso.coc.selectors import STATUS_ORDER, commune_plan_summary, counted_status
from xaso.core.testing import wipe_committed_data
from xaso.geo.models import AdminUnit
from xaso.indicators.tests.conftest import write
from xaso.plans import services as plan_services
from xaso.plans.models import Plan, PlanStatus
from xaso.plans.status import NO_DATA, UNKNOWN
from xaso.plans.tests.factories import plan_in_execution

pytestmark = pytest.mark.django_db

#: the day the demo counts below are computed for: 336 of the 364 days from 1 January to 31 December 2026 elapsed
TODAY = date(2026, 12, 3)


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        for command in ("load_units", "load_catalog", "load_demo"):
            call_command(command, stdout=open("/dev/null", "w"))  # noqa: SIM115
        yield User.objects.get(username="anvien"), User.objects.get(username="ngadien")
        wipe_committed_data()


def counts(summary) -> dict[str, tuple[int, ...]]:
    return {p.area: tuple(p.counts[s] for s in STATUS_ORDER) for p in summary.pillars}


def test_an_vien_2026_targets_per_pillar_and_status(demo):
    """Seed 004's 53 targets (horizons 2026, 2030, 2045) judged on the demo's 2025 sample figures, without baselines
    (start 0 on 1 January 2026): elapsed = 336 / 364 = 0,923 for a 2026 target, 0,184 for 2030, 0,046 for 2045.

    - Tỷ lệ hồ sơ trực tuyến ≥ 85% (2026): 77,2% → progress 0,908 ≥ 0,923 − 0,15: at risk; the same figure is on
      track for ≥ 95% by 2030 (0,812 ≥ 0,184) and ≥ 100% by 2045.
    - Tỷ lệ văn bản đi điện tử ≥ 100% (2026): 99,5% → 0,995 ≥ 0,923: on track.
    - Tỷ lệ người trưởng thành có chữ ký số ≥ 10% (2026): 6,99% → 0,699 < 0,773: off track.
    - Tỷ lệ tiếp cận dịch vụ số (2030, 2045), chi ngân sách KH-CN (2030), phủ sóng 6G (2045), sử dụng dịch vụ số
      thường xuyên (2045): no figure in the demo → no data.
    Columns: achieved, on track, at risk, off track, no data.
    """
    officer, _ = demo
    an_vien = AdminUnit.objects.get(code="26296")
    summary = commune_plan_summary(user=officer, unit=an_vien, today=TODAY)
    assert counts(summary) == {
        "government": (0, 14, 6, 0, 0),
        "economy": (0, 2, 1, 0, 0),
        "society": (0, 5, 1, 1, 3),
        "institutions": (0, 0, 0, 0, 1),
        "infrastructure": (0, 2, 1, 1, 1),
        "human_resources": (0, 3, 0, 1, 0),
        "platforms": (0, 4, 1, 0, 0),
        "data": (0, 4, 0, 1, 0),
    }
    assert summary.totals == {"achieved": 0, "on_track": 34, "at_risk": 10, "off_track": 4, "no_data": 5}
    assert summary.target_count == 53
    assert [p.label for p in summary.pillars][:3] == ["Chính quyền số", "Kinh tế số", "Xã hội số"]
    # the five targets without a figure name four indicators, each once, with their horizons
    gaps = {g.indicator.code: g.horizons for g in summary.gaps}
    assert gaps == {
        "adults_digital_services_access_rate": [2030, 2045],
        "adults_digital_services_regular_rate": [2045],
        "st_budget_execution_rate": [2030],
        "population_6g_coverage_rate": [2045],
    }
    # under its pillar, what needs attention first: off track, at risk, no data, then on track
    society = next(p for p in summary.pillars if p.area == "society")
    assert [p.status.code for p in society.progress] == ["off_track", "at_risk"] + ["no_data"] * 3 + ["on_track"] * 5
    # the chart draws the same counts as the table, one dataset per status in the documents' colours
    chart = summary.chart()
    assert chart["labels"][:3] == ["Chính quyền số", "Kinh tế số", "Xã hội số"]
    assert [d["status"] for d in chart["datasets"]] == list(STATUS_ORDER)
    assert chart["datasets"][2]["data"] == [6, 1, 1, 0, 1, 0, 1, 0]  # at risk, per pillar
    assert chart["datasets"][2]["color"] == "#e0a000"
    # recurring tasks due by 31 December 2026 (monthly, quarterly, yearly), none with a passed date
    assert summary.late == [] and len(summary.due) == 14
    assert {t.next_due for t in summary.due} == {date(2026, 12, 31)}


def test_an_vien_in_june_is_mostly_on_track(demo):
    """Half-way through 2026 (elapsed 180 / 364 = 0,495): the 2026 targets at 65–99% of the way are on track (5G
    coverage ≥ 60% at 45,0%: progress 0,750 ≥ 0,495; digital signatures ≥ 10% at 6,99%: 0,699); the one target at
    risk is gigabit access ≥ 85% by 2030 at 5,0% (progress 0,059, elapsed 0,099 for a 2030 horizon: within 15
    points, not on track)."""
    officer, _ = demo
    summary = commune_plan_summary(user=officer, unit=AdminUnit.objects.get(code="26296"), today=date(2026, 6, 30))
    assert summary.totals == {"achieved": 0, "on_track": 47, "at_risk": 1, "off_track": 0, "no_data": 5}
    [at_risk] = [p for pillar in summary.pillars for p in pillar.progress if p.status.code == "at_risk"]
    assert at_risk.target.indicator.code == "gigabit_broadband_access_rate"


def test_nga_dien_2024_plan_seen_in_2026(demo):
    """Seed 003's 2024 plan, horizon passed: judged on 2024's figure, else 2023's (seed 003, Part 1).

    - 01 video-conference system in 2023 (≥ 1): achieved.
    - OCOP products sold online: 0 of 1 in 2023 (≥ 100%): off track; households on fibre in 2024, from the five
      sample villages: 1.516 / 1.978 = 76,6% (< 100%): off track; with a smart device 1.816 / 1.978 = 91,8%: off
      track.
    - Everything else has no counted figure.
    """
    _, officer = demo
    nga_dien = AdminUnit.objects.get(code="legacy:16150")
    summary = commune_plan_summary(user=officer, unit=nga_dien, today=TODAY)
    assert summary.totals["achieved"] == 1 and summary.totals["off_track"] == 3
    assert summary.target_count == 40
    assert counts(summary)["infrastructure"] == (1, 0, 0, 1, 5)
    # overdue: the tasks with a date before today that are not done, oldest deadline first
    assert [t.due_date < TODAY for t in summary.late] == [True, True]
    assert summary.late == sorted(summary.late, key=lambda t: t.due_date)


def test_a_status_that_could_not_be_computed_counts_as_no_data():
    assert counted_status(UNKNOWN) == NO_DATA
    assert [counted_status(s) for s in STATUS_ORDER] == list(STATUS_ORDER)


def test_another_commune_cannot_read_the_summary(demo):
    officer, _ = demo
    with pytest.raises(Exception, match="không có quyền"):
        commune_plan_summary(user=officer, unit=AdminUnit.objects.get(code="legacy:16150"), today=TODAY)


# --- the page ----------------------------------------------------------------------------------------------------

GLANCE_PAGE_QUERIES = 18  # 17 measured: the indicators and the plans at a glance (plans, targets, figures, tasks)


def test_commune_page_queries_do_not_grow_with_targets_or_tasks(
    client, django_assert_max_num_queries, catalog, an_vien, an_vien_officer
):
    write(an_vien_officer, an_vien, "2025", households_total=8560, households_fibre=6420, camera_points=64)
    plan = plan_in_execution(an_vien, an_vien_officer, [(catalog["fibre"], 80)])
    url = reverse("coc:unit", args=["26296"])
    client.force_login(an_vien_officer)

    def page_queries() -> int:
        with django_assert_max_num_queries(GLANCE_PAGE_QUERIES) as queries:
            response = client.get(url)
        assert response.status_code == 200
        return len(queries)

    client.get(url)  # the first visit creates the judged years' periods; measure the visits after it
    small = page_queries()
    Plan.objects.filter(pk=plan.pk).update(status=PlanStatus.DRAFT)  # editable again for the test's additions
    for year in (2027, 2030):  # more targets on more pillars and horizons, more tasks late and due
        for key in ("fibre", "smartphone", "online", "cameras"):
            plan_services.target_save(user=an_vien_officer, plan=plan, indicator=catalog[key], value=90,
                                      horizon_year=year)  # fmt: skip
    for n in range(12):
        plan_services.task_save(user=an_vien_officer, plan=plan, area="government", title=f"Nhiệm vụ {n}",
                                timeframe_kind="date", due_date=date(2026, 1 + n % 12, 1))  # fmt: skip
    Plan.objects.filter(pk=plan.pk).update(status=PlanStatus.IN_EXECUTION)
    large = page_queries()
    assert small == large
    summary = client.get(url).context["plan"]
    assert summary.target_count == 9


def test_commune_page_first_screen_links_tasks_and_targets_to_their_rows(client, catalog, an_vien, an_vien_officer):
    write(an_vien_officer, an_vien, "2025", households_total=8560, households_fibre=6420)
    plan = plan_services.plan_create_from_template(user=an_vien_officer, unit=an_vien, year=2026)
    for key, value in (("fibre", 80), ("online", 85)):
        plan_services.target_save(user=an_vien_officer, plan=plan, indicator=catalog[key], value=value,
                                  horizon_year=2026)  # fmt: skip
    task = plan_services.task_save(user=an_vien_officer, plan=plan, area="infrastructure", title="Phủ cáp quang",
                                   timeframe_kind="date", due_date=date(2026, 1, 31))  # fmt: skip
    Plan.objects.filter(pk=plan.pk).update(status=PlanStatus.IN_EXECUTION)
    client.force_login(an_vien_officer)
    page = client.get(reverse("coc:unit", args=["26296"])).content.decode()
    plan_url = reverse("plans:detail", args=[plan.pk])
    fibre = plan.targets.get(indicator=catalog["fibre"])
    online = plan.targets.get(indicator=catalog["online"])
    assert f'href="{plan_url}#task-{task.pk}">Phủ cáp quang</a>' in page  # overdue since 31/01/2026
    assert f'href="{plan_url}#target-{fibre.pk}">Tỷ lệ hộ có cáp quang</a>' in page  # the pillar's list
    assert f'href="{plan_url}#target-{online.pk}">Tỷ lệ hồ sơ trực tuyến</a>' in page  # a data gap
    assert 'id="plan-status-table"' in page and 'data-kind="status"' in page  # the chart and its table
    plan_page = client.get(plan_url).content.decode()
    assert f'id="task-{task.pk}"' in plan_page and f'id="target-{fibre.pk}"' in plan_page
