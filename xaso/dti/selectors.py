"""Reads of the commune index: scores, ranks and year-on-year change of a province's communes, computed in SQL;
per-pillar totals; where a commune lost points and which of its plan's targets would gain them back.

A commune's total is Σ points × factor over its leaves (`Criterion.factor`, docs/decisions/0041); ranks are
dense-free standard competition ranks (1, 2, 2, 4) by total, computed by the database's RANK() window.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied
from django.db.models import Case, Exists, F, FloatField, IntegerField, OuterRef, Q, Sum, Value, When, Window
from django.db.models.functions import Coalesce, Rank, Round
from django.utils.translation import gettext as _

from xaso.accounts.permissions import can_read_unit
from xaso.core.db_router import using_replica
from xaso.geo.models import AdminUnit

from .models import AUTOMATIC_KINDS, Assessment, AssessmentStatus, Criterion, CriterionScore, IndexVersion, RuleKind
from .rules import full_marks_at, leaf_points

EARNED = F("points") * F("criterion__factor")


@dataclass
class RankRow:
    commune_id: int
    commune_name: str
    total: float
    rank: int
    commune_code: str = ""
    previous_total: float | None = None
    change: float | None = None
    completed: bool = False
    pillars: dict[int, float] = field(default_factory=dict)


def _published(index: IndexVersion, year: int, province: AdminUnit) -> Q:
    return Q(assessment__index__province_id=index.province_id, assessment__index__code=index.code,
             assessment__year=year, assessment__status=AssessmentStatus.PUBLISHED,
             assessment__commune__path__startswith=province.path)  # fmt: skip


@using_replica()
def ranking(*, user, index: IndexVersion, year: int, province: AdminUnit) -> list[RankRow]:
    """Every published commune of the province for the year under this index (any version of its code):
    total, rank, change from the year before, completion, per-pillar points. Four queries."""
    if not can_read_unit(user, province):
        raise PermissionDenied(_("Bạn không có quyền xem bảng xếp hạng của %(u)s.") % {"u": province.name})
    return _ranked(index, year, province)


def commune_position(*, user, assessment: Assessment) -> tuple[RankRow | None, int]:
    """A published assessment's own row of its province's ranking, and how many communes are ranked: a commune
    sees its place without reading the other communes' scores."""
    if not can_read_unit(user, assessment.commune):
        raise PermissionDenied(_("Bạn không có quyền xem bản đánh giá của %(u)s.") % {"u": assessment.commune.name})
    if assessment.status != AssessmentStatus.PUBLISHED or assessment.commune.province_id is None:
        return None, 0
    rows = _ranked(assessment.index, assessment.year, assessment.commune.province)
    return next((r for r in rows if r.commune_id == assessment.commune_id), None), len(rows)


def _ranked(index: IndexVersion, year: int, province: AdminUnit) -> list[RankRow]:
    below_pass = Q(points__lt=F("criterion__pass_share") * F("criterion__points") - 1e-9)
    unmet = Case(
        When(Q(criterion__is_mandatory=True) & below_pass, then=Value(1)), default=Value(0), output_field=IntegerField()
    )
    totals = (
        CriterionScore.objects.filter(_published(index, year, province))
        .values(
            "assessment__commune_id",
            "assessment__commune__name",
            "assessment__commune__code",
            "assessment__index__completion_min_points",
        )  # fmt: skip
        .annotate(total=Round(Sum(EARNED, output_field=FloatField()), 2), unmet=Sum(unmet))
        .annotate(rank=Window(Rank(), order_by=F("total").desc()))
        .order_by("rank", "assessment__commune__name")
    )
    previous = dict(
        CriterionScore.objects.filter(_published(index, year - 1, province))
        .values("assessment__commune_id")
        .annotate(total=Round(Sum(EARNED, output_field=FloatField()), 2))
        .values_list("assessment__commune_id", "total")
    )
    rows = []
    for t in totals:
        minimum = t["assessment__index__completion_min_points"]
        before = previous.get(t["assessment__commune_id"])
        rows.append(RankRow(
            commune_id=t["assessment__commune_id"], commune_name=t["assessment__commune__name"],
            commune_code=t["assessment__commune__code"],
            total=t["total"], rank=t["rank"], previous_total=before,
            change=None if before is None else round(t["total"] - before, 2),
            completed=t["unmet"] == 0 and (minimum is None or t["total"] >= minimum - 1e-9),
        ))  # fmt: skip
    by_commune = {r.commune_id: r for r in rows}
    pillars = (
        CriterionScore.objects.filter(_published(index, year, province))
        .values("assessment__commune_id", "criterion__pillar_id")
        .annotate(total=Round(Sum(EARNED, output_field=FloatField()), 2))
        .order_by()
    )
    codes = dict(Criterion.objects.filter(parent__isnull=True, index__code=index.code).values_list("id", "code"))
    for p in pillars:
        by_commune[p["assessment__commune_id"]].pillars[codes[p["criterion__pillar_id"]]] = p["total"]
    return rows


@dataclass
class LostPoints:
    criterion: Criterion
    earned: float  # in the index's points (after the group proportions)
    lost: float
    value: float | None
    review_reason: str
    targets: list = field(default_factory=list)
    #: the figure that earns full points (">=", 80), for a leaf scored from an indicator
    full_marks: tuple[str, float] | None = None


def assessment_for_user(*, user, pk: int) -> Assessment:
    assessment = Assessment.objects.select_related("commune", "index").get(pk=pk)
    if not can_read_unit(user, assessment.commune):
        raise PermissionDenied(_("Bạn không có quyền xem bản đánh giá của %(u)s.") % {"u": assessment.commune.name})
    return assessment


def lost_points(*, user, assessment: Assessment) -> list[LostPoints]:
    """Each leaf that did not earn its full points, the largest loss first, with the commune's plan targets on the
    leaf's indicator (what the plan already commits to that would gain them)."""
    from xaso.plans.models import PlanStatus, Target

    if not can_read_unit(user, assessment.commune):
        raise PermissionDenied(_("Bạn không có quyền xem bản đánh giá của %(u)s.") % {"u": assessment.commune.name})
    scores = (
        assessment.scores.select_related("criterion")
        .annotate(earned=EARNED, full=F("criterion__points") * F("criterion__factor"))
        .filter(full__gt=F("earned") + 1e-9)
    )
    out = [LostPoints(criterion=s.criterion, earned=round(s.earned, 2), lost=round(s.full - s.earned, 2),
                      value=s.value, review_reason=s.review_reason) for s in scores]  # fmt: skip
    indicator_ids = {o.criterion.indicator_id for o in out if o.criterion.indicator_id}
    targets: dict[int, list] = {}
    # the commune's plans in force (not replaced by a later version, not closed), each target with its tasks
    wanted = (
        Target.objects.filter(plan__unit=assessment.commune, indicator_id__in=indicator_ids,
                              plan__superseded_by__isnull=True)
        .exclude(plan__status=PlanStatus.CLOSED)
        .select_related("plan")
        .prefetch_related("tasks")
        .order_by("horizon_year", "plan_id", "id")
    )  # fmt: skip
    for t in wanted:
        targets.setdefault(t.indicator_id, []).append(t)
    for o in out:
        c = o.criterion
        if c.rule_kind not in AUTOMATIC_KINDS:
            continue
        marks = full_marks_at(kind=c.rule_kind, params=c.params)
        o.full_marks = None if marks is None else ({">=": "≥", "<=": "≤"}.get(marks[0], marks[0]), marks[1])
        o.targets = []
        for t in targets.get(c.indicator_id, []):
            # what meeting the target would earn, against what the leaf earns now: the points it gains back
            at_target = leaf_points(kind=c.rule_kind, points=c.points, params=c.params, value=t.value) * c.factor
            t.gain = max(0.0, round(at_target - o.earned, 2))
            o.targets.append(t)
    out.sort(key=lambda o: (-o.lost, o.criterion.sort_order))
    return out


def tree_total(index: IndexVersion) -> float:
    """Σ of the leaves' full points × factor: the index's total when every group's children are counted."""
    return round(
        sum(c.points * c.factor for c in index.criteria.exclude(rule_kind=RuleKind.GROUP).only("points", "factor")), 6
    )


def indexes_for_user(user):
    """The index versions a user works with: the shared (example) ones and their province's."""
    from django.db.models import Q

    from xaso.accounts.permissions import is_admin

    qs = IndexVersion.objects.select_related("province")
    if is_admin(user):
        return qs
    province_id = user.unit.province_id if user.unit_id else None
    return qs.filter(Q(province__isnull=True) | Q(province_id=province_id))


def _newer_version_exists():
    """Whether the index version of the outer row has a newer version of the same code from the same issuer (the
    same province, or the shared example when both have none)."""
    return Exists(
        IndexVersion.objects.annotate(issuer_key=Coalesce("province_id", 0))
        .filter(code=OuterRef("code"), version__gt=OuterRef("version"),
                issuer_key=Coalesce(OuterRef("province_id"), 0))
    )  # fmt: skip


def indexes_marked_superseded(user):
    """`indexes_for_user`, each with `superseded`: a newer version of its code has been issued since."""
    return indexes_for_user(user).annotate(superseded=_newer_version_exists())


def indexes_to_start(user):
    """The versions a commune may start a new assessment under: the newest of each code it works with. An
    assessment already open under an older version stays open (docs/decisions/0062); it is not started anew."""
    return indexes_for_user(user).exclude(_newer_version_exists())


def published_years(user) -> dict[int, list[int]]:
    """Index version id → the years with published assessments the user's province can rank (newest first)."""
    rows = (
        assessments_for_user(user).filter(status=AssessmentStatus.PUBLISHED)
        .values_list("index_id", "year").distinct().order_by("-year")
    )  # fmt: skip
    out: dict[int, list[int]] = {}
    for index_id, year in rows:
        out.setdefault(index_id, []).append(year)
    return out


def assessments_for_user(user):
    return (
        Assessment.objects.filter(commune__in=AdminUnit.objects.for_user(user))
        .select_related("commune", "index")
        .order_by("-year", "commune__name")
    )


@dataclass
class TreeRow:
    criterion: Criterion
    score: CriterionScore | None
    earned: float  # in the criterion's own points


def assessment_tree(assessment: Assessment) -> list[TreeRow]:
    """Every criterion of the assessment's index in order, each group with what its subtree earned (two queries)."""
    criteria = list(assessment.index.criteria.select_related("indicator"))
    scores = {s.criterion_id: s for s in assessment.scores.all()}
    by_id = {c.id: c for c in criteria}
    contribution: dict[int, float] = {c.id: 0.0 for c in criteria}
    for c in criteria:
        score = scores.get(c.id)
        if score is None:
            continue
        node = c
        while node is not None:
            contribution[node.id] += score.points * c.factor
            node = by_id.get(node.parent_id)
    return [
        TreeRow(
            criterion=c, score=scores.get(c.id), earned=round(contribution[c.id] / c.factor, 2) if c.factor else 0.0
        )  # fmt: skip
        for c in criteria
    ]


def pillars_of(index: IndexVersion) -> list[Criterion]:
    return list(index.criteria.filter(parent__isnull=True).order_by("sort_order"))


@dataclass
class PillarCompare:
    code: str
    name: str
    points: float
    commune: float | None  # what the commune earned in this pillar (None on the ranking page)
    average: float | None  # the province's average over its published communes of the year (None: none yet)

    @property
    def commune_share(self) -> float | None:
        return None if self.commune is None or not self.points else round(100 * self.commune / self.points, 1)

    @property
    def average_share(self) -> float | None:
        return None if self.average is None or not self.points else round(100 * self.average / self.points, 1)


def province_pillar_average(index: IndexVersion, year: int, province: AdminUnit) -> tuple[dict[str, float], int]:
    """Pillar code → the average points of the province's published communes of the year, and how many: two
    aggregates in SQL (whatever the number of communes)."""
    published = _published(index, year, province)
    count = (
        CriterionScore.objects.filter(published).values("assessment_id").distinct().count()
    )  # fmt: skip
    if not count:
        return {}, 0
    sums = (
        CriterionScore.objects.filter(published)
        .values("criterion__pillar__code")
        .annotate(total=Sum(EARNED, output_field=FloatField()))
        .order_by()
    )
    return {r["criterion__pillar__code"]: round(r["total"] / count, 2) for r in sums}, count


#: how many other communes the province's average must cover before a commune's reader sees it
MIN_OTHERS_AVERAGED = 2


def pillar_comparison(
    *, user, assessment: Assessment, tree: list | None = None
) -> tuple[list[PillarCompare], int, bool]:
    """Each pillar: what the commune earned and the province's average that year. A reader of the commune who does
    not read the province sees the average only when it covers `MIN_OTHERS_AVERAGED` other communes, so it tells
    nothing of any one other commune. Returns the pillars, how many communes the average covers, and whether it
    was withheld for that reason."""
    if not can_read_unit(user, assessment.commune):
        raise PermissionDenied(_("Bạn không có quyền xem bản đánh giá của %(u)s.") % {"u": assessment.commune.name})
    tree = tree if tree is not None else assessment_tree(assessment)
    province = assessment.commune.province
    average, count = ({}, 0) if province is None else province_pillar_average(assessment.index, assessment.year,
                                                                               province)  # fmt: skip
    withheld = False
    if count and not can_read_unit(user, province):
        # a commune's reader sees the average only when it covers at least two other communes: an average of one
        # other commune is its points, and an average of two that include this one gives the other's away (0062)
        others = count - (1 if assessment.status == AssessmentStatus.PUBLISHED else 0)
        if others < MIN_OTHERS_AVERAGED:
            average, count, withheld = {}, 0, True
    return (
        [
            PillarCompare(
                code=r.criterion.code,
                name=r.criterion.name,
                points=r.criterion.points,
                commune=r.earned,
                average=average.get(r.criterion.code) if count else None,
            )  # fmt: skip
            for r in tree
            if r.criterion.parent_id is None
        ],
        count,
        withheld,
    )


def assessment_summary(*, user, assessment: Assessment) -> dict:
    """A commune's assessment for the API: totals per pillar, its position once published, every leaf's score."""
    if not can_read_unit(user, assessment.commune):
        raise PermissionDenied(_("Bạn không có quyền xem bản đánh giá của %(u)s.") % {"u": assessment.commune.name})
    tree = assessment_tree(assessment)
    codes = {r.criterion.id: r.criterion.code for r in tree}
    position, count = commune_position(user=user, assessment=assessment)
    scores = [
        {"code": r.criterion.code, "name": r.criterion.name, "pillar": codes.get(r.criterion.pillar_id, ""),
         "rule_kind": r.criterion.rule_kind, "max_points": r.criterion.points, "points": r.score.points,
         "earned": round(r.score.points * r.criterion.factor, 2), "self_points": r.score.self_points,
         "value": r.score.value, "fact": r.score.fact, "explanation": r.score.explanation,
         "has_evidence": bool(r.score.evidence), "review_status": r.score.review_status,
         "review_reason": r.score.review_reason}
        for r in tree
        if r.score is not None
    ]  # fmt: skip
    return {
        "id": assessment.pk, "index_id": assessment.index_id, "commune": assessment.commune, "year": assessment.year,
        "status": assessment.status, "submitted_at": assessment.submitted_at, "published_at": assessment.published_at,
        "total": round(sum(r.earned for r in tree if r.criterion.parent_id is None), 2),
        "return_reason": assessment.return_reason if assessment.status == AssessmentStatus.DRAFT else "",
        "pillars": {r.criterion.code: r.earned for r in tree if r.criterion.parent_id is None},
        "position": None if position is None else {"rank": position.rank, "ranked": count, "change": position.change,
                                                   "completed": position.completed},
        "scores": scores,
    }  # fmt: skip
