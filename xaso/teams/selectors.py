"""Reads of the team register. Counts for anybody who reads the commune; members' names and phones for the
commune's officers and the team's own members only, each read logged (xaso.privacy)."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, Q

from xaso.accounts.permissions import can_read_unit
from xaso.census.permissions import can_see_names
from xaso.geo.models import AdminUnit, Level
from xaso.privacy.models import AccessAction
from xaso.privacy.services import log_access, suppress_small

from .models import Team, TeamMember


@dataclass
class VillageTeam:
    village: AdminUnit
    team: Team | None
    members: int
    trained: int
    #: households assigned to the team's members; "<5" for a small count to whoever may not see the village's names
    households: int | str


@dataclass
class Overview:
    rows: list[VillageTeam]
    without_team: list[AdminUnit]
    without_training: list[VillageTeam]
    teams: int
    members: int
    trained: int


def teams_overview(user, commune: AdminUnit) -> Overview | None:
    """Every village of the commune with its team's counts; None when the user does not read the commune."""
    if not can_read_unit(user, commune):
        return None
    villages = list(AdminUnit.objects.filter(parent=commune, level=Level.VILLAGE).order_by("path"))
    teams = {
        t.village_id: t
        for t in Team.objects.filter(commune=commune).annotate(
            n_members=Count("members", filter=Q(members__active=True), distinct=True),
            n_trained=Count("members", filter=Q(members__active=True, members__trainings__isnull=False), distinct=True),
            n_households=Count("members__households", distinct=True),
        )
    }
    rows = []
    for village in villages:
        team = teams.get(village.id)
        households = team.n_households if team else 0
        rows.append(
            VillageTeam(
                village,
                team,
                team.n_members if team else 0,
                team.n_trained if team else 0,
                households if can_see_names(user, village) else suppress_small(households),
            )
        )
    active = [r for r in rows if r.team and r.team.active]
    return Overview(
        rows=rows,
        without_team=[r.village for r in rows if not (r.team and r.team.active)],
        without_training=[r for r in active if r.trained == 0],
        teams=len(active),
        members=sum(r.members for r in active),
        trained=sum(r.trained for r in active),
    )


def team_members(user, team: Team, *, reason: str = "") -> list[TeamMember] | None:
    """The team's members with names and phones, for whoever may see them (logged); None for anybody else."""
    if not can_see_names(user, team.village):
        return None
    members = list(
        team.members.select_related("user")
        .prefetch_related("trainings")
        .annotate(n_households=Count("households"))
        .order_by("-active", "role", "full_name")
    )
    log_access(
        user=user,
        action=AccessAction.LIST,
        subject_type="team_member",
        subject_id=str(team.pk),
        unit=team.village,
        count=len(members),
        reason=reason,
    )
    return members
