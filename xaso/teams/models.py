"""Community digital technology teams (Tổ công nghệ số cộng đồng): one per village, its members, their training.

Seeds 002 (mục III.3.c: "Thành lập/kiện toàn 01 tổ công nghệ số cộng đồng tại mỗi thôn"), 003 and 004 (mục VI.7).
A member's name and phone are personal data: only the commune's officers and the team's own members read them
(xaso.teams.selectors); the province sees counts only.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class Team(models.Model):
    village = models.OneToOneField(
        "geo.AdminUnit", models.PROTECT, related_name="digital_team", verbose_name=_("thôn, ấp")
    )
    #: the village's commune, copied so a commune's teams are one indexed filter
    commune = models.ForeignKey("geo.AdminUnit", models.PROTECT, related_name="+", verbose_name=_("xã"))
    name = models.CharField(_("tên tổ"), max_length=150)
    established_on = models.DateField(_("ngày thành lập"), null=True, blank=True)
    active = models.BooleanField(_("đang hoạt động"), default=True)
    note = models.CharField(_("ghi chú"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("tạo lúc"), auto_now_add=True)
    updated_at = models.DateTimeField(_("cập nhật lúc"), auto_now=True)

    class Meta:
        ordering = ["village__path"]
        verbose_name = _("tổ công nghệ số cộng đồng")
        verbose_name_plural = pgettext_lazy("plural", "tổ công nghệ số cộng đồng")
        indexes = [models.Index(fields=["commune"])]

    def __str__(self) -> str:
        return self.name


class MemberRole(models.TextChoices):
    LEAD = "lead", _("Tổ trưởng")
    DEPUTY = "deputy", _("Tổ phó")
    MEMBER = "member", _("Thành viên")


class TeamMember(models.Model):
    team = models.ForeignKey(Team, models.CASCADE, related_name="members", verbose_name=_("tổ"))
    full_name = models.CharField(_("họ và tên"), max_length=150)
    role = models.CharField(_("vai trò"), max_length=10, choices=MemberRole.choices, default=MemberRole.MEMBER)
    phone = models.CharField(_("số điện thoại"), max_length=15, blank=True)
    #: the member's own account, when they sign in to record households (one account, one membership)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="team_membership",
        verbose_name=_("tài khoản"),
    )
    active = models.BooleanField(_("đang tham gia"), default=True)
    joined_on = models.DateField(_("ngày tham gia"), null=True, blank=True)
    created_at = models.DateTimeField(_("tạo lúc"), auto_now_add=True)
    updated_at = models.DateTimeField(_("cập nhật lúc"), auto_now=True)

    class Meta:
        ordering = ["team", "role", "full_name", "id"]
        verbose_name = _("thành viên tổ")
        verbose_name_plural = pgettext_lazy("plural", "thành viên tổ")
        constraints = [
            # one lead per team
            models.UniqueConstraint(
                fields=["team"], condition=models.Q(role="lead", active=True), name="team_one_active_lead"
            ),
        ]

    def __str__(self) -> str:
        return self.full_name


class Training(models.Model):
    """A training a member received (Bình dân học vụ số, VNeID, cashless payment…)."""

    member = models.ForeignKey(TeamMember, models.CASCADE, related_name="trainings", verbose_name=_("thành viên"))
    title = models.CharField(_("nội dung tập huấn"), max_length=200)
    trained_on = models.DateField(_("ngày tập huấn"))
    provider = models.CharField(_("đơn vị tổ chức"), max_length=150, blank=True)
    created_at = models.DateTimeField(_("tạo lúc"), auto_now_add=True)

    class Meta:
        ordering = ["-trained_on", "id"]
        verbose_name = _("tập huấn")
        verbose_name_plural = pgettext_lazy("plural", "tập huấn")

    def __str__(self) -> str:
        return f"{self.title} ({self.trained_on})"
