"""Administrative units: provinces, (legacy) districts, communes and the villages each commune keeps.

The tree is a materialised path of unit codes (`/38/16099/`), plus ancestor columns per level
(`province`, `district`, `commune`) so that aggregation can group by level without recursion.
See docs/decisions/0001-unit-tree.md.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from .querysets import AdminUnitQuerySet


class Level(models.TextChoices):
    PROVINCE = "province", _("Tỉnh/Thành phố")
    DISTRICT = "district", _("Quận/Huyện")
    COMMUNE = "commune", _("Xã/Phường/Đặc khu")
    VILLAGE = "village", _("Thôn/Ấp/Tổ dân phố")


LEVEL_DEPTH = {Level.PROVINCE: 1, Level.DISTRICT: 2, Level.COMMUNE: 3, Level.VILLAGE: 4}

#: Prefix of the stored code of a pre-2025 unit: `legacy:38` is the old Thanh Hóa province.
LEGACY_PREFIX = "legacy:"
REORGANISATION_DATE = "2025-07-01"


class AdminUnit(models.Model):
    code = models.CharField(
        _("mã"),
        max_length=40,
        unique=True,
        help_text=_("Mã chính thức (mã Tổng cục Thống kê); đơn vị trước 1/7/2025 có tiền tố “legacy:”."),
    )
    official_code = models.CharField(_("mã chính thức"), max_length=20, db_index=True)
    name = models.CharField(_("tên"), max_length=150)
    division_type = models.CharField(_("loại đơn vị"), max_length=40)
    level = models.CharField(_("cấp"), max_length=10, choices=Level.choices)
    parent = models.ForeignKey("self", models.PROTECT, null=True, blank=True, related_name="children")
    path = models.CharField(max_length=255, db_index=True, editable=False)
    province = models.ForeignKey("self", models.PROTECT, null=True, blank=True, related_name="+")
    district = models.ForeignKey("self", models.PROTECT, null=True, blank=True, related_name="+")
    commune = models.ForeignKey("self", models.PROTECT, null=True, blank=True, related_name="+")
    is_legacy = models.BooleanField(_("đơn vị trước sắp xếp 2025"), default=False)
    valid_from = models.DateField(_("hiệu lực từ"), null=True, blank=True)
    valid_to = models.DateField(_("hiệu lực đến"), null=True, blank=True)
    data_version = models.CharField(
        _("phiên bản dữ liệu"), max_length=80, help_text=_("Nguồn của mã, ví dụ vietnam-provinces 2026.9.0.")
    )
    is_sample = models.BooleanField(_("dữ liệu mẫu"), default=False)

    objects = AdminUnitQuerySet.as_manager()

    class Meta:
        ordering = ["path"]
        verbose_name = _("đơn vị hành chính")
        verbose_name_plural = pgettext_lazy("plural", "đơn vị hành chính")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(valid_to__isnull=True)
                | models.Q(valid_from__isnull=True)
                | models.Q(valid_from__lte=models.F("valid_to")),
                name="adminunit_valid_period",
            ),
        ]
        indexes = [models.Index(fields=["level", "province"]), models.Index(fields=["commune"])]

    def __str__(self) -> str:
        return self.name

    @property
    def depth(self) -> int:
        return LEVEL_DEPTH[Level(self.level)]

    @property
    def is_commune(self) -> bool:
        return self.level == Level.COMMUNE

    @property
    def is_village(self) -> bool:
        return self.level == Level.VILLAGE

    def is_ancestor_of(self, other: AdminUnit) -> bool:
        return other.path.startswith(self.path)


class UnitSuccession(models.Model):
    """A pre-2025 unit absorbed (wholly or partly) by a unit of the two-tier system."""

    old_unit = models.ForeignKey(AdminUnit, models.CASCADE, related_name="successions")
    new_unit = models.ForeignKey(AdminUnit, models.CASCADE, related_name="predecessions")
    is_partial = models.BooleanField(_("sáp nhập một phần"), default=False)
    effective_date = models.DateField(_("ngày hiệu lực"))
    data_version = models.CharField(_("phiên bản dữ liệu"), max_length=80)

    class Meta:
        verbose_name = _("sắp xếp đơn vị")
        verbose_name_plural = pgettext_lazy("plural", "sắp xếp đơn vị")
        constraints = [models.UniqueConstraint(fields=["old_unit", "new_unit"], name="unique_unit_succession")]

    def __str__(self) -> str:
        return f"{self.old_unit} → {self.new_unit}"
