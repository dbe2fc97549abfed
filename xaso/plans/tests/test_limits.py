"""Plan years, horizons, dates, target values and budget amounts are held to `xaso.core.limits` on every write
path (services, screens, API, loader), each bound tested on both sides of its edge."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from rest_framework.test import APIClient

from xaso.plans import loader, services
from xaso.plans.models import BudgetLine, Plan, Target, Task, TaskUpdate

pytestmark = pytest.mark.django_db


@pytest.fixture
def plan(an_vien, an_vien_officer):
    return services.plan_create_from_template(user=an_vien_officer, unit=an_vien, year=2026)


def api(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


@pytest.mark.parametrize(("year", "accepted"), [(1999, False), (2000, True), (2100, True), (2101, False), (0, False),
                                               (32767, False)])  # fmt: skip
def test_plan_year_bounds_in_the_service_the_api_and_the_form(an_vien, an_vien_officer, client, year, accepted):
    if accepted:
        assert services.plan_create_from_template(user=an_vien_officer, unit=an_vien, year=year).year_from == year
    else:
        with pytest.raises(ValidationError):
            services.plan_create_from_template(user=an_vien_officer, unit=an_vien, year=year)
    Plan.objects.all().delete()
    response = api(an_vien_officer).post("/api/v1/plans/", {"mode": "template", "unit": "26296", "year": year},
                                         format="json")  # fmt: skip
    assert response.status_code == (201 if accepted else 400)
    if not accepted:
        assert "year" in response.json()["errors"]
    Plan.objects.all().delete()
    client.force_login(an_vien_officer)
    page = client.post(reverse("plans:create"), {"mode": "template", "unit": "26296", "year": year})
    assert page.status_code == (302 if accepted else 200)
    assert Plan.objects.exists() is accepted


def test_next_years_plan_after_2100_is_refused(plan, an_vien_officer):
    Plan.objects.filter(pk=plan.pk).update(year_from=2100, year_to=2100)
    plan.refresh_from_db()
    with pytest.raises(ValidationError):
        services.plan_create_from_previous(user=an_vien_officer, previous=plan)


@pytest.mark.parametrize(("year_to", "accepted"), [(2100, True), (2101, False)])
def test_plan_sections_year_bound(plan, an_vien_officer, year_to, accepted):
    response = api(an_vien_officer).patch(f"/api/v1/plans/{plan.pk}/", {"year_to": year_to}, format="json")
    assert response.status_code == (200 if accepted else 400)
    plan.refresh_from_db()
    assert (plan.year_to == year_to) is accepted


@pytest.mark.parametrize(
    ("field", "value", "accepted"),
    [
        ("horizon_year", 2100, True), ("horizon_year", 2101, False), ("horizon_year", 10**400, False),
        ("horizon_year", 1e400, False), ("value", 10**12, True), ("value", 10**12 + 1, False),
        ("value", 1e400, False), ("value", 10**400, False), ("value", -1, False), ("value", 0, True),
        ("value", True, False), ("baseline_value", 10**12, True), ("baseline_value", 10**12 + 1, False),
        ("baseline_date", "2000-01-01", True), ("baseline_date", "1999-12-31", False),
        ("baseline_date", "2100-12-31", True), ("baseline_date", "2101-01-01", False),
    ],
    ids=lambda v: "big" if isinstance(v, int) and not isinstance(v, bool) and v > 10**20 else None,
)  # fmt: skip
def test_target_bounds_through_the_api(plan, an_vien_officer, catalog, field, value, accepted):
    body = {"plan": plan.pk, "indicator": "camera_points", "comparator": ">=", "value": 10, "horizon_year": 2026}
    body[field] = value
    # json.dumps writes 1e400 as Infinity; a client sends the literal, which Python reads as inf
    raw = json.dumps(body).replace("Infinity", "1e400")
    response = api(an_vien_officer).post("/api/v1/targets/", raw, content_type="application/json")
    assert response.status_code == (201 if accepted else 400), response.content
    if not accepted:
        assert field in response.json()["errors"]
    assert Target.objects.exists() is accepted


@pytest.mark.parametrize(("value", "accepted"), [(100, True), (100.5, False)])
def test_a_rate_target_lies_in_0_100(plan, an_vien_officer, catalog, value, accepted):
    if accepted:
        services.target_save(user=an_vien_officer, plan=plan, indicator=catalog["fibre"], value=value,
                             horizon_year=2026)  # fmt: skip
    else:
        with pytest.raises(ValidationError) as refused:
            services.target_save(user=an_vien_officer, plan=plan, indicator=catalog["fibre"], value=value,
                                 horizon_year=2026)  # fmt: skip
        assert "value" in refused.value.message_dict


@pytest.mark.parametrize(("due", "accepted"), [("1999-12-31", False), ("2000-01-01", True), ("2100-12-31", True),
                                              ("2101-01-01", False)])  # fmt: skip
def test_task_due_date_bounds(plan, an_vien_officer, due, accepted):
    response = api(an_vien_officer).post("/api/v1/tasks/", {"plan": plan.pk, "area": "government", "title": "Việc",
                                                            "due_date": due}, format="json")  # fmt: skip
    assert response.status_code == (201 if accepted else 400)
    assert Task.objects.exists() is accepted


@pytest.mark.parametrize(("on", "accepted"), [(date(1999, 12, 31), False), (date(2000, 1, 1), True),
                                             (date(2100, 12, 31), True), (date(2101, 1, 1), False)])  # fmt: skip
def test_task_update_date_bounds(plan, an_vien_officer, on, accepted):
    task = services.task_save(user=an_vien_officer, plan=plan, area="government", title="Việc")
    if accepted:
        services.task_update_add(task=task, user=an_vien_officer, on=on, percent_done=10, text="Đã làm")
    else:
        with pytest.raises(ValidationError) as refused:
            services.task_update_add(task=task, user=an_vien_officer, on=on, percent_done=10, text="Đã làm")
        assert "on" in refused.value.message_dict
    assert TaskUpdate.objects.exists() is accepted


@pytest.mark.parametrize(("issued_on", "accepted"), [("1999-12-31", False), ("2000-01-01", True),
                                                    ("2100-12-31", True), ("2101-01-01", False)])  # fmt: skip
def test_approval_date_bounds(plan, an_vien_officer, an_vien_leader, catalog, issued_on, accepted):
    services.target_save(user=an_vien_officer, plan=plan, indicator=catalog["online"], value=85, horizon_year=2026)
    services.plan_submit(plan=plan, user=an_vien_officer)
    response = api(an_vien_leader).post(f"/api/v1/plans/{plan.pk}/approve/", {
        "number": "30/KH-UBND", "issued_on": issued_on, "signer_name": "Lê B"}, format="json")  # fmt: skip
    assert response.status_code == (200 if accepted else 400)
    plan.refresh_from_db()
    assert (plan.status == "approved") is accepted
    if not accepted:
        with pytest.raises(ValidationError):
            services.plan_approve(plan=plan, user=an_vien_leader, number="1/KH", signer_name="Lê B",
                                  signer_title="", issued_on=date.fromisoformat(issued_on))  # fmt: skip


@pytest.mark.parametrize(("issued_on", "accepted"), [(date(1945, 9, 1), False), (date(1945, 9, 2), True),
                                                    (date(2100, 12, 31), True), (date(2101, 1, 1), False)])  # fmt: skip
def test_legal_basis_date_bounds(plan, an_vien_officer, issued_on, accepted):
    if accepted:
        services.legal_basis_add(user=an_vien_officer, plan=plan, number="1/QĐ", issuer="UBND", title="Quyết định",
                                 issued_on=issued_on)  # fmt: skip
    else:
        with pytest.raises(ValidationError):
            services.legal_basis_add(user=an_vien_officer, plan=plan, number="1/QĐ", issuer="UBND",
                                     title="Quyết định", issued_on=issued_on)  # fmt: skip
    assert plan.legal_bases.exists() is accepted


@pytest.mark.parametrize(("amount", "accepted"), [(10**14, True), (10**14 + 1, False), (0, True), (-1, False),
                                                 (10**400, False), (1e400, False), (True, False)],
                         ids=["max", "max+1", "zero", "negative", "10**400", "1e400", "true"])  # fmt: skip
def test_budget_amount_bounds(plan, an_vien_officer, client, amount, accepted):
    body = json.dumps({"plan": plan.pk, "area": "government", "item": "Chữ ký số", "invest_rented": amount})
    response = api(an_vien_officer).post("/api/v1/budget-lines/", body.replace("Infinity", "1e400"),
                                         content_type="application/json")  # fmt: skip
    assert response.status_code == (201 if accepted else 400), response.content
    if not accepted:
        assert "invest_rented" in response.json()["errors"]
    assert BudgetLine.objects.exists() is accepted
    BudgetLine.objects.all().delete()
    if not isinstance(amount, int) or isinstance(amount, bool) or amount > 10**20:
        return
    client.force_login(an_vien_officer)
    client.post(reverse("plans:budget_add", args=[plan.pk]), {"area": "government", "item": "Chữ ký số",
                **dict.fromkeys(["invest_equipment", "invest_socialised", "running_maintenance", "running_rented",
                                 "alloc_province", "alloc_district", "alloc_commune", "alloc_self"], 0),
                "invest_rented": amount})  # fmt: skip
    assert BudgetLine.objects.exists() is accepted


def test_loader_refuses_an_impossible_year_and_names_the_plan(an_vien, catalog, tmp_path: Path):
    path = tmp_path / "plans.yaml"
    path.write_text(
        "plans:\n  - key: an_vien_9999\n    unit: '26296'\n    title: Kế hoạch lỗi\n    year_from: 9999\n"
        "    targets:\n      - {indicator: camera_points, value: 10, horizon_year: 2026}\n",
        encoding="utf-8",
    )
    with pytest.raises(ValidationError) as refused:
        loader.plans_load(path)
    assert "an_vien_9999" in str(refused.value) and "year_from" in str(refused.value)
    assert not Plan.objects.exists()


def test_loader_refuses_a_target_for_year_32767(an_vien, catalog, tmp_path: Path):
    path = tmp_path / "plans.yaml"
    path.write_text(
        "plans:\n  - key: an_vien_2026\n    unit: '26296'\n    title: Kế hoạch\n    year_from: 2026\n"
        "    targets:\n      - {indicator: camera_points, value: 10, horizon_year: 32767}\n",
        encoding="utf-8",
    )
    with pytest.raises(ValidationError) as refused:
        loader.plans_load(path)
    assert "horizon_year" in str(refused.value)
    assert not Plan.objects.exists()
