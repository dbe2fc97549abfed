"""What every register of personal data shares (Law 91/2025/QH15, Decree 356/2025/NĐ-CP).

- `AccessLog`: every read of personal data — who, what (the kind and stable id of the record), when, why, and in
  which commune — and every export, correction and erasure. Written only by `services.log_access`.
- `ConsentMethod` / `ConsentFields`: how a data subject's consent was given and recorded (who, when, how, the
  purpose text version they were shown), a mixin any model holding personal data adds.

docs/decisions/0034-personal-data.md.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class AccessAction(models.TextChoices):
    VIEW = "view", _("Xem")
    LIST = "list", _("Xem danh sách")
    EXPORT = "export", _("Xuất dữ liệu")
    CORRECT = "correct", _("Sửa theo yêu cầu")
    ERASE = "erase", _("Xóa")
    IMPORT = "import", _("Nhập từ tệp")
    SUBMIT = "submit", _("Gửi phiếu")


class AccessLog(models.Model):
    """One access to personal data. Never changed; deleted only after `XASO_ACCESS_LOG_DAYS` days."""

    at = models.DateTimeField(_("lúc"), auto_now_add=True, db_index=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("người")
    )
    #: the account name at the time, kept when the account is deleted
    username = models.CharField(_("tài khoản"), max_length=150)
    action = models.CharField(_("thao tác"), max_length=10, choices=AccessAction.choices)
    #: the kind of record read ("household", "person", "team_member"…)
    subject_type = models.CharField(_("loại dữ liệu"), max_length=30)
    #: the stable id of the record (a UUID, a key), empty for a list
    subject_id = models.CharField(_("mã bản ghi"), max_length=64, blank=True)
    unit = models.ForeignKey(
        "geo.AdminUnit", models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("đơn vị")
    )
    #: how many records the read showed (a page of a list, an export's rows)
    count = models.PositiveIntegerField(_("số bản ghi"), default=1)
    reason = models.CharField(_("lý do"), max_length=300, blank=True)

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name = _("nhật ký truy cập dữ liệu cá nhân")
        verbose_name_plural = pgettext_lazy("plural", "nhật ký truy cập dữ liệu cá nhân")
        indexes = [models.Index(fields=["subject_type", "subject_id"]), models.Index(fields=["unit", "at"])]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.username} {self.action} {self.subject_type} {self.subject_id}"


class ConsentMethod(models.TextChoices):
    VERBAL = "verbal", _("Đồng ý bằng lời, cán bộ ghi nhận")
    WRITTEN = "written", _("Ký phiếu giấy")
    SELF = "self", _("Tự xác nhận trên thiết bị")
    #: a record taken from an existing list (an import): consent is asked at the first visit
    PENDING = "pending", _("Chưa ghi nhận (từ danh sách có sẵn)")


class ConsentFields(models.Model):
    """The consent of the data subject: how, when, recorded by whom, to which purpose text (its version)."""

    consent_method = models.CharField(_("cách đồng ý"), max_length=10, choices=ConsentMethod.choices)
    consent_at = models.DateTimeField(_("đồng ý lúc"))
    consent_recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("người ghi nhận đồng ý"),
    )
    consent_purpose_version = models.PositiveSmallIntegerField(_("phiên bản mục đích"), default=1)

    class Meta:
        abstract = True
