"""The household digital census: households per village, their members, the answers per form version.

Only what the catalog's indicators need is asked (xaso.census.questions, data minimisation). Names, the address
and the phone are personal data (Law 91/2025/QH15, Decree 356/2025/NĐ-CP): only the commune's officers and the
village's team members read them, every read is logged (xaso.privacy), consent is recorded on the household, a
withdrawal deletes the household and leaves a tombstone with no personal data (docs/decisions/0034-personal-data.md).
Figures flow into the indicator values per village and year (xaso.census.figures,
docs/decisions/0035-census-figures.md).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from xaso.privacy.models import ConsentFields


class Household(ConsentFields):
    village = models.ForeignKey("geo.AdminUnit", models.PROTECT, related_name="+", verbose_name=_("thôn, ấp"))
    #: the village's commune, copied: every list and every aggregate filters a commune
    commune = models.ForeignKey("geo.AdminUnit", models.PROTECT, related_name="+", verbose_name=_("xã"))
    #: generated on the phone that first recorded the household, stable for its whole life (offline sync key)
    uid = models.UUIDField(_("mã hộ"), unique=True)
    head_name = models.CharField(_("họ tên chủ hộ"), max_length=150)
    address = models.CharField(_("địa chỉ ngắn"), max_length=200, blank=True)
    phone = models.CharField(_("số điện thoại đại diện"), max_length=15, blank=True)
    assigned_member = models.ForeignKey(
        "teams.TeamMember",
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="households",
        verbose_name=_("thành viên tổ phụ trách"),
    )
    form_version = models.PositiveSmallIntegerField(_("phiên bản phiếu"))
    answers = models.JSONField(_("câu trả lời"), default=dict, blank=True)
    #: the "yes" answers as bits (`questions.yes_mask`), kept with `answers`: aggregation sums integers, not JSON
    yes_mask = models.PositiveBigIntegerField(default=0, editable=False)
    #: the server's version of the record, +1 on every change (the `base_version` a client starts from)
    version = models.PositiveIntegerField(_("phiên bản"), default=1)
    #: per field: [version it last changed in, ISO time it was recorded on the device] (field-level merge)
    field_stamps = models.JSONField(default=dict, blank=True, editable=False)
    #: a sync lost a value to a later one; cleared when an officer has looked at it
    has_conflict = models.BooleanField(_("có xung đột chờ xem"), default=False)
    recorded_at = models.DateTimeField(_("ghi nhận lúc"))
    created_at = models.DateTimeField(_("tạo lúc"), auto_now_add=True)
    updated_at = models.DateTimeField(_("cập nhật lúc"), auto_now=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+")
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+")

    class Meta:
        ordering = ["village__path", "head_name", "id"]
        verbose_name = _("hộ gia đình")
        verbose_name_plural = pgettext_lazy("plural", "hộ gia đình")
        indexes = [
            models.Index(fields=["village", "head_name"]),
            models.Index(fields=["commune", "village"]),
            models.Index(fields=["updated_at"]),
        ]

    def __str__(self) -> str:
        return str(self.uid)


class Person(models.Model):
    household = models.ForeignKey(Household, models.CASCADE, related_name="members", verbose_name=_("hộ"))
    #: copied from the household: the village aggregates read one table
    village = models.ForeignKey("geo.AdminUnit", models.PROTECT, related_name="+", verbose_name=_("thôn, ấp"))
    uid = models.UUIDField(_("mã nhân khẩu"), unique=True)
    full_name = models.CharField(_("họ và tên"), max_length=150)
    birth_year = models.PositiveSmallIntegerField(_("năm sinh"))
    form_version = models.PositiveSmallIntegerField(_("phiên bản phiếu"))
    answers = models.JSONField(_("câu trả lời"), default=dict, blank=True)
    #: the "yes" answers as bits (`questions.yes_mask`), kept with `answers`
    yes_mask = models.PositiveBigIntegerField(default=0, editable=False)
    created_at = models.DateTimeField(_("tạo lúc"), auto_now_add=True)
    updated_at = models.DateTimeField(_("cập nhật lúc"), auto_now=True)

    class Meta:
        ordering = ["household", "birth_year", "id"]
        verbose_name = _("nhân khẩu")
        verbose_name_plural = pgettext_lazy("plural", "nhân khẩu")
        indexes = [models.Index(fields=["village", "birth_year"])]

    def __str__(self) -> str:
        return str(self.uid)


class ChangeKind(models.TextChoices):
    CREATE = "create", _("Tạo mới")
    UPDATE = "update", _("Cập nhật")
    MERGE = "merge", _("Gộp khi đồng bộ")
    CORRECT = "correct", _("Sửa theo yêu cầu của chủ thể")
    IMPORT = "import", _("Nhập từ tệp")


class HouseholdChange(models.Model):
    """The history of one household: every change, old → new per field, and the values a merge let lose."""

    household = models.ForeignKey(Household, models.CASCADE, related_name="changes")
    version = models.PositiveIntegerField(_("phiên bản"))
    kind = models.CharField(_("loại"), max_length=10, choices=ChangeKind.choices)
    at = models.DateTimeField(_("lúc"), auto_now_add=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+")
    #: {field: [old, new]}
    changes = models.JSONField(default=dict, blank=True)
    #: {field: {"kept": value, "lost": value, "lost_recorded_at": iso, "kept_recorded_at": iso}}
    conflicts = models.JSONField(default=dict, blank=True)
    reason = models.CharField(_("lý do"), max_length=300, blank=True)

    class Meta:
        ordering = ["household", "-version", "-id"]
        indexes = [models.Index(fields=["household", "version"])]

    def __str__(self) -> str:
        return f"{self.household_id} v{self.version} {self.kind}"


class Submission(models.Model):
    """One received submission by its client id: a retried sync finds it and changes nothing (idempotency)."""

    client_id = models.UUIDField(unique=True)
    household_uid = models.UUIDField()
    user = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+")
    received_at = models.DateTimeField(auto_now_add=True, db_index=True)
    status = models.CharField(max_length=10)
    version = models.PositiveIntegerField()
    conflicts = models.JSONField(default=list, blank=True)

    def __str__(self) -> str:
        return str(self.client_id)


class Withdrawal(models.Model):
    """A household whose consent was withdrawn: its data is deleted, this tombstone (no personal data) remains so a
    late offline sync of the same household is refused instead of recreating it."""

    uid = models.UUIDField(unique=True)
    village = models.ForeignKey("geo.AdminUnit", models.PROTECT, related_name="+")
    withdrawn_at = models.DateTimeField(auto_now_add=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+")

    def __str__(self) -> str:
        return str(self.uid)


class VillageCensus(models.Model):
    """A village's census in one year: in progress until an officer marks it complete (then the census figures
    replace typed ones; docs/decisions/0035-census-figures.md)."""

    village = models.ForeignKey("geo.AdminUnit", models.PROTECT, related_name="+", verbose_name=_("thôn, ấp"))
    year = models.PositiveSmallIntegerField(_("năm"))
    completed_at = models.DateTimeField(_("hoàn thành lúc"), null=True, blank=True)
    completed_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+")
    #: why the last refresh of the village's figures was refused by a validation rule (empty: written)
    figures_error = models.CharField(_("lỗi ghi số liệu"), max_length=500, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["village", "year"], name="village_census_once_a_year")]

    def __str__(self) -> str:
        return f"{self.village_id} {self.year}"

    @property
    def is_complete(self) -> bool:
        return self.completed_at is not None
