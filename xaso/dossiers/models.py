"""The dossier register: one row per administrative dossier, as the one-stop system and the national
public-service portal export them, and the national procedures they belong to."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from xaso.geo.models import AdminUnit
from xaso.registers.models import RegisterImport


class OnlineLevel(models.TextChoices):
    FULL = "full", _("Trực tuyến toàn trình")
    PARTIAL = "partial", _("Trực tuyến một phần")
    NONE = "none", _("Không có dịch vụ trực tuyến")


class Procedure(models.Model):
    """A procedure of the national list (Cơ sở dữ liệu quốc gia về thủ tục hành chính), e.g. 1.001234."""

    code = models.CharField(_("mã thủ tục"), max_length=20, unique=True)
    name = models.CharField(_("tên thủ tục"), max_length=500)
    field = models.CharField(_("lĩnh vực"), max_length=255, blank=True)
    online_level = models.CharField(
        _("mức độ dịch vụ trực tuyến"), max_length=8, choices=OnlineLevel.choices, default=OnlineLevel.NONE
    )
    is_active = models.BooleanField(_("còn hiệu lực"), default=True)
    source = models.TextField(_("nguồn"), blank=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("thủ tục hành chính")
        verbose_name_plural = pgettext_lazy("plural", "thủ tục hành chính")

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class Channel(models.TextChoices):
    IN_PERSON = "in_person", _("Trực tiếp")
    ONLINE = "online", _("Trực tuyến")
    POST = "post", _("Bưu chính công ích")


class Result(models.TextChoices):
    PENDING = "pending", _("Đang giải quyết")
    APPROVED = "approved", _("Đã giải quyết")
    REFUSED = "refused", _("Từ chối giải quyết")
    WITHDRAWN = "withdrawn", _("Rút hồ sơ")


#: results that close a dossier as resolved (a withdrawn dossier is closed, not resolved)
RESOLVED = (Result.APPROVED, Result.REFUSED)


class Dossier(models.Model):
    """One administrative dossier of a commune. Personal data of the applicant is kept only when the commune
    chose to (`DossierSettings.store_applicant`); otherwise it is dropped at import."""

    unit = models.ForeignKey(AdminUnit, models.PROTECT, related_name="+", verbose_name=_("xã"), db_index=False)
    code = models.CharField(_("mã hồ sơ"), max_length=64)
    procedure = models.ForeignKey(Procedure, models.PROTECT, related_name="dossiers", verbose_name=_("thủ tục"))
    field = models.CharField(_("lĩnh vực"), max_length=255, blank=True)
    channel = models.CharField(_("hình thức nộp"), max_length=10, choices=Channel.choices)
    received_on = models.DateField(_("ngày tiếp nhận"))
    due_on = models.DateField(_("ngày hẹn trả"), null=True, blank=True)
    finished_on = models.DateField(_("ngày có kết quả"), null=True, blank=True)
    result = models.CharField(_("kết quả"), max_length=10, choices=Result.choices, default=Result.PENDING)
    apology_sent = models.BooleanField(_("đã gửi thư xin lỗi"), default=False)
    fee_paid_online = models.BooleanField(_("thanh toán trực tuyến"), null=True, blank=True)  # None: no fee
    components_digitised = models.BooleanField(_("thành phần hồ sơ được số hóa"), default=False)
    reusable = models.BooleanField(_("có giấy tờ đã số hóa trước đó"), default=False)
    reused = models.BooleanField(_("tái sử dụng dữ liệu số hóa"), default=False)
    result_digitised = models.BooleanField(_("kết quả được số hóa"), default=False)
    receiving_officer = models.CharField(_("cán bộ tiếp nhận"), max_length=255, blank=True)
    applicant_name = models.CharField(_("người nộp"), max_length=255, blank=True)
    applicant_id = models.CharField(_("số giấy tờ tùy thân"), max_length=32, blank=True)
    last_import = models.ForeignKey(
        RegisterImport, models.SET_NULL, null=True, blank=True, related_name="+", db_constraint=False, db_index=False
    )
    created_at = models.DateTimeField(_("tạo lúc"))
    updated_at = models.DateTimeField(_("cập nhật lúc"))

    class Meta:
        ordering = ["-received_on", "code"]
        verbose_name = _("hồ sơ")
        verbose_name_plural = pgettext_lazy("plural", "hồ sơ")
        constraints = [
            models.UniqueConstraint(fields=["unit", "code"], name="unique_dossier_code"),
            models.CheckConstraint(
                condition=Q(finished_on__isnull=True) | Q(finished_on__gte=F("received_on")),
                name="dossier_finished_after_received",
            ),
            models.CheckConstraint(
                condition=Q(due_on__isnull=True) | Q(due_on__gte=F("received_on")), name="dossier_due_after_received"
            ),
        ]
        indexes = [
            models.Index(fields=["unit", "received_on"], name="dossier_unit_received"),
            models.Index(fields=["unit", "finished_on"], name="dossier_unit_finished"),
        ]

    def __str__(self) -> str:
        return self.code


class DossierChange(models.Model):
    """A dossier's earlier state: the fields a re-import changed, old → new, and the import that did it."""

    dossier = models.ForeignKey(Dossier, models.CASCADE, related_name="changes")
    register_import = models.ForeignKey(RegisterImport, models.SET_NULL, null=True, related_name="+")
    changes = models.JSONField(_("thay đổi"))  # field → [old, new] (dates as ISO text)
    changed_at = models.DateTimeField(_("lúc"), auto_now_add=True)

    class Meta:
        ordering = ["-changed_at", "-id"]
        verbose_name = _("lịch sử hồ sơ")
        verbose_name_plural = pgettext_lazy("plural", "lịch sử hồ sơ")

    def __str__(self) -> str:
        return f"{self.dossier_id}: {', '.join(self.changes)}"


class DossierSettings(models.Model):
    """A commune's choice about applicant personal data in its dossier register (default: not kept)."""

    unit = models.OneToOneField(AdminUnit, models.CASCADE, related_name="+", verbose_name=_("xã"))
    store_applicant = models.BooleanField(
        _("lưu tên và số giấy tờ của người nộp"),
        default=False,
        help_text=_("Chỉ bật khi xã cần; dữ liệu chỉ công chức của xã xem được và mỗi lượt xem được ghi lại."),
    )
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True, related_name="+")
    updated_at = models.DateTimeField(_("cập nhật lúc"), auto_now=True)

    class Meta:
        verbose_name = _("thiết lập sổ hồ sơ")
        verbose_name_plural = pgettext_lazy("plural", "thiết lập sổ hồ sơ")

    def __str__(self) -> str:
        return f"{self.unit_id}: {self.store_applicant}"
