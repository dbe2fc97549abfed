"""Report jobs (large exports run in the background, with their progress) and the free-text sections of reports."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from xaso.core.models import TimeStampedModel
from xaso.files.fields import PrivateFileField
from xaso.geo.models import AdminUnit
from xaso.plans.models import Plan


class JobKind(models.TextChoices):
    PROVINCE_XLSX = "province_xlsx", _("Tổng hợp chỉ tiêu, nhiệm vụ và số liệu các xã (Excel)")
    PLANS_ZIP = "plans_zip", _("Kế hoạch của các xã (Word, nén ZIP)")


class JobStatus(models.TextChoices):
    QUEUED = "queued", _("Đang chờ")
    RUNNING = "running", _("Đang tạo")
    DONE = "done", _("Hoàn thành")
    FAILED = "failed", _("Lỗi")


class ReportJob(models.Model):
    """A large export built by the task worker (`manage.py db_worker`); the page polls its progress."""

    kind = models.CharField(_("loại"), max_length=20, choices=JobKind.choices)
    unit = models.ForeignKey(AdminUnit, models.CASCADE, related_name="+", verbose_name=_("đơn vị"))
    year = models.PositiveSmallIntegerField(_("năm"))
    status = models.CharField(_("trạng thái"), max_length=10, choices=JobStatus.choices, default=JobStatus.QUEUED)
    progress = models.PositiveSmallIntegerField(_("tiến độ (%)"), default=0)
    message = models.CharField(_("bước đang làm"), max_length=200, blank=True)
    result = PrivateFileField(_("tệp kết quả"), folder="reports", blank=True)
    result_name = models.CharField(_("tên tệp kết quả"), max_length=200, blank=True)
    error = models.TextField(_("lỗi"), blank=True)
    task_id = models.CharField(max_length=64, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.CASCADE, related_name="+")
    created_at = models.DateTimeField(_("tạo lúc"), auto_now_add=True)
    started_at = models.DateTimeField(_("bắt đầu lúc"), null=True, blank=True)
    finished_at = models.DateTimeField(_("xong lúc"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("yêu cầu xuất báo cáo")
        verbose_name_plural = pgettext_lazy("plural", "yêu cầu xuất báo cáo")
        constraints = [
            models.CheckConstraint(condition=models.Q(progress__lte=100), name="report_job_progress_le_100"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} — {self.unit} {self.year} ({self.get_status_display()})"

    @property
    def is_finished(self) -> bool:
        return self.status in (JobStatus.DONE, JobStatus.FAILED)

    @property
    def filename(self) -> str:
        return (self.result_name or self.result.name.rsplit("/", 1)[-1]) if self.result else ""


class ReportNarrative(TimeStampedModel):
    """What the officer writes before exporting a report: difficulties and proposals, per plan and period."""

    class Kind(models.TextChoices):
        PROGRESS = "progress", _("Báo cáo định kỳ")

    plan = models.ForeignKey(Plan, models.CASCADE, related_name="report_narratives")
    kind = models.CharField(max_length=12, choices=Kind.choices, default=Kind.PROGRESS)
    period_code = models.CharField(_("kỳ báo cáo"), max_length=10)
    difficulties = models.TextField(_("khó khăn, vướng mắc"), blank=True)
    proposals = models.TextField(_("đề xuất, kiến nghị"), blank=True)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+")

    class Meta:
        verbose_name = _("nội dung báo cáo")
        verbose_name_plural = pgettext_lazy("plural", "nội dung báo cáo")
        constraints = [
            models.UniqueConstraint(fields=["plan", "kind", "period_code"], name="unique_report_narrative"),
        ]

    def __str__(self) -> str:
        return f"{self.plan} — {self.period_code}"
