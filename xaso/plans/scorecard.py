"""What the operations centre shows from plans: a commune's targets in execution, and a province's
communes side by side on its key targets with a composite score.

Composite progress score of a commune (0–100), documented in docs/rules/target-status.md:
for each key target, with `latest` the value the target is judged on (`selectors.judged_values`), attainment =
min(latest / target, 1) for a "≥" target, min(target / latest, 1) for a "≤" target (1 when latest is 0), 1 or 0
for "="; a target without data counts 0. The score is the mean
attainment × 100, rounded to one decimal. Communes are ranked by score, ties by name. A commune with no value
for any key target has no score and no rank: it is listed after the ranked ones as "no data", never scored 0.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date

from django.db.models import Q, QuerySet

from xaso.coc.selectors import name_sort_key
from xaso.core.db_router import using_replica
from xaso.core.limits import is_finite_number
from xaso.core.periods import year
from xaso.geo.models import AdminUnit, Level
from xaso.indicators.models import Area
from xaso.indicators.selectors import PUBLIC_AGGREGATES

from .models import Comparator, Plan, PlanStatus, Target
from .selectors import TargetProgress, judged_values, plans_for_user, target_progress
from .status import EQUAL_TOLERANCE, NO_DATA, STATUS_LABELS, target_status

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


def commune_targets(
    *, user, unit: AdminUnit, today: date | None = None, plans=None, stated: bool = False
) -> CommuneTargets:
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
    progress = target_progress(user=user, targets=targets, today=today, stated=stated)
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

    @property
    def label(self) -> str:
        return str(STATUS_LABELS[self.status])


@dataclass
class CommuneScore:
    unit: AdminUnit
    cells: list[ScoreCell]
    score: float | None  # None: no value for any key target, so nothing to score
    rank: int | None = None  # among the communes with a score only

    @property
    def has_data(self) -> bool:
        return self.score is not None


@using_replica()
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


@using_replica()
def province_scorecard(
    *, user, province: AdminUnit, targets: list[Target], today: date | None = None
) -> list[CommuneScore]:
    """Communes × key targets in one aggregation pass; scored, ranked. Each cell holds the value the target is judged
    on (`judged_values`: this year's, else last year's; for a passed horizon its horizon year's, else the year
    before's), which is also the value its attainment is computed from. A commune without a value for any key
    target gets neither a score nor a rank; the others are ranked among themselves, over every commune of the
    province (a page of the screen shows a slice of this ranking)."""
    today = today or date.today()
    communes = list(
        AdminUnit.objects.in_subtree(province)
        .filter(level=Level.COMMUNE, is_legacy=province.is_legacy)
        .order_by("name")
    )
    if not communes or not targets:
        return [CommuneScore(c, [], None) for c in communes]
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
        score = None
        if any(c.value is not None for c in cells):
            score = round(
                100 * sum(attainment(c.target.comparator, c.target.value, c.value) for c in cells) / len(cells), 1
            )
        rows.append(CommuneScore(commune, cells, score))
    ranked = sorted((r for r in rows if r.score is not None), key=lambda r: (-r.score, r.unit.name))
    for rank, row in enumerate(ranked, start=1):
        row.rank = rank
    return rows


def scorecard_sorted(
    rows: list[CommuneScore], targets: list[Target], *, sort: str, descending: bool
) -> list[CommuneScore]:
    """Sort by rank, name, score or one target's value (`t<id>`), either way. Communes without a value in the sorted
    column stay after those with one, and communes without any data (unranked) always come last, by name."""
    scored = [r for r in rows if r.has_data]
    unscored = sorted((r for r in rows if not r.has_data), key=lambda r: (name_sort_key(r.unit.name), r.unit.code))
    if sort == "name":
        by_name = sorted(scored, key=lambda r: (name_sort_key(r.unit.name), r.unit.code), reverse=descending)
        return by_name + unscored
    if sort == "score":
        return sorted(scored, key=lambda r: (r.score, r.unit.name), reverse=descending) + unscored
    index = next((i for i, t in enumerate(targets) if f"t{t.pk}" == sort), None)
    if index is None:
        return sorted(scored, key=lambda r: r.rank, reverse=descending) + unscored
    with_value = [r for r in scored if r.cells[index].value is not None]
    without = [r for r in scored if r.cells[index].value is None]
    return sorted(with_value, key=lambda r: r.cells[index].value, reverse=descending) + without + unscored
