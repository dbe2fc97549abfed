"""Reads of the household census, scoped to the user; every read that shows personal data logs it.

- `households_for_user`: the household records the user may see with names (the commune's officers: every village
  of their commune; a team member: the households of their team's village assigned to them; anybody else: none).
  A queryset: it logs nothing by itself; whatever shows its rows calls `households_read_log` (the pages and
  exports here do).
- `census_summary`: aggregates per village for anybody who reads the commune, small cells suppressed for whoever
  may not see names (docs/decisions/0034-personal-data.md).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from xaso.accounts.permissions import can_read_unit
from xaso.geo.models import AdminUnit, Level
from xaso.privacy.models import AccessAction
from xaso.privacy.services import log_access, suppress_small

from .figures import village_counts
from .models import Household, HouseholdChange, VillageCensus
from .permissions import can_see_names, is_commune_officer_of, name_village_ids, team_member_of


def households_for_user(user, village: AdminUnit | None = None) -> QuerySet[Household]:
    """The households whose names `user` may see, of `village` when given."""
    ids = name_village_ids(user)
    qs = Household.objects.select_related("village", "assigned_member")
    if ids is None:
        qs = qs.filter(village__path__startswith=user.unit.path)
    elif ids:
        # a team member: their team's village, and there only the households assigned to them
        member = team_member_of(user)
        qs = qs.filter(village_id__in=ids, assigned_member=member)
    else:
        return Household.objects.none()
    if village is not None:
        qs = qs.filter(village=village)
    return qs


def households_read_log(*, user, unit, count: int, reason: str = "", action: str = AccessAction.LIST) -> None:
    """Log a read of a list of households (a page, a sync download, an export)."""
    log_access(user=user, action=action, subject_type="household", unit=unit, count=count, reason=reason)


def household_for_user(user, uid, *, reason: str = "") -> Household | None:
    """One household with its members, when `user` may see its names; the read is logged."""
    household = households_for_user(user).filter(uid=uid).prefetch_related("members").first()
    if household is None:
        return None
    log_access(
        user=user,
        action=AccessAction.VIEW,
        subject_type="household",
        subject_id=str(household.uid),
        unit=household.commune,
        reason=reason,
    )
    return household


def household_history(user, household: Household) -> QuerySet[HouseholdChange]:
    """The change history of a household (values, so personal data): the commune's officers only."""
    if not is_commune_officer_of(user, household.village):
        return HouseholdChange.objects.none()
    return household.changes.select_related("user").order_by("-version", "-id")


@dataclass
class VillageSummary:
    village: AdminUnit
    households: int | str
    people: int | str
    conflicts: int
    complete: bool
    figures_error: str
    names: bool


def census_summary(user, commune: AdminUnit, year: int | None = None) -> list[VillageSummary]:
    """Every village of `commune` with its census progress; counts under 5 shown as "<5" to whoever may not see
    names. Empty when the user does not read the commune."""
    if not can_read_unit(user, commune):
        return []
    year = year or timezone.localdate().year
    villages = list(AdminUnit.objects.filter(parent=commune, level=Level.VILLAGE).order_by("path"))
    ids = [v.id for v in villages]
    counts = village_counts(ids, year)
    conflicts = dict(
        Household.objects.filter(village_id__in=ids)
        .values("village_id")
        .annotate(n=Count("id", filter=Q(has_conflict=True)))
        .values_list("village_id", "n")
    )
    statuses = {s.village_id: s for s in VillageCensus.objects.filter(village_id__in=ids, year=year)}
    result = []
    for village in villages:
        names = can_see_names(user, village)
        shown = (lambda n: n) if names else suppress_small
        status = statuses.get(village.id)
        result.append(
            VillageSummary(
                village=village,
                households=shown(counts[village.id]["households_total"]),
                people=shown(counts[village.id]["population_total"]),
                conflicts=conflicts.get(village.id, 0) if names else 0,
                complete=bool(status and status.completed_at),
                figures_error=status.figures_error if status and names else "",
                names=names,
            )
        )
    return result
