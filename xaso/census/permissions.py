"""Who sees names and who records households (docs/decisions/0034-personal-data.md).

- The commune's officers and leaders: every village of their commune (names, records, corrections, exports).
- A team member with an account: the households of their own team's village assigned to them (issue 14: "only
  the commune's officers and the assigned team member see names"); they record new households of that village,
  which are assigned to them (docs/decisions/0060-census-assigned-households-and-phone-caches.md).
- Everybody else — province and district analysts, system administrators, the public — sees aggregates only.
  An administrator runs the system, not the census: no names (the commune can still show them a record).
"""

from __future__ import annotations

from xaso.accounts.permissions import WRITER_ROLES


def team_member_of(user):
    """The active membership of `user` in an active team (with its team loaded), or None."""
    if user is None or not user.is_authenticated:
        return None
    cached = getattr(user, "_census_member", False)
    if cached is not False:
        return cached
    from xaso.teams.models import TeamMember

    member = (
        TeamMember.objects.select_related("team", "team__village")
        .filter(user=user, active=True, team__active=True)
        .first()
    )
    user._census_member = member
    return member


def is_commune_officer_of(user, unit) -> bool:
    """An officer or leader whose unit holds `unit` (a village or the commune itself)."""
    return bool(
        user is not None
        and user.is_authenticated
        and user.role in WRITER_ROLES
        and user.unit_id is not None
        and not user.unit.is_legacy
        and unit.path.startswith(user.unit.path)
    )


def can_see_names(user, village) -> bool:
    """May `user` read the names (and phone, address) of the households of `village`?"""
    if is_commune_officer_of(user, village):
        return True
    member = team_member_of(user)
    return member is not None and member.team.village_id == village.id


def can_record(user, village) -> bool:
    """May `user` record a household of `village`? The commune's officers and the village's team members; a team
    member changes an existing household only when it is assigned to them (`can_see_household`)."""
    return can_see_names(user, village)


def can_see_household(user, household) -> bool:
    """May `user` read (and change) this household's names? The commune's officers, or the team member it is
    assigned to — not the other members of the village's team."""
    if is_commune_officer_of(user, household.village):
        return True
    member = team_member_of(user)
    return (
        member is not None
        and member.team.village_id == household.village_id
        and household.assigned_member_id == member.id
    )


def name_village_ids(user) -> list[int] | None:
    """Ids of the villages whose names `user` sees; None when the answer is "all villages of the user's unit"
    (an officer: the caller filters by the unit's path); [] for nobody."""
    if user is None or not user.is_authenticated:
        return []
    if user.role in WRITER_ROLES and user.unit_id is not None and not user.unit.is_legacy:
        return None
    member = team_member_of(user)
    return [member.team.village_id] if member is not None else []
