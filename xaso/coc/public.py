"""Reads for a commune's public page (no login): what the commune chose to publish, aggregates only.

The page and the preview an officer sees before publishing are built by the same `public_page_data` and rendered
by the same template (`coc/_public_body.html`), so the preview is exactly what citizens will see.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from xaso.core.models import Period
from xaso.geo.models import AdminUnit
from xaso.indicators.models import Area, Indicator
from xaso.indicators.selectors import PUBLIC_AGGREGATES
from xaso.plans import scorecard
from xaso.plans.selectors import TargetProgress

from . import selectors


@dataclass
class HorizonCell:
    year: int
    targets: list[TargetProgress]  # usually one; two when two plans (an absorbed commune's) set the same horizon


@dataclass
class PublicTargetRow:
    """One indicator of the plans in execution, with each of its horizons side by side."""

    indicator: Indicator
    latest: float | None  # the most recent figure any of its targets is judged on
    period: Period | None
    cells: list[HorizonCell]  # one per column of the table, in the table's horizon order (empty when not set)


@dataclass
class PublicTargets:
    horizons: list[int]
    rows: list[PublicTargetRow]


def public_targets(progress: Sequence[TargetProgress]) -> PublicTargets:
    """The targets grouped by indicator, in the order given (pillars first), with one column per horizon year.

    A target appears once, under its horizon, beside the indicator's other horizons (2026 | 2030 | 2045); the
    indicator's current figure is the most recent one among its targets' judged values.
    """
    horizons = sorted({p.target.horizon_year for p in progress})
    groups: dict[int, list[TargetProgress]] = {}
    for p in progress:
        groups.setdefault(p.target.indicator_id, []).append(p)
    rows = []
    for items in groups.values():
        dated = [p for p in items if p.latest is not None and p.period is not None]
        newest = max(dated, key=lambda p: (p.period.start, p.period.end)) if dated else None
        rows.append(
            PublicTargetRow(
                indicator=items[0].target.indicator,
                latest=newest.latest if newest else None,
                period=newest.period if newest else None,
                cells=[HorizonCell(y, [p for p in items if p.target.horizon_year == y]) for y in horizons],
            )
        )
    return PublicTargets(horizons, rows)


@dataclass
class PublicPage:
    unit: AdminUnit
    year: int
    overview: selectors.CommuneOverview
    targets: PublicTargets | None

    def trends(self) -> dict[str, dict]:
        return self.overview.trends()

    @property
    def is_empty(self) -> bool:
        return not self.overview.sections and not (self.targets and self.targets.rows)


def public_page_data(*, unit: AdminUnit, indicators: Sequence[Indicator], show_targets: bool) -> PublicPage:
    """What the commune's public page shows for these choices: the chosen indicators' aggregates for the latest
    year with data, and, if chosen, the targets of its plans in execution (and of the old communes it absorbed).
    Only aggregates are read (`PUBLIC_AGGREGATES`): no name, phone or email of anyone reaches the page."""
    year = selectors.default_year(unit)
    rank = {area: n for n, area in enumerate(Area.values)}  # the catalog's reading order, the pillars first
    indicators = sorted(indicators, key=lambda i: (rank.get(i.area, len(rank)), i.sort_order, i.code))
    overview = selectors.commune_overview(user=PUBLIC_AGGREGATES, unit=unit, year=year, indicators=indicators)
    targets = None
    if show_targets:
        targets = public_targets(scorecard.commune_targets(user=PUBLIC_AGGREGATES, unit=unit).progress)
    return PublicPage(unit=unit, year=year, overview=overview, targets=targets)
