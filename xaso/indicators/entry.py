"""Reads for the data screens: the entry grid of one unit and period, one value's history, violations.

Each function takes the user and reads only inside the user's scope; each screen costs a fixed number
of queries whatever the number of data elements (the grid: elements, values, totals, indicators).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from xaso.accounts.permissions import can_write_unit
from xaso.core.formatting import format_number, format_percent, format_value
from xaso.core.models import Period
from xaso.core.periods import MONTH, QUARTER, YEAR, PeriodSpec, month, quarter, year
from xaso.geo.models import AdminUnit, Level

from . import selectors
from .models import Area, DataElement, DataValue, DataValueChange, ValueType
from .selectors import IndicatorValue
from .validation import Violation

WRITABLE_LEVELS = (Level.COMMUNE, Level.VILLAGE)
#: years offered in the period picker, counting back from this year
YEARS_BACK = 6
#: most other communes listed in the unit picker (a province has about 166; the country 3,321)
MAX_PICKER_UNITS = 1000


def value_edit_text(value: float | None, value_type: str) -> str:
    """What an input shows for editing, in a form `parse_value` reads back to the same number.

    Whole-number elements group thousands (`1.384`); others never do, since a lone dot there is a decimal
    point: `1384`, `70,58`.
    """
    if value is None:
        return ""
    if value_type == ValueType.INTEGER:
        return format_number(value, 0)
    if float(value).is_integer():
        return str(int(value))
    return repr(float(value)).replace(".", ",")


def _trimmed(value: float, decimals: int = 2) -> str:
    """`70,6`, `82,05`, `1.384`: Vietnamese style, up to `decimals` places, no trailing zeros."""
    text = format_number(value, decimals)
    return text.rstrip("0").rstrip(",") if "," in text else text


def value_display(value: float | None, element: DataElement) -> str:
    """A stored value as people read it: `1.384`, `70,6%`, `Có`."""
    if value is None:
        return "—"
    if element.value_type == ValueType.BOOLEAN:
        return _("Có") if value else _("Không")
    if element.value_type == ValueType.PERCENT:
        return _trimmed(value) + "%"
    return _trimmed(value)


@dataclass
class EntryRow:
    element: DataElement
    value: DataValue | None = None
    #: the commune's figure with its villages (rollup), shown when it differs from the commune's own value
    total: float | None = None
    error: str = ""
    status: str = ""  # "saved", "deleted", "unchanged" after a cell post
    posted_value: str | None = None
    posted_comment: str | None = None
    #: for a rate stated in a document: the indicator computed from the counts, to compare with
    stated_for: IndicatorLine | None = None

    @property
    def edit_text(self) -> str:
        if self.posted_value is not None:
            return self.posted_value
        return value_edit_text(self.value.value if self.value else None, self.element.value_type)

    @property
    def comment_text(self) -> str:
        if self.posted_comment is not None:
            return self.posted_comment
        return self.value.comment if self.value else ""

    @property
    def display(self) -> str:
        return value_display(self.value.value if self.value else None, self.element)

    @property
    def total_display(self) -> str:
        return value_display(self.total, self.element)

    @property
    def has_village_values(self) -> bool:
        """The commune's total differs from its own figure: villages hold figures too (double counting)."""
        own = self.value.value if self.value else None
        return self.total is not None and (own is None or abs(self.total - own) > 1e-9)

    @property
    def is_boolean(self) -> bool:
        return self.element.value_type == ValueType.BOOLEAN


@dataclass
class IndicatorLine:
    value: IndicatorValue

    @property
    def indicator(self):
        return self.value.indicator

    def _fmt(self, number: float | None) -> str:
        ind = self.value.indicator
        return format_percent(number, ind.decimals) if ind.is_percent else format_value(number, ind.decimals)

    @property
    def display(self) -> str:
        return self._fmt(self.value.value)

    @property
    def stated_display(self) -> str:
        return self._fmt(self.value.stated) if self.value.stated is not None else ""

    @property
    def gap_display(self) -> str:
        if self.value.value is None or self.value.stated is None:
            return ""
        return format_number(abs(self.value.value - self.value.stated), 1)


@dataclass
class EntryGrid:
    unit: AdminUnit
    spec: PeriodSpec
    period: Period | None
    area: str
    can_write: bool
    is_future: bool
    groups: list[tuple[str, str, list[EntryRow]]] = field(default_factory=list)
    indicators: list[IndicatorLine] = field(default_factory=list)

    @property
    def is_writable_level(self) -> bool:
        return self.unit.level in WRITABLE_LEVELS

    @property
    def row_count(self) -> int:
        return sum(len(rows) for _a, _l, rows in self.groups)


def period_stored(spec: PeriodSpec) -> Period | None:
    """The stored period (None when nothing was ever entered for it); reading never creates one."""
    return Period.objects.filter(code=spec.code).first()


def _elements(spec: PeriodSpec, area: str = "") -> list[DataElement]:
    elements = DataElement.objects.filter(period_type=spec.type)
    if area:
        elements = elements.filter(area=area)
    return list(elements.order_by("area", "code"))


def entry_grid(*, user, unit: AdminUnit, spec: PeriodSpec, area: str = "") -> EntryGrid:
    """Every data element collected per `spec.type` (optionally of one area), with the unit's value."""
    selectors.check_readable(user, [unit])
    period = period_stored(spec)
    grid = EntryGrid(unit=unit, spec=spec, period=period, area=area, can_write=False,
                     is_future=spec.start > timezone.localdate())  # fmt: skip
    grid.can_write = unit.level in WRITABLE_LEVELS and can_write_unit(user, unit) and not grid.is_future
    elements = _elements(spec, area)
    values: dict[int, DataValue] = {}
    totals: dict[tuple[int, int, int], float] = {}
    if period is not None and elements:
        if unit.level in WRITABLE_LEVELS:
            values = {
                v.data_element_id: v
                for v in DataValue.objects.filter(
                    unit=unit, period=period, year=period.start.year, data_element__in=elements
                ).select_related("updated_by")
            }
        if unit.level != Level.VILLAGE:
            totals = selectors.element_totals(elements=elements, units=[unit], periods=[period])
    labels = dict(Area.choices)
    groups: dict[str, list[EntryRow]] = defaultdict(list)
    for element in elements:
        total = totals.get((unit.id, element.id, period.id)) if period is not None else None
        groups[element.area].append(EntryRow(element=element, value=values.get(element.id), total=total))
    order = {code: index for index, code in enumerate(Area.values)}
    grid.groups = [
        (code, labels.get(code, code), groups[code]) for code in sorted(groups, key=lambda c: order.get(c, len(order)))
    ]
    if period is not None and (values or totals):
        grid.indicators = indicator_lines(user=user, unit=unit, period=period, area=area)
        stated = {line.indicator.stated_rate_element_id: line for line in grid.indicators}
        for _code, _label, rows in grid.groups:
            for row in rows:
                row.stated_for = stated.get(row.element.id)
    return grid


def entry_row(*, user, unit: AdminUnit, spec: PeriodSpec, element: DataElement) -> EntryRow:
    """One row of the grid, as stored now (after a cell post)."""
    selectors.check_readable(user, [unit])
    period = period_stored(spec)
    row = EntryRow(element=element)
    if period is None:
        return row
    row.value = (
        DataValue.objects.filter(unit=unit, period=period, year=period.start.year, data_element=element)
        .select_related("updated_by")
        .first()
    )
    if unit.level == Level.COMMUNE:
        totals = selectors.element_totals(elements=[element], units=[unit], periods=[period])
        row.total = totals.get((unit.id, element.id, period.id))
    stating = list(selectors.indicators_active().filter(stated_rate_element=element)[:1])
    if stating:
        table = selectors.indicator_values(user=user, indicators=stating, units=[unit], periods=[period])
        row.stated_for = IndicatorLine(table[(unit.id, stating[0].id, period.id)])
    return row


def indicator_lines(*, user, unit: AdminUnit, period: Period, area: str = "") -> list[IndicatorLine]:
    """The indicators the unit's figures for the period give a value for, or a document states a rate for."""
    indicators = selectors.indicators_active()
    if area:
        indicators = indicators.filter(area=area)
    indicators = list(indicators)
    if not indicators:
        return []
    table = selectors.indicator_values(user=user, indicators=indicators, units=[unit], periods=[period])
    lines = []
    for ind in indicators:
        value = table[(unit.id, ind.id, period.id)]
        if value.has_data or value.stated is not None:
            lines.append(IndicatorLine(value))
    return lines


# pickers


def unit_choices(*, user, unit: AdminUnit | None) -> list[tuple[str, list[AdminUnit]]]:
    """Groups for the unit picker: the chosen commune with its villages, then the other communes in scope."""
    scope = AdminUnit.objects.for_user(user)
    groups: list[tuple[str, list[AdminUnit]]] = []
    commune_id = unit.commune_id if unit is not None else None
    if commune_id:
        near = list(scope.filter(Q(pk=commune_id) | Q(parent_id=commune_id, level=Level.VILLAGE)).order_by("path"))
        groups.append((near[0].name if near else _("Xã"), near))
    wide = user.is_superuser or (user.unit is not None and user.unit.level not in WRITABLE_LEVELS)
    if wide:
        communes = list(scope.filter(level=Level.COMMUNE).exclude(pk=commune_id).order_by("path")[:MAX_PICKER_UNITS])
        if communes:
            groups.append((_("Xã/phường khác"), communes))
    return groups


def period_choices(*, selected: PeriodSpec, today: date | None = None) -> list[tuple[str, list[PeriodSpec]]]:
    """Years up to this one, and the quarters and months of the selected year that have begun."""
    today = today or timezone.localdate()
    years = [year(y) for y in range(today.year, today.year - YEARS_BACK, -1)]
    if selected.year not in {s.year for s in years} and selected.start <= today:
        years.append(year(selected.year))
    quarters = [quarter(selected.year, q) for q in range(1, 5) if quarter(selected.year, q).start <= today]
    months = [month(selected.year, m) for m in range(1, 13) if month(selected.year, m).start <= today]
    labels = {YEAR: _("Năm"), QUARTER: _("Quý"), MONTH: _("Tháng")}
    return [(labels[YEAR], years), (labels[QUARTER], quarters), (labels[MONTH], months)]


def default_period(unit: AdminUnit | None) -> PeriodSpec:
    """The latest year the unit has figures for, else last year (a year's figures are counted after it ends)."""
    latest = selectors.latest_year_with_data(unit) if unit is not None else None
    return year(latest or timezone.localdate().year - 1)


# history and violations


@dataclass
class HistoryLine:
    change: DataValueChange
    old_display: str
    new_display: str


def history_lines(*, user, unit: AdminUnit, element: DataElement, spec: PeriodSpec) -> list[HistoryLine]:
    """Every change of one figure, newest first: old → new, who, when, how it came in."""
    period = period_stored(spec)
    if period is None:
        selectors.check_readable(user, [unit])
        return []
    changes = selectors.value_history(user=user, element=element, unit=unit, period=period)
    return [HistoryLine(c, value_display(c.old_value, element), value_display(c.new_value, element)) for c in changes]


@dataclass
class ViolationLine:
    violation: Violation
    unit: AdminUnit
    period: Period

    @property
    def left_display(self) -> str:
        return format_value(self.violation.left, 2)

    @property
    def right_display(self) -> str:
        return format_value(self.violation.right, 2)


def violation_lines(*, user, unit: AdminUnit, spec: PeriodSpec) -> list[ViolationLine]:
    """Rules broken by the stored figures of the unit and every unit below it, in the period and its parts."""
    found = selectors.violations_in(user=user, unit=unit, spec=spec)
    return [ViolationLine(f.violation, f.unit, f.period) for f in found]
