"""Writes: data values (typed, imported or sent through the API) and the catalog.

Every bulk write is all-or-nothing: all rows are checked first (element, unit, scope, period,
value type, validation rules against the resulting figures) and nothing is saved if one fails.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from xaso.accounts.permissions import can_read_unit, can_write_unit
from xaso.core.formatting import format_number, format_value
from xaso.core.limits import FIGURE_MAX, FIGURE_MIN
from xaso.core.models import Period, periods_ensure
from xaso.core.periods import PeriodError, PeriodSpec, parse_period
from xaso.geo.models import AdminUnit, Level

from .bulk import WriteResult, values_save
from .errors import BulkValueError, RowError
from .models import ChangeSource, DataElement, DataValue, ValidationRule
from .parsing import ValueParseError, parse_value
from .rollup import rollup_refresh
from .signals import values_changed
from .validation import rule_elements, stored_states, violations_for_states

WRITABLE_LEVELS = {Level.COMMUNE, Level.VILLAGE}


@dataclass
class ValueInput:
    """One figure as it arrives: codes and the raw value, plus where it came from for error messages."""

    element: str
    unit: str
    period: str
    value: object
    comment: str = ""
    row: int | None = None
    columns: dict[str, str] = field(
        default_factory=lambda: {"element": "chi_tieu", "unit": "don_vi", "period": "ky", "value": "gia_tri"}
    )


@dataclass(slots=True)
class _Checked:
    row: ValueInput
    element: DataElement
    unit: AdminUnit
    spec: PeriodSpec
    value: float | None  # None = delete


def _check_rows(
    rows: Sequence[ValueInput], user, *, allow_delete: bool, may_write=can_write_unit
) -> tuple[list[_Checked], list[RowError], list[tuple[int, int, str]]]:
    """Check every row; a file repeats a few elements, units and periods thousands of times, so each distinct
    one (and each element × period pair) is judged once and the verdict reused.

    Returns the good rows, the errors, and the places (element, unit, period code) of rows whose key is good
    but whose value could not be read: the rules must not judge the stored figure there as if it stayed.
    """
    errors: list[RowError] = []
    unreadable: list[tuple[int, int, str]] = []
    elements = {e.code: e for e in DataElement.objects.filter(code__in={r.element.strip() for r in rows})}
    units = {u.code: u for u in AdminUnit.objects.filter(code__in={str(r.unit).strip() for r in rows})}
    today = timezone.localdate()
    checked: list[_Checked] = []
    seen: dict[tuple[int, int, str], int | None] = {}
    unit_verdicts: dict[object, tuple[AdminUnit | None, tuple[str, str] | None]] = {}
    specs: dict[str, PeriodSpec | PeriodError] = {}
    pair_verdicts: dict[tuple[int, str], tuple[str, str] | None] = {}  # (element, period) → (message, code)
    for row in rows:
        col = row.columns
        element = elements.get(row.element.strip())
        if element is None:
            errors.append(
                RowError(
                    row.row,
                    col["element"],
                    _("Không có chỉ tiêu dữ liệu mã “%(c)s”.") % {"c": row.element},
                    "unknown_element",
                )
            )
        verdict = unit_verdicts.get(row.unit)
        if verdict is None:
            found = units.get(str(row.unit).strip())
            refusal = _unit_refusal(found, user, may_write) if found is not None else None
            verdict = unit_verdicts[row.unit] = (found, refusal)
        unit, refusal = verdict
        if unit is None:
            errors.append(
                RowError(
                    row.row, col["unit"], _("Không có đơn vị hành chính mã “%(c)s”.") % {"c": row.unit}, "unknown_unit"
                )
            )
        elif refusal is not None:
            errors.append(RowError(row.row, col["unit"], *refusal))
            unit = None
        period_text = str(row.period)
        spec = specs.get(period_text)
        if spec is None:
            try:
                spec = specs[period_text] = parse_period(period_text)
            except PeriodError as exc:
                spec = specs[period_text] = exc
        if isinstance(spec, PeriodError):
            errors.append(RowError(row.row, col["period"], str(spec), "bad_period"))
            spec = None
        elif element is not None:
            pair = (element.id, period_text)
            if pair not in pair_verdicts:
                pair_verdicts[pair] = _period_refusal(element, spec, today)
            if pair_verdicts[pair] is not None:
                errors.append(RowError(row.row, col["period"], *pair_verdicts[pair]))
                spec = None
        value: float | None = None
        raw = row.value
        blank = raw is None or (isinstance(raw, str) and not raw.strip())
        if element is not None and not (blank and allow_delete):
            try:
                value = _figure(raw, element.value_type)
            except ValueParseError as exc:
                errors.append(RowError(row.row, col["value"], str(exc), "bad_value"))
                if unit is not None and spec is not None:
                    unreadable.append((element.id, unit.id, spec.code))
                element = None
        if element and unit and spec:
            key = (element.id, unit.id, spec.code)
            if key in seen:
                errors.append(
                    RowError(
                        row.row,
                        col["element"],
                        _("Trùng với dòng %(r)s (cùng chỉ tiêu, đơn vị, kỳ).") % {"r": seen[key]},
                        "duplicate",
                    )
                )
                continue
            seen[key] = row.row
            checked.append(_Checked(row, element, unit, spec, value))
    return checked, errors, unreadable


def _figure(raw: object, value_type: str) -> float:
    """`parse_value`, then the figure's range (`xaso.core.limits`): at most 10^12, so no screen, sum or document
    meets a number it cannot show. Every figure passes here, typed, imported or sent to the API."""
    try:
        value = parse_value(raw, value_type)
    except OverflowError:  # an integer too large for a float: JSON 10**400
        raise ValueParseError(_too_large_message()) from None
    if not FIGURE_MIN <= value <= FIGURE_MAX:  # NaN fails both comparisons
        raise ValueParseError(
            _too_large_message(value) if value > FIGURE_MIN or math.isnan(value) else _("Số liệu không được âm.")
        )
    return value


def _too_large_message(value: float | None = None) -> str:
    shown = {"max": format_number(FIGURE_MAX)}
    if value is None or not math.isfinite(value):
        return _("Số quá lớn hoặc không phải là số: số liệu tối đa là %(max)s.") % shown
    return _("Số liệu %(v)s quá lớn: tối đa là %(max)s; kiểm tra lại đơn vị tính và các chữ số.") % {
        "v": format_value(value, 2),
        **shown,
    }


def _period_refusal(element: DataElement, spec: PeriodSpec, today) -> tuple[str, str] | None:
    """(message, code) when `element` cannot take a value for the period `spec`, else None."""
    if spec.type != element.period_type:
        return (
            _("Chỉ tiêu “%(e)s” thu thập theo %(t)s; kỳ “%(p)s” không phù hợp.")
            % {"e": element.name, "t": element.get_period_type_display().lower(), "p": spec.code},
            "period_type",
        )
    if spec.start > today:
        return _("Kỳ %(p)s chưa bắt đầu: không nhập số liệu cho kỳ tương lai.") % {"p": spec.code}, "future_period"
    return None


def _unit_refusal(unit: AdminUnit, user, may_write=can_write_unit) -> tuple[str, str] | None:
    """(message, code) when values cannot be written for `unit` by `user` (`may_write`: who writes what), else
    None."""
    if unit.level not in WRITABLE_LEVELS:
        return (
            _("Số liệu chỉ nhập cho xã hoặc thôn/ấp; “%(u)s” là cấp %(l)s.")
            % {"u": unit.name, "l": unit.get_level_display()},
            "unit_level",
        )
    if not may_write(user, unit):
        if unit.is_legacy and can_read_unit(user, unit):  # an old commune the user's commune absorbed (0007)
            return (
                _("%(u)s là đơn vị cũ đã sáp nhập: số liệu của đơn vị này chỉ để xem, không nhập hay sửa.")
                % {"u": unit.name},
                "absorbed_read_only",
            )
        return _("Bạn không có quyền nhập số liệu cho %(u)s.") % {"u": unit.name}, "out_of_scope"
    return None


def values_write(
    *,
    user,
    rows: Sequence[ValueInput],
    source: str = ChangeSource.FORM,
    allow_delete: bool = False,
    may_write=can_write_unit,
) -> WriteResult:
    """Validate every row, then save all of them or none (raises BulkValueError with every problem). `may_write`
    (user, unit) says who writes what: the commune's writers (`can_write_unit`), or a door's own rule (the exchange
    import: `can_exchange_write`).

    One pass: the rules are checked on the good rows even when other rows are bad, so a file with a bad cell
    and a broken rule reports both at once instead of the rule only after the cell is fixed.
    """
    checked, periods = _validated(rows, user, allow_delete=allow_delete, may_write=may_write)
    if not checked:
        return WriteResult()
    # Judged valid (the checks only read, and refuse before anything is written): now the writes, all or none. Inside
    # a caller's transaction (a census submission, an import) they are part of it — no savepoint of their own, two
    # round trips fewer per write; on their own, their own transaction.
    with transaction.atomic(savepoint=False):
        if any(period.pk < 0 for period in periods.values()):  # now the new periods are created
            periods = periods_ensure(list({c.spec.code: c.spec for c in checked}.values()))
        return _save(user=user, checked=checked, periods=periods, source=source)


def values_check(
    *, user, rows: Sequence[ValueInput], allow_delete: bool = False, may_write=can_write_unit
) -> WriteResult:
    """What `values_write` would do with these rows, judged the same way, without writing anything.

    Raises the BulkValueError `values_write` would raise; otherwise counts what it would create, change, delete
    and leave as it is. Only reads: no period is created (a period not stored yet holds no figure), no
    savepoint, no temporary table, no history, no rollup.
    """
    checked, periods = _validated(rows, user, allow_delete=allow_delete, may_write=may_write)
    if not checked:
        return WriteResult()
    return _planned(checked, periods)


def _validated(
    rows: Sequence[ValueInput], user, *, allow_delete: bool, may_write=can_write_unit
) -> tuple[list[_Checked], dict[str, Period]]:
    """The checked rows and their periods by code (`_periods_known`); BulkValueError with every problem of the
    rows and the rules. Reads only: a refused write has changed nothing, not even the period table."""
    checked, errors, unreadable = _check_rows(rows, user, allow_delete=allow_delete, may_write=may_write)
    if not checked:
        if errors:
            raise BulkValueError(errors)
        return [], {}
    periods = _periods_known(list({c.spec.code: c.spec for c in checked}.values()))
    errors += _rule_errors(checked, periods, unreadable)
    if errors:
        raise BulkValueError(sorted(errors, key=lambda e: (e.row or 0, e.column)))
    return checked, periods


def _periods_known(specs: list[PeriodSpec]) -> dict[str, Period]:
    """The stored periods of these codes, and for a code not stored yet an unsaved stand-in with an id no
    stored row has (negative): it holds no figure, which is what the rules and the counts must see."""
    known = {p.code: p for p in Period.objects.filter(code__in=[s.code for s in specs])}
    for number, spec in enumerate(s for s in specs if s.code not in known):
        known[spec.code] = Period(id=-1 - number, code=spec.code, type=spec.type, start=spec.start, end=spec.end)
    return known


#: (unit, period) places read per query when counting what a check-only import would do
_PLAN_CHUNK = 500


def _planned(checked: list[_Checked], periods: dict[str, Period]) -> WriteResult:
    """Created / updated / deleted / unchanged as `bulk.values_save` would count them (same comparison:
    another value, or a new non-empty comment, is a change), from one read of the stored figures."""
    incoming = {
        (c.element.id, c.unit.id, periods[c.spec.code].id): (c.value, (c.row.comment or "").strip()[:500])
        for c in checked
        if periods[c.spec.code].id > 0
    }
    stored: dict[tuple[int, int, int], tuple[float, str]] = {}
    places = sorted({(unit, period) for _e, unit, period in incoming})
    elements = sorted({element for element, _u, _p in incoming})
    years = {p.start.year for p in periods.values()}  # the partition key: only these years' partitions are read
    for at in range(0, len(places), _PLAN_CHUNK):
        chunk = places[at : at + _PLAN_CHUNK]
        found = DataValue.objects.filter(
            unit_id__in={u for u, _p in chunk},
            period_id__in={p for _u, p in chunk},
            data_element_id__in=elements,
            year__in=years,
        ).values_list("data_element_id", "unit_id", "period_id", "value", "comment")
        for element, unit, period, value, comment in found:
            if (element, unit, period) in incoming:
                stored[(element, unit, period)] = (value, comment)
    result = WriteResult()
    for c in checked:
        key = (c.element.id, c.unit.id, periods[c.spec.code].id)
        old = stored.get(key)
        if c.value is None:
            result.deleted += old is not None
        elif old is None:
            result.created += 1
        else:
            comment = incoming[key][1]
            changed = old[0] != c.value or (comment != "" and comment != old[1])
            result.updated += changed
            result.unchanged += not changed
    return result


def _rule_errors(
    checked: list[_Checked], periods: dict[str, Period], unreadable: list[tuple[int, int, str]]
) -> list[RowError]:
    """The validation rules on the figures as they would be after this write, one error per broken rule
    at the first row involved. A figure whose new value could not be read counts as unknown, not as stored."""
    pairs = {(c.unit.id, periods[c.spec.code].id) for c in checked}
    rules = list(ValidationRule.objects.filter(is_active=True))
    if not rules:
        return []
    # only the stored figures the rules read: an import's commune-year holds far more (issue 12)
    states = stored_states(pairs, codes=rule_elements(rules))
    for c in checked:
        states[(c.unit.id, periods[c.spec.code].id)][c.element.code] = c.value
    codes = dict(DataElement.objects.filter(id__in={e for e, _u, _p in unreadable}).values_list("id", "code"))
    for element_id, unit_id, period_code in unreadable:
        if period_code in periods and (unit_id, periods[period_code].id) in pairs:
            states[(unit_id, periods[period_code].id)][codes[element_id]] = None
    by_place = {(c.unit.id, periods[c.spec.code].id, c.element.code): c for c in checked}
    errors = []
    for violation in violations_for_states(states, rules):
        involved = [by_place.get((violation.unit_id, violation.period_id, code)) for code in sorted(violation.elements)]
        involved = [c for c in involved if c is not None]
        if not involved:
            continue  # the stored figures already broke the rule; this write does not touch them
        first = involved[0]
        errors.append(
            RowError(
                first.row.row,
                first.row.columns["value"],
                _("%(msg)s (%(left)s so với %(right)s, %(unit)s, kỳ %(p)s)")
                % {
                    "msg": violation.rule.message,
                    "left": format_value(violation.left),
                    "right": format_value(violation.right),
                    "unit": first.unit.name,
                    "p": first.spec.code,
                },
                "rule_" + violation.rule.code,
            )  # fmt: skip
        )
    return errors


def _save(*, user, checked: list[_Checked], periods: dict[str, Period], source: str) -> WriteResult:
    """Save the checked rows set-based (`bulk.values_save`), then refresh the rollups they touch."""
    user_id = user.id if user is not None and user.is_authenticated else None
    rows = [
        (n, c.element.id, c.unit.id, periods[c.spec.code].id, c.value, (c.row.comment or "").strip()[:500])
        for n, c in enumerate(checked)
    ]
    now = timezone.now()
    years = {p.id: p.start.year for p in periods.values()}  # the figure table's partition key
    counts = values_save(rows=rows, user_id=user_id, source=source, now=now, years=years)
    if counts.created or counts.updated or counts.deleted:
        values_changed.send(
            sender=DataValue,
            element_ids={c.element.id for c in checked},
            unit_ids={c.unit.id for c in checked},
            period_ids={periods[c.spec.code].id for c in checked},
            stamp=now,
            source=source,
        )
        rollup_refresh(
            element_ids={c.element.id for c in checked},
            commune_ids={c.unit.commune_id for c in checked},
            year_ids={periods[c.spec.code].year_id for c in checked},
        )
    return counts
