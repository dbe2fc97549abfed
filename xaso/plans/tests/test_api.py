"""Plans API: same scoping and validation as the screens, field-level JSON errors."""

from __future__ import annotations

from datetime import date

import pytest
from rest_framework.test import APIClient

from xaso.indicators.services import ValueInput, values_write
from xaso.plans import services
from xaso.plans.models import Plan
from xaso.plans.tests.factories import plan_in_execution

pytestmark = pytest.mark.django_db


def api(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def test_create_plan_target_task_budget_and_submit(an_vien, an_vien_officer, catalog):
    client = api(an_vien_officer)
    response = client.post("/api/v1/plans/", {"mode": "template", "unit": "26296", "year": 2026}, format="json")
    assert response.status_code == 201, response.json()
    plan_id = response.json()["id"]
    target = client.post("/api/v1/targets/", {"plan": plan_id, "indicator": "dossiers_online_rate", "comparator": ">=",
                                              "value": 85, "horizon_year": 2026}, format="json")  # fmt: skip
    assert target.status_code == 201, target.json()
    task = client.post("/api/v1/tasks/", {"plan": plan_id, "area": "government", "title": "Số hóa hồ sơ",
                                          "targets": [target.json()["id"]]}, format="json")  # fmt: skip
    assert task.status_code == 201
    assert "rõ người (người chịu trách nhiệm)" in task.json()["missing"]
    line = client.post(
        "/api/v1/budget-lines/",
        {
            "plan": plan_id,
            "area": "government",
            "item": "Chữ ký số",
            "invest_rented": 15_000_000,
            "alloc_commune": 15_000_000,
        },
        format="json",
    )
    assert line.json()["invest_total"] == 15_000_000
    refused = client.post(f"/api/v1/plans/{plan_id}/submit/")
    assert refused.status_code == 400
    assert "Số hóa hồ sơ" in str(refused.json()["errors"])
    client.patch(f"/api/v1/tasks/{task.json()['id']}/", {
        "person": "Nguyễn Văn An", "lead_unit": "Trung tâm Phục vụ Hành chính công", "timeframe_kind": "date",
        "due_date": "2026-06-30", "deliverable": "Báo cáo", "approver": "Chủ tịch UBND xã"}, format="json")  # fmt: skip
    assert client.post(f"/api/v1/plans/{plan_id}/submit/").json()["status"] == "submitted"


def test_bad_input_is_field_level(an_vien, an_vien_officer, catalog):
    client = api(an_vien_officer)
    plan = services.plan_create_from_template(user=an_vien_officer, unit=an_vien, year=2026)
    response = client.post("/api/v1/targets/", {"plan": plan.id, "indicator": "khong_co", "value": "abc",
                                                "horizon_year": 2026}, format="json")  # fmt: skip
    body = response.json()
    assert response.status_code == 400
    assert set(body["errors"]) >= {"indicator", "value"}
    assert body["code"] == "invalid"


def test_other_commune_cannot_read_or_write(an_vien, an_vien_officer, nga_dien_officer, catalog):
    plan = services.plan_create_from_template(user=an_vien_officer, unit=an_vien, year=2026)
    client = api(nga_dien_officer)
    assert client.get(f"/api/v1/plans/{plan.id}/").status_code == 404
    assert client.get("/api/v1/plans/").json()["results"] == []
    response = client.post("/api/v1/targets/", {"plan": plan.id, "indicator": "dossiers_online_rate", "value": 85,
                                                "horizon_year": 2026}, format="json")  # fmt: skip
    assert response.status_code == 400
    assert not plan.targets.exists()
    assert client.post("/api/v1/plans/", {"unit": "26296", "year": 2026}, format="json").status_code == 400


def test_leader_approves_through_the_api_and_the_plan_becomes_read_only(
    an_vien, an_vien_officer, an_vien_leader, catalog
):
    plan = services.plan_create_from_template(user=an_vien_officer, unit=an_vien, year=2026)
    target = services.target_save(
        user=an_vien_officer, plan=plan, indicator=catalog["online"], value=85, horizon_year=2026
    )
    services.plan_submit(plan=plan, user=an_vien_officer)
    assert (
        api(an_vien_officer)
        .post(
            f"/api/v1/plans/{plan.id}/approve/",
            {"number": "30/KH-UBND", "issued_on": "2026-02-12", "signer_name": "Lê B"},
            format="json",
        )
        .status_code
        == 403
    )
    response = api(an_vien_leader).post(f"/api/v1/plans/{plan.id}/approve/", {
        "number": "30/KH-UBND", "issued_on": "2026-02-12", "signer_name": "Lê B", "signer_title": "Phó Chủ tịch"},
        format="json")  # fmt: skip
    assert response.json()["number"] == "30/KH-UBND"
    edit = api(an_vien_officer).patch(f"/api/v1/targets/{target.id}/", {"value": 90}, format="json")
    assert edit.status_code == 400 and "chỉ đọc" in str(edit.json())
    assert Plan.objects.get(pk=plan.pk).issued_on == date(2026, 2, 12)


def test_a_target_says_which_period_its_judged_value_comes_from(nga_dien, nga_dien_officer, catalog):
    """Seed 003: Nga Điền's 2024 plan, "≥ 80% of households on fibre by the end of 2024", read after its horizon:
    judged on 2024's figure, else 2023's, never on a later one (docs/rules/target-status.md)."""
    target = plan_in_execution(nga_dien, nga_dien_officer, [(catalog["fibre"], 80)], year=2024).targets.get()
    client = api(nga_dien_officer)

    def fibre(period: str, households: int, with_fibre: int) -> None:
        rows = [ValueInput("households_total", nga_dien.code, period, households),
                ValueInput("households_fibre", nga_dien.code, period, with_fibre)]  # fmt: skip
        values_write(user=nga_dien_officer, rows=rows)

    def judged() -> tuple[float | None, str | None, str]:
        body = client.get(f"/api/v1/targets/{target.id}/").json()
        [listed] = client.get(f"/api/v1/targets/?plan={target.plan_id}").json()["results"]
        assert listed["latest_period"] == body["latest_period"]
        latest = round(body["latest"], 1) if body["latest"] is not None else None
        return latest, body["latest_period"], body["status"]

    assert judged() == (None, None, "no_data")
    fibre("2023", 1961, 1384)  # 70,6%: the year before the horizon
    assert judged() == (70.6, "2023", "off_track")
    fibre("2024", 1961, 1600)  # 81,6% ≥ 80%
    fibre("2026", 1961, 1500)  # 76,5%: after the horizon, never counts
    assert judged() == (81.6, "2024", "achieved")


def test_the_schema_documents_the_judged_period_as_a_nullable_period_code(db):
    from drf_spectacular.generators import SchemaGenerator

    schema = SchemaGenerator().get_schema(request=None, public=True)
    field = schema["components"]["schemas"]["Target"]["properties"]["latest_period"]
    assert (field["type"], field["nullable"], field["readOnly"]) == ("string", True, True)
    assert "2024" in field["description"]
