"""A commune's steering committee for digital transformation (Ban Chỉ đạo chuyển đổi số, seeds 000 and 003) and its
periodic reviews (sơ kết quý, 6 tháng, tổng kết năm) whose conclusions assign follow-up tasks that enter the plan.

Members are never deleted: a member who leaves gets `valid_to`, so the committee of any day can be read back
(docs/decisions/0043-steering-committee.md).
"""

from __future__ import annotations

from datetime import date

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from xaso.core.limits import plan_date_validators, year_validators
from xaso.core.models import TimeStampedModel
from xaso.files.fields import PrivateFileField
from xaso.geo.models import AdminUnit
from xaso.indicators.models import Area
from xaso.plans.models import Recurrence, Task, TimeframeKind


class Committee(TimeStampedModel):
    """One committee per commune, established (and re-formed, "kiện toàn") by a decision of the commune."""

    commune = models.OneToOneField(
        AdminUnit, models.PROTECT, related_name="steering_committee", verbose_name=_("xã, phường")
    )
    name = models.CharField(_("tên"), max_length=200, default=_("Ban Chỉ đạo chuyển đổi số"))
    decision_number = models.CharField(_("số quyết định thành lập"), max_length=60, blank=True)
    decision_date = models.DateField(_("ngày quyết định"), null=True, blank=True, validators=plan_date_validators())
    decision_signer = models.CharField(_("người ký quyết định"), max_length=150, blank=True)
    decision_file = PrivateFileField(_("tệp quyết định"), folder="steering/decisions", blank=True)
    decision_file_name = models.CharField(_("tên tệp quyết định"), max_length=200, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+")

    class Meta:
        verbose_name = _("ban chỉ đạo")
        verbose_name_plural = pgettext_lazy("plural", "ban chỉ đạo")

    def __str__(self) -> str:
        return f"{self.name} — {self.commune.name}"


class MemberRole(models.TextChoices):
    HEAD = "head", _("Trưởng ban")
    DEPUTY = "deputy", _("Phó Trưởng ban")
    STANDING = "standing", _("Ủy viên thường trực")
    MEMBER = "member", _("Ủy viên")
    SECRETARY = "secretary", _("Tổ giúp việc")


#: the order a committee is listed in (the head first)
ROLE_ORDER = [MemberRole.HEAD, MemberRole.DEPUTY, MemberRole.STANDING, MemberRole.MEMBER, MemberRole.SECRETARY]


class Leadership(models.TextChoices):
    """The member's office in the commune's People's Committee, when they hold one: what the index asks of the head
    ("the head of the steering committee is the chairman")."""

    CHAIRMAN = "chairman", _("Chủ tịch UBND")
    VICE_CHAIRMAN = "vice_chairman", _("Phó Chủ tịch UBND")
    NONE = "", _("Không")


class Member(TimeStampedModel):
    """A member for a span of days: `valid_to` set when they leave, the row kept."""

    committee = models.ForeignKey(Committee, models.CASCADE, related_name="members")
    full_name = models.CharField(_("họ và tên"), max_length=150)
    position = models.CharField(_("chức vụ"), max_length=200, help_text=_("Ví dụ: Chủ tịch UBND xã."))
    role = models.CharField(_("vai trò trong Ban"), max_length=10, choices=MemberRole.choices)
    leadership = models.CharField(
        _("chức danh lãnh đạo UBND xã"), max_length=14, choices=Leadership.choices, blank=True, default=""
    )
    duties = models.CharField(_("nhiệm vụ được phân công"), max_length=300, blank=True)
    phone = models.CharField(_("số điện thoại"), max_length=20, blank=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+",
        verbose_name=_("tài khoản xaso"),
    )  # fmt: skip
    valid_from = models.DateField(_("từ ngày"), validators=plan_date_validators())
    valid_to = models.DateField(_("đến ngày"), null=True, blank=True, validators=plan_date_validators())
    end_reason = models.CharField(_("lý do thôi nhiệm vụ"), max_length=300, blank=True)

    class Meta:
        ordering = ["committee", "valid_from", "id"]
        verbose_name = _("thành viên ban chỉ đạo")
        verbose_name_plural = pgettext_lazy("plural", "thành viên ban chỉ đạo")
        constraints = [
            models.UniqueConstraint(
                fields=["committee"], condition=Q(role="head", valid_to__isnull=True), name="steering_one_head"
            ),
            models.CheckConstraint(
                condition=Q(valid_to__isnull=True) | Q(valid_to__gte=models.F("valid_from")),
                name="steering_member_dates_ordered",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.full_name} ({self.get_role_display()})"

    def serves_on(self, day: date) -> bool:
        return self.valid_from <= day and (self.valid_to is None or day <= self.valid_to)


class ReviewKind(models.TextChoices):
    QUARTER = "quarter", _("Sơ kết quý")
    HALF = "half", _("Sơ kết 6 tháng")
    YEAR = "year", _("Tổng kết năm")


class ReviewStatus(models.TextChoices):
    DRAFT = "draft", _("Dự thảo")
    CONCLUDED = "concluded", _("Đã kết luận")


class Review(TimeStampedModel):
    """One periodic review: its content generated from the operations centre (`content`, kept as generated so the
    concluded report never changes), the committee's conclusions and follow-up tasks. Concluded: read-only."""

    committee = models.ForeignKey(Committee, models.PROTECT, related_name="reviews")
    kind = models.CharField(_("kỳ"), max_length=8, choices=ReviewKind.choices)
    year = models.PositiveSmallIntegerField(_("năm"), validators=year_validators())
    part = models.PositiveSmallIntegerField(_("quý / nửa năm"), default=0)
    meeting_date = models.DateField(_("ngày họp"), validators=plan_date_validators())
    status = models.CharField(_("trạng thái"), max_length=10, choices=ReviewStatus.choices, default=ReviewStatus.DRAFT)
    as_of = models.DateField(_("số liệu tính đến ngày"))
    content = models.JSONField(_("nội dung tổng hợp"), default=dict)
    generated_at = models.DateTimeField(_("tổng hợp lúc"))
    conclusions = models.TextField(_("kết luận của Ban Chỉ đạo"), blank=True)
    number = models.CharField(_("số, ký hiệu báo cáo"), max_length=40, blank=True)
    signer_name = models.CharField(_("người ký"), max_length=150, blank=True)
    signer_role = models.CharField(_("vai trò người ký"), max_length=10, choices=MemberRole.choices, blank=True)
    plan = models.ForeignKey(
        "plans.Plan", models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("kế hoạch nhận nhiệm vụ")
    )
    concluded_at = models.DateTimeField(null=True, blank=True)
    concluded_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+")

    class Meta:
        ordering = ["-year", "-meeting_date", "-id"]
        verbose_name = _("phiên sơ kết, tổng kết")
        verbose_name_plural = pgettext_lazy("plural", "phiên sơ kết, tổng kết")
        constraints = [
            models.UniqueConstraint(fields=["committee", "kind", "year", "part"], name="steering_review_unique"),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_draft(self) -> bool:
        return self.status == ReviewStatus.DRAFT

    @property
    def period_phrase(self) -> str:
        from .periods import period_phrase

        return period_phrase(self.kind, self.year, self.part)

    @property
    def title(self) -> str:
        from .periods import review_title

        return review_title(self.kind, self.year, self.part)


class FollowUp(models.Model):
    """A follow-up task the committee assigns, with the "6 rõ" of a plan task; on conclusion it becomes a task of
    the commune's plan (`task`)."""

    review = models.ForeignKey(Review, models.CASCADE, related_name="follow_ups")
    area = models.CharField(_("lĩnh vực"), max_length=20, choices=Area.choices)
    title = models.TextField(_("rõ việc — nội dung nhiệm vụ"))
    person = models.CharField(_("rõ người — người chịu trách nhiệm"), max_length=150, blank=True)
    lead_unit = models.CharField(_("rõ trách nhiệm — đơn vị chủ trì"), max_length=200, blank=True)
    coordinating_units = models.TextField(_("đơn vị phối hợp"), blank=True)
    timeframe_kind = models.CharField(_("rõ thời gian"), max_length=10, choices=TimeframeKind.choices, blank=True)
    due_date = models.DateField(_("hạn hoàn thành"), null=True, blank=True, validators=plan_date_validators())
    start_date = models.DateField(_("bắt đầu từ"), null=True, blank=True, validators=plan_date_validators())
    recurrence = models.CharField(_("lặp lại"), max_length=10, choices=Recurrence.choices, blank=True)
    deliverable = models.TextField(_("rõ sản phẩm — kết quả"), blank=True)
    approver = models.CharField(_("rõ thẩm quyền — người/cơ quan phê duyệt"), max_length=200, blank=True)
    task = models.OneToOneField(
        Task, models.SET_NULL, null=True, blank=True, related_name="steering_follow_up",
        verbose_name=_("nhiệm vụ trong kế hoạch"),
    )  # fmt: skip
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["review", "id"]
        verbose_name = _("nhiệm vụ sau kết luận")
        verbose_name_plural = pgettext_lazy("plural", "nhiệm vụ sau kết luận")

    def __str__(self) -> str:
        return self.title[:80]

    #: the fields a follow-up hands to the plan's task
    TASK_FIELDS = ("area", "title", "person", "lead_unit", "coordinating_units", "timeframe_kind", "due_date",
                   "start_date", "recurrence", "deliverable", "approver")  # fmt: skip

    def task_fields(self) -> dict:
        return {name: getattr(self, name) for name in self.TASK_FIELDS}

    def as_task(self) -> Task:
        """An unsaved plan task with the same fields: what the "6 rõ" rule checks."""
        return Task(**self.task_fields())


class ReviewEvent(models.Model):
    """The review's history: created, content regenerated, conclusions saved, follow-ups changed, concluded."""

    review = models.ForeignKey(Review, models.CASCADE, related_name="events")
    action = models.CharField(max_length=20)
    note = models.CharField(max_length=300, blank=True)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+")
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.action} {self.at:%Y-%m-%d %H:%M}"

    @property
    def action_label(self) -> str:
        return str(EVENT_LABELS.get(self.action, self.action))


EVENT_LABELS = {
    "create": _("tạo phiên và tổng hợp số liệu"),
    "regenerate": _("tổng hợp lại số liệu"),
    "conclusions": _("cập nhật kết luận"),
    "follow_up_add": _("thêm nhiệm vụ"),
    "follow_up_remove": _("bỏ nhiệm vụ"),
    "conclude": _("kết luận, đưa nhiệm vụ vào kế hoạch"),
}
