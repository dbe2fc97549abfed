"""Writes of the commune index: a commune's yearly self-assessment, its submission, the province's review per
criterion, publication. Each is atomic, authorised against the stored assessment, and leaves a `ScoreChange`.
"""

from __future__ import annotations

from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from xaso.accounts.models import Role
from xaso.accounts.permissions import can_write_unit, is_admin
from xaso.core.models import period_get_or_create
from xaso.core.periods import year as year_spec
from xaso.files.uploads import EVIDENCE, upload_accept
from xaso.geo.models import AdminUnit, Level
from xaso.indicators.selectors import indicator_values

from .models import (
    AUTOMATIC_KINDS,
    Assessment,
    AssessmentStatus,
    Criterion,
    CriterionScore,
    IndexVersion,
    ReviewStatus,
    RuleKind,
    ScoreChange,
)
from .rules import leaf_points

MAX_EXPLANATION = 4000
MIN_YEAR, MAX_YEAR = 2020, 2100


def can_review(user, commune: AdminUnit) -> bool:
    """A province analyst reviews the communes of their province; an administrator any."""
    if not user.is_authenticated:
        return False
    if is_admin(user):
        return True
    return (
        user.role == Role.ANALYST
        and user.unit_id is not None
        and user.unit.level == Level.PROVINCE
        and commune.path.startswith(user.unit.path)
    )


def _locked(assessment: Assessment) -> Assessment:
    return Assessment.objects.select_for_update().select_related("commune", "index").get(pk=assessment.pk)


def _locked_score(score: CriterionScore, assessment: Assessment) -> CriterionScore:
    locked = CriterionScore.objects.select_for_update().select_related("criterion")
    return locked.get(pk=score.pk, assessment=assessment)


def _log(assessment, user, action, *, criterion=None, old=None, new=None, note="") -> None:
    ScoreChange.objects.create(assessment=assessment, criterion=criterion, action=action, old_points=old,
                               new_points=new, note=note, changed_by=user)  # fmt: skip


def _auto_scores(assessment: Assessment, leaves: list[Criterion], user) -> dict[int, tuple[float | None, float]]:
    """(value, points) of every automatic leaf, from the commune's figures of the year: one indicator pass."""
    auto = [c for c in leaves if c.rule_kind in AUTOMATIC_KINDS]
    if not auto:
        return {}
    period = period_get_or_create(year_spec(assessment.year))
    indicators = list({c.indicator_id: c.indicator for c in auto}.values())
    values = indicator_values(user=user, indicators=indicators, units=[assessment.commune], periods=[period])
    out = {}
    for c in auto:
        value = values[(assessment.commune_id, c.indicator_id, period.id)].value
        out[c.id] = (value, leaf_points(kind=c.rule_kind, points=c.points, params=c.params, value=value))
    return out


def _register_facts(assessment: Assessment, leaves: list[Criterion]) -> dict[int, tuple[str, float]]:
    """(fact, points) of the facts a register answers: "who heads the steering committee" (a fact leaf whose options
    are coded chairman, deputy, none) from the commune's steering committee on 31 December of the year
    (xaso.steering, docs/decisions/0043). A commune without its committee in xaso states the fact itself."""
    from xaso.steering.selectors import HEAD_FACT_CODES, head_fact

    out = {}
    for c in leaves:
        if c.rule_kind == RuleKind.FACT and {o["code"] for o in c.params.get("options", [])} == HEAD_FACT_CODES:
            fact = head_fact(assessment.commune, date(assessment.year, 12, 31))
            if fact is not None:
                out[c.id] = (fact, leaf_points(kind=RuleKind.FACT, points=c.points, params=c.params, fact=fact))
    return out


@transaction.atomic
def assessment_start(*, user, index: IndexVersion, commune: AdminUnit, year: int) -> Assessment:
    """Open (or return) a commune's assessment of a year, with every leaf and its automatic score."""
    if not can_write_unit(user, commune) or commune.level != Level.COMMUNE:
        raise PermissionDenied(_("Bạn không có quyền tự đánh giá cho %(u)s.") % {"u": commune.name})
    if index.province_id is not None and not commune.path.startswith(index.province.path):
        raise ValidationError(_("Bộ chỉ số này do tỉnh khác ban hành."))
    if not MIN_YEAR <= year <= MAX_YEAR:
        raise ValidationError({"year": _("Năm đánh giá phải từ %(a)s đến %(b)s.") % {"a": MIN_YEAR, "b": MAX_YEAR}})
    # one assessment a year per index: the ranking adds up a commune's scores under every version of the index's
    # code (docs/decisions/0041, 0062): a second version's assessment of the same year would count the commune twice
    list(AdminUnit.objects.select_for_update().filter(pk=commune.pk).values_list("pk"))  # one start at a time
    other = (
        Assessment.objects.filter(commune=commune, year=year, index__code=index.code,
                                  index__province_id=index.province_id)
        .exclude(index=index).select_related("index").first()
    )  # fmt: skip
    if other is not None:
        raise ValidationError(
            _(
                "%(u)s đã có bản đánh giá năm %(y)s theo phiên bản %(v)s của bộ chỉ số này: mỗi năm xã chỉ tự đánh giá "
                "theo một phiên bản. Mở bản đánh giá đó để tiếp tục."
            )
            % {"u": commune.name, "y": year, "v": other.index.version}
        )
    assessment, created = Assessment.objects.get_or_create(index=index, commune=commune, year=year)
    if not created:
        return assessment
    leaves = list(index.criteria.exclude(rule_kind=RuleKind.GROUP).select_related("indicator"))
    auto = _auto_scores(assessment, leaves, user)
    facts = _register_facts(assessment, leaves)
    CriterionScore.objects.bulk_create(
        CriterionScore(assessment=assessment, criterion=c, value=auto.get(c.id, (None, 0.0))[0],
                       points=facts[c.id][1] if c.id in facts else auto.get(c.id, (None, 0.0))[1],
                       fact=facts.get(c.id, ("", 0.0))[0])
        for c in leaves
    )  # fmt: skip
    _log(assessment, user, "start")
    return assessment


@transaction.atomic
def assessment_refresh(*, user, assessment: Assessment) -> int:
    """Re-score the automatic leaves from the commune's current figures (only while the commune assesses)."""
    assessment = _locked(assessment)
    _require_commune_draft(user, assessment)
    automatic = assessment.scores.filter(criterion__rule_kind__in=AUTOMATIC_KINDS)
    scores = list(automatic.select_related("criterion__indicator"))
    auto = _auto_scores(assessment, [s.criterion for s in scores], user)
    changed = []
    for s in scores:
        value, points = auto[s.criterion_id]
        if (s.value, s.points) != (value, points):
            _log(assessment, user, "auto", criterion=s.criterion, old=s.points, new=points)
            s.value, s.points = value, points
            s.review_status, s.review_reason, s.reviewed_by, s.reviewed_at = "pending", "", None, None
            changed.append(s)
    fields = ["value", "points", "review_status", "review_reason", "reviewed_by", "reviewed_at"]
    CriterionScore.objects.bulk_update(changed, fields)
    return len(changed)


def _require_commune_draft(user, assessment: Assessment) -> None:
    if not can_write_unit(user, assessment.commune):
        raise PermissionDenied(_("Bạn không có quyền sửa bản đánh giá của %(u)s.") % {"u": assessment.commune.name})
    if assessment.status != AssessmentStatus.DRAFT:
        raise ValidationError(_("Bản đánh giá đã gửi tỉnh: xã không sửa được nữa."))


@transaction.atomic
def score_self_assess(
    *, user, score: CriterionScore, points: float | None = None, fact: str = "", explanation: str = "", evidence=None
) -> CriterionScore:
    """The commune's answer for a hand-assessed or fact criterion: points (or the stated fact), explanation, file."""
    assessment = _locked(score.assessment)
    score = _locked_score(score, assessment)
    _require_commune_draft(user, assessment)
    criterion = score.criterion
    explanation = (explanation or "").strip()
    if len(explanation) > MAX_EXPLANATION:
        raise ValidationError({"explanation": _("Giải trình dài quá %(n)s ký tự.") % {"n": MAX_EXPLANATION}})
    if criterion.rule_kind == RuleKind.MANUAL:
        if points is None or not 0 <= points <= criterion.points:
            raise ValidationError({"points": _("Điểm tự chấm của “%(c)s” phải từ 0 đến %(max)s.")
                                   % {"c": criterion.code, "max": f"{criterion.points:g}"}})  # fmt: skip
        new_points = round(float(points), 2)
    elif criterion.rule_kind == RuleKind.FACT:
        codes = [o["code"] for o in criterion.params.get("options", [])]
        if fact not in codes:
            raise ValidationError({"fact": _("Chọn một tình trạng của “%(c)s”.") % {"c": criterion.code}})
        new_points = leaf_points(kind=RuleKind.FACT, points=criterion.points, params=criterion.params, fact=fact)
        score.fact = fact
    else:
        raise ValidationError(_("Tiêu chí “%(c)s” được chấm tự động từ số liệu của xã.") % {"c": criterion.code})
    accepted = upload_accept(evidence, policy=EVIDENCE, field="evidence") if evidence else None
    old = score.points
    score.self_points = score.points = new_points
    score.explanation = explanation
    if score.review_status != ReviewStatus.PENDING:  # a returned assessment: the corrected answer is reviewed again
        score.review_status, score.review_reason, score.reviewed_by, score.reviewed_at = "pending", "", None, None
    if accepted:
        score.evidence, score.evidence_name = accepted.content, accepted.download_name
    score.save()
    _log(assessment, user, "self", criterion=criterion, old=old, new=new_points, note=explanation[:500])
    return score


@transaction.atomic
def assessment_submit(*, user, assessment: Assessment) -> Assessment:
    """Send to the province. Every hand-assessed criterion that claims points needs an explanation and evidence."""
    assessment = _locked(assessment)
    _require_commune_draft(user, assessment)
    missing = [
        s.criterion.code
        for s in assessment.scores.filter(criterion__rule_kind=RuleKind.MANUAL, points__gt=0).select_related(
            "criterion"
        )
        if not s.explanation or not s.evidence
    ]
    if missing:
        raise ValidationError(_("Tiêu chí %(c)s tự chấm có điểm nhưng thiếu giải trình hoặc tệp minh chứng.")
                              % {"c": ", ".join(missing)})  # fmt: skip
    assessment.status, assessment.submitted_at, assessment.submitted_by = "submitted", timezone.now(), user
    assessment.save(update_fields=["status", "submitted_at", "submitted_by"])
    _log(assessment, user, "submit")
    return assessment


def _require_reviewer(user, assessment: Assessment) -> None:
    if not can_review(user, assessment.commune):
        raise PermissionDenied(_("Chỉ chuyên viên của tỉnh được thẩm định bản đánh giá của %(u)s.")
                               % {"u": assessment.commune.name})  # fmt: skip
    if assessment.status != AssessmentStatus.SUBMITTED:
        raise ValidationError(_("Chỉ thẩm định được bản đánh giá xã đã gửi và chưa công bố."))


@transaction.atomic
def score_review(*, user, score: CriterionScore, points: float | None = None, reason: str = "") -> CriterionScore:
    """The province accepts a criterion's score (points None) or sets other points, with a reason."""
    assessment = _locked(score.assessment)
    score = _locked_score(score, assessment)
    _require_reviewer(user, assessment)
    reason = (reason or "").strip()
    old = score.points
    if points is None:
        score.review_status = ReviewStatus.ACCEPTED
    else:
        if not 0 <= points <= score.criterion.points:
            raise ValidationError({"points": _("Điểm điều chỉnh của “%(c)s” phải từ 0 đến %(max)s.")
                                   % {"c": score.criterion.code, "max": f"{score.criterion.points:g}"}})  # fmt: skip
        if not reason or len(reason) > MAX_EXPLANATION:
            raise ValidationError({"reason": _("Nhập lý do điều chỉnh (tối đa %(n)s ký tự).") % {"n": MAX_EXPLANATION}})
        score.points = round(float(points), 2)
        score.review_status = ReviewStatus.ADJUSTED
    score.review_reason = reason
    score.reviewed_by, score.reviewed_at = user, timezone.now()
    score.save()
    _log(assessment, user, score.review_status, criterion=score.criterion, old=old, new=score.points, note=reason)
    return score


@transaction.atomic
def assessment_return(*, user, assessment: Assessment, reason: str) -> Assessment:
    """The province returns a submitted assessment to the commune to complete (trả lại để bổ sung), with a reason
    the commune reads; the commune corrects and submits again. The province's reviews so far are kept; a criterion
    the commune changes is reviewed again."""
    assessment = _locked(assessment)
    _require_reviewer(user, assessment)
    reason = (reason or "").strip()
    if not reason or len(reason) > MAX_EXPLANATION:
        raise ValidationError({"reason": _("Nhập lý do trả lại để xã bổ sung (tối đa %(n)s ký tự).")
                               % {"n": MAX_EXPLANATION}})  # fmt: skip
    assessment.status = AssessmentStatus.DRAFT
    assessment.return_reason, assessment.returned_at, assessment.returned_by = reason, timezone.now(), user
    assessment.save(update_fields=["status", "return_reason", "returned_at", "returned_by"])
    _log(assessment, user, "return", note=reason)
    return assessment


@transaction.atomic
def assessment_publish(*, user, assessment: Assessment) -> Assessment:
    """Publish: the scores not reviewed one by one are accepted as they stand."""
    assessment = _locked(assessment)
    _require_reviewer(user, assessment)
    now = timezone.now()
    assessment.scores.filter(review_status=ReviewStatus.PENDING).update(
        review_status=ReviewStatus.ACCEPTED, reviewed_by=user, reviewed_at=now
    )
    assessment.status, assessment.published_at, assessment.published_by = "published", now, user
    assessment.save(update_fields=["status", "published_at", "published_by"])
    _log(assessment, user, "publish")
    return assessment
