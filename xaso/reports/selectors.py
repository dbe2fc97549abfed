"""Reads for the official documents and exports: each returns the data one document needs, scoped to the user.

Formatting into Vietnamese text is `documents.py`; this module only gathers figures, in a fixed number of
queries whatever the size of the plan (and, for a province-wide job, whatever the number of plans).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date

from django.core.exceptions import PermissionDenied
from django.db.models import Prefetch, QuerySet
from django.utils.translation import gettext as _

from xaso.core.models import Period, periods_ensure
from xaso.core.periods import MONTH, QUARTER, YEAR, PeriodSpec, month, quarter, year
from xaso.geo.models import AdminUnit, Level
from xaso.indicators.models import Area, Indicator
from xaso.indicators.selectors import IndicatorValue, indicator_values
from xaso.plans.legal_bases import legal_bases_ordered
from xaso.plans.models import BudgetLine, LegalBasis, Plan, Responsibility, Target, Task, TaskStatus, TaskUpdate
from xaso.plans.selectors import (
    BudgetTotals,
    JudgedValue,
    budget_totals_by_plan,
    judged_values,
    plans_for_user,
    task_is_overdue,
    task_next_due,
)
from xaso.plans.status import ACHIEVED, AT_RISK, NO_DATA, OFF_TRACK, ON_TRACK, TargetStatus, target_status

AREA_ORDER = {code: i for i, code in enumerate(Area.values)}


def plan_for_user(user, pk: int) -> Plan:
    """The plan if the user may read it; Plan.DoesNotExist otherwise (views turn it into 404)."""
    return plans_for_user(user).select_related("unit__parent").get(pk=pk)


def require_readable(user, plan: Plan) -> None:
    _require_readable_all(user, [plan])


def _require_readable_all(user, plans: Sequence[Plan]) -> None:
    """PermissionDenied naming the first plan the user may not read: one query for any number of plans."""
    readable = set(plans_for_user(user).filter(pk__in=[p.pk for p in plans]).values_list("pk", flat=True))
    for plan in plans:
        if plan.pk not in readable:
            raise PermissionDenied(_("Bạn không có quyền xem kế hoạch “%(p)s”.") % {"p": plan.title})


def _by_plan(plans: Sequence[Plan], rows: Iterable) -> dict[int, list]:
    """Rows of a child table (anything with a `plan_id`) grouped by plan, every plan present."""
    out: dict[int, list] = {p.pk: [] for p in plans}
    for row in rows:
        out[row.plan_id].append(row)
    return out


def _targets_by_plan(plans: Sequence[Plan]) -> dict[int, list[Target]]:
    """Each plan's targets with their indicators, in the framework's order: one query for any number of plans."""
    by_id = {p.pk: p for p in plans}
    targets = list(Target.objects.filter(plan_id__in=list(by_id)).select_related("indicator"))
    for t in targets:
        t.plan = by_id[t.plan_id]  # the plan (and its unit) as the caller has it: not read again per target
    out = _by_plan(plans, targets)
    for rows in out.values():
        rows.sort(key=lambda t: (AREA_ORDER.get(t.indicator.area, 99), t.sort_order, t.indicator.sort_order,
                                 t.indicator.name, t.horizon_year))  # fmt: skip
    return out


def _tasks_by_plan(plans: Sequence[Plan]) -> dict[int, list[Task]]:
    """Each plan's tasks with their updates (oldest first), by pillar: two queries for any number of plans."""
    updates = Prefetch("updates", queryset=TaskUpdate.objects.order_by("on", "id"))
    out = _by_plan(plans, Task.objects.filter(plan_id__in=[p.pk for p in plans]).prefetch_related(updates))
    for rows in out.values():
        rows.sort(key=lambda t: (AREA_ORDER.get(t.area, 99), t.sort_order, t.id))
    return out


def _targets(plan: Plan) -> list[Target]:
    return _targets_by_plan([plan])[plan.pk]


def _tasks(plan: Plan) -> list[Task]:
    return _tasks_by_plan([plan])[plan.pk]


@dataclass
class PlanData:
    plan: Plan
    legal_bases: list[LegalBasis]
    targets: list[Target]
    tasks: list[Task]
    budget_lines: list[BudgetLine]
    totals: BudgetTotals
    responsibilities: list[Responsibility]
    # the commune's own figure for an indicator before the plan starts, by indicator id: (value, year); the
    # "Hiện trạng" of a target whose plan states no baseline
    measured_baselines: dict[int, tuple[float, int]] = field(default_factory=dict)


BASELINE_LOOKBACK = 3  # years before the plan's first year searched for the commune's latest figure


def measured_baselines(user, plans: Sequence[Plan], targets: dict[int, list[Target]]) -> dict[int, dict]:
    """Per plan, per indicator: the unit's latest figure in the years before the plan (up to `BASELINE_LOOKBACK`),
    as (value, year). One `indicator_values` call for any number of plans."""
    out: dict[int, dict] = {p.pk: {} for p in plans}
    wanted = [p for p in plans if targets[p.pk]]
    if not wanted:
        return out
    years = sorted({p.year_from - i for p in wanted for i in range(1, BASELINE_LOOKBACK + 1)})
    # read, never create: a year without a period row holds no figure
    periods = {p.code: p for p in Period.objects.filter(code__in=[str(y) for y in years])}
    if not periods:
        return out
    indicators = list({t.indicator_id: t.indicator for p in wanted for t in targets[p.pk]}.values())
    units = list({p.unit_id: p.unit for p in wanted}.values())
    table = indicator_values(user=user, indicators=indicators, units=units, periods=list(periods.values()))
    for p in wanted:
        for t in targets[p.pk]:
            for y in range(p.year_from - 1, p.year_from - BASELINE_LOOKBACK - 1, -1):
                period = periods.get(str(y))
                cell = table.get((p.unit_id, t.indicator_id, period.id)) if period else None
                if cell is not None and cell.value is not None:
                    out[p.pk][t.indicator_id] = (cell.value, y)
                    break
    return out


def plan_data(*, user, plan: Plan) -> PlanData:
    """Everything the plan document (KH) prints: eight queries for any size of plan."""
    return plans_data(user=user, plans=[plan])[plan.pk]


def plans_data(*, user, plans: Sequence[Plan]) -> dict[int, PlanData]:
    """`plan_data` of many plans (a province's ZIP of plans), by plan id: eight queries for any number of plans."""
    if not plans:
        return {}
    _require_readable_all(user, plans)
    ids = [p.pk for p in plans]
    lines = _by_plan(plans, BudgetLine.objects.filter(plan_id__in=ids))
    for rows in lines.values():
        rows.sort(key=lambda line: (AREA_ORDER.get(line.area, 99), line.sort_order, line.id))
    links = Plan.legal_bases.through.objects.filter(plan_id__in=ids).select_related("legalbasis")
    bases = _by_plan(plans, links)
    targets, tasks, totals = _targets_by_plan(plans), _tasks_by_plan(plans), budget_totals_by_plan(ids)
    baselines = measured_baselines(user, plans, targets)
    responsibilities = _by_plan(plans, Responsibility.objects.filter(plan_id__in=ids))
    return {
        p.pk: PlanData(
            plan=p,
            legal_bases=legal_bases_ordered(link.legalbasis for link in bases[p.pk]),
            targets=targets[p.pk],
            tasks=tasks[p.pk],
            budget_lines=lines[p.pk],
            totals=totals[p.pk],
            responsibilities=responsibilities[p.pk],
            measured_baselines=baselines[p.pk],
        )
        for p in plans
    }


# --- values of indicators -------------------------------------------------------------------------------------


def _values(user, units: Sequence[AdminUnit], indicators: list[Indicator], specs: list[PeriodSpec]):
    periods = periods_ensure(specs)
    wanted = [periods[s.code] for s in specs]
    table = indicator_values(user=user, indicators=indicators, units=units, periods=wanted) if indicators else {}
    return periods, table


@dataclass
class TargetRow:
    target: Target
    value: IndicatorValue | None  # the figure used (None: no data)
    period: Period | None  # the period it comes from, when not the report's own
    status: TargetStatus

    @property
    def current(self) -> float | None:
        return self.value.value if self.value else None


def _row(target: Target, found: JudgedValue, spec: PeriodSpec, asof: date) -> TargetRow:
    """A target's row of a document for `spec`: the figure it is judged on, and its status as of `asof`."""
    status = target_status(
        comparator=target.comparator, target=target.value, horizon_year=target.horizon_year, latest=found.value,
        baseline=target.baseline_value, baseline_date=target.baseline_date, start_year=target.plan.year_from,
        today=asof,
    )  # fmt: skip
    period = found.period if found.period is not None and found.period.code != spec.code else None
    return TargetRow(target, found.cell, period, status)


def _asof(spec: PeriodSpec, today: date) -> date:
    return min(spec.end, today)


def _last_update(task: Task, until: date) -> TaskUpdate | None:
    found = None
    for u in task.updates.all():  # prefetched, oldest first
        if u.on <= until:
            found = u
    return found


def _done_on(task: Task) -> date | None:
    done = [u.on for u in task.updates.all() if u.percent_done == 100]
    return max(done) if done else None


@dataclass
class TaskRow:
    task: Task
    update: TaskUpdate | None
    due: date | None


@dataclass
class ProgressData:
    plan: Plan
    spec: PeriodSpec
    today: date
    asof: date
    rows: list[TargetRow]  # every target of the plan, each judged as of the period
    done: list[TaskRow]
    late: list[TaskRow]
    in_progress: list[TaskRow]
    next_due: list[TaskRow]
    # the targets of the period's year (one per indicator: its horizon that year, else the nearest later one), the
    # rows both the periodic report and the year-end evaluation count (`target_counts`)
    year_rows: list[TargetRow] = field(default_factory=list)
    # "Xuất phát" of a target whose plan states no baseline: the commune's latest figure before the plan, by
    # indicator (value, year), as the plan document prints it; filled only when asked for (`baselines=True`)
    measured_baselines: dict[int, tuple[float, int]] = field(default_factory=dict)


@dataclass
class TrendData:
    labels: list[str]
    series: list[tuple[Indicator, list[float | None]]] = field(default_factory=list)


def progress_trend(*, user, data: ProgressData, limit: int = 4) -> TrendData:
    """The key indicators of a periodic report (percentages first) over the months of its year, or over five
    years: only the document's chart needs it, so `progress_data` does not read it."""
    spec, unit = data.spec, data.plan.unit
    if spec.type == YEAR:
        specs = [year(spec.year - i) for i in range(4, -1, -1)]
        labels = [str(s.year) for s in specs]
    else:
        specs = [month(spec.year, m) for m in range(1, spec.end.month + 1)]
        labels = [f"T{s.start.month}" for s in specs]
    indicators = list({r.target.indicator_id: r.target.indicator for r in data.rows}.values())
    periods, table = _values(user, [unit], indicators, specs)
    series = []
    for ind in indicators:
        values = [
            cell.value if (cell := table.get((unit.id, ind.id, periods[s.code].id))) is not None else None
            for s in specs
        ]
        points = sum(v is not None for v in values)
        if points >= 2:
            series.append((points, ind.is_percent, ind, values))
    series.sort(key=lambda s: (-int(s[1]), -s[0], s[2].name))
    return TrendData(labels, [(ind, values) for _p, _pct, ind, values in series[:limit]])


def progress_data(*, user, plan: Plan, spec: PeriodSpec, today: date | None = None,
                  baselines: bool = False) -> ProgressData:  # fmt: skip
    """The periodic report (BC): each target's baseline, value for the period and status; tasks done, late, open.
    `baselines`: also the measured baselines the document prints where the plan states none (one more read)."""
    return progress_data_by_plan(user=user, plans=[plan], spec=spec, today=today, baselines=baselines)[plan.pk]


def progress_data_by_plan(*, user, plans: Sequence[Plan], spec: PeriodSpec, today: date | None = None,
                          baselines: bool = False) -> dict[int, ProgressData]:  # fmt: skip
    """`progress_data` of many plans (a province's communes), by plan id: the targets, the tasks and one
    `indicator_values` table for all of them, so the number of queries does not grow with the number of plans."""
    if not plans:
        return {}
    _require_readable_all(user, plans)
    today = today or date.today()
    targets, tasks = _targets_by_plan(plans), _tasks_by_plan(plans)
    # each target's figure by the status rule (the period, its year, the year before; a passed horizon's own year)
    judged = judged_values(user=user, targets=[t for rows in targets.values() for t in rows], at=spec)
    asof = _asof(spec, today)
    measured = measured_baselines(user, plans, targets) if baselines else {}
    out = {}
    for plan in plans:
        rows = [_row(t, judged[(t.plan.unit_id, t.id)], spec, asof) for t in targets[plan.pk]]
        out[plan.pk] = _progress(plan, spec, today, rows, tasks[plan.pk])
        chosen = {t.id for t in _year_targets(targets[plan.pk], spec.year)}
        out[plan.pk].year_rows = [r for r in rows if r.target.id in chosen]
        out[plan.pk].measured_baselines = measured.get(plan.pk, {})
    return out


def _progress(plan: Plan, spec: PeriodSpec, today: date, rows: list[TargetRow], tasks: list[Task]) -> ProgressData:
    """The tasks' side of a periodic report (done, late, open, due next period), from rows already computed."""
    asof = _asof(spec, today)
    done, late, open_ = [], [], []
    for task in tasks:
        if task.status == TaskStatus.CANCELLED:
            continue
        row = TaskRow(task, _last_update(task, asof), task.due_date or task_next_due(task, today=asof))
        if task.status == TaskStatus.DONE:
            finished = _done_on(task)
            if finished is None or spec.start <= finished <= asof:
                done.append(row)
        elif task_is_overdue(task, today=asof):
            late.append(row)
        else:
            open_.append(row)
    nxt = _next_spec(spec)
    next_due = []
    for row in open_ + late:
        due = task_next_due(row.task, today=nxt.start)
        if due and nxt.start <= due <= nxt.end:
            next_due.append(TaskRow(row.task, row.update, due))
    return ProgressData(plan, spec, today, asof, rows, done, late, open_, next_due)


def _next_spec(spec: PeriodSpec) -> PeriodSpec:
    if spec.type == MONTH:
        return month(spec.year + 1, 1) if spec.start.month == 12 else month(spec.year, spec.start.month + 1)
    if spec.type == QUARTER:
        q = (spec.start.month - 1) // 3 + 1
        return quarter(spec.year + 1, 1) if q == 4 else quarter(spec.year, q + 1)
    return year(spec.year + 1)


# --- the year-end evaluation ------------------------------------------------------------------------------------


@dataclass
class EvaluationData:
    plan: Plan
    year: int
    today: date
    rows: list[TargetRow]  # one per indicator: the target of the year (or the nearest later horizon)
    tasks: list[Task]
    next_plan: Plan | None
    next_targets: list[Target]
    next_tasks: list[Task]
    element_values: dict[str, float]  # the counts behind the ratios (households, population ...)


def _year_targets(targets: list[Target], y: int) -> list[Target]:
    """Per indicator, the target whose horizon is the year, else the nearest later one."""
    best: dict[int, Target] = {}
    for t in targets:
        if t.horizon_year < y:
            continue
        current = best.get(t.indicator_id)
        if current is None or t.horizon_year < current.horizon_year:
            best[t.indicator_id] = t
    return [t for t in targets if best.get(t.indicator_id) is t]


def evaluation_data(*, user, plan: Plan, year_: int | None = None, today: date | None = None) -> EvaluationData:
    """The year-end evaluation (seed 003, Part 1): the year's measured figures against the year's targets, the
    tasks' outcome, then the next year's plan (the plan made from this one, else what remains of this one)."""
    today = today or date.today()
    y = year_ or plan.year_to
    # the same rows as the periodic report of the year: the two documents count targets the same way
    progress = progress_data(user=user, plan=plan, spec=year(y), today=today)
    rows = progress.year_rows
    targets = [r.target for r in progress.rows]
    element_values: dict[str, float] = {}
    for row in rows:
        if row.value and row.period is None:  # the wholes ("Tổng số hộ") of the year's own figures only
            element_values.update({k: v for k, v in row.value.inputs.items() if v is not None})
    next_plan = (
        plans_for_user(user).filter(unit=plan.unit, year_from=y + 1).order_by("-version", "-id").first()
        or plans_for_user(user).filter(previous_plan=plan).order_by("-version", "-id").first()
    )
    tasks = _tasks(plan)
    if next_plan is not None:
        next_targets, next_tasks = _targets(next_plan), _tasks(next_plan)
    else:  # what remains: targets not reached in the year, later horizons, unfinished tasks
        missed = {r.target.id for r in rows if r.status.code != ACHIEVED}
        next_targets = [t for t in targets if t.horizon_year > y or t.id in missed]
        next_tasks = [t for t in tasks if t.status not in (TaskStatus.DONE, TaskStatus.CANCELLED)]
    return EvaluationData(plan, y, today, rows, tasks, next_plan, next_targets, next_tasks, element_values)


@dataclass(frozen=True)
class TargetCounts:
    """How many targets stand where: the one count the periodic report and the year-end evaluation both print."""

    total: int
    achieved: int
    on_track: int
    at_risk: int
    off_track: int
    no_data: int

    @property
    def not_achieved(self) -> int:
        return self.on_track + self.at_risk + self.off_track


def target_counts(rows: list[TargetRow]) -> TargetCounts:
    """Count the rows by status (`docs/rules/target-status.md`)."""
    codes = [r.status.code for r in rows]
    return TargetCounts(len(codes), codes.count(ACHIEVED), codes.count(ON_TRACK), codes.count(AT_RISK),
                        codes.count(OFF_TRACK), codes.count(NO_DATA))  # fmt: skip


def year_target_counts(*, user, plan: Plan, year_: int, today: date | None = None) -> TargetCounts:
    """The counts of the year's targets as of the year's end (or today): what both documents of the year print."""
    return target_counts(progress_data(user=user, plan=plan, spec=year(year_), today=today).year_rows)


STATUS_ORDER = (ACHIEVED, ON_TRACK, AT_RISK, OFF_TRACK, NO_DATA)


def pillar_status_counts(rows: list[TargetRow]) -> list[tuple[str, dict[str, int]]]:
    """Per pillar, in the framework's order: how many of its targets stand at each status."""
    out: dict[str, dict[str, int]] = {}
    for r in sorted(rows, key=lambda r: AREA_ORDER.get(r.target.indicator.area, 99)):
        counts = out.setdefault(r.target.indicator.area, dict.fromkeys(STATUS_ORDER, 0))
        counts[r.status.code if r.status.code in counts else NO_DATA] += 1  # "not computed" (bad stored row): no data
    return [(str(Area(area).label), counts) for area, counts in out.items()]


# --- province-wide -----------------------------------------------------------------------------------------------


def communes_for(user, unit: AdminUnit) -> QuerySet[AdminUnit]:
    """The communes under `unit` that the user may read (the unit itself when it is a commune)."""
    units = AdminUnit.objects.for_user(user).in_subtree(unit).filter(level=Level.COMMUNE)
    return units.order_by("name", "code")


def latest_plans(user, communes: list[AdminUnit], year_: int) -> dict[int, Plan]:
    """Each commune's plan for the year (newest version), with its unit and the unit above (the documents' header):
    one query."""
    plans = plans_for_user(user).filter(unit__in=communes, year_from__lte=year_, year_to__gte=year_)
    plans = plans.select_related("unit__parent")
    out: dict[int, Plan] = {}
    for p in plans.order_by("unit_id", "version", "id"):
        out[p.unit_id] = p
    return out
