"""Every write on a plan's rows is authorised against the row as stored (issue 9, class 1).

The request used to name the plan a write was checked against: an officer sent `plan` = a draft of their own with
the id of a target of an approved plan, or of another commune's plan, and the row changed. The services now check
the plan that owns the row in the database; naming another plan is a move, which is refused.
"""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from rest_framework.test import APIClient

from xaso.plans import services
from xaso.plans.models import BudgetLine, Plan, PlanStatus, Target, Task

pytestmark = pytest.mark.django_db


def api(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


@pytest.fixture
def own_draft(an_vien, an_vien_officer):
    return services.plan_create_from_template(user=an_vien_officer, unit=an_vien, year=2027)


@pytest.fixture
def approved(an_vien, an_vien_officer, catalog):
    plan = services.plan_create_from_template(user=an_vien_officer, unit=an_vien, year=2026)
    services.target_save(user=an_vien_officer, plan=plan, indicator=catalog["online"], value=85, horizon_year=2026)
    services.task_save(user=an_vien_officer, plan=plan, area="government", title="Số hóa hồ sơ")
    services.budget_line_save(user=an_vien_officer, plan=plan, area="government", item="Chữ ký số", alloc_self=5)
    Plan.objects.filter(pk=plan.pk).update(status=PlanStatus.APPROVED)
    return plan


@pytest.fixture
def other_draft(tri_an, tri_an_officer, catalog):
    plan = services.plan_create_from_template(user=tri_an_officer, unit=tri_an, year=2026)
    services.target_save(user=tri_an_officer, plan=plan, indicator=catalog["online"], value=70, horizon_year=2026)
    return plan


def test_api_refuses_a_change_to_an_approved_plans_target_that_names_a_draft(approved, own_draft, an_vien_officer):
    target = approved.targets.get()
    response = api(an_vien_officer).patch(
        f"/api/v1/targets/{target.id}/", {"plan": own_draft.id, "value": 10}, format="json"
    )
    assert response.status_code == 400
    assert "chỉ đọc" in str(response.json())
    assert Target.objects.get(pk=target.pk).value == 85


@pytest.mark.parametrize(("endpoint", "model", "field", "value"), [
    ("budget-lines", BudgetLine, "alloc_self", 7), ("tasks", Task, "title", "Đã sửa"),
])  # fmt: skip
def test_api_refuses_approved_children_whatever_plan_the_body_names(
    approved, own_draft, an_vien_officer, endpoint, model, field, value
):
    row = model.objects.get(plan=approved)
    before = getattr(row, field)
    response = api(an_vien_officer).patch(
        f"/api/v1/{endpoint}/{row.id}/", {"plan": own_draft.id, field: value}, format="json"
    )
    assert response.status_code == 400
    row.refresh_from_db()
    assert (getattr(row, field), row.plan_id) == (before, approved.id)


def test_moving_a_draft_target_to_another_own_draft_is_refused_on_the_field_plan(
    own_draft, an_vien, an_vien_officer, catalog
):
    second = services.plan_create_from_template(user=an_vien_officer, unit=an_vien, year=2028)
    target = services.target_save(
        user=an_vien_officer, plan=own_draft, indicator=catalog["fibre"], value=80, horizon_year=2028
    )
    response = api(an_vien_officer).patch(f"/api/v1/targets/{target.id}/", {"plan": second.id}, format="json")
    assert response.status_code == 400
    assert "Không chuyển chỉ tiêu sang kế hoạch khác" in response.json()["errors"]["plan"][0]["message"]
    assert Target.objects.get(pk=target.pk).plan_id == own_draft.id
    # naming the plan the row already belongs to is no move: PUT sends it with every field
    same = api(an_vien_officer).patch(f"/api/v1/targets/{target.id}/", {"plan": own_draft.id, "value": 81},
                                      format="json")  # fmt: skip
    assert same.status_code == 200, same.json()
    assert Target.objects.get(pk=target.pk).value == 81


def test_another_communes_plan_named_in_the_body_reads_as_missing(other_draft, own_draft, an_vien_officer):
    response = api(an_vien_officer).post(
        "/api/v1/budget-lines/", {"plan": other_draft.id, "area": "government", "item": "Lén"}, format="json"
    )
    assert response.status_code == 400
    assert "plan" in response.json()["errors"]
    assert not other_draft.budget_lines.exists()


def test_a_task_links_only_targets_of_its_own_plan(own_draft, other_draft, an_vien_officer, catalog):
    task = services.task_save(user=an_vien_officer, plan=own_draft, area="government", title="Tuyên truyền")
    foreign = other_draft.targets.get()
    # through the API another commune's target does not exist for this user
    response = api(an_vien_officer).patch(f"/api/v1/tasks/{task.id}/", {"targets": [foreign.id]}, format="json")
    assert response.status_code == 400 and "targets" in response.json()["errors"]
    # through the service, a target of another plan is refused even when the caller could read it
    with pytest.raises(ValidationError, match="cùng kế hoạch"):
        services.task_save(user=an_vien_officer, task=task, targets=[foreign])
    assert not task.targets.exists()


def test_the_service_checks_the_stored_owner_not_the_object_in_memory(approved, own_draft, an_vien_officer):
    target = approved.targets.get()
    target.plan = own_draft  # as a form or serializer might have set it
    with pytest.raises(ValidationError, match="chỉ đọc"):
        services.target_save(user=an_vien_officer, target=target, value=1)
    with pytest.raises(ValidationError, match="chỉ đọc"):
        services.plan_child_delete(user=an_vien_officer, obj=target)
    assert Target.objects.get(pk=target.pk).value == 85


def test_a_plan_edited_in_memory_is_judged_as_stored(approved, an_vien_officer):
    approved.status = PlanStatus.DRAFT  # a bound form or a stale object: the database says approved
    with pytest.raises(ValidationError, match="chỉ đọc"):
        services.plan_sections_save(user=an_vien_officer, plan=approved, title="Đổi tên")
    assert Plan.objects.get(pk=approved.pk).title != "Đổi tên"


def test_plan_sections_take_only_the_sections(own_draft, an_vien_officer, tri_an):
    with pytest.raises(TypeError):
        services.plan_sections_save(user=an_vien_officer, plan=own_draft, status=PlanStatus.APPROVED)
    with pytest.raises(TypeError):
        services.plan_sections_save(user=an_vien_officer, plan=own_draft, unit=tri_an)
    with pytest.raises(TypeError):
        services.budget_line_save(user=an_vien_officer, plan=own_draft, plan_id=own_draft.id, item="x")


def test_a_task_update_is_written_only_by_who_writes_the_tasks_plan(other_draft, an_vien_officer, tri_an_officer):
    task = services.task_save(user=tri_an_officer, plan=other_draft, area="government", title="Tri An")
    with pytest.raises(PermissionDenied):
        services.task_update_add(task=task, user=an_vien_officer, on="2026-03-01", percent_done=10, text="x")
    response = api(an_vien_officer).post(
        "/api/v1/task-updates/", {"task": task.id, "on": "2026-03-01", "percent_done": 10, "text": "x"}, format="json"
    )
    assert response.status_code == 400 and "task" in response.json()["errors"]
    assert not task.updates.exists()


def test_a_closed_plan_takes_no_more_task_progress(an_vien, an_vien_officer):
    """Once the year-end evaluation is written (closed), the plan's task progress is history: a late update through
    the service, the API or the page is refused in Vietnamese and nothing changes."""
    from datetime import date

    from django.test import Client
    from django.urls import reverse

    plan = services.plan_create_from_template(user=an_vien_officer, unit=an_vien, year=2026)
    task = services.task_save(user=an_vien_officer, plan=plan, area="government", title="Số hóa hồ sơ")
    Plan.objects.filter(pk=plan.pk).update(status=PlanStatus.IN_EXECUTION)
    services.task_update_add(task=task, user=an_vien_officer, on=date(2026, 6, 1), percent_done=40, text="Đã làm")
    services.plan_close(plan=plan, user=an_vien_officer, evaluation="Đạt 1/1 chỉ tiêu.")
    refused = "Kế hoạch “Kế hoạch chuyển đổi số năm 2026 của Xã An Viễn” đã tổng kết: không nhận thêm cập nhật"
    with pytest.raises(ValidationError, match=refused):
        services.task_update_add(task=task, user=an_vien_officer, on=date(2027, 1, 5), percent_done=100, text="Xong")
    response = api(an_vien_officer).post(
        "/api/v1/task-updates/", {"task": task.id, "on": "2027-01-05", "percent_done": 100, "text": "Xong"},
        format="json",
    )  # fmt: skip
    assert response.status_code == 400 and refused in str(response.json())
    web = Client()
    web.force_login(an_vien_officer)
    page = web.post(reverse("plans:task_update_add", args=[plan.pk, task.pk]),
                    {"on": "05/01/2027", "percent_done": 100, "text": "Xong"}, follow=True)  # fmt: skip
    assert refused in page.content.decode()
    assert list(task.updates.values_list("percent_done", flat=True)) == [40]
    task.refresh_from_db()
    assert task.status == "in_progress"
