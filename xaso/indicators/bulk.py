"""Saving checked data values set-based: a handful of statements whatever the number of rows.

Two paths, the same result (docs/decisions/0004-bulk-writes.md, 0006-set-based-key-checks.md):

- **new figures only** (the usual import: a new month or year): one indexed query finds that none of the
  rows' places holds a figure yet, then the rows go straight into the figure table and its history, one
  round trip each (`COPY` on PostgreSQL, one `executemany` on SQLite);
- **otherwise** the rows go into a temporary table in one round trip, then SQL compares them with the stored
  figures, records the history (old → new) and upserts;
- **a few rows** (at most `SMALL_ROWS`: one screen's cell, one village's census figures) skip the temporary table,
  whose creation, load, statistics and drop cost more round trips than the write itself: one indexed read of the
  stored figures at exactly these places, the same comparison in Python, then one history insert and one upsert
  (`_small_apply`). Same results, same history, same race handling (`ON CONFLICT`).

An import of a commune-year file (24 villages × 12 months × 80 elements, 23,040 values) costs a few statements
instead of tens of thousands of objects. Only the bulk loads differ by database (`_rows_copy`); the rest is SQL
both run (`INSERT ... ON CONFLICT DO UPDATE`, `UPDATE ... FROM`: SQLite ≥ 3.33, below the 3.37 Django 6
requires). Tests: `tests/test_services_bulk.py`, on both.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from django.db import IntegrityError, connection, transaction

from xaso.core.models import Period

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


def _rows_copy(cursor, table: str, columns: Sequence[tuple[str, str]], rows) -> None:
    """The only database-specific step: binary COPY on PostgreSQL, one executemany elsewhere.

    `columns`: (name, PostgreSQL type) pairs; binary COPY sends each value in the column's own type, four
    times faster here than the text format (docs/BENCHMARKS.md).
    """
    names = ", ".join(name for name, _ in columns)
    if connection.vendor == "postgresql":
        # psycopg's own cursor: its errors are turned into Django's (IntegrityError...) here
        with (
            connection.wrap_database_errors,
            cursor.cursor.copy(f"COPY {table} ({names}) FROM STDIN (FORMAT BINARY)") as copy,
        ):
            copy.set_types([kind for _, kind in columns])
            for row in rows:
                copy.write_row(row)
    else:
        cursor.executemany(f"INSERT INTO {table} ({names}) VALUES ({', '.join(['%s'] * len(columns))})", rows)


#: beyond this many distinct elements + units + periods, the "nothing stored yet" question is not asked
_NEW_CHECK_KEYS = 900

_INCOMING_COLUMNS = (
    ("ord", "int8"), ("data_element_id", "int8"), ("unit_id", "int8"), ("period_id", "int8"), ("year", "int2"),
    ("value", "float8"), ("comment", "text"),
)  # fmt: skip
_VALUE_COLUMNS = (
    ("data_element_id", "int8"), ("unit_id", "int8"), ("period_id", "int8"), ("year", "int2"), ("value", "float8"),
    ("comment", "text"), ("created_by_id", "int8"), ("updated_by_id", "int8"), ("created_at", "timestamptz"),
    ("updated_at", "timestamptz"),
)  # fmt: skip
_CHANGE_COLUMNS = (
    ("data_element_id", "int8"), ("unit_id", "int8"), ("period_id", "int8"), ("old_value", "float8"),
    ("new_value", "float8"), ("comment", "text"), ("source", "text"), ("changed_by_id", "int8"),
    ("changed_at", "timestamptz"),
)  # fmt: skip


def _nothing_stored(cursor, rows: Sequence[IncomingRow], years: dict[int, int]) -> bool:
    """True when no figure is stored for any element × unit × period the rows name (one indexed query, which
    reads only the partitions of the rows' years)."""
    elements = sorted({r[1] for r in rows})
    units = sorted({r[2] for r in rows})
    periods = sorted({r[3] for r in rows})
    in_years = sorted({years.get(p, 0) for p in periods})
    if len(elements) + len(units) + len(periods) > _NEW_CHECK_KEYS:
        return False

    def marks(ids):
        return ", ".join(["%s"] * len(ids))

    cursor.execute(
        f"""SELECT 1 FROM {DataValue._meta.db_table}
        WHERE unit_id IN ({marks(units)}) AND period_id IN ({marks(periods)}) AND data_element_id IN ({marks(elements)})
        AND year IN ({marks(in_years)})
        LIMIT 1""",
        [*units, *periods, *elements, *in_years],
    )
    return cursor.fetchone() is None


def _years(rows: Sequence[IncomingRow]) -> dict[int, int]:
    """period id → calendar year, the figure table's partition key (docs/decisions/0025-partitioned-values.md).
    A period that does not exist has none: its rows are given year 0, and the key check refuses them."""
    ids = {r[3] for r in rows}
    return {pk: start.year for pk, start in Period.objects.filter(id__in=ids).values_list("id", "start")}


def _new_insert(cursor, rows: Sequence[IncomingRow], years, *, user_id: int | None, source: str, stamp) -> WriteResult:
    """Write rows none of which has a stored figure: values and history straight in, in the rows' order."""
    kept = [r for r in rows if r[4] is not None]  # blanking a figure that does not exist changes nothing
    _rows_copy(
        cursor, DataValue._meta.db_table, _VALUE_COLUMNS,
        ((e, u, p, years.get(p, 0), v, c, user_id, user_id, stamp, stamp) for _, e, u, p, v, c in kept),
    )  # fmt: skip
    _rows_copy(
        cursor, DataValueChange._meta.db_table, _CHANGE_COLUMNS,
        ((e, u, p, None, v, c, source, user_id, stamp) for _, e, u, p, v, c in kept),
    )  # fmt: skip
    return WriteResult(created=len(kept))


def values_save(
    *,
    rows: Sequence[IncomingRow],
    user_id: int | None,
    source: str,
    now: datetime,
    years: dict[int, int] | None = None,
) -> WriteResult:
    """Create, update or delete (value None) each row; one history record per real change.

    Call inside a transaction, with rows already checked (no two rows for the same element, unit and period).
    `years`: period id → calendar year, when the caller has the periods at hand (else one query reads them).
    """
    if not rows:
        return WriteResult()
    stamp = connection.ops.adapt_datetimefield_value(now)
    if years is None:
        years = _years(rows)
    with connection.cursor() as cursor:
        if len(rows) <= SMALL_ROWS:
            return _small_apply(cursor, rows, years, user_id=user_id, source=source, stamp=stamp)
        if _nothing_stored(cursor, rows, years):
            try:
                with transaction.atomic():  # a concurrent writer may store one of these places meanwhile
                    return _new_insert(cursor, rows, years, user_id=user_id, source=source, stamp=stamp)
            except IntegrityError:
                if _nothing_stored(cursor, rows, years):
                    raise  # not a figure stored meanwhile: a broken reference, which the comparison would meet too
        return _compare_and_apply(cursor, rows, years, user_id=user_id, source=source, stamp=stamp)


#: up to this many rows, a write compares them with the stored figures in Python (`_small_apply`)
SMALL_ROWS = 64


def _marks(values) -> str:
    return ", ".join(["%s"] * len(values))


def _stored_at(cursor, rows: Sequence[IncomingRow], years: dict[int, int]) -> dict[tuple[int, int, int], tuple]:
    """{(element, unit, period): (id, value, comment)} of the stored figures at the rows' places (one query on the
    (unit, period, element) index, in the rows' years' partitions only)."""
    elements = sorted({r[1] for r in rows})
    units = sorted({r[2] for r in rows})
    periods = sorted({r[3] for r in rows})
    in_years = sorted({years.get(p, 0) for p in periods})
    cursor.execute(
        f"""SELECT data_element_id, unit_id, period_id, id, value, comment FROM {DataValue._meta.db_table}
        WHERE unit_id IN ({_marks(units)}) AND period_id IN ({_marks(periods)})
        AND data_element_id IN ({_marks(elements)}) AND year IN ({_marks(in_years)})""",
        [*units, *periods, *elements, *in_years],
    )
    wanted = {(r[1], r[2], r[3]) for r in rows}
    return {(e, u, p): (pk, v, c) for e, u, p, pk, v, c in cursor.fetchall() if (e, u, p) in wanted}


def _small_apply(
    cursor, rows: Sequence[IncomingRow], years: dict[int, int], *, user_id: int | None, source: str, stamp
) -> WriteResult:
    """`_compare_and_apply` for a few rows: the stored figures read once, compared here by the same rule
    (`_CHANGED`: no stored figure, another value, or a new non-empty comment), then the history in the rows'
    order and one upsert (a figure another transaction created meanwhile meets `ON CONFLICT`, as in the SQL path);
    no figure stored at all: the direct path for new figures."""
    stored = _stored_at(cursor, rows, years)
    if not stored:
        try:
            with transaction.atomic():  # a concurrent writer may store one of these places meanwhile
                return _new_insert(cursor, rows, years, user_id=user_id, source=source, stamp=stamp)
        except IntegrityError:
            stored = _stored_at(cursor, rows, years)
            if not stored:
                raise  # a broken reference, not a figure stored meanwhile
    counts = WriteResult()
    changes, upserts, deleted = [], [], []
    for _order, element, unit, period, value, comment in sorted(rows):
        old_id, old_value, old_comment = stored.get((element, unit, period), (None, None, None))
        if value is None:
            if old_id is not None:
                counts.deleted += 1
                deleted.append(old_id)
                changes.append((element, unit, period, old_value, None, comment))
            continue
        if old_id is not None and old_value == value and (comment == "" or comment == old_comment):
            counts.unchanged += 1
            continue
        if old_id is None:
            counts.created += 1
        else:
            counts.updated += 1
        changes.append((element, unit, period, old_value, value, comment))
        upserts.append((element, unit, period, years.get(period, 0), value, comment))
    if changes:
        cursor.execute(
            f"""INSERT INTO {DataValueChange._meta.db_table}
                (data_element_id, unit_id, period_id, old_value, new_value, comment, source, changed_by_id, changed_at)
            VALUES {", ".join(["(%s, %s, %s, %s, %s, %s, %s, %s, %s)"] * len(changes))}""",
            [x for change in changes for x in (*change, source, user_id, stamp)],
        )
    dv = DataValue._meta.db_table
    if deleted:
        in_years = sorted({years.get(r[3], 0) for r in rows})
        cursor.execute(
            f"DELETE FROM {dv} WHERE id IN ({_marks(deleted)}) AND year IN ({_marks(in_years)})", [*deleted, *in_years]
        )
    if upserts:
        cursor.execute(
            f"""INSERT INTO {dv}
                (data_element_id, unit_id, period_id, year, value, comment, created_by_id, updated_by_id,
                 created_at, updated_at)
            VALUES {", ".join(["(%s, %s, %s, %s, %s, %s, %s, %s, %s, %s)"] * len(upserts))}
            ON CONFLICT (unit_id, period_id, data_element_id, year) DO UPDATE SET
                value = excluded.value,
                comment = CASE WHEN excluded.comment <> '' THEN excluded.comment ELSE {dv}.comment END,
                updated_by_id = excluded.updated_by_id,
                updated_at = excluded.updated_at""",
            [x for upsert in upserts for x in (*upsert, user_id, user_id, stamp, stamp)],
        )
    return counts


def _compare_and_apply(
    cursor, rows: Sequence[IncomingRow], years: dict[int, int], *, user_id: int | None, source: str, stamp
) -> WriteResult:
    """Compare the rows with the stored figures through a temporary table, then write what differs."""
    incoming = _incoming_table()
    cursor.execute(f"DROP TABLE IF EXISTS {incoming}")
    cursor.execute(
        f"""CREATE TEMPORARY TABLE {_INCOMING} (
            ord BIGINT NOT NULL, data_element_id BIGINT NOT NULL, unit_id BIGINT NOT NULL,
            period_id BIGINT NOT NULL, year SMALLINT, value DOUBLE PRECISION, comment TEXT NOT NULL,
            old_id BIGINT, old_value DOUBLE PRECISION, old_comment TEXT)"""
    )
    _rows_copy(cursor, incoming, _INCOMING_COLUMNS, ((o, e, u, p, years.get(p, 0), v, c) for o, e, u, p, v, c in rows))
    counts = _incoming_compare(cursor, incoming)
    if counts.created or counts.updated or counts.deleted:
        _changes_apply(cursor, incoming, counts, user_id=user_id, source=source, stamp=stamp)
    cursor.execute(f"DROP TABLE {incoming}")  # after an error, the rollback drops it
    return counts


def _incoming_compare(cursor, incoming: str) -> WriteResult:
    """Attach each row's stored figure (if any) and count what the write will do."""
    if connection.vendor == "postgresql":
        cursor.execute(f"ANALYZE {incoming}")  # so the planner knows the size of the batch
    cursor.execute(
        f"""UPDATE {incoming} AS i SET old_id = d.id, old_value = d.value, old_comment = d.comment
        FROM {DataValue._meta.db_table} AS d
        WHERE d.data_element_id = i.data_element_id AND d.unit_id = i.unit_id AND d.period_id = i.period_id
            AND d.year = i.year"""
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
            f" AND year IN (SELECT year FROM {incoming})"
        )
    if counts.created or counts.updated:
        # ON CONFLICT also covers a figure another transaction created since the comparison
        cursor.execute(
            f"""INSERT INTO {dv}
                (data_element_id, unit_id, period_id, year, value, comment, created_by_id, updated_by_id,
                 created_at, updated_at)
            SELECT data_element_id, unit_id, period_id, year, value, comment, %s, %s, %s, %s
            FROM {incoming}
            WHERE value IS NOT NULL AND {_CHANGED}
            ON CONFLICT (unit_id, period_id, data_element_id, year) DO UPDATE SET
                value = excluded.value,
                comment = CASE WHEN excluded.comment <> '' THEN excluded.comment ELSE {dv}.comment END,
                updated_by_id = excluded.updated_by_id,
                updated_at = excluded.updated_at""",
            [user_id, user_id, stamp, stamp],
        )
