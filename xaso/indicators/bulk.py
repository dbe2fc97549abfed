"""Saving checked data values set-based: a handful of statements whatever the number of rows.

The rows go into a temporary table in one round trip, then SQL compares them with the stored values,
records the history (old → new) and upserts. An import of a commune-year file (24 villages × 12 months
× 80 elements, 23,040 values) costs a few statements instead of tens of thousands of objects.

Only the load into the temporary table differs by database (`_incoming_fill`: PostgreSQL `COPY`,
SQLite `executemany`); the rest is SQL both run (`INSERT ... ON CONFLICT DO UPDATE`, `UPDATE ... FROM`:
SQLite ≥ 3.33, below the 3.37 Django 6 requires). Tests: `tests/test_services_bulk.py`, on both.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from django.db import connection

from .models import DataValue, DataValueChange

#: (order, element id, unit id, period id, value or None to delete, comment)
IncomingRow = tuple[int, int, int, int, float | None, str]

_INCOMING = "xaso_incoming"

# a row differs from the stored figure when it has none, another value, or a new non-empty comment
_CHANGED = "(old_id IS NULL OR old_value <> value OR (comment <> '' AND comment <> old_comment))"


@dataclass
class WriteResult:
    """What a write did: how many figures were created, updated, deleted and left as they were."""

    created: int = 0
    updated: int = 0
    deleted: int = 0
    unchanged: int = 0

    @property
    def total(self) -> int:
        return self.created + self.updated + self.deleted + self.unchanged


def _incoming_table() -> str:
    return f"pg_temp.{_INCOMING}" if connection.vendor == "postgresql" else f"temp.{_INCOMING}"


def _incoming_fill(cursor, table: str, rows: Sequence[IncomingRow]) -> None:
    """The only database-specific step: COPY on PostgreSQL, one executemany elsewhere."""
    columns = "ord, data_element_id, unit_id, period_id, value, comment"
    if connection.vendor == "postgresql":
        with cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)
    else:
        cursor.executemany(f"INSERT INTO {table} ({columns}) VALUES (%s, %s, %s, %s, %s, %s)", rows)


def values_save(*, rows: Sequence[IncomingRow], user_id: int | None, source: str, now: datetime) -> WriteResult:
    """Create, update or delete (value None) each row; one history record per real change.

    Call inside a transaction, with rows already checked (no two rows for the same element, unit and period).
    """
    if not rows:
        return WriteResult()
    incoming = _incoming_table()
    with connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE IF EXISTS {incoming}")
        cursor.execute(
            f"""CREATE TEMPORARY TABLE {_INCOMING} (
                ord INTEGER NOT NULL, data_element_id BIGINT NOT NULL, unit_id BIGINT NOT NULL,
                period_id BIGINT NOT NULL, value DOUBLE PRECISION, comment TEXT NOT NULL,
                old_id BIGINT, old_value DOUBLE PRECISION, old_comment TEXT)"""
        )
        _incoming_fill(cursor, incoming, rows)
        counts = _incoming_compare(cursor, incoming)
        if counts.created or counts.updated or counts.deleted:
            _changes_apply(
                cursor, incoming, counts, user_id=user_id, source=source,
                stamp=connection.ops.adapt_datetimefield_value(now),
            )  # fmt: skip
        cursor.execute(f"DROP TABLE {incoming}")  # after an error, the rollback drops it
    return counts


def _incoming_compare(cursor, incoming: str) -> WriteResult:
    """Attach each row's stored figure (if any) and count what the write will do."""
    if connection.vendor == "postgresql":
        cursor.execute(f"ANALYZE {incoming}")  # so the planner knows the size of the batch
    cursor.execute(
        f"""UPDATE {incoming} AS i SET old_id = d.id, old_value = d.value, old_comment = d.comment
        FROM {DataValue._meta.db_table} AS d
        WHERE d.data_element_id = i.data_element_id AND d.unit_id = i.unit_id AND d.period_id = i.period_id"""
    )
    cursor.execute(
        f"""SELECT
            COALESCE(SUM(CASE WHEN value IS NOT NULL AND old_id IS NULL THEN 1 ELSE 0 END), 0),
            COALESCE(SUM(CASE WHEN value IS NOT NULL AND old_id IS NOT NULL AND {_CHANGED} THEN 1 ELSE 0 END), 0),
            COALESCE(SUM(CASE WHEN value IS NULL AND old_id IS NOT NULL THEN 1 ELSE 0 END), 0),
            COALESCE(SUM(CASE WHEN value IS NOT NULL AND NOT {_CHANGED} THEN 1 ELSE 0 END), 0)
        FROM {incoming}"""
    )
    return WriteResult(*(int(n) for n in cursor.fetchone()))


def _changes_apply(cursor, incoming: str, counts: WriteResult, *, user_id: int | None, source: str, stamp) -> None:
    dv = DataValue._meta.db_table
    cursor.execute(
        f"""INSERT INTO {DataValueChange._meta.db_table}
            (data_element_id, unit_id, period_id, old_value, new_value, comment, source, changed_by_id, changed_at)
        SELECT data_element_id, unit_id, period_id, old_value, value, comment, %s, %s, %s
        FROM {incoming}
        WHERE (value IS NULL AND old_id IS NOT NULL) OR (value IS NOT NULL AND {_CHANGED})
        ORDER BY ord""",
        [source, user_id, stamp],
    )
    if counts.deleted:
        cursor.execute(
            f"DELETE FROM {dv} WHERE id IN (SELECT old_id FROM {incoming} WHERE value IS NULL AND old_id IS NOT NULL)"
        )
    if counts.created or counts.updated:
        # ON CONFLICT also covers a figure another transaction created since the comparison
        cursor.execute(
            f"""INSERT INTO {dv}
                (data_element_id, unit_id, period_id, value, comment, created_by_id, updated_by_id, created_at,
                 updated_at)
            SELECT data_element_id, unit_id, period_id, value, comment, %s, %s, %s, %s
            FROM {incoming}
            WHERE value IS NOT NULL AND {_CHANGED}
            ON CONFLICT (data_element_id, unit_id, period_id) DO UPDATE SET
                value = excluded.value,
                comment = CASE WHEN excluded.comment <> '' THEN excluded.comment ELSE {dv}.comment END,
                updated_by_id = excluded.updated_by_id,
                updated_at = excluded.updated_at""",
            [user_id, user_id, stamp, stamp],
        )
