"""The task form gives the time one way: a date, a quarter of the plan's years, a recurrence, or ongoing."""

from __future__ import annotations

from datetime import date

import pytest

from xaso.plans import services
from xaso.plans.forms import TaskForm, quarter_end

pytestmark = pytest.mark.django_db

BASE = {"area": "government", "title": "Số hóa hồ sơ", "status": "not_started"}


@pytest.fixture
def plan(an_vien, an_vien_officer):
    return services.plan_create_from_template(user=an_vien_officer, unit=an_vien, year=2026)


def test_quarter_end_is_the_last_day_of_its_third_month():
    assert [quarter_end(2026, q) for q in (1, 2, 3, 4)] == [
        date(2026, 3, 31), date(2026, 6, 30), date(2026, 9, 30), date(2026, 12, 31)
    ]  # fmt: skip
    assert quarter_end(2028, 1) == date(2028, 3, 31)


def test_a_task_in_a_quarter_is_due_on_its_last_day_and_keeps_no_recurrence(plan):
    form = TaskForm({**BASE, "timeframe_kind": "quarter", "quarter": "2026Q2", "recurrence": "monthly",
                     "start_date": "01/01/2026", "due_date": "15/01/2026"}, plan=plan)  # fmt: skip
    assert form.is_valid(), form.errors
    assert form.cleaned_data["due_date"] == date(2026, 6, 30)
    assert form.cleaned_data["recurrence"] == "" and form.cleaned_data["start_date"] is None


def test_the_quarters_offered_are_those_of_the_plan_years(plan):
    values = [v for v, _label in TaskForm(plan=plan).fields["quarter"].choices if v]
    assert values == ["2026Q1", "2026Q2", "2026Q3", "2026Q4"]
    assert not TaskForm({**BASE, "timeframe_kind": "quarter", "quarter": "2027Q1"}, plan=plan).is_valid()


def test_each_way_of_giving_the_time_names_what_it_needs(plan):
    assert TaskForm({**BASE, "timeframe_kind": "quarter"}, plan=plan).errors["quarter"] == ["Chọn quý phải hoàn thành."]
    assert TaskForm({**BASE, "timeframe_kind": "date"}, plan=plan).errors["due_date"] == [
        "Nhập ngày phải hoàn thành, ví dụ 31/12/2026."
    ]
    errors = TaskForm({**BASE, "timeframe_kind": "recurring"}, plan=plan).errors
    assert errors["recurrence"] == ["Chọn chu kỳ lặp lại."]
    assert errors["start_date"] == ["Nhập ngày bắt đầu, ví dụ 01/01/2026."]
    assert TaskForm({**BASE, "timeframe_kind": "ongoing"}, plan=plan).is_valid()


def test_a_recurring_task_drops_a_due_date_and_a_dated_one_drops_the_recurrence(plan):
    form = TaskForm({**BASE, "timeframe_kind": "recurring", "recurrence": "quarterly", "start_date": "01/01/2026",
                     "due_date": "31/12/2026"}, plan=plan)  # fmt: skip
    assert form.is_valid(), form.errors
    assert form.cleaned_data["due_date"] is None and form.cleaned_data["start_date"] == date(2026, 1, 1)
    form = TaskForm({**BASE, "timeframe_kind": "date", "due_date": "31/12/2026", "recurrence": "monthly"}, plan=plan)
    assert form.is_valid(), form.errors
    assert form.cleaned_data["due_date"] == date(2026, 12, 31) and form.cleaned_data["recurrence"] == ""


def test_an_existing_quarter_task_opens_on_its_quarter(plan, an_vien_officer):
    task = services.task_save(user=an_vien_officer, plan=plan, area="government", title="Tuyên truyền",
                              timeframe_kind="quarter", due_date=date(2026, 9, 30))  # fmt: skip
    assert TaskForm(instance=task, plan=plan).initial["quarter"] == "2026Q3"
