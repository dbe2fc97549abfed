"""Reads: the value of any indicator for any unit and period, computed from database aggregates."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import cache

from django.core.exceptions import PermissionDenied
from django.db.models import Exists, Max, Min, OuterRef, QuerySet, Sum
from django.utils.translation import gettext as _

from xaso.accounts.permissions import can_read_unit
from xaso.core.models import Period
from xaso.core.periods import YEAR, PeriodSpec
from xaso.geo.models import AdminUnit, Level

from .formula import Formula, parse_formula
from .models import Aggregation, DataElement, DataValue, ElementRollup, Indicator
from .validation import Violation, violations_for

#: a stated rate further than this (percentage points) from the computed one is flagged
STATED_RATE_TOLERANCE = 0.5

Key = tuple[int, int, int]  # (unit_id, element_id, period_id)


@dataclass
class IndicatorValue:
    indicator: Indicator
    unit_id: int
    period: Period
    value: float | None
    inputs: dict[str, float | None] = field(default_factory=dict)
    stated: float | None = None

    @property
    def has_data(self) -> bool:
        return self.value is not None

    @property
    def is_stated_mismatch(self) -> bool:
        return (
            self.value is not None and self.stated is not None and abs(self.value - self.stated) > STATED_RATE_TOLERANCE
        )


@cache
def _parsed(formula_text: str) -> Formula:
    return parse_formula(formula_text)


def indicator_formula(indicator: Indicator) -> Formula:
    return _parsed(indicator.formula)


def elements_for(indicators: Iterable[Indicator]) -> list[DataElement]:
    codes: set[str] = set()
    for ind in indicators:
        codes |= indicator_formula(ind).elements
    return list(
        DataElement.objects.filter(code__in=codes) | DataElement.objects.filter(stated_for__in=list(indicators))
    )


def _combine(aggregation: str, total: float | None, maximum: float | None, minimum: float | None) -> float | None:
    if aggregation == Aggregation.MAX:
        return maximum
    if aggregation == Aggregation.MIN:
        return minimum
    return total


def element_totals(
    *, elements: Sequence[DataElement], units: Sequence[AdminUnit], periods: Sequence[Period]
) -> dict[Key, float]:
    """Aggregated value of each element for each unit and period: one query per unit level."""
    result: dict[Key, float] = {}
    if not elements or not units or not periods:
        return result
    by_level: dict[str, list[AdminUnit]] = defaultdict(list)
    for unit in units:
        by_level[unit.level].append(unit)
    aggregation = {e.id: e.aggregation for e in elements}
    element_ids = list(aggregation)
    period_ids = [p.id for p in periods]
    communes = by_level.get(Level.COMMUNE, [])
    if communes:
        rows = ElementRollup.objects.filter(
            unit_id__in=[u.id for u in communes], data_element_id__in=element_ids, period_id__in=period_ids
        ).values_list("unit_id", "data_element_id", "period_id", "value")
        result.update({(u, e, p): v for u, e, p, v in rows})
    for level, column in ((Level.PROVINCE, "unit__province_id"), (Level.DISTRICT, "unit__district_id")):
        upper = by_level.get(level, [])
        if not upper:
            continue
        rows = (
            ElementRollup.objects.filter(
                **{f"{column}__in": [u.id for u in upper]},
                data_element_id__in=element_ids,
                period_id__in=period_ids,
            )
            .values_list(column, "data_element_id", "period_id")
            .annotate(total=Sum("value"), maximum=Max("value"), minimum=Min("value"))
            .order_by()
        )
        for unit_id, element_id, period_id, total, maximum, minimum in rows:
            value = _combine(aggregation[element_id], total, maximum, minimum)
            if value is not None:
                result[(unit_id, element_id, period_id)] = value
    villages = by_level.get(Level.VILLAGE, [])
    if villages:
        result.update(_village_totals(villages, elements, periods))
    return result


def _village_totals(villages: Sequence[AdminUnit], elements: Sequence[DataElement], periods: Sequence[Period]):
    """Villages hold raw values only; a village has a few dozen values a year, read in one query."""
    start = min(p.start for p in periods)
    end = max(p.end for p in periods)
    rows = (
        DataValue.objects.filter(
            unit_id__in=[v.id for v in villages],
            data_element_id__in=[e.id for e in elements],
            period__start__gte=start,
            period__end__lte=end,
            year__gte=start.year,  # the partition key: only these years' partitions are read
            year__lte=end.year,
        )
        .order_by("period__start")
        .values_list("unit_id", "data_element_id", "period__start", "period__end", "value")
    )
    aggregation = {e.id: e.aggregation for e in elements}
    out: dict[Key, float] = {}
    for unit_id, element_id, p_start, p_end, value in rows:
        for period in periods:
            if not (period.start <= p_start and p_end <= period.end):
                continue
            key = (unit_id, element_id, period.id)
            agg = aggregation[element_id]
            if key not in out or agg == Aggregation.LAST:  # rows come oldest first: the last one wins
                out[key] = value
            elif agg == Aggregation.SUM:
                out[key] += value
            elif agg == Aggregation.MAX:
                out[key] = max(out[key], value)
            else:
                out[key] = min(out[key], value)
    return out


#: reader of published aggregates (the public page); only ever passed by code that checked the publication
PUBLIC_AGGREGATES = object()


def check_readable(user, units: Iterable[AdminUnit]) -> None:
    """PermissionDenied naming the first unit the user may not read. A QuerySet (a province's villages) is checked
    in the database, one query that loads only an offending unit; a list, unit by unit."""
    if user is PUBLIC_AGGREGATES:
        return
    if isinstance(units, QuerySet):
        units = units.exclude(pk__in=AdminUnit.objects.for_user(user).values("pk"))[:1]
    for unit in units:
        if not can_read_unit(user, unit):
            raise PermissionDenied(_("Bạn không có quyền xem số liệu của %(unit)s.") % {"unit": unit.name})


def indicator_values(
    *, user, indicators: Sequence[Indicator], units: Sequence[AdminUnit], periods: Sequence[Period]
) -> dict[tuple[int, int, int], IndicatorValue]:
    """Indicators × units × periods, keyed (unit_id, indicator_id, period_id); a whole table in one pass.

    Ratios are computed from the summed numerator and denominator, never by averaging rates.
    A zero denominator or a missing element gives value None ("no data").
    """
    check_readable(user, units)
    elements = elements_for(indicators)
    by_code = {e.code: e.id for e in elements}
    totals = element_totals(elements=elements, units=units, periods=periods)
    get = totals.get
    # each indicator's formula and the element ids it reads, found once for the whole table
    prepared = []
    for ind in indicators:
        formula = indicator_formula(ind)
        refs = tuple((code, by_code.get(code)) for code in formula.elements)
        prepared.append((ind, formula, refs, ind.stated_rate_element_id))
    out: dict[tuple[int, int, int], IndicatorValue] = {}
    for unit in units:
        unit_id = unit.id
        for period in periods:
            period_id = period.id
            for ind, formula, refs, stated_id in prepared:
                inputs = {code: get((unit_id, eid, period_id)) if eid is not None else None for code, eid in refs}
                out[(unit_id, ind.id, period_id)] = IndicatorValue(
                    indicator=ind, unit_id=unit_id, period=period, value=formula.evaluate(inputs), inputs=inputs,
                    stated=get((unit_id, stated_id, period_id)) if stated_id else None,
                )  # fmt: skip
    return out


def indicators_active() -> QuerySet[Indicator]:
    return Indicator.objects.select_related("stated_rate_element").order_by("area", "sort_order", "code")


def value_history(*, user, element: DataElement, unit: AdminUnit, period: Period):
    from .models import DataValueChange

    check_readable(user, [unit])
    return DataValueChange.objects.filter(data_element=element, unit=unit, period=period).select_related("changed_by")


def _rollup_communes(unit: AdminUnit) -> QuerySet[AdminUnit] | list[int]:
    """The communes whose rollups hold the figures of `unit` and everything below it.

    Figures are written for communes and villages only (`services.WRITABLE_LEVELS`) and every one of them is
    counted in its commune's rollups, so the communes of a province or a district cover all its figures. A
    village answers with its commune: its own rows are not rolled up apart (see `latest_year_with_data`)."""
    if unit.level == Level.COMMUNE:
        return [unit.id]
    if unit.level == Level.VILLAGE:
        return [unit.commune_id] if unit.commune_id else []
    column = "province_id" if unit.level == Level.PROVINCE else "district_id"
    return AdminUnit.objects.filter(**{column: unit.id}, level=Level.COMMUNE).values("id")


def latest_year_with_data(unit: AdminUnit) -> int | None:
    """The most recent year for which the unit (or anything below it) has a figure; for a village, its commune.

    Read from the year rollups, never from the raw values: the stored year periods, newest first, each
    probed for one rollup row of the unit's communes through the (unit, period) index; the first that has
    one is the answer. The work is bounded by the number of years × communes, whatever the number of values
    (a province of 11 million values answers in about a millisecond; the raw values took 2 s)."""
    communes = _rollup_communes(unit)
    if isinstance(communes, list) and not communes:
        return None
    has_rollup = ElementRollup.objects.filter(period_id=OuterRef("pk"), unit_id__in=communes)
    start = (
        Period.objects.filter(type=YEAR)
        .filter(Exists(has_rollup))
        .order_by("-start")
        .values_list("start", flat=True)
        .first()
    )
    return start.year if start else None


@dataclass(frozen=True)
class UnitViolation:
    """A rule broken by the stored figures of one unit in one period."""

    violation: Violation
    unit: AdminUnit
    period: Period


def violations_in(*, user, unit: AdminUnit, spec: PeriodSpec) -> list[UnitViolation]:
    """Rules broken by the stored figures of `unit` and every unit below it in the user's scope, in `spec` and
    the periods inside it — the one list the violations screen and the validation API both show.

    Ordered by unit (tree order: a commune before its villages), then period (a year before its quarters and
    months, as `Period` orders them), then rule code. A unit with no figure in these periods is not checked:
    missing data breaks no rule.
    """
    check_readable(user, [unit])
    periods = {p.id: p for p in Period.objects.within(spec)}
    if not periods:
        return []
    # every unit in scope: `violations_for` only checks the unit-periods that hold a figure
    units = {u.id: u for u in AdminUnit.objects.for_user(user).in_subtree(unit)}
    found = [
        UnitViolation(v, units[v.unit_id], periods[v.period_id])
        for v in violations_for(units=list(units.values()), periods=list(periods.values()))
    ]
    found.sort(key=lambda f: (f.unit.path, f.period.start, -f.period.end.toordinal(), f.violation.rule.code))
    return found


#: how the demo and seed loaders (and officials, by convention) begin the note of a figure quoted from a document
SOURCE_PREFIX = "Nguồn:"


def source_short_name(note: str) -> str:
    """The short name of the document a figure is quoted from, from the figure's note: "Nguồn: 003, Phần 1, mục
    II.1.2 (tỷ lệ … ước đạt 87%)" → "003, Phần 1, mục II.1.2" (docs/sources.md explains short names). A note that
    names no source gives ""."""
    note = (note or "").strip()
    if not note.startswith(SOURCE_PREFIX):
        return ""
    return note.removeprefix(SOURCE_PREFIX).split(" (", 1)[0].strip().rstrip(";,.")


def stated_sources(keys: Iterable[Key]) -> dict[Key, str]:
    """The source of each stated figure (unit id, element id, period id) that its note names, in one query."""
    keys = set(keys)
    if not keys:
        return {}
    rows = DataValue.objects.filter(
        unit_id__in={k[0] for k in keys},
        data_element_id__in={k[1] for k in keys},
        period_id__in={k[2] for k in keys},
    ).values_list("unit_id", "data_element_id", "period_id", "comment")
    found = {(u, e, p): source_short_name(note) for u, e, p, note in rows if (u, e, p) in keys}
    return {k: v for k, v in found.items() if v}
