"""Pre-aggregated figures per commune, data element and period, kept fresh on every write.

Why: a province table over 166 communes × 24 villages × 36 months × 80 elements (11 million
values) cannot be summed on each read in under 300 ms. Each write refreshes only the rows of
the communes, elements and years it touched, inside the writer's transaction, so the very next
read sees it. See docs/decisions/0002-rollups.md.

The statements are plain SQL that SQLite (≥ 3.35: window functions, `AS MATERIALIZED`; Django 6
needs 3.37) and PostgreSQL (≥ 12) both run.
"""

from __future__ import annotations

import time
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from django.db import IntegrityError, OperationalError, connection, transaction

from xaso.core.models import Period
from xaso.core.periods import YEAR
from xaso.core.versions import EVERYTHING, versions_touch
from xaso.geo.models import AdminUnit

from .models import Aggregation, DataElement, DataValue, ElementRollup

#: up to this many communes, their units are listed by id (about 25 each) for the index; beyond, joined
_UNIT_LIST_COMMUNES = 200

_COMBINE = ((Aggregation.SUM, "SUM", "total"), (Aggregation.MAX, "MAX", "maximum"), (Aggregation.MIN, "MIN", "minimum"))


def _tables() -> dict[str, str]:
    return {
        "dv": DataValue._meta.db_table,
        "unit": AdminUnit._meta.db_table,
        "period": Period._meta.db_table,
        "de": DataElement._meta.db_table,
        "roll": ElementRollup._meta.db_table,
    }


def _in(column: str, ids: list[int] | None, params: list) -> str:
    if ids is None:
        return ""
    params.extend(ids)
    return f" AND {column} IN ({', '.join(['%s'] * len(ids))})"


def rollup_refresh(
    *,
    element_ids: Iterable[int] | None = None,
    commune_ids: Iterable[int] | None = None,
    year_ids: Iterable[int] | None = None,
) -> None:
    """Recompute rollups for the given elements × communes × years (None = all of them)."""
    elements = sorted(set(element_ids)) if element_ids is not None else None
    communes = sorted(set(commune_ids)) if commune_ids is not None else None
    years = sorted(set(year_ids)) if year_ids is not None else None
    if (
        (elements is not None and not elements)
        or (communes is not None and not communes)
        or (years is not None and not years)
    ):
        return
    # the pages of these communes change with their figures: their cached fragments are keyed on this version
    versions_touch(communes if communes is not None else [EVERYTHING])
    t = _tables()
    # the units and raw periods as id lists, so the raw values are read through the (unit, period, element)
    # index whatever the planner estimates of a join (two small queries)
    units = None
    if communes is not None and len(communes) <= _UNIT_LIST_COMMUNES:
        units = list(AdminUnit.objects.filter(commune_id__in=communes).values_list("id", flat=True))
    periods = calendar_years = None
    if years is not None:
        found = list(Period.objects.filter(year_id__in=years).values_list("id", "start"))
        periods = [pk for pk, _start in found]
        # the figure table's partition key: only these years' partitions are read (0025-partitioned-values)
        calendar_years = sorted({start.year for _pk, start in found})
    with connection.cursor() as cursor:
        _lock(cursor, communes)
        params: list = []
        where = "1=1" + _in("data_element_id", elements, params) + _in("unit_id", communes, params)
        where += _in("period_id", periods, params)
        cursor.execute(f"DELETE FROM {t['roll']} WHERE {where}", params)
        if units is not None and not units:
            return  # nothing below these communes
        # the raw values concerned, read once, then counted in the month, quarter and year of each: sum, max
        # and min per raw period first, then per rollup period; `last`: each unit's latest value inside the
        # period, then summed over the commune's units
        params = []
        raw = _raw_values(t, elements, communes, units, periods, params, calendar_years)
        targets = _targets(t["period"], years, params)
        combine = " ".join(f"WHEN '{aggregation}' THEN {sql}(r.{column})" for aggregation, sql, column in _COMBINE)
        cursor.execute(
            f"""
            WITH raw AS MATERIALIZED ({raw}), targets AS MATERIALIZED ({targets})
            INSERT INTO {t["roll"]} (data_element_id, unit_id, period_id, value, value_count)
            SELECT r.data_element_id, r.commune_id, t.target_id, CASE r.aggregation {combine} END, SUM(r.n)
            FROM (
                SELECT data_element_id, commune_id, period_id, aggregation,
                       SUM(value) AS total, MAX(value) AS maximum, MIN(value) AS minimum, COUNT(*) AS n
                FROM raw
                WHERE aggregation <> '{Aggregation.LAST}'
                GROUP BY data_element_id, commune_id, period_id, aggregation
            ) r
            JOIN targets t ON t.period_id = r.period_id
            GROUP BY r.data_element_id, r.commune_id, t.target_id, r.aggregation
            UNION ALL
            SELECT data_element_id, commune_id, target_id, SUM(value), COUNT(*)
            FROM (
                SELECT r.data_element_id, r.commune_id, t.target_id, r.value,
                       ROW_NUMBER() OVER (
                           PARTITION BY r.data_element_id, r.unit_id, t.target_id ORDER BY t.start DESC
                       ) AS rn
                FROM raw r
                JOIN targets t ON t.period_id = r.period_id AND t.target_id <> t.period_id
                WHERE r.aggregation = '{Aggregation.LAST}'
                UNION ALL
                SELECT data_element_id, commune_id, period_id, value, 1  -- a period in itself: one value per unit
                FROM raw
                WHERE aggregation = '{Aggregation.LAST}'
            ) latest
            WHERE rn = 1
            GROUP BY data_element_id, commune_id, target_id
            """,
            params,
        )


#: the advisory lock namespace of rollup writers (PostgreSQL), "xa"
_LOCK_SPACE = 0x7861


def _lock(cursor, communes: list[int] | None) -> None:
    """On PostgreSQL, serialise the writers of the same communes' rollups until their transactions end: a write's
    refresh and a `rebuild_rollups` batch (or two writes) of one commune would otherwise each delete the rows
    they see and insert their own, and the second insert would meet the first's rows. A refresh of everything
    takes the namespace exclusively. SQLite serialises every writer already."""
    if connection.vendor != "postgresql":
        return
    if communes is None:
        cursor.execute("SELECT pg_advisory_xact_lock(%s, 0)", [_LOCK_SPACE])
        return
    cursor.execute("SELECT pg_advisory_xact_lock_shared(%s, 0)", [_LOCK_SPACE])
    cursor.execute(
        "SELECT pg_advisory_xact_lock(%s, c) FROM (SELECT DISTINCT unnest(%s::int[]) AS c ORDER BY 1) AS ordered",
        [_LOCK_SPACE + 1, communes],
    )


def _raw_values(t: dict[str, str], elements, communes, units, periods, params: list, years=None) -> str:
    """The raw values of the elements × communes × periods (None = all), with their commune and aggregation;
    `units`, when given, are the communes' units (the same filter, in the index's terms); `years`, the calendar
    years of `periods` (the same filter, in the partition key's terms).

    Each value's aggregation comes from one hashed lookup of the element table per aggregation (`IN (SELECT …)` in
    the select list: PostgreSQL hashes the catalog once), not from a join: right after an import into a fresh year's
    partition the planner believes the values are one row and joined the elements by a nested loop, one scan of the
    element table per value (about 100 of a commune-year refresh's 160 ms on PostgreSQL). An element whose
    aggregation is none of these gets none, and no rollup."""
    kinds = []
    for aggregation in (Aggregation.SUM, Aggregation.LAST, Aggregation.MAX, Aggregation.MIN):  # the usual first
        kinds.append(f"WHEN v.data_element_id IN (SELECT id FROM {t['de']} WHERE aggregation = %s) THEN %s")
        params.extend([aggregation.value, aggregation.value])
    filters = _in("v.unit_id", units, params) + _in("v.period_id", periods, params) + _in("v.year", years, params)
    filters += _in("v.data_element_id", elements, params) + _in("u.commune_id", communes, params)
    return f"""
        SELECT v.data_element_id, v.unit_id, u.commune_id, v.period_id, v.value,
               CASE {" ".join(kinds)} END AS aggregation
        FROM {t["dv"]} v
        JOIN {t["unit"]} u ON u.id = v.unit_id
        WHERE u.commune_id IS NOT NULL {filters}
    """


def _targets(period_table: str, years: list[int] | None, params: list) -> str:
    """Raw period → the rollup periods it counts in: a month in itself, its quarter and its year; a quarter in
    itself and its year; a year in itself (only raw periods of `years`)."""
    parts = []
    for target, level_filter in (("id", "type = 'month'"), ("quarter_id", "quarter_id IS NOT NULL"),
                                 ("year_id", "year_id IS NOT NULL")):  # fmt: skip
        parts.append(
            f"SELECT id AS period_id, {target} AS target_id, start FROM {period_table} WHERE {level_filter}"
            + _in("year_id", years, params)
        )
    return " UNION ALL ".join(parts)


def rollup_rebuild() -> None:
    """Recompute every rollup from the raw values in one statement (after a bulk load, nothing else running).
    On a database in use, `rollup_rebuild_batches` does the same in short transactions."""
    rollup_refresh()


@dataclass
class RebuildBatch:
    """One batch of a rebuild: a province (None: communes without one), a year, some of its communes."""

    province: str
    year: str
    communes: int
    seconds: float
    attempts: int


#: communes per batch: a province-year is cut into transactions of at most this many communes
BATCH_COMMUNES = 10
_ATTEMPTS = 3


def _batches(province_code: str | None, year: int | None, size: int):
    # the units rollups are kept for: every unit some unit names as its commune (`r.commune_id` above)
    communes = AdminUnit.objects.filter(id__in=AdminUnit.objects.filter(commune__isnull=False).values("commune_id"))
    if province_code is not None:
        communes = communes.filter(province__code=province_code)
    by_province: dict[str | None, list[int]] = defaultdict(list)
    for commune_id, code in communes.order_by("province__code", "id").values_list("id", "province__code"):
        by_province[code].append(commune_id)
    years = Period.objects.filter(type=YEAR)
    if year is not None:
        years = years.filter(code=str(year))
    year_list = list(years.order_by("start").values_list("id", "code"))
    for code, ids in by_province.items():
        for year_id, year_code in year_list:
            for at in range(0, len(ids), size):
                yield code or "-", year_code, year_id, ids[at : at + size]


def rollup_rebuild_batches(
    *, province: str | None = None, year: int | None = None, size: int = BATCH_COMMUNES, report=None
) -> list[RebuildBatch]:
    """Recompute the rollups per province × year (× at most `size` communes), each batch in its own short
    transaction, so the app keeps serving; idempotent. Unfiltered, the result is `rollup_rebuild`'s, row for row.

    A batch and a concurrent write of the same commune and year both delete and re-insert its rollups: the
    later one may meet the other's new rows (a unique conflict) or, on SQLite, a changed snapshot; the batch
    is then run again from the start, up to three times.
    """
    done: list[RebuildBatch] = []
    for province_code, year_code, year_id, commune_ids in _batches(province, year, size):
        started = time.perf_counter()
        for attempt in range(1, _ATTEMPTS + 1):
            try:
                with transaction.atomic():
                    rollup_refresh(commune_ids=commune_ids, year_ids=[year_id])
                break
            except (IntegrityError, OperationalError):
                if attempt == _ATTEMPTS:
                    raise
        batch = RebuildBatch(province_code, year_code, len(commune_ids), time.perf_counter() - started, attempt)
        done.append(batch)
        if report is not None:
            report(batch)
    if province is None and year is None:
        _orphans_delete()
    return done


def _orphans_delete() -> None:
    """Rollups no batch covers (a unit that is no longer a commune, a period outside every year), which the
    full rebuild's DELETE would have removed."""
    t = _tables()
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            f"""DELETE FROM {t["roll"]} WHERE
            unit_id NOT IN (SELECT commune_id FROM {t["unit"]} WHERE commune_id IS NOT NULL)
            OR period_id NOT IN (SELECT id FROM {t["period"]} WHERE year_id IN (SELECT id FROM {t["period"]}
                                                                               WHERE type = %s))""",
            [YEAR],
        )
