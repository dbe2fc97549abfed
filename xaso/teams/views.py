"""Team register pages: the commune's overview (anybody who reads the commune: counts only), a village's team
(the commune's officers edit; the team's members read their own team)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from xaso.accounts.models import Role, User
from xaso.census.permissions import can_see_names, is_commune_officer_of
from xaso.geo.models import AdminUnit, Level

from . import selectors, services
from .models import MemberRole, Team, TeamMember


@login_required
def overview(request, code: str):
    commune = get_object_or_404(AdminUnit, code=code, level=Level.COMMUNE)
    data = selectors.teams_overview(request.user, commune)
    if data is None:
        raise Http404
    return render(
        request,
        "teams/overview.html",
        {"unit": commune, "overview": data, "officer": is_commune_officer_of(request.user, commune)},
    )


def _village(request, code: str) -> AdminUnit:
    village = get_object_or_404(AdminUnit.objects.select_related("parent"), code=code, level=Level.VILLAGE)
    if not can_see_names(request.user, village):
        raise Http404
    return village


@login_required
@require_http_methods(["GET", "POST"])
def team(request, code: str):
    village = _village(request, code)
    team = Team.objects.filter(village=village).first()
    officer = is_commune_officer_of(request.user, village)
    error = ""
    if request.method == "POST":
        try:
            team = services.team_save(
                user=request.user,
                village=village,
                name=request.POST.get("name", ""),
                established_on=request.POST.get("established_on") or None,
                active=request.POST.get("active") == "1",
                note=request.POST.get("note", ""),
            )
        except services.TeamError as exc:
            error = exc.message
        else:
            messages.success(request, _("Đã lưu tổ."))
            return redirect("teams:team", code=village.code)
    members = selectors.team_members(request.user, team, reason=_("Xem tổ của thôn")) if team else []
    accounts = (
        User.objects.filter(role=Role.TEAM_MEMBER, unit=village.parent, is_active=True).order_by("username")
        if officer
        else []
    )
    return render(
        request,
        "teams/team.html",
        {
            "village": village,
            "unit": village.parent,
            "team": team,
            "members": members,
            "officer": officer,
            "error": error,
            "roles": MemberRole.choices,
            "accounts": accounts,
        },
        status=400 if error else 200,
    )


@login_required
@require_POST
def member(request, code: str, pk: int | None = None):
    village = _village(request, code)
    team = get_object_or_404(Team, village=village)
    existing = get_object_or_404(TeamMember, pk=pk, team=team) if pk else None
    account = None
    account_id = (request.POST.get("account") or "").strip()
    if account_id.isdigit():
        account = User.objects.filter(pk=int(account_id)).first()
    try:
        services.member_save(
            user=request.user,
            team=team,
            member=existing,
            full_name=request.POST.get("full_name", ""),
            role=request.POST.get("role", MemberRole.MEMBER),
            phone=request.POST.get("phone", ""),
            account=account,
            active=request.POST.get("active", "1") == "1",
            joined_on=request.POST.get("joined_on") or None,
        )
    except services.TeamError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Đã lưu thành viên."))
    return redirect("teams:team", code=village.code)


@login_required
@require_POST
def training(request, code: str, pk: int):
    village = _village(request, code)
    member = get_object_or_404(TeamMember.objects.select_related("team__village", "team__commune"), pk=pk,
                               team__village=village)  # fmt: skip
    try:
        services.training_record(
            user=request.user,
            member=member,
            title=request.POST.get("title", ""),
            trained_on=request.POST.get("trained_on") or None,
            provider=request.POST.get("provider", ""),
        )
    except services.TeamError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Đã ghi tập huấn."))
    return redirect("teams:team", code=village.code)
