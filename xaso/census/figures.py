"""Census → figures: the counts of a village's households and people written as its figures of the year, source
`ChangeSource.CENSUS`, through `values_write` (history, rollups, data version, as register figures do).

Which figure wins in a cell that was typed too (docs/decisions/0035-census-figures.md):
- the census writes a cell that is empty or that the census wrote last;
- a cell typed (screen, file, API, exchange) stays as typed while the village's census of that year is in progress;
- once an officer marks the village's census complete, the census figure replaces the typed one (history keeps it).
`cell_rules` says, per element, which of the three applies, for the progress page and the entry grid.

Incremental: a household's change refreshes its own village only (one statement counting that village's rows,
one read of the cells' last sources, one `values_write` of the figures that changed — usually one or two).
`census_refresh` re-aggregates every village of a commune (or all) in one pass.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from django.contrib.auth.models import AnonymousUser
from django.db import connection
from django.db.models import Q
from django.utils import timezone

from xaso.core.models import Period
from xaso.core.periods import YEAR
from xaso.geo.models import AdminUnit, Level
from xaso.indicators.errors import BulkValueError
from xaso.indicators.models import ChangeSource, DataElement, DataValue, DataValueChange
from xaso.indicators.services import ValueInput, values_write

from . import questions as q
from .models import Household, VillageCensus

COMMENT = "Tính từ điều tra hộ gia đình (%(n)s hộ)"


class _CensusWriter(AnonymousUser):
    """The census, writing figures on behalf of whoever submitted: the submission was authorised on the household
    (an officer or the village's team member); the figure is the count, nobody's typing. Recorded without author."""

    @property
    def is_authenticated(self):
        return True

    is_superuser = True
    role = "admin"
    unit_id = None


CENSUS_WRITER = _CensusWriter()


#: a person question's condition on the birth year, as SQL with its parameters (the year reached in the census year)
_AGE_SQL = {
    "all": ("", lambda year: []),
    "adult": ("birth_year <= %s", lambda year: [year - q.ADULT_AGE]),
    "working_age": ("birth_year <= %s AND birth_year >= %s", lambda year: [year - q.WORKING_AGE[0],
                                                                           year - q.WORKING_AGE[1]]),
}  # fmt: skip


@lru_cache(maxsize=1)
def _count_plan() -> tuple[str, list[tuple[str, int]], list[str]]:
    """One statement — the households' GROUP BY joined to the people's — and, per output column, (element, bit):
    plain SQL both SQLite and PostgreSQL run, built once. A "yes" count is the sum of one bit of `yes_mask` (no
    JSON parsed), shifted back; `%s` marks, in order: the village ids, the age parameters of the people's columns,
    the village ids again."""
    house_cols = [("households_total", -1)]
    house_sql = ["COUNT(*)"]
    for question in q.all_questions("household"):
        if question.element and question.bit is not None:
            house_cols.append((question.element, question.bit))
            house_sql.append(f"SUM(yes_mask & {1 << question.bit})")
    person_cols: list[tuple[str, int]] = [("population_total", -1), ("adults_total", -1), ("working_age_total", -1)]
    person_sql = ["COUNT(*)", f"SUM(CASE WHEN {_AGE_SQL['adult'][0]} THEN 1 ELSE 0 END)",
                  f"SUM(CASE WHEN {_AGE_SQL['working_age'][0]} THEN 1 ELSE 0 END)"]  # fmt: skip
    person_ages = ["adult", "working_age"]
    bits = {question.key: question.bit for question in q.all_questions("person")}
    columns = [
        (qq.element, qq.bit, qq.applies) for qq in q.all_questions("person") if qq.element and qq.bit is not None
    ]
    columns += [(element, bits[key], applies) for element, (key, applies) in q.DERIVED_ELEMENTS.items()]
    for element, bit, applies in columns:
        person_cols.append((element, bit))
        if applies == "all":
            person_sql.append(f"SUM(yes_mask & {1 << bit})")
        else:
            person_sql.append(f"SUM(CASE WHEN {_AGE_SQL[applies][0]} THEN yes_mask & {1 << bit} ELSE 0 END)")
            person_ages.append(applies)
    # one round trip: the people's counts joined to the households' (a person belongs to a household of the same
    # village, so a village with people has households)
    house = ", ".join(f"{sql} AS h{i}" for i, sql in enumerate(house_sql))
    person = ", ".join(f"{sql} AS p{i}" for i, sql in enumerate(person_sql))
    outer = ", ".join([f"h.h{i}" for i in range(len(house_sql))] + [f"p.p{i}" for i in range(len(person_sql))])
    both = (
        f"SELECT h.village_id, {outer} FROM "
        f"(SELECT village_id, {house} FROM census_household WHERE village_id IN (<ids>) GROUP BY village_id) AS h "
        f"LEFT JOIN (SELECT village_id, {person} FROM census_person WHERE village_id IN (<ids>) GROUP BY village_id)"
        " AS p ON p.village_id = h.village_id"
    )
    return both, house_cols + person_cols, person_ages


def village_counts(village_ids: list[int], year: int) -> dict[int, dict[str, int]]:
    """{village id: {element: count}} for these villages in the census `year` (ages are reached in that year).

    One statement (the households' and the people's GROUP BY, joined) with one column per element (`_count_plan`).
    """
    counts: dict[int, dict[str, int]] = {vid: dict.fromkeys(q.counted_elements(), 0) for vid in village_ids}
    if not village_ids:
        return counts
    marks = ", ".join(["%s"] * len(village_ids))
    sql, columns, ages = _count_plan()
    params = [*village_ids, *(p for applies in ages for p in _AGE_SQL[applies][1](year)), *village_ids]
    with connection.cursor() as cursor:
        cursor.execute(sql.replace("<ids>", marks), params)
        for village_id, *values in cursor.fetchall():
            target = counts[village_id]
            for (element, bit), value in zip(columns, values, strict=True):
                value = int(value or 0)
                target[element] = value if bit < 0 else value >> bit
    return counts


@dataclass(frozen=True)
class CellRule:
    element: str
    census: int
    typed: float | None  # the stored figure when it is not the census's
    census_wins: bool
    reason: str  # empty | census | complete | typed
    stored: float | None = None  # the figure the cell holds now (None: empty)


def _stored_cells(village_ids: list[int], year: int, codes: list[str]) -> tuple[set[str], dict[tuple[int, str], tuple]]:
    """The counted elements the catalog has, and {(village id, element code): (value, source of the last change)}
    for the stored figures of the year: one statement (the elements, their figures joined, each figure's last
    change by the history's (unit, period, element) index)."""
    t = {
        "de": DataElement._meta.db_table,
        "dv": DataValue._meta.db_table,
        "ch": DataValueChange._meta.db_table,
        "period": Period._meta.db_table,
    }
    units = ", ".join(["%s"] * len(village_ids))
    sql = f"""
        SELECT de.code, dv.unit_id, dv.value,
               (SELECT ch.source FROM {t["ch"]} ch WHERE ch.unit_id = dv.unit_id AND ch.period_id = dv.period_id
                AND ch.data_element_id = dv.data_element_id ORDER BY ch.id DESC LIMIT 1)
        FROM {t["de"]} de
        LEFT JOIN {t["dv"]} dv ON dv.data_element_id = de.id AND dv.unit_id IN ({units}) AND dv.year = %s
            AND dv.period_id IN (SELECT id FROM {t["period"]} WHERE code = %s)
        WHERE de.code IN ({", ".join(["%s"] * len(codes))})"""
    known: set[str] = set()
    stored: dict[tuple[int, str], tuple] = {}
    with connection.cursor() as cursor:
        cursor.execute(sql, [*village_ids, year, str(year), *codes])
        for code, unit, value, source in cursor.fetchall():
            known.add(code)
            if unit is not None:
                stored[(unit, code)] = (value, source)
    return known, stored


def _statuses(village_ids: list[int], year: int) -> dict[int, tuple[bool, str]]:
    """{village id: (census complete, last figure refusal)} for the villages with a census status of the year."""
    rows = VillageCensus.objects.filter(village_id__in=village_ids, year=year).values_list(
        "village_id", "completed_at", "figures_error"
    )
    return {vid: (completed is not None, error) for vid, completed, error in rows}


def cell_rules(village_ids: list[int], year: int, counts=None, statuses=None) -> dict[int, list[CellRule]]:
    """Per village, per counted element: the census count, the typed figure and which one the cell holds."""
    counts = counts if counts is not None else village_counts(village_ids, year)
    statuses = statuses if statuses is not None else _statuses(village_ids, year)
    codes = q.counted_elements()
    known, stored = _stored_cells(village_ids, year, codes)
    complete = {vid for vid, (done, _error) in statuses.items() if done}
    rules: dict[int, list[CellRule]] = {}
    for vid in village_ids:
        rules[vid] = []
        for code in codes:
            if code not in known:
                continue
            value, source = stored.get((vid, code), (None, None))
            if value is None:
                rule = CellRule(code, counts[vid][code], None, True, "empty")
            elif source == ChangeSource.CENSUS:
                rule = CellRule(code, counts[vid][code], None, True, "census", value)
            elif vid in complete:
                rule = CellRule(code, counts[vid][code], value, True, "complete", value)
            else:
                rule = CellRule(code, counts[vid][code], value, False, "typed", value)
            rules[vid].append(rule)
    return rules


def cell_rule(*, unit: AdminUnit, element: str, spec) -> CellRule | None:
    """The census's rule for one cell (a village, a census element, a year), for the value history; None when the
    census does not count that cell (another level, element or period type, or no census in the village)."""
    if unit.level != Level.VILLAGE or element not in q.counted_elements() or spec.type != YEAR:
        return None
    if not Household.objects.filter(village=unit).exists():
        return None
    rules = cell_rules([unit.id], spec.start.year)[unit.id]
    return next((rule for rule in rules if rule.element == element), None)


def _write(villages: list[AdminUnit], year: int) -> int:
    """Write the census figures of these villages for `year` under the rule; how many figures were sent."""
    ids = [v.id for v in villages]
    counts = village_counts(ids, year)
    statuses = _statuses(ids, year)
    rules = cell_rules(ids, year, counts, statuses)
    code_of = {v.id: v.code for v in villages}
    # only the figures that change: an unchanged one would cost the write path's checks for nothing
    cells = [(vid, rule) for vid in ids for rule in rules[vid] if rule.census_wins and rule.census != rule.stored]
    rows = [
        ValueInput(
            element=rule.element,
            unit=code_of[vid],
            period=str(year),
            value=rule.census,
            comment=COMMENT % {"n": counts[vid]["households_total"]},
            row=number,
            columns={"element": rule.element, "unit": code_of[vid], "period": str(year), "value": rule.element},
        )
        for number, (vid, rule) in enumerate(cells, start=1)
    ]
    refused: list[str] = []
    for _attempt in range(_RETRIES):
        if not rows:
            break
        try:  # `values_write` is atomic itself, and refuses (BulkValueError) before it writes anything
            values_write(user=CENSUS_WRITER, rows=rows, source=ChangeSource.CENSUS)
            break
        except BulkValueError as exc:  # a validation rule refused some counts: the others are still written
            if len(villages) > 1:  # one village's refusal must not hold back the others
                return sum(_write([village], year) for village in villages)
            bad = {e.row for e in exc.errors}
            refused += [str(e.message) for e in exc.errors]
            kept = [row for row in rows if row.row not in bad]
            rows = kept if len(kept) < len(rows) else []
    error = "; ".join(dict.fromkeys(refused))[:500]
    if error:
        VillageCensus.objects.update_or_create(village=villages[0], year=year, defaults={"figures_error": error})
    elif any(error for _done, error in statuses.values()):  # a refusal shown before is cleared
        VillageCensus.objects.filter(village_id__in=ids, year=year).exclude(figures_error="").update(figures_error="")
    return len(rows)


#: how many times a refused census write is retried without the figures the rules refused
_RETRIES = 4


def census_village_refresh(*, village: AdminUnit, year: int | None = None) -> int:
    """Refresh one village's census figures of `year` (this year by default)."""
    return _write([village], year or timezone.localdate().year)


def census_refresh(*, commune: AdminUnit | None = None, year: int | None = None) -> int:
    """Re-aggregate every village that has census records (or a census status) — of `commune`, or everywhere."""
    year = year or timezone.localdate().year
    with_records = Household.objects.values("village_id").distinct()
    with_status = VillageCensus.objects.filter(year=year).values("village_id")
    villages = AdminUnit.objects.filter(Q(id__in=with_records) | Q(id__in=with_status), level=Level.VILLAGE)
    if commune is not None:
        villages = villages.filter(commune=commune)
    villages = list(villages)
    sent = 0
    for start in range(0, len(villages), 200):
        sent += _write(villages[start : start + 200], year)
    return sent


def commune_counts(commune: AdminUnit, year: int) -> dict[int, dict[str, int]]:
    """The counts of every village of `commune` that has records (for the progress page)."""
    ids = list(Household.objects.filter(commune=commune).values_list("village_id", flat=True).distinct())
    return village_counts(ids, year) if ids else {}
