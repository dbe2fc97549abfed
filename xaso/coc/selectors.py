"""Reads for the operations centre: a commune's indicators with their trend, a province's communes side by side.

Each screen reads its whole table with one `indicator_values` call (one query per unit level), so the number
of queries does not grow with the number of indicators, villages or communes.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from xaso.core.db_router import using_replica
from xaso.core.models import Period
from xaso.core.periods import YEAR
from xaso.geo.models import AdminUnit, Level
from xaso.indicators.models import Area, Indicator
from xaso.indicators.selectors import (
    IndicatorValue,
    check_readable,
    indicator_values,
    indicators_active,
    latest_year_with_data,
    stated_sources,
)
from xaso.plans import selectors as plan_selectors
from xaso.plans.models import Plan, Task
from xaso.plans.selectors import TargetProgress
from xaso.plans.status import ACHIEVED, AT_RISK, NO_DATA, OFF_TRACK, ON_TRACK, STATUS_LABELS, UNKNOWN
from xaso.reports.charts import STATUS_COLOURS

#: how many years the trend shows, the chosen one included
TREND_YEARS = 5
#: columns of the province table when the analyst has not chosen any
DEFAULT_PROVINCE_COLUMNS = 6
#: the oldest year the year selector offers
FIRST_YEAR = 2015

SORT_NAME = "name"


def default_year(unit: AdminUnit) -> int:
    """The latest year with a figure for the unit (or below it), else the current year."""
    return latest_year_with_data(unit) or timezone.localdate().year


def year_choices(*, selected: int) -> list[int]:
    """Years offered by the year selector, newest first: every stored year period, this year and the chosen one."""
    stored = Period.objects.filter(type=YEAR, start__year__gte=FIRST_YEAR).values_list("start__year", flat=True)
    this_year = timezone.localdate().year
    return sorted({*stored, this_year, selected}, reverse=True)


def catalog_indicators() -> list[Indicator]:
    """The indicator catalog in reading order: by area as `Area` lists them (the three pillars first), then as
    the catalog file orders them."""
    rank = {area: n for n, area in enumerate(Area.values)}
    return sorted(indicators_active(), key=lambda i: (rank.get(i.area, len(rank)), i.sort_order, i.code))


def _year_periods(years: Sequence[int]) -> dict[int, Period]:
    """The stored year periods among `years` (a year nobody wrote a figure for has none: it has no data)."""
    codes = [str(y) for y in years]
    return {int(p.code): p for p in Period.objects.filter(type=YEAR, code__in=codes)}


@dataclass
class TrendPoint:
    year: int
    value: float | None


@dataclass
class IndicatorRow:
    indicator: Indicator
    current: IndicatorValue | None
    trend: list[TrendPoint]
    stated_source: str = ""  # for a stated-only figure: the short name of the document stating it

    @property
    def is_stated_only(self) -> bool:
        """No figure computed from counts, but a rate a document states ("Theo văn bản: 87%")."""
        return not self.has_data and self.stated is not None

    @property
    def value(self) -> float | None:
        return self.current.value if self.current else None

    @property
    def has_data(self) -> bool:
        return self.value is not None

    @property
    def stated(self) -> float | None:
        return self.current.stated if self.current else None

    @property
    def is_stated_mismatch(self) -> bool:
        return bool(self.current and self.current.is_stated_mismatch)

    @property
    def points(self) -> list[TrendPoint]:
        """The years of the trend that have a figure, oldest first."""
        return [p for p in self.trend if p.value is not None]

    @property
    def has_trend(self) -> bool:
        """A trend is drawn from two figures on: one figure is shown as a figure with its year, not as a dot."""
        return len(self.points) >= 2

    @property
    def single_point(self) -> TrendPoint | None:
        """The only figure of the trend's years, when there is exactly one."""
        points = self.points
        return points[0] if len(points) == 1 else None


@dataclass
class AreaSection:
    area: str
    label: str
    rows: list[IndicatorRow]

    @property
    def with_data(self) -> int:
        return sum(1 for r in self.rows if r.has_data)

    @property
    def stated_only(self) -> int:
        return sum(1 for r in self.rows if r.is_stated_only)

    @property
    def gaps(self) -> int:
        """Indicators with neither a computed figure nor a stated one."""
        return len(self.rows) - self.with_data - self.stated_only

    def trends(self) -> dict[str, dict]:
        """Chart data of this area's table (`CommuneOverview.trends`)."""
        return _trends(self.rows)


@dataclass
class CommuneOverview:
    unit: AdminUnit
    year: int
    years: list[int]
    sections: list[AreaSection] = field(default_factory=list)

    @property
    def rows(self) -> list[IndicatorRow]:
        return [r for s in self.sections for r in s.rows]

    @property
    def indicator_count(self) -> int:
        return len(self.rows)

    @property
    def with_data(self) -> int:
        return sum(s.with_data for s in self.sections)

    @property
    def stated_only(self) -> int:
        return sum(s.stated_only for s in self.sections)

    @property
    def gaps(self) -> int:
        return sum(s.gaps for s in self.sections)

    @property
    def mismatches(self) -> int:
        return sum(1 for r in self.rows if r.is_stated_mismatch)

    def trends(self) -> dict[str, dict]:
        """Chart data for the page, by indicator code: only indicators with figures for at least two years."""
        return _trends(self.rows)


def _trends(rows: list[IndicatorRow]) -> dict[str, dict]:
    return {
        r.indicator.code: {
            "labels": [str(p.year) for p in r.trend],
            "values": [p.value for p in r.trend],
            "percent": r.indicator.is_percent,
            "decimals": r.indicator.decimals,
        }
        for r in rows
        if r.has_trend
    }


def _area_sections(rows: list[IndicatorRow]) -> list[AreaSection]:
    """Rows grouped by area in the order of `Area` (the three pillars first), empty areas left out."""
    by_area: dict[str, list[IndicatorRow]] = {}
    for row in rows:
        by_area.setdefault(row.indicator.area, []).append(row)
    return [AreaSection(area, str(label), by_area[area]) for area, label in Area.choices if area in by_area]


@using_replica()
def commune_overview(*, user, unit: AdminUnit, year: int, indicators: Sequence[Indicator] | None = None):
    """Every indicator of the catalog for the unit: the year's value, the previous years, stated-rate flags, gaps.

    `unit` is a commune or a village (a village sees its own figures). One `indicator_values` call reads all
    indicators × the `TREND_YEARS` years.
    """
    check_readable(user, [unit])
    if indicators is None:
        indicators = catalog_indicators()
    years = list(range(year - TREND_YEARS + 1, year + 1))
    periods = _year_periods(years)
    table = (
        indicator_values(user=user, indicators=indicators, units=[unit], periods=list(periods.values()))
        if periods and indicators
        else {}
    )

    def value_at(ind: Indicator, y: int) -> IndicatorValue | None:
        period = periods.get(y)
        return table.get((unit.id, ind.id, period.id)) if period else None

    rows = []
    for ind in indicators:
        trend = []
        for y in years:
            found = value_at(ind, y)
            trend.append(TrendPoint(y, found.value if found else None))
        rows.append(IndicatorRow(indicator=ind, current=value_at(ind, year), trend=trend))
    _name_stated_sources(unit, rows)
    return CommuneOverview(unit=unit, year=year, years=years, sections=_area_sections(rows))


def _name_stated_sources(unit: AdminUnit, rows: list[IndicatorRow]) -> None:
    """The document each stated-only figure is quoted from, read from the figures' notes in one query."""

    def key(row: IndicatorRow) -> tuple[int, int, int]:
        return (unit.id, row.indicator.stated_rate_element_id, row.current.period.id)

    stated = [r for r in rows if r.is_stated_only and r.indicator.stated_rate_element_id]
    sources = stated_sources(key(r) for r in stated)
    for row in stated:
        row.stated_source = sources.get(key(row), "")


@dataclass
class VillageValue:
    village: AdminUnit
    value: float | None


@dataclass
class VillageBreakdown:
    commune: AdminUnit
    indicator: Indicator
    year: int
    villages: list[VillageValue]
    total: float | None  # the commune's own figure: numerators and denominators summed, never rates averaged

    @property
    def with_data(self) -> int:
        return sum(1 for v in self.villages if v.value is not None)

    def chart(self) -> dict:
        return {
            "labels": [v.village.name for v in self.villages],
            "values": [v.value for v in self.villages],
            "percent": self.indicator.is_percent,
            "decimals": self.indicator.decimals,
        }


def villages_of(commune: AdminUnit):
    return AdminUnit.objects.filter(parent=commune, level=Level.VILLAGE).order_by("official_code", "name")


def village_breakdown(*, user, commune: AdminUnit, indicator: Indicator, year: int) -> VillageBreakdown:
    """One indicator for each village of the commune and for the commune itself, in one `indicator_values` call."""
    check_readable(user, [commune])
    villages = list(villages_of(commune))
    period = _year_periods([year]).get(year)
    table = (
        indicator_values(user=user, indicators=[indicator], units=[commune, *villages], periods=[period])
        if period
        else {}
    )

    def value(unit: AdminUnit) -> float | None:
        found = table.get((unit.id, indicator.id, period.id)) if period else None
        return found.value if found else None

    return VillageBreakdown(
        commune=commune,
        indicator=indicator,
        year=year,
        villages=[VillageValue(v, value(v)) for v in villages],
        total=value(commune),
    )


# --- province: communes × indicators -------------------------------------------------------------------------


def name_sort_key(name: str) -> str:
    """A key for Vietnamese alphabetical order, close enough for lists of names: letters compared without their
    marks (Ấp before Bình), except đ, which comes after every d (Dương before Đông before Giang)."""
    decomposed = unicodedata.normalize("NFD", name.casefold().replace("đ", "d~"))
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def _folded(text: str) -> str:
    """Lower case without marks, đ read as d: "Đông Hòa" → "dong hoa", so a search needs no accents."""
    decomposed = unicodedata.normalize("NFD", text.casefold().replace("đ", "d"))
    return " ".join("".join(c for c in decomposed if not unicodedata.combining(c)).split())


def name_matches(name: str, query: str) -> bool:
    """Whether a unit's name holds the searched words, accents and case aside ("nga dien" finds "Xã Nga Điền")."""
    return not query or _folded(query) in _folded(name)


@dataclass
class ProvinceRow:
    unit: AdminUnit
    cells: list[tuple[Indicator, float | None]]  # in the order of the table's indicators

    @property
    def values(self) -> list[float | None]:
        return [value for _indicator, value in self.cells]

    @property
    def has_data(self) -> bool:
        """A figure in at least one of the table's columns; a commune without any is listed last as "no data"."""
        return any(value is not None for _indicator, value in self.cells)


@dataclass
class ProvinceTable:
    province: AdminUnit
    year: int
    indicators: list[Indicator]
    rows: list[ProvinceRow]
    total: ProvinceRow  # the province (or district) as a whole
    sort: str
    direction: str
    commune_count: int  # all communes, also those left out of `rows` for having no figure
    only_with_data: bool = False

    @property
    def with_data(self) -> list[int]:
        """How many communes have a figure, per indicator column (communes left out have none)."""
        return [sum(1 for r in self.rows if r.values[i] is not None) for i in range(len(self.indicators))]

    @property
    def sort_label(self) -> str:
        return next((i.name for i in self.indicators if i.code == self.sort), _("tên xã"))


def province_communes(province: AdminUnit):
    """The communes of a province or district: current ones, or pre-2025 ones for a pre-2025 province."""
    return (
        AdminUnit.objects.in_subtree(province)
        .filter(level=Level.COMMUNE, is_legacy=province.is_legacy)
        .select_related("district")
    )


def _sorted(rows: list[ProvinceRow], indicators: Sequence[Indicator], sort: str, direction: str) -> list[ProvinceRow]:
    """Communes with data first, in the chosen order; then those without any figure in the table, by name."""
    reverse = direction == "desc"

    def name(r: ProvinceRow):
        return (name_sort_key(r.unit.name), r.unit.code)

    without_data = sorted((r for r in rows if not r.has_data), key=name)
    by_name = sorted((r for r in rows if r.has_data), key=name, reverse=reverse)
    codes = [i.code for i in indicators]
    if sort not in codes:
        return by_name + without_data
    col = codes.index(sort)
    # a stable sort on top of the name order; communes without a figure in the column come after those with one
    with_value = sorted((r for r in by_name if r.values[col] is not None), key=lambda r: r.values[col], reverse=reverse)
    return with_value + [r for r in by_name if r.values[col] is None] + without_data


@using_replica()
def province_table(
    *,
    user,
    province: AdminUnit,
    indicators: Sequence[Indicator],
    year: int,
    sort: str = SORT_NAME,
    direction: str = "asc",
    only_with_data: bool = False,
) -> ProvinceTable:
    """Communes × indicators for one year, and the province as a whole, in one `indicator_values` call.

    `only_with_data` leaves out the communes without any figure in the chosen columns.
    """
    check_readable(user, [province])
    communes = list(province_communes(province))
    period = _year_periods([year]).get(year)
    indicators = list(indicators)
    table = (
        indicator_values(user=user, indicators=indicators, units=[province, *communes], periods=[period])
        if period and indicators
        else {}
    )

    def row(unit: AdminUnit) -> ProvinceRow:
        cells = []
        for ind in indicators:
            found = table.get((unit.id, ind.id, period.id)) if period else None
            cells.append((ind, found.value if found else None))
        return ProvinceRow(unit, cells)

    direction = "desc" if direction == "desc" else "asc"
    if sort != SORT_NAME and sort not in {i.code for i in indicators}:
        sort = SORT_NAME
    rows = [row(c) for c in communes]
    if only_with_data:
        rows = [r for r in rows if any(v is not None for v in r.values)]
    return ProvinceTable(
        province=province,
        year=year,
        indicators=indicators,
        rows=_sorted(rows, indicators, sort, direction),
        total=row(province),
        sort=sort,
        direction=direction,
        commune_count=len(communes),
        only_with_data=only_with_data,
    )


@using_replica()
def province_default_indicators(
    *,
    user,
    province: AdminUnit,
    year: int,
    count: int = DEFAULT_PROVINCE_COLUMNS,
    catalog: Sequence[Indicator] | None = None,
) -> list[Indicator]:
    """The first `count` indicators of the catalog with a figure for the province as a whole that year.

    Falls back to the first indicators of the catalog when fewer have data, so the table is never empty.
    """
    check_readable(user, [province])
    catalog = catalog_indicators() if catalog is None else list(catalog)
    period = _year_periods([year]).get(year)
    chosen: list[Indicator] = []
    if period:
        table = indicator_values(user=user, indicators=catalog, units=[province], periods=[period])
        chosen = [i for i in catalog if table[(province.id, i.id, period.id)].value is not None][:count]
    if len(chosen) < count:
        chosen += [i for i in catalog if i not in chosen][: count - len(chosen)]
    return _catalog_order(chosen, catalog)


def _catalog_order(chosen: Sequence[Indicator], catalog: Sequence[Indicator]) -> list[Indicator]:
    order = {i.id: n for n, i in enumerate(catalog)}
    return sorted(chosen, key=lambda i: order.get(i.id, len(order)))


def indicators_pick(catalog: Sequence[Indicator], codes: Sequence[str]) -> tuple[list[Indicator], list[str]]:
    """The catalog's indicators named by `codes`, in catalog order, and the codes that name none."""
    wanted = list(dict.fromkeys(c.strip() for c in codes if c.strip()))
    known = {i.code for i in catalog}
    return [i for i in catalog if i.code in wanted], [c for c in wanted if c not in known]


def units_search(*, user, query: str, limit: int = 30):
    """Units the user may read, matching a name or a code: provinces, districts and communes."""
    qs = AdminUnit.objects.for_user(user).filter(level__in=[Level.PROVINCE, Level.DISTRICT, Level.COMMUNE])
    query = (query or "").strip()
    if query:
        qs = qs.filter(Q(name__icontains=query) | Q(code__icontains=query))
    return qs.select_related("province").order_by("is_legacy", "path")[:limit]


# --- a commune's plans at a glance ------------------------------------------------------------------------------

#: the order statuses are counted, charted and listed in: done first, then the deviations, then the unknown
STATUS_ORDER = (ACHIEVED, ON_TRACK, AT_RISK, OFF_TRACK, NO_DATA)
#: the order target rows are listed in under their pillar: what needs attention first
ATTENTION_ORDER = (OFF_TRACK, AT_RISK, NO_DATA, UNKNOWN, ON_TRACK, ACHIEVED)
#: tasks listed on the first screen per list (overdue, due soon); the rest unfold under "more"
FIRST_SCREEN_TASKS = 5


def counted_status(code: str) -> str:
    """The status a target is counted under: one whose status could not be computed (a bad stored row) counts with
    "no data", as in the reports (`xaso.reports.selectors.pillar_status_counts`)."""
    return code if code in STATUS_ORDER else NO_DATA


@dataclass
class PillarStatus:
    """How many of a pillar's targets stand at each status, and the targets themselves, most urgent first."""

    area: str
    label: str
    counts: dict[str, int]
    progress: list[TargetProgress]

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    def cells(self) -> list[tuple[str, str, int]]:
        """(status code, label, count) in `STATUS_ORDER`: a row of the table that goes with the chart."""
        return [(code, str(STATUS_LABELS[code]), self.counts[code]) for code in STATUS_ORDER]


@dataclass
class DataGap:
    """An indicator that targets of the plans are set on and that has no figure to judge them by."""

    indicator: Indicator
    targets: list[TargetProgress]

    @property
    def horizons(self) -> list[int]:
        return sorted({p.target.horizon_year for p in self.targets})


@dataclass
class CommunePlanSummary:
    """What the operations centre shows first about a commune's plans in execution (`commune_plan_summary`)."""

    today: date
    plans: list[Plan]
    pillars: list[PillarStatus]
    late: list[Task]
    due: list[Task]
    gaps: list[DataGap]

    @property
    def totals(self) -> dict[str, int]:
        return {code: sum(p.counts[code] for p in self.pillars) for code in STATUS_ORDER}

    @property
    def late_first(self) -> list[Task]:
        return self.late[:FIRST_SCREEN_TASKS]

    @property
    def late_more(self) -> list[Task]:
        return self.late[FIRST_SCREEN_TASKS:]

    @property
    def due_first(self) -> list[Task]:
        return self.due[:FIRST_SCREEN_TASKS]

    @property
    def due_more(self) -> list[Task]:
        return self.due[FIRST_SCREEN_TASKS:]

    @property
    def target_count(self) -> int:
        return sum(p.total for p in self.pillars)

    @property
    def stated_count(self) -> int:
        """Targets judged on a rate a document states, for want of counts."""
        return sum(1 for pillar in self.pillars for p in pillar.progress if p.is_stated)

    def status_cells(self) -> list[tuple[str, str, int]]:
        totals = self.totals
        return [(code, str(STATUS_LABELS[code]), totals[code]) for code in STATUS_ORDER]

    def chart(self) -> dict:
        """Chart data: one bar per pillar, one stacked part per status, in the status colours of the documents."""
        return {
            "labels": [p.label for p in self.pillars],
            "datasets": [
                {
                    "status": code,
                    "label": str(STATUS_LABELS[code]),
                    "color": STATUS_COLOURS[code],
                    "data": [p.counts[code] for p in self.pillars],
                }
                for code in STATUS_ORDER
            ],
        }


def commune_plan_summary(*, user, unit: AdminUnit, today: date | None = None) -> CommunePlanSummary:
    """A commune's plans in execution at a glance: per pillar, how many targets are achieved, on track, at risk, off
    track or without data; the tasks overdue and due within `DUE_SOON_DAYS` days; the indicators of targets without
    a figure.

    Every target's status comes from one aggregation pass (`scorecard.commune_targets` → `target_progress`), so the
    number of queries grows with neither targets nor tasks. The rule: docs/rules/target-status.md.
    """
    from xaso.plans import scorecard  # it imports this module (name_sort_key): imported when first needed

    check_readable(user, [unit])
    today = today or timezone.localdate()
    plans = scorecard.active_plans(user=user, unit=unit)
    targets = scorecard.commune_targets(user=user, unit=unit, today=today, plans=plans, stated=True)
    by_area: dict[str, list[TargetProgress]] = {}
    for p in targets.progress:
        by_area.setdefault(p.target.indicator.area, []).append(p)
    urgency = {code: n for n, code in enumerate(ATTENTION_ORDER)}
    pillars = []
    for area, label in Area.choices:  # the framework's order: the three pillars first
        rows = by_area.get(area)
        if not rows:
            continue
        counts = dict.fromkeys(STATUS_ORDER, 0)
        for p in rows:
            counts[counted_status(p.status.code)] += 1
        rows = sorted(rows, key=lambda p: urgency.get(p.status.code, len(urgency)))  # stable: catalog order within
        pillars.append(PillarStatus(area, str(label), counts, rows))
    gaps: dict[int, DataGap] = {}
    for p in targets.progress:
        if counted_status(p.status.code) == NO_DATA:
            gaps.setdefault(p.target.indicator_id, DataGap(p.target.indicator, [])).targets.append(p)
    late, due = plan_selectors.tasks_late_and_due(plans=plans, today=today)
    late.sort(key=lambda t: (t.due_date, t.pk))
    for t in due:  # a recurring task's next deadline (end of this month, quarter or year)
        t.next_due = plan_selectors.task_next_due(t, today=today)
    due.sort(key=lambda t: (t.next_due, t.pk))
    return CommunePlanSummary(
        today=today,
        plans=list(plans),
        pillars=pillars,
        late=late,
        due=due,
        gaps=list(gaps.values()),
    )
