"""Yearly partitions of the figure table and its history on PostgreSQL (docs/decisions/0025-partitioned-values.md).

`indicators_datavalue` is partitioned by the calendar year of each figure's period (`DataValue.year`), one
partition `indicators_datavalue_y<year>` per year; `indicators_datavaluechange` by the local year of
`changed_at`, `indicators_datavaluechange_y<year>`. Each also has a DEFAULT partition, so no write ever fails
because its year has no partition yet: the row lands there, and `partitions_ensure` (run by `migrate`, by the
task worker when it starts and by `manage.py partitions_ensure`) creates the missing years' partitions and
moves such rows into them. Old history leaves by whole partitions (`history_partitions_before`, used by
`xaso.indicators.history`). SQLite has no partitions: everything here does nothing there.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from xaso.core.models import Period
from xaso.core.periods import YEAR

from .models import DataValue, DataValueChange

VALUE_TABLE = DataValue._meta.db_table
HISTORY_TABLE = DataValueChange._meta.db_table

#: advisory lock key (namespace "xa", 0x7861, then "pt"): one `partitions_ensure` at a time
_LOCK = (0x7861, 0x7074)


@dataclass(frozen=True)
class Partition:
    """One partition: its table name and year (None for the DEFAULT partition)."""

    name: str
    year: int | None


def partition_name(table: str, year: int | None) -> str:
    return f"{table}_default" if year is None else f"{table}_y{year}"


def history_bounds(year: int) -> tuple[datetime, datetime]:
    """The history partition of `year` holds changes from 1 January of that year, local time, to the next."""
    zone = ZoneInfo(settings.TIME_ZONE)
    return datetime(year, 1, 1, tzinfo=zone), datetime(year + 1, 1, 1, tzinfo=zone)


def partitioned(table: str) -> bool:
    """True when `table` is a partitioned table (PostgreSQL, after migration indicators/0009)."""
    if connection.vendor != "postgresql":
        return False
    with connection.cursor() as cursor:
        cursor.execute("SELECT relkind FROM pg_class WHERE oid = to_regclass(%s)", [table])
        row = cursor.fetchone()
    return row is not None and row[0] == "p"


def partitions(table: str) -> list[Partition]:
    """The partitions of `table`, by year (the DEFAULT one first); none when it is not partitioned."""
    if not partitioned(table):
        return []
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid "
            "WHERE i.inhparent = %s::regclass",
            [table],
        )
        names = [name for (name,) in cursor.fetchall()]
    found = []
    for name in names:
        suffix = name.removeprefix(f"{table}_")
        if suffix == "default":
            found.append(Partition(name, None))
        elif suffix.startswith("y") and suffix[1:].isdigit():
            found.append(Partition(name, int(suffix[1:])))
    return sorted(found, key=lambda p: -1 if p.year is None else p.year)


def _columns(cursor, table: str) -> str:
    cursor.execute(
        "SELECT attname FROM pg_attribute WHERE attrelid = %s::regclass AND attnum > 0 AND NOT attisdropped "
        "ORDER BY attnum",
        [table],
    )
    return ", ".join(name for (name,) in cursor.fetchall())


def _partition_add(cursor, table: str, year: int, lower, upper, in_range: str, params: list) -> str:
    """Create the partition of `year` for [lower, upper) and move into it the rows of that range that went to the
    DEFAULT partition meanwhile. Built beside the table and attached: ATTACH locks the parent only against other
    schema changes (SHARE UPDATE EXCLUSIVE), not against reads and writes; the CHECK spares it scanning the new
    table."""
    name = partition_name(table, year)
    default = partition_name(table, None)
    cursor.execute(f"CREATE TABLE {name} (LIKE {table} INCLUDING DEFAULTS INCLUDING CONSTRAINTS)")
    columns = _columns(cursor, table)
    if to_regclass(cursor, default):
        cursor.execute(
            f"WITH moved AS (DELETE FROM {default} WHERE {in_range} RETURNING {columns}) "
            f"INSERT INTO {name} ({columns}) SELECT {columns} FROM moved",
            params,
        )
    cursor.execute(f"ALTER TABLE {name} ADD CONSTRAINT {name}_bounds CHECK ({in_range})", params)
    cursor.execute(f"ALTER TABLE {table} ATTACH PARTITION {name} FOR VALUES FROM (%s) TO (%s)", [lower, upper])
    cursor.execute(f"ALTER TABLE {name} DROP CONSTRAINT {name}_bounds")
    return name


def to_regclass(cursor, name: str) -> bool:
    cursor.execute("SELECT to_regclass(%s) IS NOT NULL", [name])
    return cursor.fetchone()[0]


def value_years_wanted(cursor) -> set[int]:
    """Every year a stored period lies in, this year and the next, and the years of figures in DEFAULT."""
    this_year = timezone.localdate().year
    years = {this_year, this_year + 1}
    years |= {start.year for start in Period.objects.filter(type=YEAR).values_list("start", flat=True)}
    default = partition_name(VALUE_TABLE, None)
    if to_regclass(cursor, default):
        cursor.execute(f"SELECT DISTINCT year FROM {default}")
        years |= {year for (year,) in cursor.fetchall()}
    return years


def history_years_wanted(cursor) -> set[int]:
    """This year, the next, and the (local) years of the changes in DEFAULT."""
    this_year = timezone.localdate().year
    years = {this_year, this_year + 1}
    default = partition_name(HISTORY_TABLE, None)
    if to_regclass(cursor, default):
        cursor.execute(
            f"SELECT DISTINCT EXTRACT(YEAR FROM changed_at AT TIME ZONE %s)::int FROM {default}", [settings.TIME_ZONE]
        )
        years |= {year for (year,) in cursor.fetchall()}
    return years


def partitions_ensure() -> list[str]:
    """Create the partitions the figure and history tables lack (see `value_years_wanted`,
    `history_years_wanted`), each moving its rows out of DEFAULT; return their names. Idempotent; one run at a
    time (advisory lock). Nothing on SQLite or before migration indicators/0009."""
    if connection.vendor != "postgresql":
        return []
    created: list[str] = []
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(%s, %s)", list(_LOCK))
        if partitioned(VALUE_TABLE):
            have = {p.year for p in partitions(VALUE_TABLE)}
            for year in sorted(value_years_wanted(cursor) - have):
                if not 1 <= year <= 9998:
                    continue
                in_range = "year >= %s AND year < %s"
                created.append(_partition_add(cursor, VALUE_TABLE, year, year, year + 1, in_range, [year, year + 1]))
        if partitioned(HISTORY_TABLE):
            have = {p.year for p in partitions(HISTORY_TABLE)}
            for year in sorted(history_years_wanted(cursor) - have):
                if not 1 <= year <= 9998:
                    continue
                lower, upper = history_bounds(year)
                in_range = "changed_at >= %s AND changed_at < %s"
                created.append(_partition_add(cursor, HISTORY_TABLE, year, lower, upper, in_range, [lower, upper]))
    return created


def history_partitions_before(before_year: int) -> list[Partition]:
    """The history partitions holding only changes made before 1 January of `before_year` (local time)."""
    return [p for p in partitions(HISTORY_TABLE) if p.year is not None and p.year < before_year]


def history_partition_drop(partition: Partition) -> None:
    """Remove a whole year of history at once: no row-by-row DELETE, no dead rows left for VACUUM."""
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE {partition.name}")
