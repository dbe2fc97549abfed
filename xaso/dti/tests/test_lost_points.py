"""Where the commune lost points and which targets and tasks of its plan would gain them back.

An Viễn 2025 (test_assessment): A1 fibre 70,6% on thresholds [[50, 0,5], [80, 1]] → 10 of 20, full marks from 80;
A2 smartphone 70% linear 50 → 90 → 10 of 20, full marks at 90. The plan in force targets fibre ≥ 85 by 2026 →
20 → gains 10, and smartphone ≥ 80 → (80 − 50) / 40 = 0,75 → 15 → gains 5. A replaced plan, a closed plan and
Trị An's plan are not offered."""

import pytest
from django.urls import reverse

from xaso.dti.selectors import lost_points
from xaso.dti.tests.test_assessment import an_vien_2025
from xaso.indicators.models import Indicator
from xaso.plans.models import Plan, PlanStatus, Target, Task

pytestmark = pytest.mark.django_db


def plan(unit, title, **extra):
    return Plan.objects.create(unit=unit, title=title, year_from=2025, year_to=2026, **extra)


def target(p, code, value):
    return Target.objects.create(plan=p, indicator=Indicator.objects.get(code=code), value=value, horizon_year=2026)


def test_each_lost_criterion_lists_the_plan_targets_and_tasks_that_gain_its_points(
    client, index, an_vien, tri_an, an_vien_officer
):
    a = an_vien_2025(index, an_vien, an_vien_officer)
    current = plan(an_vien, "Kế hoạch chuyển đổi số 2025–2026", status=PlanStatus.IN_EXECUTION)
    fibre = target(current, "households_fibre_rate", 85)
    target(current, "adults_smartphone_rate", 80)
    task = Task.objects.create(plan=current, area="society", title="Kéo cáp quang đến thôn 5 và thôn 7")
    task.targets.add(fibre)
    old = plan(an_vien, "Kế hoạch cũ")
    current.supersedes = old
    current.save(update_fields=["supersedes"])
    target(old, "households_fibre_rate", 99)
    target(plan(an_vien, "Kế hoạch đã tổng kết", status=PlanStatus.CLOSED), "households_fibre_rate", 98)
    target(plan(tri_an, "Kế hoạch của Trị An"), "households_fibre_rate", 97)

    lost = {x.criterion.code: x for x in lost_points(user=an_vien_officer, assessment=a)}
    a1, a2 = lost["A1"], lost["A2"]
    assert (a1.lost, a1.full_marks, [(t.value, t.gain) for t in a1.targets]) == (10, ("≥", 80.0), [(85, 10)])
    assert (a2.lost, a2.full_marks, [(t.value, t.gain) for t in a2.targets]) == (10, ("≥", 90.0), [(80, 5)])
    assert [t.title for t in a1.targets[0].tasks.all()] == ["Kéo cáp quang đến thôn 5 và thôn 7"]
    assert lost["B1"].targets == [] and lost["B1"].full_marks is None  # hand-assessed: no indicator

    client.force_login(an_vien_officer)
    page = client.get(reverse("dti:assessment", args=[a.pk])).content.decode()
    assert f'href="/plans/{current.pk}/#task-{task.pk}"' in page
    assert "đạt chỉ tiêu thì được thêm 10 điểm" in page and "đạt chỉ tiêu thì được thêm 5 điểm" in page
    assert "Để đủ điểm, chỉ số cần ≥ 80" in page
    assert "Kế hoạch cũ" not in page and "Kế hoạch đã tổng kết" not in page and "Trị An" not in page
