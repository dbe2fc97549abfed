"""A save that fails halfway leaves nothing behind: every plan write is one transaction."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from xaso.plans import services
from xaso.plans.models import Task

pytestmark = pytest.mark.django_db


@pytest.fixture
def two_plans(an_vien, an_vien_officer, catalog):
    """Two drafts of An Viễn, the first with a target ("≥ 85% of dossiers online by 2026", seed 004)."""
    first = services.plan_create_from_template(user=an_vien_officer, unit=an_vien, year=2026)
    second = services.plan_create_from_template(user=an_vien_officer, unit=an_vien, year=2027)
    target = services.target_save(user=an_vien_officer, plan=first, indicator=catalog["online"], value=85,
                                  horizon_year=2026)  # fmt: skip
    return first, second, target


def test_a_new_task_linked_to_another_plans_target_is_not_saved(two_plans, an_vien_officer):
    _first, second, foreign_target = two_plans
    with pytest.raises(ValidationError, match="cùng kế hoạch"):
        services.task_save(user=an_vien_officer, plan=second, area="government", title="Số hóa hồ sơ",
                           targets=[foreign_target])  # fmt: skip
    assert not Task.objects.exists()  # the row written before the check failed is rolled back


def test_an_edited_task_keeps_its_old_fields_when_its_new_links_are_refused(two_plans, an_vien_officer):
    first, second, target = two_plans
    task = services.task_save(user=an_vien_officer, plan=second, area="government", title="Số hóa hồ sơ")
    with pytest.raises(ValidationError, match="cùng kế hoạch"):
        services.task_save(user=an_vien_officer, plan=second, task=task, title="Đổi tên", targets=[target])
    task.refresh_from_db()
    assert (task.title, list(task.targets.all())) == ("Số hóa hồ sơ", [])
    assert first.targets.count() == 1
