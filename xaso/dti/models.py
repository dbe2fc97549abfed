"""The commune digital transformation index (DTI) a province issues, and the yearly assessments scored under it.

An index version is a tree of criteria (pillar → main index → sub-index) issued by one decision. Each leaf is
scored by a rule (`RuleKind`); a group earns its points in proportion to what its children earn
(docs/decisions/0041-dti-index-as-data.md). `Criterion.factor` is the product of those proportions from the
leaf up to the root, so a commune's total is a plain SQL sum of `CriterionScore.points × Criterion.factor`.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from xaso.files.fields import PrivateFileField
from xaso.geo.models import AdminUnit
from xaso.indicators.models import Indicator


class RuleKind(models.TextChoices):
    GROUP = "group", _("Nhóm (cộng điểm các tiêu chí con)")
    THRESHOLDS = "thresholds", _("Theo ngưỡng của chỉ số")
    LINEAR = "linear", _("Tuyến tính giữa giá trị tối thiểu và tối đa")
    YES_NO = "yes_no", _("Có/không")
    FACT = "fact", _("Theo tình trạng được khai")
    MANUAL = "manual", _("Chấm thủ công có minh chứng")


AUTOMATIC_KINDS = (RuleKind.THRESHOLDS, RuleKind.LINEAR, RuleKind.YES_NO)


class IndexVersion(models.Model):
    """One issued version of a province's commune index; its criteria never change once an assessment exists."""

    province = models.ForeignKey(
        AdminUnit, models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("tỉnh ban hành")
    )
    code = models.SlugField(_("mã bộ chỉ số"), max_length=64)
    version = models.PositiveSmallIntegerField(_("phiên bản"), default=1)
    title = models.CharField(_("tên bộ chỉ số"), max_length=255)
    decision_number = models.CharField(_("số quyết định"), max_length=60)
    decision_date = models.DateField(_("ngày quyết định"))
    issuer = models.CharField(_("cơ quan ban hành"), max_length=255)
    decision_file = PrivateFileField(_("tệp quyết định"), folder="dti/decisions", blank=True)
    decision_file_name = models.CharField(_("tên tệp quyết định"), max_length=200, blank=True)
    is_example = models.BooleanField(_("cấu trúc mẫu"), default=False)
    note = models.TextField(_("ghi chú"), blank=True)
    total_points = models.FloatField(_("tổng điểm"))
    completion_min_points = models.FloatField(_("điểm tối thiểu để hoàn thành chuyển đổi số"), null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["code", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["province", "code", "version"], name="dti_index_version_unique"),
            models.UniqueConstraint(
                fields=["code", "version"], condition=Q(province__isnull=True), name="dti_index_version_unique_national"
            ),
        ]
        verbose_name = _("bộ chỉ số chuyển đổi số")
        verbose_name_plural = pgettext_lazy("plural", "bộ chỉ số chuyển đổi số")

    def __str__(self) -> str:
        return f"{self.title} ({self.decision_number}, v{self.version})"


class Criterion(models.Model):
    """A node of the index tree: a group (pillar, main index) or a leaf scored by its rule."""

    index = models.ForeignKey(IndexVersion, models.CASCADE, related_name="criteria")
    parent = models.ForeignKey("self", models.CASCADE, null=True, blank=True, related_name="children")
    pillar = models.ForeignKey("self", models.CASCADE, null=True, blank=True, related_name="+", editable=False)
    code = models.CharField(_("mã tiêu chí"), max_length=40)
    name = models.CharField(_("tên tiêu chí"), max_length=500)
    depth = models.PositiveSmallIntegerField(default=0, editable=False)
    sort_order = models.PositiveIntegerField(default=0)
    points = models.FloatField(_("điểm tối đa"))
    #: the product, from this node up to the root, of parent.points / Σ siblings' points (1 when they add up)
    factor = models.FloatField(default=1.0, editable=False)
    rule_kind = models.CharField(_("cách chấm"), max_length=12, choices=RuleKind.choices)
    indicator = models.ForeignKey(Indicator, models.PROTECT, null=True, blank=True, related_name="+")
    #: thresholds: [[min value, share of points], …]; linear: {"min", "max"}; yes_no: {}; fact: {"options": […]}
    params = models.JSONField(default=dict, blank=True)
    is_mandatory = models.BooleanField(_("tiêu chí bắt buộc"), default=False)
    #: a mandatory criterion is met when it earns at least this share of its points
    pass_share = models.FloatField(_("tỷ lệ điểm để đạt"), default=1.0)
    guidance = models.TextField(_("hướng dẫn chấm"), blank=True)

    class Meta:
        ordering = ["index", "sort_order"]
        constraints = [models.UniqueConstraint(fields=["index", "code"], name="dti_criterion_code_unique")]
        verbose_name = _("tiêu chí")
        verbose_name_plural = pgettext_lazy("plural", "tiêu chí")

    def __str__(self) -> str:
        return f"{self.code}. {self.name}"

    @property
    def is_leaf(self) -> bool:
        return self.rule_kind != RuleKind.GROUP


class AssessmentStatus(models.TextChoices):
    DRAFT = "draft", _("Xã đang tự đánh giá")
    SUBMITTED = "submitted", _("Đã gửi tỉnh thẩm định")
    PUBLISHED = "published", _("Đã công bố")


class Assessment(models.Model):
    """A commune's assessment for one year under one index version."""

    index = models.ForeignKey(IndexVersion, models.PROTECT, related_name="assessments")
    commune = models.ForeignKey(AdminUnit, models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField(_("năm đánh giá"))
    status = models.CharField(_("trạng thái"), max_length=10, choices=AssessmentStatus.choices, default="draft")
    submitted_at = models.DateTimeField(null=True, blank=True)
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+")
    published_at = models.DateTimeField(null=True, blank=True)
    published_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+")
    #: the province's reason the last time it returned the assessment to the commune (trả lại để bổ sung)
    return_reason = models.TextField(_("lý do trả lại"), blank=True)
    returned_at = models.DateTimeField(null=True, blank=True)
    returned_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["index", "commune", "year"], name="dti_assessment_unique")]
        indexes = [models.Index(fields=["index", "year", "status"])]
        verbose_name = _("bản đánh giá")
        verbose_name_plural = pgettext_lazy("plural", "bản đánh giá")

    def __str__(self) -> str:
        return f"{self.commune_id} {self.year}"


class ReviewStatus(models.TextChoices):
    PENDING = "pending", _("Chờ thẩm định")
    ACCEPTED = "accepted", _("Tỉnh chấp nhận")
    ADJUSTED = "adjusted", _("Tỉnh điều chỉnh")


class CriterionScore(models.Model):
    """What one leaf earns in one assessment: the commune's figure or answer, its points, the province's review."""

    assessment = models.ForeignKey(Assessment, models.CASCADE, related_name="scores")
    criterion = models.ForeignKey(Criterion, models.PROTECT, related_name="+")
    value = models.FloatField(_("giá trị chỉ số"), null=True, blank=True)
    fact = models.CharField(_("tình trạng khai"), max_length=60, blank=True)
    self_points = models.FloatField(_("điểm tự chấm"), null=True, blank=True)
    #: the points that count: the self-assessed ones until the province adjusts them
    points = models.FloatField(_("điểm"), default=0.0)
    explanation = models.TextField(_("giải trình"), blank=True)
    evidence = PrivateFileField(_("minh chứng"), folder="dti/evidence", blank=True)
    evidence_name = models.CharField(_("tên tệp minh chứng"), max_length=200, blank=True)
    review_status = models.CharField(max_length=10, choices=ReviewStatus.choices, default=ReviewStatus.PENDING)
    review_reason = models.TextField(_("lý do điều chỉnh"), blank=True)
    reviewed_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+")
    reviewed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["assessment", "criterion"], name="dti_score_unique")]
        verbose_name = _("điểm tiêu chí")
        verbose_name_plural = pgettext_lazy("plural", "điểm tiêu chí")

    def __str__(self) -> str:
        return f"{self.criterion_id}: {self.points:g}"


ACTION_LABELS = {
    "start": _("bắt đầu tự đánh giá"),
    "auto": _("tính lại điểm tự động"),
    "self": _("xã tự chấm"),
    "submit": _("gửi tỉnh thẩm định"),
    "accepted": _("tỉnh chấp nhận"),
    "adjusted": _("tỉnh điều chỉnh"),
    "publish": _("công bố"),
    "return": _("tỉnh trả lại để bổ sung"),
}


class ScoreChange(models.Model):
    """Every change of an assessment or one of its scores: who, when, what it was, what it became, why."""

    assessment = models.ForeignKey(Assessment, models.CASCADE, related_name="changes")
    criterion = models.ForeignKey(Criterion, models.CASCADE, null=True, blank=True, related_name="+")
    action = models.CharField(max_length=20)
    old_points = models.FloatField(null=True, blank=True)
    new_points = models.FloatField(null=True, blank=True)
    note = models.TextField(blank=True)
    changed_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+")
    changed_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["changed_at", "id"]

    def __str__(self) -> str:
        return f"{self.action} {self.changed_at:%Y-%m-%d %H:%M}"

    @property
    def action_label(self) -> str:
        return str(ACTION_LABELS.get(self.action, self.action))


class IndexDraft(models.Model):
    """An index a province builds on screen: the same document a file holds (`loader.index_check` checks both),
    edited until it is issued. Issuing stores it as the next `IndexVersion` of its code; the draft is then frozen."""

    province = models.ForeignKey(AdminUnit, models.PROTECT, related_name="+", verbose_name=_("tỉnh ban hành"))
    data = models.JSONField(default=dict)
    decision_file = PrivateFileField(_("tệp quyết định"), folder="dti/decisions", blank=True)
    decision_file_name = models.CharField(_("tên tệp quyết định"), max_length=200, blank=True)
    source = models.ForeignKey(IndexVersion, models.SET_NULL, null=True, blank=True, related_name="+")
    issued = models.OneToOneField(IndexVersion, models.SET_NULL, null=True, blank=True, related_name="draft")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-updated_at"]
        verbose_name = _("bộ chỉ số đang soạn")
        verbose_name_plural = pgettext_lazy("plural", "bộ chỉ số đang soạn")

    def __str__(self) -> str:
        head = self.data.get("index") or {}
        return str(head.get("title") or head.get("code") or self.pk)
