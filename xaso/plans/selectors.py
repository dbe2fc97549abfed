"""Reads on plans: target progress from data, task deadlines and occurrences, budget totals, versions."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from xaso.accounts.permissions import is_admin
from xaso.core.limits import is_finite_number
from xaso.core.models import Period, periods_ensure
from xaso.core.periods import PeriodSpec, month, year
from xaso.geo.models import AdminUnit
from xaso.indicators.selectors import IndicatorValue, indicator_values, stated_sources

from .models import BudgetLine, Comparator, Plan, Target, Task, TaskStatus, TimeframeKind
from .status import UNKNOWN, TargetStatus, judged_periods, target_status

logger = logging.getLogger(__name__)

DUE_SOON_DAYS = 30
BUDGET_COLUMNS = (
    "invest_equipment", "invest_socialised", "invest_rented", "running_maintenance", "running_rented",
    "alloc_province", "alloc_district", "alloc_commune", "alloc_self",
)  # fmt: skip


def plans_for_user(user) -> QuerySet[Plan]:
    """Plans of the units the user may read, which include the older units their units absorbed (July 2025)."""
    if is_admin(user):
        return Plan.objects.select_related("unit")
    return Plan.objects.filter(unit__in=AdminUnit.objects.for_user(user)).select_related("unit")


def plan_sources_for(user) -> QuerySet[Plan]:
    """Plans a new plan may start from: the user's own (last year's) and those of the units above theirs."""
    if is_admin(user):
        return Plan.objects.select_related("unit")
    unit = user.unit
    above = (
        [uid for uid in (unit.parent_id, unit.province_id, unit.district_id) if uid and uid != unit.id] if unit else []
    )
    own = plans_for_user(user).values("id")
    return Plan.objects.filter(Q(id__in=own) | Q(unit_id__in=above)).select_related("unit")


@dataclass(frozen=True)
class JudgedValue:
    """The figure a target is judged on and the period it comes from (both None: no data in the window).

    `is_stated`: the figure is the rate a document states (the indicator's `stated_rate_element`), taken because no
    figure could be computed from counts in the window (`judged_values(stated=True)`)."""

    cell: IndicatorValue | None
    period: Period | None
    is_stated: bool = False

    @property
    def value(self) -> float | None:
        if self.cell is None:
            return None
        return self.cell.stated if self.is_stated else self.cell.value


NOT_FOUND = JudgedValue(None, None)


def judged_values(
    *,
    user,
    targets: Sequence[Target],
    at: PeriodSpec,
    units: Sequence[AdminUnit] | None = None,
    stated: bool = False,
) -> dict[tuple[int, int], JudgedValue]:
    """The figure each target is judged on (`status.judged_periods`), keyed (unit id, target id).

    Each target is read for its plan's unit or, when `units` are given (a province's targets over its communes), for
    each of them. One `indicator_values` call over the union of the periods the targets need, whatever their horizons,
    so the number of queries grows with neither the targets nor the units.

    `stated=True` (the commune's own screens): a target without any figure computed from counts in its window is
    judged on the rate a document states for a period of the window (the first one), marked `is_stated`
    (docs/rules/target-status.md, "Figures a document states without counts").
    """
    if not targets or (units is not None and not units):
        return {}
    specs = {t.id: judged_periods(horizon_year=t.horizon_year, at=at) for t in targets}
    periods = periods_ensure([s for window in specs.values() for s in window])
    windows = {tid: [periods[s.code] for s in window] for tid, window in specs.items()}
    readers = list(units) if units is not None else list({t.plan.unit_id: t.plan.unit for t in targets}.values())
    indicators = list({t.indicator_id: t.indicator for t in targets}.values())
    needed = list({p.id: p for window in windows.values() for p in window}.values())
    table = indicator_values(user=user, indicators=indicators, units=readers, periods=needed)
    unit_ids = [u.id for u in readers] if units is not None else None
    out = {}
    for t in targets:
        for unit_id in unit_ids if unit_ids is not None else [t.plan.unit_id]:
            out[(unit_id, t.id)] = _first_figure(table, unit_id, t.indicator_id, windows[t.id], stated=stated)
    return out


def _first_figure(table, unit_id: int, indicator_id: int, window: list[Period], *, stated: bool = False):
    for period in window:
        cell = table.get((unit_id, indicator_id, period.id))
        if cell is not None and cell.value is not None:
            return JudgedValue(cell, period)
    if stated:  # no counted figure in the window: the rate a document states, if any
        for period in window:
            cell = table.get((unit_id, indicator_id, period.id))
            if cell is not None and cell.stated is not None and is_finite_number(cell.stated):
                return JudgedValue(cell, period, is_stated=True)
    return NOT_FOUND


@dataclass
class TargetProgress:
    target: Target
    latest: float | None
    period: Period | None
    status: TargetStatus
    weaker_than_parent: Target | None = None
    is_stated: bool = False  # `latest` is the rate a document states, no figure computed from counts
    stated_source: str = ""  # the short name of the document that states it ("003, Phần 1, mục II.1.2")


def target_progress(
    *, user, targets: list[Target], today: date | None = None, stated: bool = False
) -> list[TargetProgress]:
    """The value each target is judged on and its status, in one aggregation pass over all targets' indicators.

    `stated=True`: a target without a counted figure is judged on a document's stated rate (`judged_values`)."""
    today = today or date.today()
    if not targets:
        return []
    judged = judged_values(user=user, targets=targets, at=year(today.year), stated=stated)
    parents = _parent_minimums(targets)
    out = []
    for t in targets:
        found = judged[(t.plan.unit_id, t.id)]
        status = target_status(
            comparator=t.comparator, target=t.value, horizon_year=t.horizon_year, latest=found.value,
            baseline=t.baseline_value, baseline_date=t.baseline_date, start_year=t.plan.year_from, today=today,
        )  # fmt: skip
        latest = found.value
        if status.code == UNKNOWN:
            # stored before the input bounds (an impossible year, a value that is no number): this row shows "—"
            logger.warning(
                "Target %s (plan %s): status not computed from horizon %r, plan year %r, value %r, latest %r",
                t.id, t.plan_id, t.horizon_year, t.plan.year_from, t.value, latest,
            )  # fmt: skip
            latest = latest if is_finite_number(latest) else None
        period = found.period if latest is not None else None
        is_stated = found.is_stated and latest is not None
        out.append(TargetProgress(t, latest, period, status, parents.get(t.id), is_stated))
    if stated:
        _stated_sources(out)
    return out


def _stated_sources(progress: list[TargetProgress]) -> None:
    """Name the document each stated figure comes from (its note), in one query for all of them."""

    def key(p: TargetProgress) -> tuple[int, int, int]:
        return (p.target.plan.unit_id, p.target.indicator.stated_rate_element_id, p.period.id)

    stated = [p for p in progress if p.is_stated and p.target.indicator.stated_rate_element_id]
    sources = stated_sources(key(p) for p in stated)
    for p in stated:
        p.stated_source = sources.get(key(p), "")


def _parent_minimums(targets: list[Target]) -> dict[int, Target]:
    """Targets weaker than the higher unit's minimum for the same indicator and horizon."""
    parent_ids = {t.plan.parent_plan_id for t in targets if t.plan.parent_plan_id}
    if not parent_ids:
        return {}
    minimums = {(p.plan_id, p.indicator_id, p.horizon_year): p for p in Target.objects.filter(plan_id__in=parent_ids)}
    weaker = {}
    for t in targets:
        p = minimums.get((t.plan.parent_plan_id, t.indicator_id, t.horizon_year))
        if p and target_weaker(t, p):
            weaker[t.id] = p
    return weaker


def target_weaker(target: Target, minimum: Target) -> bool:
    if not (is_finite_number(target.value) and is_finite_number(minimum.value)):
        return False
    if minimum.comparator == Comparator.GE:
        return target.value < minimum.value
    if minimum.comparator == Comparator.LE:
        return target.value > minimum.value
    return False


def task_occurrences(task: Task, *, until: date) -> list[date]:
    """Due dates of a recurring task from its start to `until` (end of each month / quarter / year)."""
    if task.timeframe_kind != TimeframeKind.RECURRING or not task.start_date:
        return [task.due_date] if task.due_date else []
    step = {"monthly": 1, "quarterly": 3, "yearly": 12}.get(task.recurrence, 0)
    if not step:
        return []
    dates = []
    y, m = task.start_date.year, task.start_date.month
    if step == 3:
        m = ((m - 1) // 3) * 3 + 1
    if step == 12:
        m = 1
    while True:
        end_month = m + step - 1
        end_y = y + (end_month - 1) // 12
        end_m = (end_month - 1) % 12 + 1
        end = month(end_y, end_m).end
        if end > until:
            break
        dates.append(end)
        m += step
        if m > 12:
            y, m = y + (m - 1) // 12, (m - 1) % 12 + 1
    return dates


def task_next_due(task: Task, *, today: date) -> date | None:
    if task.timeframe_kind in (TimeframeKind.DATE, TimeframeKind.QUARTER):
        return task.due_date
    if task.timeframe_kind == TimeframeKind.RECURRING:
        upcoming = task_occurrences(task, until=today + timedelta(days=400))
        return next((d for d in upcoming if d >= today), None)
    return None


def task_is_overdue(task: Task, *, today: date) -> bool:
    return (
        task.status not in (TaskStatus.DONE, TaskStatus.CANCELLED)
        and task.timeframe_kind in (TimeframeKind.DATE, TimeframeKind.QUARTER)
        and task.due_date is not None
        and task.due_date < today
    )


def task_is_due_soon(task: Task, *, today: date) -> bool:
    due = task_next_due(task, today=today)
    return (
        task.status not in (TaskStatus.DONE, TaskStatus.CANCELLED)
        and due is not None
        and today <= due <= today + timedelta(days=DUE_SOON_DAYS)
    )


def tasks_late_and_due(*, plans: QuerySet[Plan], today: date) -> tuple[list[Task], list[Task]]:
    tasks = list(
        Task.objects.filter(plan__in=plans).exclude(status__in=[TaskStatus.DONE, TaskStatus.CANCELLED])
        .select_related("plan")
    )  # fmt: skip
    return (
        [t for t in tasks if task_is_overdue(t, today=today)],
        [t for t in tasks if task_is_due_soon(t, today=today)],
    )


@dataclass
class BudgetTotals:
    by_area: dict[str, dict[str, int]]
    total: dict[str, int]


def budget_totals(plan: Plan) -> BudgetTotals:
    """Column sums per pillar (in SQL) and overall (the sum of the pillars), with row totals."""
    return budget_totals_by_plan([plan.pk])[plan.pk]


def budget_totals_by_plan(plan_ids: Sequence[int]) -> dict[int, BudgetTotals]:
    """`budget_totals` of many plans, by plan id, in one query (a plan without budget lines sums to zero).

    Summed in Python over the lines' amounts (a plan has tens of lines): Python integers never overflow, where
    SQLite's SUM fails on two amounts near the bigint limit stored before the bounds (`xaso.core.limits`).
    """
    by_plan: dict[int, dict[str, dict[str, int]]] = {pk: {} for pk in plan_ids}
    rows = BudgetLine.objects.filter(plan_id__in=plan_ids).values_list("plan_id", "area", *BUDGET_COLUMNS)
    for plan_id, area, *amounts in rows.order_by("plan_id", "area"):
        bucket = by_plan[plan_id].setdefault(area, dict.fromkeys(BUDGET_COLUMNS, 0))
        for column, amount in zip(BUDGET_COLUMNS, amounts, strict=True):
            bucket[column] += amount or 0
    return {pk: _budget_totals(by_area) for pk, by_area in by_plan.items()}


def _budget_totals(by_area: dict[str, dict[str, int]]) -> BudgetTotals:
    total = {c: sum(bucket[c] for bucket in by_area.values()) for c in BUDGET_COLUMNS}
    for bucket in [*by_area.values(), total]:
        bucket["invest_total"] = bucket["invest_equipment"] + bucket["invest_socialised"] + bucket["invest_rented"]
        bucket["running_total"] = bucket["running_maintenance"] + bucket["running_rented"]
        bucket["alloc_total"] = sum(
            bucket[c] for c in ("alloc_province", "alloc_district", "alloc_commune", "alloc_self")
        )
    return BudgetTotals(by_area, total)


@dataclass
class PlanDiff:
    added: list[str]
    removed: list[str]
    changed: list[str]


def plan_diff(old: Plan, new: Plan) -> PlanDiff:
    """What a new version changes: targets and tasks added, removed or changed, and the text sections."""

    def targets(plan):
        return {(t.indicator.code, t.horizon_year): t for t in plan.targets.select_related("indicator")}

    def tasks(plan):
        return {t.title.strip(): t for t in plan.tasks.all()}

    added, removed, changed = [], [], []
    old_t, new_t = targets(old), targets(new)
    for key in new_t.keys() - old_t.keys():
        added.append(_("Chỉ tiêu: %(t)s") % {"t": new_t[key]})
    for key in old_t.keys() - new_t.keys():
        removed.append(_("Chỉ tiêu: %(t)s") % {"t": old_t[key]})
    for key in old_t.keys() & new_t.keys():
        a, b = old_t[key], new_t[key]
        if (a.comparator, a.value) != (b.comparator, b.value):
            changed.append(_("Chỉ tiêu %(i)s (%(y)s): %(a)s → %(b)s") % {
                "i": b.indicator.name, "y": b.horizon_year, "a": f"{a.get_comparator_display()} {a.value:g}",
                "b": f"{b.get_comparator_display()} {b.value:g}"})  # fmt: skip
    old_k, new_k = tasks(old), tasks(new)
    added += [_("Nhiệm vụ: %(t)s") % {"t": k[:80]} for k in new_k.keys() - old_k.keys()]
    removed += [_("Nhiệm vụ: %(t)s") % {"t": k[:80]} for k in old_k.keys() - new_k.keys()]
    for field, label in (
        ("general_goal", _("Mục tiêu tổng quát")),
        ("roadmap", _("Lộ trình")),
        ("budget_text", _("Kinh phí")),
    ):
        if getattr(old, field) != getattr(new, field):
            changed.append(str(label))
    return PlanDiff(sorted(added), sorted(removed), sorted(changed))
