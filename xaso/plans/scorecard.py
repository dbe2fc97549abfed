"""What the operations centre shows from plans: a commune's targets in execution, and a province's
communes side by side on its key targets with a composite score.

Composite progress score of a commune (0–100), documented in docs/rules/target-status.md:
for each key target, with `latest` the value the target is judged on (`selectors.judged_values`), attainment =
min(latest / target, 1) for a "≥" target, min(target / latest, 1) for a "≤" target (1 when latest is 0), 1 or 0
for "="; a target without data counts 0. The score is the mean
attainment × 100, rounded to one decimal. Communes are ranked by score, ties by name.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date

from django.db.models import Q, QuerySet

from xaso.core.limits import is_finite_number
from xaso.core.periods import year
from xaso.geo.models import AdminUnit, Level
from xaso.indicators.models import Area
from xaso.indicators.selectors import PUBLIC_AGGREGATES

from .models import Comparator, Plan, PlanStatus, Target
from .selectors import TargetProgress, judged_values, plans_for_user, target_progress
from .status import EQUAL_TOLERANCE, NO_DATA, target_status

ACTIVE_STATUSES = (PlanStatus.APPROVED, PlanStatus.IN_EXECUTION)


def attainment(comparator: str, target: float, latest: float | None) -> float:
    """Share of the target reached, 0–1; a value or target that is no finite number (stored before the bounds,
    `xaso.core.limits`) counts as no data, 0, so it cannot turn the commune's score into NaN."""
    if not (is_finite_number(latest) and is_finite_number(target)):
        return 0.0
    if comparator == Comparator.GE:
        return 1.0 if target <= 0 else max(0.0, min(latest / target, 1.0))
    if comparator == Comparator.LE:
        return 1.0 if latest <= target or latest == 0 else max(0.0, min(target / latest, 1.0))
    return 1.0 if abs(latest - target) <= EQUAL_TOLERANCE else 0.0


def active_plans(*, user, unit: AdminUnit) -> QuerySet[Plan]:
    """Approved or executing plans of the unit and of the older units it absorbed (July 2025).

    `user` is PUBLIC_AGGREGATES for the commune's public page, which has checked that the commune publishes its
    targets: those plans are then read without a user's scope, and still only the unit's and its absorbed units'.
    """
    absorbed = AdminUnit.objects.filter(successions__new_unit=unit).values("id")
    plans = Plan.objects.select_related("unit") if user is PUBLIC_AGGREGATES else plans_for_user(user)
    return plans.filter(Q(unit=unit) | Q(unit__in=absorbed), status__in=ACTIVE_STATUSES)


@dataclass
class CommuneTargets:
    progress: list[TargetProgress]
    by_area: dict[str, Counter] = field(default_factory=dict)
    gaps: list[TargetProgress] = field(default_factory=list)


def commune_targets(*, user, unit: AdminUnit, today: date | None = None, plans=None) -> CommuneTargets:
    """Every target of the commune's active plans with its latest value and status, per pillar, and gaps."""
    today = today or date.today()
    plans = plans if plans is not None else active_plans(user=user, unit=unit)
    rank = {area: n for n, area in enumerate(Area.values)}  # the framework's order: the three pillars first
    targets = sorted(
        Target.objects.filter(plan__in=plans.values("id")).select_related(
            "indicator", "plan__unit", "plan__parent_plan"
        ),
        key=lambda t: (rank.get(t.indicator.area, len(rank)), t.indicator.sort_order, t.horizon_year),
    )
    progress = target_progress(user=user, targets=targets, today=today)
    by_area: dict[str, Counter] = {}
    for p in progress:
        by_area.setdefault(p.target.indicator.area, Counter())[p.status.code] += 1
    gaps = [p for p in progress if p.status.code == NO_DATA]
    return CommuneTargets(progress, by_area, gaps)


@dataclass
class ScoreCell:
    target: Target
    value: float | None
    status: str


@dataclass
class CommuneScore:
    unit: AdminUnit
    cells: list[ScoreCell]
    score: float
    rank: int = 0


def key_targets(*, user, province: AdminUnit, horizon: int) -> list[Target]:
    """The province's key targets: those of its active plans for the nearest horizon from `horizon` on."""
    targets = list(
        Target.objects.filter(plan__in=active_plans(user=user, unit=province).values("id"), horizon_year__gte=horizon)
        .select_related("indicator", "plan")
        .order_by("horizon_year", "indicator__area", "sort_order")
    )
    if not targets:
        return []
    nearest = min(t.horizon_year for t in targets)
    return [t for t in targets if t.horizon_year == nearest]


def province_scorecard(
    *, user, province: AdminUnit, targets: list[Target], today: date | None = None
) -> list[CommuneScore]:
    """Communes × key targets in one aggregation pass; scored, ranked. Each cell holds the value the target is judged
    on (`judged_values`: this year's, else last year's; for a passed horizon its horizon year's, else the year
    before's), which is also the value its attainment is computed from."""
    today = today or date.today()
    communes = list(
        AdminUnit.objects.in_subtree(province)
        .filter(level=Level.COMMUNE, is_legacy=province.is_legacy)
        .order_by("name")
    )
    if not communes or not targets:
        return [CommuneScore(c, [], 0.0) for c in communes]
    judged = judged_values(user=user, targets=targets, at=year(today.year), units=communes)
    rows = []
    for commune in communes:
        cells = []
        for t in targets:
            latest = judged[(commune.id, t.id)].value
            status = target_status(
                comparator=t.comparator,
                target=t.value,
                horizon_year=t.horizon_year,
                latest=latest,
                baseline=None,
                baseline_date=None,
                start_year=t.plan.year_from,
                today=today,
            )
            cells.append(ScoreCell(t, latest, status.code))
        score = round(
            100 * sum(attainment(c.target.comparator, c.target.value, c.value) for c in cells) / len(cells), 1
        )
        rows.append(CommuneScore(commune, cells, score))
    for rank, row in enumerate(sorted(rows, key=lambda r: (-r.score, r.unit.name)), start=1):
        row.rank = rank
    return rows


def scorecard_sorted(
    rows: list[CommuneScore], targets: list[Target], *, sort: str, descending: bool
) -> list[CommuneScore]:
    """Sort by rank, name, score or one target's value (`t<id>`); communes without a value stay last."""
    if sort == "name":
        return sorted(rows, key=lambda r: r.unit.name, reverse=descending)
    if sort == "score":
        return sorted(rows, key=lambda r: (r.score, r.unit.name), reverse=descending)
    index = next((i for i, t in enumerate(targets) if f"t{t.pk}" == sort), None)
    if index is None:
        return sorted(rows, key=lambda r: r.rank, reverse=descending)
    with_value = [r for r in rows if r.cells[index].value is not None]
    without = [r for r in rows if r.cells[index].value is None]
    return sorted(with_value, key=lambda r: r.cells[index].value, reverse=descending) + without
