"""Data versions: what lets a page keep its rendered fragments until the next write that changes them.

Every write that can change what a unit's pages show gives the unit's `DataVersion` row a new value in the writer's
own transaction (one UPSERT per write, whatever the number of values), so a reader that sees the new data
also sees the new version, and a reader that saw the old version stored its fragment under a key nobody asks
for any more. The hooks:

- figures: `xaso.indicators.rollup.rollup_refresh` (every write of values — the grid, an import, the API's bulk
  upsert — refreshes its communes' rollups there; a refresh of everything, a full rebuild, bumps `EVERYTHING`);
- plans, targets, tasks, task updates, budget lines, responsibilities, legal bases, publication: model signals
  (`xaso.plans.apps`, `xaso.coc.apps`), so the services, the API and the admin are all covered;
- units (a village added or renamed) and the catalog (indicators, data elements): `xaso.geo.apps`,
  `xaso.indicators.apps`; the unit loader bumps `EVERYTHING`.

A reader reads the version *before* the data it renders (`unit_version`), through the same database routing
as that data (`using_replica()`), so a fragment is never stored under a version newer than what it shows.
docs/decisions/0024-page-cache.md.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterable

from django.db import DEFAULT_DB_ALIAS, connections
from django.db.models import Q, Sum

from .models import DataVersion

#: versions are random numbers of this many bits: a sum of a few thousand of them stays within 63 bits
VERSION_BITS = 48

#: the scope of what every page shows: the catalog, the unit tree, a full rollup rebuild
EVERYTHING = 0


def versions_touch(scopes: Iterable[int | None], *, using: str = DEFAULT_DB_ALIAS) -> None:
    """Give `scopes` (unit ids, or `EVERYTHING`) a new version in the current transaction: one statement.

    A new random value rather than an increment: a database restored from a backup, whose counters would start
    again from older values, can never give a key a fragment cached before the restore. Sorted, so two
    transactions touching the same units lock their rows in the same order (no deadlock)."""
    ids = sorted({int(s) for s in scopes if s is not None})
    if not ids:
        return
    table = DataVersion._meta.db_table
    params: list[int] = []
    for scope in ids:
        params += [scope, secrets.randbits(VERSION_BITS)]
    values = ", ".join(["(%s, %s)"] * len(ids))
    with connections[using].cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (scope, version) VALUES {values} "
            "ON CONFLICT (scope) DO UPDATE SET version = excluded.version",
            params,
        )


def unit_version(unit) -> int:
    """The version of what a unit's own pages show: the sum of the versions of the unit, of its commune (a
    village's figures are refreshed, and versioned, with its commune's), of the pre-2025 units it absorbed (their
    plans count as its own) and of `EVERYTHING`; it changes on every write to any of them.
    One query, read through the caller's routing (inside `using_replica()` when the data is read there too),
    before the data."""
    from xaso.geo.models import UnitSuccession

    absorbed = UnitSuccession.objects.filter(new_unit_id=unit.id).values("old_unit_id")
    own = sorted({EVERYTHING, unit.id, unit.commune_id or unit.id})
    found = DataVersion.objects.filter(Q(scope__in=own) | Q(scope__in=absorbed)).aggregate(total=Sum("version"))
    return found["total"] or 0


def province_version(province) -> int:
    """The version of what a province's (or a district's) pages show: the sum of the versions of `EVERYTHING`, the
    province, its districts and communes, and the pre-2025 units they absorbed. A figure written in any commune, a
    province plan changed, a commune added or renamed changes it. One query, through the caller's routing."""
    from xaso.geo.models import AdminUnit, Level, UnitSuccession

    field = "province_id" if province.level == Level.PROVINCE else "district_id"
    members = AdminUnit.objects.filter(**{field: province.id}, level__in=[Level.DISTRICT, Level.COMMUNE]).values("id")
    absorbed = UnitSuccession.objects.filter(**{f"new_unit__{field}": province.id}).values("old_unit_id")
    found = DataVersion.objects.filter(
        Q(scope__in=[EVERYTHING, province.id]) | Q(scope__in=members) | Q(scope__in=absorbed)
    ).aggregate(total=Sum("version"))
    return found["total"] or 0


# --- the hooks on model writes ------------------------------------------------------------------------------


def _plan_units(plan_ids: Iterable[int]) -> list[int]:
    from xaso.plans.models import Plan

    return list(Plan.objects.filter(pk__in=list(plan_ids)).values_list("unit_id", flat=True))


def _cached_plan_unit(instance) -> list[int]:
    """The unit of the plan a child (target, task, budget line, responsibility) belongs to, without a query when
    the plan is already loaded (the services load it to authorise the write)."""
    plan = instance._state.fields_cache.get("plan")
    if plan is not None and plan.pk == instance.plan_id:
        return [plan.unit_id]
    return _plan_units([instance.plan_id])


def _task_update_unit(instance) -> list[int]:
    from xaso.plans.models import Plan

    return list(Plan.objects.filter(tasks=instance.task_id).values_list("unit_id", flat=True))


def _legal_basis_units(instance) -> list[int]:
    from xaso.plans.models import Plan

    return list(Plan.objects.filter(legal_bases=instance.pk).values_list("unit_id", flat=True))


def _on_change(scopes_of):
    def receiver(sender, instance, using=DEFAULT_DB_ALIAS, raw=False, **kwargs):
        if raw:  # loading a fixture: the loader bumps what it loads
            return
        versions_touch(scopes_of(instance), using=using)

    return receiver


def _on_m2m(scopes_of):
    def receiver(sender, instance, action, reverse, pk_set, using=DEFAULT_DB_ALIAS, **kwargs):
        if action not in ("post_add", "post_remove", "post_clear", "pre_clear"):
            return
        versions_touch(scopes_of(instance, reverse, pk_set or ()), using=using)

    return receiver


#: kept alive here: signals hold their receivers weakly
_RECEIVERS: list = []


def connect_signals() -> None:
    """Bump the version of the unit whose pages a saved or deleted object changes (called once, at start-up)."""
    from django.db.models.signals import m2m_changed, post_delete, post_save

    from xaso.coc.models import Publication
    from xaso.geo.models import AdminUnit, UnitSuccession
    from xaso.indicators.models import DataElement, Indicator
    from xaso.plans.models import BudgetLine, LegalBasis, Plan, Responsibility, Target, Task, TaskUpdate

    hooks = [
        (Plan, lambda p: [p.unit_id]),
        (Target, _cached_plan_unit),
        (Task, _cached_plan_unit),
        (BudgetLine, _cached_plan_unit),
        (Responsibility, _cached_plan_unit),
        (TaskUpdate, _task_update_unit),
        (LegalBasis, _legal_basis_units),
        (Publication, lambda p: [p.unit_id]),
        (AdminUnit, lambda u: [u.id, u.parent_id]),  # a village added or renamed shows on its commune's page
        (UnitSuccession, lambda s: [s.new_unit_id]),
        (Indicator, lambda _i: [EVERYTHING]),
        (DataElement, lambda _e: [EVERYTHING]),
    ]
    for model, scopes_of in hooks:
        receiver = _on_change(scopes_of)
        _RECEIVERS.append(receiver)
        post_save.connect(receiver, sender=model, dispatch_uid=f"versions-save-{model._meta.label}")
        post_delete.connect(receiver, sender=model, dispatch_uid=f"versions-delete-{model._meta.label}")

    def plan_m2m(instance, reverse, pk_set):
        return _plan_units(pk_set) if reverse else [instance.unit_id]

    def task_targets(instance, reverse, pk_set):
        if reverse:  # target.tasks: the tasks' plans
            from xaso.plans.models import Task as TaskModel

            return _plan_units(TaskModel.objects.filter(pk__in=list(pk_set)).values_list("plan_id", flat=True))
        return _cached_plan_unit(instance)

    m2m = [
        (Plan.legal_bases.through, plan_m2m),
        (Plan.covered_units.through, plan_m2m),
        (Task.targets.through, task_targets),
        (Publication.indicators.through, lambda p, reverse, pk_set: [EVERYTHING] if reverse else [p.unit_id]),
    ]
    for through, scopes_of in m2m:
        receiver = _on_m2m(scopes_of)
        _RECEIVERS.append(receiver)
        m2m_changed.connect(receiver, sender=through, dispatch_uid=f"versions-m2m-{through._meta.label}")
