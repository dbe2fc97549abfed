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

# (rollup period column, filter selecting the raw periods that roll into it)
_LEVELS = (
    ("p.id", "p.type = 'month'"),
    ("p.quarter_id", "p.quarter_id IS NOT NULL"),
    ("p.year_id", "p.year_id IS NOT NULL"),
)
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
        for column, level_filter in _LEVELS:
            for aggregation, sql_agg in _SQL_AGG.items():
                params = [aggregation]
                filters = _in("v.data_element_id", elements, params) + _in("u.commune_id", communes, params)
                filters += _in("p.year_id", years, params)
                cursor.execute(
                    f"""
                    INSERT INTO {t["roll"]} (data_element_id, unit_id, period_id, value, value_count)
                    SELECT v.data_element_id, u.commune_id, {column}, {sql_agg}(v.value), COUNT(*)
                    FROM {t["dv"]} v
                    JOIN {t["de"]} de ON de.id = v.data_element_id
                    JOIN {t["unit"]} u ON u.id = v.unit_id
                    JOIN {t["period"]} p ON p.id = v.period_id
                    WHERE de.aggregation = %s AND u.commune_id IS NOT NULL AND {level_filter} {filters}
                    GROUP BY v.data_element_id, u.commune_id, {column}
                    """,
                    params,
                )
            # `last`: each unit's latest value inside the period, then summed over the commune's units
            params = [Aggregation.LAST]
            filters = _in("v.data_element_id", elements, params) + _in("u.commune_id", communes, params)
            filters += _in("p.year_id", years, params)
            cursor.execute(
                f"""
                INSERT INTO {t["roll"]} (data_element_id, unit_id, period_id, value, value_count)
                SELECT data_element_id, commune_id, anc_id, SUM(value), COUNT(*)
                FROM (
                    SELECT v.data_element_id, u.commune_id, {column} AS anc_id, v.value,
                           ROW_NUMBER() OVER (
                               PARTITION BY v.data_element_id, v.unit_id, {column} ORDER BY p.start DESC
                           ) AS rn
                    FROM {t["dv"]} v
                    JOIN {t["de"]} de ON de.id = v.data_element_id
                    JOIN {t["unit"]} u ON u.id = v.unit_id
                    JOIN {t["period"]} p ON p.id = v.period_id
                    WHERE de.aggregation = %s AND u.commune_id IS NOT NULL AND {level_filter} {filters}
                ) latest
                WHERE rn = 1
                GROUP BY data_element_id, commune_id, anc_id
                """,
                params,
            )


def rollup_rebuild() -> None:
    """Recompute every rollup from the raw values (after a bulk load)."""
    rollup_refresh()
