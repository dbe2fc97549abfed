"""Writes of the team register: a team per village, its members, their trainings. Only the commune's officers
write; every write refreshes the commune's team figures in the same transaction (xaso.teams.figures)."""

from __future__ import annotations

import re
from datetime import date

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from xaso.accounts.models import Role, User
from xaso.census.permissions import is_commune_officer_of
from xaso.geo.models import AdminUnit, Level

from .figures import team_figures_write
from .models import MemberRole, Team, TeamMember, Training

_PHONE = re.compile(r"^\+?[0-9]{8,15}$")


class TeamError(ValueError):
    def __init__(self, message: str, field: str = ""):
        super().__init__(message)
        self.message = message
        self.field = field


def _authorise(user, village: AdminUnit) -> None:
    if not is_commune_officer_of(user, village):
        raise TeamError(_("Chỉ công chức của xã được sửa sổ Tổ công nghệ số cộng đồng của thôn này."), "village")


def _text(value, name: str, label: str, max_length: int, *, required: bool) -> str:
    text = " ".join(str(value or "").split())
    if required and not text:
        raise TeamError(_("%(f)s: bắt buộc.") % {"f": label}, name)
    if len(text) > max_length:
        raise TeamError(_("%(f)s: tối đa %(n)s ký tự.") % {"f": label, "n": max_length}, name)
    return text


def _phone(value) -> str:
    digits = re.sub(r"[ .]", "", str(value or ""))
    if digits and not _PHONE.match(digits):
        raise TeamError(_("Số điện thoại: 8 đến 15 chữ số."), "phone")
    return digits


def _date(value, name: str, label: str, *, required: bool) -> date | None:
    if value in (None, ""):
        if required:
            raise TeamError(_("%(f)s: bắt buộc.") % {"f": label}, name)
        return None
    if isinstance(value, str):
        try:
            value = date.fromisoformat(value)
        except ValueError:
            raise TeamError(_("%(f)s: ngày không hợp lệ.") % {"f": label}, name) from None
    if not date(2000, 1, 1) <= value <= timezone.localdate():
        raise TeamError(_("%(f)s: từ 01/01/2000 đến hôm nay.") % {"f": label}, name)
    return value


@transaction.atomic
def team_save(*, user, village: AdminUnit, name: str, established_on=None, active: bool = True, note: str = "") -> Team:
    """Create or update the team of `village` (one per village)."""
    if village.level != Level.VILLAGE or village.is_legacy:
        raise TeamError(_("Tổ công nghệ số cộng đồng được lập theo thôn, ấp hiện hành."), "village")
    _authorise(user, village)
    team = Team.objects.select_for_update().filter(village=village).first() or Team(
        village=village, commune_id=village.commune_id
    )
    team.name = _text(name, "name", _("Tên tổ"), 150, required=True)
    team.established_on = _date(established_on, "established_on", _("Ngày thành lập"), required=False)
    team.active = bool(active)
    team.note = _text(note, "note", _("Ghi chú"), 500, required=False)
    team.save()
    team_figures_write(commune=team.commune)
    return team


@transaction.atomic
def member_save(
    *,
    user,
    team: Team,
    full_name: str,
    role: str = MemberRole.MEMBER,
    phone: str = "",
    account: User | None = None,
    active: bool = True,
    joined_on=None,
    member: TeamMember | None = None,
) -> TeamMember:
    """Add a member to `team`, or change `member` (which must belong to `team`)."""
    _authorise(user, team.village)
    if member is not None and member.team_id != team.id:
        raise TeamError(_("Thành viên này không thuộc tổ."), "member")
    if role not in MemberRole.values:
        raise TeamError(_("Vai trò: chọn tổ trưởng, tổ phó hoặc thành viên."), "role")
    if account is not None and (account.role != Role.TEAM_MEMBER or account.unit_id != team.commune_id):
        raise TeamError(
            _("Tài khoản liên kết phải là tài khoản “Thành viên Tổ công nghệ số cộng đồng” của xã."), "account"
        )
    member = member or TeamMember(team=team)
    member.full_name = _text(full_name, "full_name", _("Họ và tên"), 150, required=True)
    member.role = role
    member.phone = _phone(phone)
    member.user = account
    member.active = bool(active)
    member.joined_on = _date(joined_on, "joined_on", _("Ngày tham gia"), required=False)
    try:
        with transaction.atomic():
            member.save()
    except IntegrityError:
        if account is not None and TeamMember.objects.filter(user=account).exclude(pk=member.pk).exists():
            raise TeamError(_("Tài khoản này đã liên kết với một thành viên khác."), "account") from None
        raise TeamError(_("Tổ đã có tổ trưởng; đổi vai trò tổ trưởng cũ trước."), "role") from None
    team_figures_write(commune=team.commune)
    return member


@transaction.atomic
def training_record(*, user, member: TeamMember, title: str, trained_on, provider: str = "") -> Training:
    """Record a training `member` received."""
    _authorise(user, member.team.village)
    training = Training.objects.create(
        member=member,
        title=_text(title, "title", _("Nội dung tập huấn"), 200, required=True),
        trained_on=_date(trained_on, "trained_on", _("Ngày tập huấn"), required=True),
        provider=_text(provider, "provider", _("Đơn vị tổ chức"), 150, required=False),
    )
    team_figures_write(commune=member.team.commune)
    return training


@transaction.atomic
def training_delete(*, user, training: Training) -> None:
    _authorise(user, training.member.team.village)
    commune = training.member.team.commune
    training.delete()
    team_figures_write(commune=commune)
