"""Data versions (xaso/core/versions.py): every write that changes what a unit's pages show gives the unit a new
version in the same transaction, and leaves the other units' versions alone."""

from __future__ import annotations

from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from xaso.coc import services as coc_services
from xaso.core.models import DataVersion, period_get_or_create
from xaso.core.versions import EVERYTHING, unit_version, versions_touch
from xaso.geo.services import village_create, village_rename
from xaso.indicators.models import Indicator
from xaso.indicators.rollup import rollup_rebuild
from xaso.indicators.tests.conftest import catalog, write  # noqa: F401
from xaso.plans import services as plans
from xaso.plans.models import PlanStatus, TaskStatus
from xaso.plans.tests.factories import plan_in_execution

pytestmark = pytest.mark.django_db


def versions(*units) -> list[int]:
    return [unit_version(u) for u in units]


def test_a_figure_changes_its_communes_version_only(catalog, an_vien, tri_an, an_vien_officer):  # noqa: F811
    period_get_or_create("2025")  # the year exists (the first figure of a new year changes every page: below)
    before = versions(an_vien, tri_an)
    write(an_vien_officer, an_vien, "2025", households_total=8560)
    after = versions(an_vien, tri_an)
    assert after[0] != before[0]
    assert after[1] == before[1]


def test_a_write_costs_one_statement_whatever_the_number_of_values(catalog, an_vien, an_vien_officer):  # noqa: F811
    period_get_or_create("2025")
    with CaptureQueriesContext(connection) as queries:
        write(an_vien_officer, an_vien, "2025", households_total=8560, households_fibre=6420, population_total=30000)
    touching = [q["sql"] for q in queries.captured_queries if DataVersion._meta.db_table in q["sql"]]
    assert len(touching) == 1


def test_the_first_figure_of_a_new_year_changes_every_units_version(catalog, an_vien, tri_an, an_vien_officer):  # noqa: F811
    """Every page's year picker offers the stored years: a new year period is news for all of them."""
    period_get_or_create("2025")
    before = versions(an_vien, tri_an)
    write(an_vien_officer, an_vien, "2024", households_total=8000)
    after = versions(an_vien, tri_an)
    assert after[0] != before[0] and after[1] != before[1]
    write(an_vien_officer, an_vien, "2024", households_total=8100)  # the year exists now: Tri An is left alone
    assert versions(tri_an) == [after[1]]


def test_a_village_figure_changes_its_communes_version(catalog, nga_dien, nga_dien_officer, nga_dien_villages):  # noqa: F811
    before = unit_version(nga_dien)
    write(nga_dien_officer, nga_dien_villages[0], "2023", households_total=120)
    assert unit_version(nga_dien) != before


def test_plan_writes_change_the_version(catalog, an_vien, tri_an, an_vien_officer):  # noqa: F811
    seen = [unit_version(an_vien)]
    other = unit_version(tri_an)

    def changed() -> bool:
        now = unit_version(an_vien)
        fresh = now not in seen
        seen.append(now)
        return fresh

    plan = plans.plan_create_from_template(user=an_vien_officer, unit=an_vien, year=2026)
    assert changed()
    target = plans.target_save(user=an_vien_officer, plan=plan, indicator=catalog["fibre"], value=80, horizon_year=2026)
    assert changed()
    plans.target_save(user=an_vien_officer, target=target, value=90)
    assert changed()
    task = plans.task_save(
        user=an_vien_officer, plan=plan, area="society", title="Kéo cáp quang thôn 3", targets=[target]
    )
    assert changed()
    plans.budget_line_save(user=an_vien_officer, plan=plan, area="society", item="Cáp quang", invest_rented=1000)
    assert changed()
    other_task = plans.task_save(user=an_vien_officer, plan=plan, area="society", title="Tập huấn")
    assert changed()
    plans.plan_child_delete(user=an_vien_officer, obj=other_task)
    assert changed()
    plan.status = PlanStatus.IN_EXECUTION
    plan.save(update_fields=["status"])
    assert changed()
    plans.task_update_add(task=task, user=an_vien_officer, on=date(2026, 3, 1), percent_done=100, text="Xong")
    task.refresh_from_db()
    assert task.status == TaskStatus.DONE
    assert changed()
    assert unit_version(tri_an) == other


def test_publication_and_villages_change_the_version(catalog, an_vien, an_vien_officer):  # noqa: F811
    before = unit_version(an_vien)
    coc_services.publication_save(
        user=an_vien_officer, unit=an_vien, is_published=True, indicators=[catalog["fibre"]], show_targets=True
    )
    published = unit_version(an_vien)
    assert published != before
    village = village_create(commune=an_vien, name="Ấp 1", user=an_vien_officer)
    created = unit_version(an_vien)
    assert created != published
    village_rename(village=village, name="Ấp Một", user=an_vien_officer)
    assert unit_version(an_vien) != created


def test_the_plans_of_an_absorbed_commune_change_its_successors_version(catalog, nga_an, nga_dien, administrator):  # noqa: F811
    before = unit_version(nga_an)
    plan_in_execution(nga_dien, administrator, [(catalog["fibre"], 80)])
    assert unit_version(nga_an) != before


def test_catalog_changes_and_full_rebuilds_change_every_version(catalog, an_vien, tri_an):  # noqa: F811
    before = versions(an_vien, tri_an)
    Indicator.objects.get(code="households_fibre_rate").save()
    after_catalog = versions(an_vien, tri_an)
    assert after_catalog[0] != before[0] and after_catalog[1] != before[1]
    rollup_rebuild()
    assert DataVersion.objects.filter(scope=EVERYTHING).exists()
    after_rebuild = versions(an_vien, tri_an)
    assert after_rebuild[0] != after_catalog[0] and after_rebuild[1] != after_catalog[1]


def test_a_rolled_back_write_leaves_the_version(an_vien):
    from django.db import transaction

    before = unit_version(an_vien)
    with pytest.raises(RuntimeError), transaction.atomic():
        versions_touch([an_vien.id])
        raise RuntimeError
    assert unit_version(an_vien) == before
