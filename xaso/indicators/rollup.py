"""Pre-aggregated figures per commune, data element and period, kept fresh on every write.

Why: a province table over 166 communes × 24 villages × 36 months × 80 elements (11 million
values) cannot be summed on each read in under 300 ms. Each write refreshes only the rows of
the communes, elements and years it touched, inside the writer's transaction, so the very next
read sees it. See docs/decisions/0002-rollups.md.

The statements are plain SQL that SQLite (≥ 3.35: window functions, `AS MATERIALIZED`; Django 6
needs 3.37) and PostgreSQL (≥ 12) both run.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db import connection

from xaso.core.models import Period
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
    t = _tables()
    # the units and raw periods as id lists, so the raw values are read through the (unit, period, element)
    # index whatever the planner estimates of a join (two small queries)
    units = None
    if communes is not None and len(communes) <= _UNIT_LIST_COMMUNES:
        units = list(AdminUnit.objects.filter(commune_id__in=communes).values_list("id", flat=True))
    periods = None
    if years is not None:
        periods = list(Period.objects.filter(year_id__in=years).values_list("id", flat=True))
    with connection.cursor() as cursor:
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
        raw = _raw_values(t, elements, communes, units, periods, params)
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


def _raw_values(t: dict[str, str], elements, communes, units, periods, params: list) -> str:
    """The raw values of the elements × communes × periods (None = all), with their commune and aggregation;
    `units`, when given, are the communes' units (the same filter, in the index's terms)."""
    params.extend(Aggregation.values)
    filters = _in("v.unit_id", units, params) + _in("v.period_id", periods, params)
    filters += _in("v.data_element_id", elements, params) + _in("u.commune_id", communes, params)
    return f"""
        SELECT v.data_element_id, v.unit_id, u.commune_id, v.period_id, v.value, de.aggregation
        FROM {t["dv"]} v
        JOIN {t["de"]} de ON de.id = v.data_element_id
        JOIN {t["unit"]} u ON u.id = v.unit_id
        WHERE de.aggregation IN ({", ".join(["%s"] * len(Aggregation.values))}) AND u.commune_id IS NOT NULL {filters}
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
    """Recompute every rollup from the raw values (after a bulk load)."""
    rollup_refresh()
