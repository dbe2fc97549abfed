"""Plans: creation three ways, the "6 rõ" on submission, the lifecycle, versions, budget totals."""

from __future__ import annotations

from datetime import date

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from xaso.indicators.services import ValueInput, values_write
from xaso.plans import selectors, services
from xaso.plans.models import PlanStatus, TimeframeKind
from xaso.plans.status import ACHIEVED, OFF_TRACK

pytestmark = pytest.mark.django_db

COMPLETE_TASK = {
    "area": "government",
    "title": "Số hóa hồ sơ, kết quả giải quyết thủ tục hành chính",
    "person": "Nguyễn Văn An",
    "lead_unit": "Trung tâm Phục vụ Hành chính công",
    "coordinating_units": "Văn phòng HĐND&UBND xã",
    "timeframe_kind": TimeframeKind.RECURRING,
    "recurrence": "quarterly",
    "start_date": date(2026, 1, 1),
    "deliverable": "Báo cáo quý về tỷ lệ hồ sơ được số hóa",
    "approver": "Chủ tịch UBND xã",
}


@pytest.fixture
def plan(an_vien, an_vien_officer):
    return services.plan_create_from_template(user=an_vien_officer, unit=an_vien, year=2026)


def test_template_plan_is_a_draft_with_the_framework_sections(plan):
    assert plan.status == PlanStatus.DRAFT
    assert plan.title == "Kế hoạch chuyển đổi số năm 2026 của Xã An Viễn"
    assert "chính quyền số" in plan.general_goal and "Giai đoạn 1" in plan.roadmap


def test_officer_of_another_commune_cannot_create_or_edit(an_vien, plan, nga_dien_officer, catalog):
    with pytest.raises(PermissionDenied):
        services.plan_create_from_template(user=nga_dien_officer, unit=an_vien, year=2026)
    with pytest.raises(PermissionDenied):
        services.target_save(user=nga_dien_officer, plan=plan, indicator=catalog["online"], value=85, horizon_year=2026)


def test_task_missing_the_six_blocks_submission_naming_what_is_missing(plan, an_vien_officer, catalog):
    services.target_save(user=an_vien_officer, plan=plan, indicator=catalog["online"], comparator=">=", value=85,
                         horizon_year=2026)  # fmt: skip
    services.task_save(user=an_vien_officer, plan=plan, area="government", title="Tuyên truyền chuyển đổi số",
                       person="Trần Thị Viễn")  # fmt: skip
    with pytest.raises(ValidationError) as exc:
        services.plan_submit(plan=plan, user=an_vien_officer)
    message = " ".join(exc.value.messages)
    assert "Tuyên truyền chuyển đổi số" in message
    for missing in ("rõ thời gian", "rõ trách nhiệm", "rõ sản phẩm", "rõ thẩm quyền"):
        assert missing in message
    assert "rõ người" not in message
    plan.refresh_from_db()
    assert plan.status == PlanStatus.DRAFT


def test_lifecycle_to_approved_makes_the_plan_read_only(plan, an_vien_officer, an_vien_leader, catalog):
    target = services.target_save(
        user=an_vien_officer, plan=plan, indicator=catalog["online"], value=85, horizon_year=2026
    )
    services.task_save(user=an_vien_officer, plan=plan, targets=[target], **COMPLETE_TASK)
    services.plan_submit(plan=plan, user=an_vien_officer)
    with pytest.raises(PermissionDenied):
        services.plan_approve(plan=plan, user=an_vien_officer, number="30/KH-UBND", issued_on=date(2026, 2, 12),
                              signer_name="Lê Văn B", signer_title="Phó Chủ tịch")  # fmt: skip
    services.plan_approve(plan=plan, user=an_vien_leader, number="30/KH-UBND", issued_on=date(2026, 2, 12),
                          signer_name="Lê Văn B", signer_title="Phó Chủ tịch")  # fmt: skip
    assert (plan.status, plan.number) == (PlanStatus.APPROVED, "30/KH-UBND")
    with pytest.raises(ValidationError, match="chỉ đọc"):
        services.target_save(user=an_vien_officer, plan=plan, target=target, value=90)
    draft = services.plan_new_version(plan=plan, user=an_vien_officer)
    new_target = draft.targets.get()
    services.target_save(user=an_vien_officer, plan=draft, target=new_target, value=90)
    diff = selectors.plan_diff(plan, draft)
    assert diff.changed == ["Chỉ tiêu Tỷ lệ hồ sơ trực tuyến (2026): ≥ 85 → ≥ 90"]
    assert (draft.version, draft.supersedes) == (2, plan)
    assert draft.tasks.get().targets.get() == new_target


def test_next_years_plan_carries_targets_forward_linked(plan, an_vien_officer, catalog):
    first = services.target_save(
        user=an_vien_officer, plan=plan, indicator=catalog["fibre"], value=80, horizon_year=2026
    )
    later = services.plan_create_from_previous(user=an_vien_officer, previous=plan)
    carried = later.targets.get()
    assert (later.year_from, later.previous_plan, carried.carried_from, carried.horizon_year) == (
        2027,
        plan,
        first,
        2027,
    )


def test_commune_target_weaker_than_the_province_minimum_is_flagged(
    dong_nai, an_vien, an_vien_officer, administrator, catalog
):
    province_plan = services.plan_create_from_template(user=administrator, unit=dong_nai, year=2026)
    services.target_save(
        user=administrator, plan=province_plan, indicator=catalog["online"], value=85, horizon_year=2026
    )
    commune_plan = services.plan_create_from_parent(user=an_vien_officer, parent=province_plan, unit=an_vien)
    target = commune_plan.targets.get()
    services.target_save(user=an_vien_officer, plan=commune_plan, target=target, value=80)
    progress = selectors.target_progress(user=an_vien_officer, targets=[target], today=date(2026, 6, 1))
    assert progress[0].weaker_than_parent.value == 85


def test_target_status_follows_the_data(plan, an_vien, an_vien_officer, catalog):
    target = services.target_save(user=an_vien_officer, plan=plan, indicator=catalog["online"], value=85,
                                  horizon_year=2026, baseline_value=60, baseline_date=date(2026, 1, 1))  # fmt: skip
    values_write(user=an_vien_officer, rows=[ValueInput("dossiers_received", an_vien.code, "2026-01", 100),
                                             ValueInput("dossiers_online", an_vien.code, "2026-01", 62)])  # fmt: skip
    [progress] = selectors.target_progress(user=an_vien_officer, targets=[target], today=date(2026, 11, 1))
    assert (round(progress.latest), progress.status.code) == (62, OFF_TRACK)
    values_write(user=an_vien_officer, rows=[ValueInput("dossiers_online", an_vien.code, "2026-01", 90)])
    [progress] = selectors.target_progress(user=an_vien_officer, targets=[target], today=date(2026, 11, 1))
    assert progress.status.code == ACHIEVED


def test_budget_totals_add_up_by_row_and_column(plan, an_vien_officer):
    services.budget_line_save(
        user=an_vien_officer,
        plan=plan,
        area="government",
        item="Hệ thống hội nghị truyền hình",
        invest_equipment=300_000_000,
        running_maintenance=20_000_000,
        alloc_commune=320_000_000,
    )
    services.budget_line_save(
        user=an_vien_officer,
        plan=plan,
        area="government",
        item="Chữ ký số",
        invest_rented=15_000_000,
        alloc_province=15_000_000,
    )
    services.budget_line_save(
        user=an_vien_officer,
        plan=plan,
        area="society",
        item="Loa truyền thanh thông minh",
        invest_equipment=120_000_000,
        invest_socialised=30_000_000,
        alloc_commune=150_000_000,
    )
    totals = selectors.budget_totals(plan)
    assert totals.by_area["government"]["invest_total"] == 315_000_000
    assert totals.total["invest_total"] == 465_000_000
    assert totals.total["alloc_total"] == 485_000_000
    with pytest.raises(ValidationError, match="không được âm"):
        services.budget_line_save(user=an_vien_officer, plan=plan, area="society", item="Sai", invest_equipment=-1)


def test_recurring_task_occurrences_and_overdue(plan, an_vien_officer):
    task = services.task_save(user=an_vien_officer, plan=plan, **COMPLETE_TASK)
    assert selectors.task_occurrences(task, until=date(2026, 12, 31)) == [
        date(2026, 3, 31), date(2026, 6, 30), date(2026, 9, 30), date(2026, 12, 31)
    ]  # fmt: skip
    dated = services.task_save(
        user=an_vien_officer,
        plan=plan,
        **{**COMPLETE_TASK, "timeframe_kind": "date", "due_date": date(2026, 3, 31), "recurrence": ""},
    )
    assert selectors.task_is_overdue(dated, today=date(2026, 4, 1))
    services.task_update_add(task=dated, user=an_vien_officer, on=date(2026, 4, 2), percent_done=100, text="Đã xong")
    dated.refresh_from_db()
    assert not selectors.task_is_overdue(dated, today=date(2026, 4, 3))


def test_old_commune_plan_is_visible_from_the_unit_that_absorbed_it(nga_dien, nga_dien_officer, thanh_hoa_old):
    from xaso.conftest import make_unit, make_user
    from xaso.geo.models import UnitSuccession

    old_plan = services.plan_create_from_template(user=nga_dien_officer, unit=nga_dien, year=2024)
    thanh_hoa = make_unit("38", "Tỉnh Thanh Hóa", "province")
    nga_an = make_unit("16144", "Xã Nga An", "commune", thanh_hoa)
    UnitSuccession.objects.create(old_unit=nga_dien, new_unit=nga_an, effective_date=date(2025, 7, 1), data_version="t")
    nga_an_officer = make_user("nga_an_officer", "commune_officer", nga_an)
    assert list(selectors.plans_for_user(nga_an_officer)) == [old_plan]
    with pytest.raises(PermissionDenied):  # read, never written, by the commune that absorbed it
        services.plan_sections_save(user=nga_an_officer, plan=old_plan, general_goal="Sửa mục tiêu")


def test_a_plan_started_from_the_english_interface_is_written_in_vietnamese(an_vien, an_vien_officer):
    from django.utils import translation

    with translation.override("en"):
        plan = services.plan_create_from_template(user=an_vien_officer, unit=an_vien, year=2026)
    assert plan.title == "Kế hoạch chuyển đổi số năm 2026 của Xã An Viễn"


def test_target_baseline_is_filled_from_last_years_data(an_vien, an_vien_officer, catalog):
    values_write(
        user=an_vien_officer,
        rows=[
            ValueInput("households_total", "26296", "2025", 8000),
            ValueInput("households_fibre", "26296", "2025", 6000),
        ],
    )
    plan = services.plan_create_from_template(user=an_vien_officer, unit=an_vien, year=2026)
    target = services.target_save(
        user=an_vien_officer, plan=plan, indicator=catalog["fibre"], value=80, horizon_year=2026
    )
    assert (target.baseline_value, target.baseline_date) == (75.0, date(2025, 12, 31))
    stated = services.target_save(
        user=an_vien_officer, plan=plan, indicator=catalog["online"], value=85, horizon_year=2026, baseline_value=60
    )
    assert stated.baseline_value == 60  # a baseline given by the plan is kept
