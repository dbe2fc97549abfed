"""Pre-aggregated figures per commune, data element and period, kept fresh on every write.

Why: a province table over 166 communes × 24 villages × 36 months × 80 elements (11 million
values) cannot be summed on each read in under 300 ms. Each write refreshes only the rows of
the communes, elements and years it touched, inside the writer's transaction, so the very next
read sees it. See docs/decisions/0002-rollups.md.

The statements are plain SQL that SQLite (≥ 3.25, window functions) and PostgreSQL both run.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db import connection

from xaso.core.models import Period
from xaso.geo.models import AdminUnit

from .models import Aggregation, DataElement, DataValue, ElementRollup

_SQL_AGG = {Aggregation.SUM: "SUM", Aggregation.MAX: "MAX", Aggregation.MIN: "MIN"}


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
    with connection.cursor() as cursor:
        params: list = []
        where = "1=1" + _in("data_element_id", elements, params) + _in("unit_id", communes, params)
        if years is not None:
            where += (
                f" AND period_id IN (SELECT id FROM {t['period']} WHERE year_id IN ({', '.join(['%s'] * len(years))}))"
            )
            params.extend(years)
        cursor.execute(f"DELETE FROM {t['roll']} WHERE {where}", params)
        # sum, max and min at the three levels in one pass over the raw values
        params = []
        targets = _targets(t["period"], years, params)
        params.extend(_SQL_AGG)
        filters = _in("v.data_element_id", elements, params) + _in("u.commune_id", communes, params)
        combine = " ".join(f"WHEN '{aggregation}' THEN {sql}(v.value)" for aggregation, sql in _SQL_AGG.items())
        cursor.execute(
            f"""
            INSERT INTO {t["roll"]} (data_element_id, unit_id, period_id, value, value_count)
            SELECT v.data_element_id, u.commune_id, t.target_id, CASE de.aggregation {combine} END, COUNT(*)
            FROM {t["dv"]} v
            JOIN {t["de"]} de ON de.id = v.data_element_id
            JOIN {t["unit"]} u ON u.id = v.unit_id
            JOIN ({targets}) t ON t.period_id = v.period_id
            WHERE de.aggregation IN (%s, %s, %s) AND u.commune_id IS NOT NULL {filters}
            GROUP BY v.data_element_id, u.commune_id, t.target_id, de.aggregation
            """,
            params,
        )
        # `last`: each unit's latest value inside the period, then summed over the commune's units
        params = []
        targets = _targets(t["period"], years, params)
        params.append(Aggregation.LAST)
        filters = _in("v.data_element_id", elements, params) + _in("u.commune_id", communes, params)
        cursor.execute(
            f"""
            INSERT INTO {t["roll"]} (data_element_id, unit_id, period_id, value, value_count)
            SELECT data_element_id, commune_id, target_id, SUM(value), COUNT(*)
            FROM (
                SELECT v.data_element_id, u.commune_id, t.target_id, v.value,
                       ROW_NUMBER() OVER (
                           PARTITION BY v.data_element_id, v.unit_id, t.target_id ORDER BY t.start DESC
                       ) AS rn
                FROM {t["dv"]} v
                JOIN {t["de"]} de ON de.id = v.data_element_id
                JOIN {t["unit"]} u ON u.id = v.unit_id
                JOIN ({targets}) t ON t.period_id = v.period_id
                WHERE de.aggregation = %s AND u.commune_id IS NOT NULL {filters}
            ) latest
            WHERE rn = 1
            GROUP BY data_element_id, commune_id, target_id
            """,
            params,
        )


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
