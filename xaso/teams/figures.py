"""Team register → figures per village and year, source `ChangeSource.TEAMS`, through `values_write`.

Per village (the commune's figure is the rollup's sum of its villages):
- `community_digital_teams`: 1 when the village has an active team, else 0;
- `villages_digital_team`: 1 when that team has at least one active member (a team on paper only does not count);
- `digital_team_members`: its active members; `digital_team_members_trained`: those with at least one training.
Every village of the commune is written (zero included) on every change of the commune's register, so a figure
always equals the register; the register wins over typed figures (it is the source: the commune keeps it).
"""

from __future__ import annotations

from django.db.models import Count, Q
from django.utils import timezone

from xaso.census.figures import CENSUS_WRITER
from xaso.geo.models import AdminUnit, Level
from xaso.indicators.bulk import WriteResult
from xaso.indicators.models import ChangeSource
from xaso.indicators.services import ValueInput, values_write

from .models import Team

ELEMENTS = ("community_digital_teams", "villages_digital_team", "digital_team_members", "digital_team_members_trained")
COMMENT = "Tính từ sổ Tổ công nghệ số cộng đồng"


def team_counts(commune: AdminUnit) -> dict[int, dict[str, int]]:
    """{village id: {element: count}} for every village of `commune` (zero where there is no team)."""
    villages = AdminUnit.objects.filter(parent=commune, level=Level.VILLAGE).values_list("id", flat=True)
    counts = {vid: dict.fromkeys(ELEMENTS, 0) for vid in villages}
    rows = (
        Team.objects.filter(commune=commune, active=True)
        .values("village_id")
        .annotate(
            n_members=Count("members", filter=Q(members__active=True), distinct=True),
            n_trained=Count("members", filter=Q(members__active=True, members__trainings__isnull=False), distinct=True),
        )
    )
    for row in rows:
        if row["village_id"] not in counts:
            continue
        counts[row["village_id"]] = {
            "community_digital_teams": 1,
            "villages_digital_team": 1 if row["n_members"] else 0,
            "digital_team_members": row["n_members"],
            "digital_team_members_trained": row["n_trained"],
        }
    return counts


def team_figures_write(*, commune: AdminUnit, year: int | None = None) -> WriteResult:
    """Write the team figures of every village of `commune` for `year` (this year by default)."""
    year = year or timezone.localdate().year
    codes = dict(AdminUnit.objects.filter(parent=commune, level=Level.VILLAGE).values_list("id", "code"))
    rows = [
        ValueInput(
            element=element,
            unit=codes[vid],
            period=str(year),
            value=value,
            comment=COMMENT,
            columns={"element": element, "unit": codes[vid], "period": str(year), "value": element},
        )
        for vid, values in team_counts(commune).items()
        for element, value in values.items()
    ]
    if not rows:
        return WriteResult()
    return values_write(user=CENSUS_WRITER, rows=rows, source=ChangeSource.TEAMS)
