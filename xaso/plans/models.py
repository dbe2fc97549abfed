"""A digital-transformation plan on the national framework (seed 001, Part I): targets, tasks ("6 rõ",
seed 004), budget lines (seed 001, Appendix II) and the plan's life from draft to year-end evaluation."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from xaso.core.limits import (
    PERCENT_MAX,
    amount_validators,
    figure_validators,
    legal_date_validators,
    plan_date_validators,
    year_validators,
)
from xaso.core.models import TimeStampedModel
from xaso.files.fields import PrivateFileField
from xaso.geo.models import AdminUnit
from xaso.indicators.models import Area, Indicator


class LegalBasis(TimeStampedModel):
    """A document a plan is based on (Căn cứ): shared between plans."""

    number = models.CharField(_("số, ký hiệu"), max_length=80)
    issued_on = models.DateField(_("ngày ban hành"), null=True, blank=True, validators=legal_date_validators())
    issuer = models.CharField(_("cơ quan ban hành"), max_length=200)
    title = models.TextField(_("trích yếu"))

    class Meta:
        ordering = ["-issued_on", "number"]
        verbose_name = _("căn cứ pháp lý")
        verbose_name_plural = pgettext_lazy("plural", "căn cứ pháp lý")
        constraints = [models.UniqueConstraint(fields=["number", "issuer"], name="unique_legal_basis")]

    def __str__(self) -> str:
        return f"{self.number} — {self.title[:60]}"


class PlanStatus(models.TextChoices):
    DRAFT = "draft", _("Dự thảo")
    SUBMITTED = "submitted", _("Đã trình")
    APPROVED = "approved", _("Đã ban hành")
    IN_EXECUTION = "in_execution", _("Đang thực hiện")
    CLOSED = "closed", _("Đã tổng kết")


class Plan(TimeStampedModel):
    unit = models.ForeignKey(AdminUnit, models.PROTECT, related_name="plans", verbose_name=_("đơn vị"))
    title = models.CharField(_("tên kế hoạch"), max_length=300)
    year_from = models.PositiveSmallIntegerField(_("từ năm"), validators=year_validators())
    year_to = models.PositiveSmallIntegerField(_("đến năm"), validators=year_validators())
    status = models.CharField(_("trạng thái"), max_length=14, choices=PlanStatus.choices, default=PlanStatus.DRAFT)
    version = models.PositiveSmallIntegerField(_("phiên bản"), default=1)
    supersedes = models.ForeignKey(
        "self", models.SET_NULL, null=True, blank=True, related_name="superseded_by", verbose_name=_("thay thế bản")
    )
    previous_plan = models.ForeignKey(
        "self", models.SET_NULL, null=True, blank=True, related_name="next_plans", verbose_name=_("kế hoạch năm trước")
    )
    parent_plan = models.ForeignKey(
        "self", models.SET_NULL, null=True, blank=True, related_name="child_plans", verbose_name=_("kế hoạch cấp trên")
    )
    covered_units = models.ManyToManyField(
        AdminUnit,
        blank=True,
        through="CoveredUnit",
        related_name="covering_plans",
        verbose_name=_("các xã thuộc phạm vi"),
        help_text=_("Với kế hoạch của huyện/tỉnh áp dụng cho một số xã (ví dụ 10 xã của Nghi Lộc)."),
    )
    legal_bases = models.ManyToManyField(LegalBasis, blank=True, related_name="plans", verbose_name=_("căn cứ"))
    general_goal = models.TextField(_("mục tiêu tổng quát"), blank=True)
    roadmap = models.TextField(_("lộ trình thực hiện"), blank=True)
    budget_text = models.TextField(_("kinh phí thực hiện (thuyết minh)"), blank=True)
    # issuance (Decree 30 header): number such as 30/KH-UBND, date, signer
    number = models.CharField(_("số, ký hiệu"), max_length=40, blank=True)
    issued_on = models.DateField(_("ngày ban hành"), null=True, blank=True, validators=plan_date_validators())
    signer_name = models.CharField(_("người ký"), max_length=150, blank=True)
    signer_title = models.CharField(_("chức vụ người ký"), max_length=150, blank=True)
    signed_file = PrivateFileField(_("bản ký"), folder="plans/signed", blank=True)
    signed_file_name = models.CharField(_("tên tệp bản ký"), max_length=200, blank=True)
    evaluation = models.TextField(_("đánh giá kết quả cuối năm"), blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+")

    class Meta:
        ordering = ["-year_from", "unit__name", "-version"]
        verbose_name = _("kế hoạch")
        verbose_name_plural = pgettext_lazy("plural", "kế hoạch")
        constraints = [
            models.CheckConstraint(condition=models.Q(year_from__lte=models.F("year_to")), name="plan_years_ordered"),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_editable(self) -> bool:
        return self.status in (PlanStatus.DRAFT, PlanStatus.SUBMITTED)


class UnitMatch(models.TextChoices):
    """How surely a name written in a source document was matched to an official unit."""

    CERTAIN = "certain", _("Khớp chắc chắn")
    UNCERTAIN = "uncertain", _("Khớp chưa chắc chắn")


class CoveredUnit(models.Model):
    """One commune a plan covers (seed 002's ten communes), with the name the plan's document gives it.

    Where that name could not be matched to an official unit with certainty (seed 002's "Nghi Hoa", a commune the
    2019–2021 merger made part of Diên Hoa), the document's own name is kept beside the matched unit and both are
    shown, so a reader can check the match instead of trusting it silently."""

    plan = models.ForeignKey(Plan, models.CASCADE, related_name="covered_unit_links")
    # the column of the table Django created for the former plain many-to-many field
    unit = models.ForeignKey(AdminUnit, models.CASCADE, db_column="adminunit_id", related_name="+",
                             verbose_name=_("đơn vị"))  # fmt: skip
    name_in_source = models.CharField(
        _("tên trong văn bản"), max_length=200, blank=True, help_text=_("Tên đơn vị như văn bản nguồn ghi.")
    )
    match = models.CharField(_("mức khớp"), max_length=10, choices=UnitMatch.choices, default=UnitMatch.CERTAIN)

    class Meta:
        db_table = "plans_plan_covered_units"
        ordering = ["plan", "id"]  # the order the document lists them in
        verbose_name = _("xã thuộc phạm vi")
        verbose_name_plural = pgettext_lazy("plural", "xã thuộc phạm vi")
        unique_together = [("plan", "unit")]

    def __str__(self) -> str:
        return self.unit.name

    @property
    def is_uncertain(self) -> bool:
        return self.match == UnitMatch.UNCERTAIN

    @property
    def shows_source_name(self) -> bool:
        """The document's name is shown when the match is uncertain or the name differs from the official one."""
        if not self.name_in_source:
            return False
        return self.is_uncertain or self.name_in_source.casefold() not in self.unit.name.casefold()


class Comparator(models.TextChoices):
    GE = ">=", "≥"
    LE = "<=", "≤"
    EQ = "==", "="


class Target(TimeStampedModel):
    """An indicator bound to a value at a horizon: "≥ 85% of dossiers handled online by end of 2026"."""

    plan = models.ForeignKey(Plan, models.CASCADE, related_name="targets")
    indicator = models.ForeignKey(Indicator, models.PROTECT, related_name="targets", verbose_name=_("chỉ số"))
    comparator = models.CharField(_("so sánh"), max_length=2, choices=Comparator.choices, default=Comparator.GE)
    value = models.FloatField(_("giá trị mục tiêu"), validators=figure_validators())
    horizon_year = models.PositiveSmallIntegerField(_("đến hết năm"), validators=year_validators())
    baseline_value = models.FloatField(_("giá trị xuất phát"), null=True, blank=True, validators=figure_validators())
    baseline_date = models.DateField(_("thời điểm xuất phát"), null=True, blank=True, validators=plan_date_validators())
    stated_text = models.TextField(_("nguyên văn trong văn bản"), blank=True)
    is_vague = models.BooleanField(
        _("văn bản chưa rõ số liệu"), default=False, help_text=_("Văn bản nêu tỷ lệ mà không nêu số đếm.")
    )
    carried_from = models.ForeignKey(
        "self", models.SET_NULL, null=True, blank=True, related_name="carried_to", verbose_name=_("chuyển từ chỉ tiêu")
    )
    source = models.CharField(_("nguồn"), max_length=300, blank=True)
    sort_order = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["horizon_year", "indicator__area", "sort_order", "id"]
        verbose_name = _("chỉ tiêu")
        verbose_name_plural = pgettext_lazy("plural", "chỉ tiêu")
        constraints = [
            models.UniqueConstraint(fields=["plan", "indicator", "horizon_year"], name="unique_target_per_horizon"),
        ]

    def __str__(self) -> str:
        return f"{self.indicator} {self.get_comparator_display()} {self.value} ({self.horizon_year})"

    def clean(self) -> None:
        """A rate target (an indicator in %) and its baseline lie in 0–100 (`xaso.core.limits`)."""
        if self.indicator_id is None or not self.indicator.is_percent:
            return
        errors = {
            name: _("Chỉ tiêu tính theo tỷ lệ: giá trị phải từ 0 đến 100.")
            for name in ("value", "baseline_value")
            if isinstance(getattr(self, name), int | float) and getattr(self, name) > PERCENT_MAX
        }
        if errors:
            raise ValidationError(errors)


class TimeframeKind(models.TextChoices):
    DATE = "date", _("Đến ngày")
    QUARTER = "quarter", _("Trong quý")
    RECURRING = "recurring", _("Định kỳ")
    ONGOING = "ongoing", _("Thường xuyên")


class Recurrence(models.TextChoices):
    MONTHLY = "monthly", _("Hằng tháng")
    QUARTERLY = "quarterly", _("Hằng quý")
    YEARLY = "yearly", _("Hằng năm")


class TaskStatus(models.TextChoices):
    NOT_STARTED = "not_started", _("Chưa thực hiện")
    IN_PROGRESS = "in_progress", _("Đang thực hiện")
    DONE = "done", _("Hoàn thành")
    CANCELLED = "cancelled", _("Hủy")


class Task(TimeStampedModel):
    """A task with the "6 rõ" of seed 004 and the extra columns of seed 001, Appendix I."""

    plan = models.ForeignKey(Plan, models.CASCADE, related_name="tasks")
    area = models.CharField(_("lĩnh vực"), max_length=20, choices=Area.choices)
    item = models.CharField(
        _("hạng mục"), max_length=200, blank=True,
        help_text=_("Nhóm công việc của nhiệm vụ, cột “Nội dung” của Phụ lục I (ví dụ “Đào tạo tập huấn”)."),
    )  # fmt: skip
    title = models.TextField(_("rõ việc — nội dung nhiệm vụ"))
    person = models.CharField(_("rõ người — người chịu trách nhiệm"), max_length=150, blank=True)
    lead_unit = models.CharField(_("rõ trách nhiệm — đơn vị chủ trì"), max_length=200, blank=True)
    coordinating_units = models.TextField(_("đơn vị phối hợp"), blank=True)
    timeframe_kind = models.CharField(_("rõ thời gian"), max_length=10, choices=TimeframeKind.choices, blank=True)
    due_date = models.DateField(_("hạn hoàn thành"), null=True, blank=True, validators=plan_date_validators())
    start_date = models.DateField(_("bắt đầu từ"), null=True, blank=True, validators=plan_date_validators())
    recurrence = models.CharField(_("lặp lại"), max_length=10, choices=Recurrence.choices, blank=True)
    timeframe_text = models.CharField(_("thời gian (nguyên văn)"), max_length=300, blank=True)
    deliverable = models.TextField(_("rõ sản phẩm — kết quả"), blank=True)
    approver = models.CharField(_("rõ thẩm quyền — người/cơ quan phê duyệt"), max_length=200, blank=True)
    method = models.TextField(_("cách thức tổ chức thực hiện"), blank=True)
    expected_effect = models.TextField(_("hiệu quả mang lại"), blank=True)
    duration = models.CharField(_("thời gian thực hiện dự kiến"), max_length=60, blank=True)
    status = models.CharField(
        _("trạng thái"), max_length=12, choices=TaskStatus.choices, default=TaskStatus.NOT_STARTED
    )
    targets = models.ManyToManyField(Target, blank=True, related_name="tasks", verbose_name=_("phục vụ chỉ tiêu"))
    sort_order = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["plan", "area", "sort_order", "id"]
        verbose_name = _("nhiệm vụ")
        verbose_name_plural = pgettext_lazy("plural", "nhiệm vụ")

    def __str__(self) -> str:
        return self.title[:80]


class TaskUpdate(models.Model):
    task = models.ForeignKey(Task, models.CASCADE, related_name="updates")
    on = models.DateField(pgettext_lazy("date field", "ngày"), validators=plan_date_validators())
    percent_done = models.PositiveSmallIntegerField(
        _("% hoàn thành"), validators=[MaxValueValidator(100, message=_("Phần trăm hoàn thành phải từ 0 đến 100."))]
    )
    text = models.TextField(_("nội dung"))
    evidence = PrivateFileField(_("minh chứng"), folder="plans/evidence", blank=True)
    evidence_name = models.CharField(_("tên tệp minh chứng"), max_length=200, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-on", "-id"]
        verbose_name = _("cập nhật tiến độ")
        verbose_name_plural = pgettext_lazy("plural", "cập nhật tiến độ")
        constraints = [
            models.CheckConstraint(condition=models.Q(percent_done__lte=100), name="task_update_percent_le_100")
        ]

    def __str__(self) -> str:
        return f"{self.task} — {self.percent_done}% ({self.on})"


AMOUNT = amount_validators()


class BudgetLine(TimeStampedModel):
    """One row of seed 001 Appendix II, in VND."""

    plan = models.ForeignKey(Plan, models.CASCADE, related_name="budget_lines")
    area = models.CharField(_("lĩnh vực"), max_length=20, choices=Area.choices)
    item = models.CharField(_("hạng mục"), max_length=300)
    invest_equipment = models.BigIntegerField(
        _("đầu tư ban đầu: hạ tầng, trang thiết bị"), default=0, validators=AMOUNT
    )
    invest_socialised = models.BigIntegerField(_("đầu tư ban đầu: xã hội hóa"), default=0, validators=AMOUNT)
    invest_rented = models.BigIntegerField(_("đầu tư ban đầu: thuê dịch vụ"), default=0, validators=AMOUNT)
    running_maintenance = models.BigIntegerField(
        _("chi thường xuyên: duy trì, bảo dưỡng"), default=0, validators=AMOUNT
    )
    running_rented = models.BigIntegerField(_("chi thường xuyên: thuê dịch vụ"), default=0, validators=AMOUNT)
    alloc_province = models.BigIntegerField(_("bố trí: ngân sách tỉnh"), default=0, validators=AMOUNT)
    alloc_district = models.BigIntegerField(_("bố trí: ngân sách huyện"), default=0, validators=AMOUNT)
    alloc_commune = models.BigIntegerField(_("bố trí: ngân sách xã"), default=0, validators=AMOUNT)
    alloc_self = models.BigIntegerField(_("bố trí: đơn vị tự chi trả"), default=0, validators=AMOUNT)
    notes = models.TextField(_("ghi chú"), blank=True)
    sort_order = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["plan", "area", "sort_order", "id"]
        verbose_name = _("dòng kinh phí")
        verbose_name_plural = pgettext_lazy("plural", "dòng kinh phí")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(
                    invest_equipment__gte=0,
                    invest_socialised__gte=0,
                    invest_rented__gte=0,
                    running_maintenance__gte=0,
                    running_rented__gte=0,
                    alloc_province__gte=0,
                    alloc_district__gte=0,
                    alloc_commune__gte=0,
                    alloc_self__gte=0,
                ),
                name="budget_line_non_negative",
            ),  # fmt: skip
        ]

    def __str__(self) -> str:
        return self.item

    @property
    def invest_total(self) -> int:
        return self.invest_equipment + self.invest_socialised + self.invest_rented

    @property
    def running_total(self) -> int:
        return self.running_maintenance + self.running_rented

    @property
    def alloc_total(self) -> int:
        return self.alloc_province + self.alloc_district + self.alloc_commune + self.alloc_self


class Responsibility(models.Model):
    """Tổ chức thực hiện: what each unit is responsible for."""

    plan = models.ForeignKey(Plan, models.CASCADE, related_name="responsibilities")
    unit_name = models.CharField(_("cơ quan, đơn vị"), max_length=200)
    duties = models.TextField(pgettext_lazy("a unit's duties", "nhiệm vụ"))
    sort_order = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["plan", "sort_order", "id"]
        verbose_name = _("trách nhiệm của đơn vị")
        verbose_name_plural = pgettext_lazy("plural", "trách nhiệm của đơn vị")

    def __str__(self) -> str:
        return self.unit_name
