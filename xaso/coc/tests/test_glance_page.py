"""The operations centre's first screen of a commune: the number of queries does not grow with the plans' targets or
tasks, and every task and target links to its own row of the plan page."""

from __future__ import annotations

from datetime import date

import pytest
from django.urls import reverse

from xaso.indicators.tests.conftest import write
from xaso.plans import services as plan_services
from xaso.plans.models import Plan, PlanStatus
from xaso.plans.tests.factories import plan_in_execution

pytestmark = pytest.mark.django_db

GLANCE_PAGE_QUERIES = 19  # 18 measured: indicators, plans at a glance (plans, targets, figures, tasks), registers


def test_commune_page_queries_do_not_grow_with_targets_or_tasks(
    client, django_assert_max_num_queries, catalog, an_vien, an_vien_officer, fragments_uncached
):
    write(an_vien_officer, an_vien, "2025", households_total=8560, households_fibre=6420, camera_points=64)
    plan = plan_in_execution(an_vien, an_vien_officer, [(catalog["fibre"], 80)])
    url = reverse("coc:unit", args=["26296"])
    client.force_login(an_vien_officer)

    def page_queries() -> int:
        client.get(url)  # the unit is loaded again once after a write to its commune (xaso.geo.hot): count the next
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
