from __future__ import annotations

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class Role(models.TextChoices):
    COMMUNE_OFFICER = "commune_officer", _("Công chức xã")
    COMMUNE_LEADER = "commune_leader", _("Lãnh đạo UBND xã")
    ANALYST = "analyst", _("Chuyên viên tỉnh/huyện")
    ADMIN = "admin", _("Quản trị hệ thống")
    #: a member of a village's community digital team (xaso.teams): records households, writes no figure
    TEAM_MEMBER = "team_member", _("Thành viên Tổ công nghệ số cộng đồng")


class User(AbstractUser):
    """A person who signs in. Every user (but an administrator) works inside one administrative unit."""

    full_name = models.CharField(_("họ và tên"), max_length=150, blank=True)
    role = models.CharField(_("vai trò"), max_length=20, choices=Role.choices, default=Role.COMMUNE_OFFICER)
    unit = models.ForeignKey(
        "geo.AdminUnit", models.PROTECT, null=True, blank=True, related_name="users", verbose_name=_("đơn vị")
    )

    class Meta:
        verbose_name = _("người dùng")
        verbose_name_plural = pgettext_lazy("plural", "người dùng")

    def __str__(self) -> str:
        return self.full_name or self.username

    @property
    def is_admin(self) -> bool:
        return self.is_superuser or self.role == Role.ADMIN


class ApiKey(models.Model):
    """A key a machine client sends as `Authorization: Token <key>` (POST /api/v1/auth/token/ issues one).

    Only the key's SHA-256 digest is stored, so a copy of the database (a backup, a leaked dump) opens nothing; the
    first characters (`prefix`) tell keys apart in the admin and the logs. A key expires `XASO_API_TOKEN_DAYS` days
    after it was issued (xaso.accounts.authentication); docs/decisions/0030-hashed-api-keys.md.
    """

    user = models.ForeignKey(User, models.CASCADE, related_name="api_keys", verbose_name=_("người dùng"))
    prefix = models.CharField(_("đầu khóa"), max_length=8)
    digest = models.CharField(_("mã băm"), max_length=64, unique=True)
    created_at = models.DateTimeField(_("cấp lúc"), auto_now_add=True, db_index=True)
    last_used_at = models.DateTimeField(_("dùng lần cuối"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("khóa API")
        verbose_name_plural = pgettext_lazy("plural", "khóa API")

    def __str__(self) -> str:
        return f"{self.prefix}… ({self.user})"
