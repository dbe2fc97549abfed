"""The figure table and its history partitioned by year on PostgreSQL (docs/decisions/0025-partitioned-values.md).

`indicators_datavalue` gets `year`, the calendar year of the figure's period, and becomes a table partitioned by
RANGE (year), one partition per year plus a DEFAULT one; `indicators_datavaluechange` becomes partitioned by
RANGE (changed_at), one partition per local year plus a DEFAULT one. The primary keys become (id, year) and
(id, changed_at), `unique_data_value` becomes (unit, period, data_element, year): a partitioned table's unique
keys must hold its partition key. Django's model keeps `id` as its primary key (ids still come from one
sequence per table, so they stay unique).

On PostgreSQL the tables are converted in place: the partitioned table is built beside the old one (`LIKE` it:
the same columns, defaults and identity), the rows copied a batch of ids at a time (before any index exists, as `pg_restore` does),
then the indexes, keys, identity sequence position and the set-based key triggers (migration 0004) are
recreated on it, then the old table is dropped and the new one takes its name, all in the migration's transaction: a failure leaves the
database as it was. Writers wait for the migration (the old tables are locked against writes from its start);
readers keep reading the old tables until the short swap at the end. Reversing it converts back the same way. On SQLite only the
model changes: a `year` column filled from the periods and the wider unique constraint.
"""

from datetime import datetime
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import migrations, models
from django.db.migrations.operations.base import Operation
from django.utils import timezone

VALUE = "indicators_datavalue"
HISTORY = "indicators_datavaluechange"
#: ids copied per INSERT ... SELECT
BATCH = 1_000_000
#: the set-based key checks of migration 0004 on the figure table ({table}: the table they are created on)
VALUE_TRIGGERS = [
    """CREATE TRIGGER xaso_datavalue_keys_insert AFTER INSERT ON {table}
        REFERENCING NEW TABLE AS xaso_new FOR EACH STATEMENT EXECUTE FUNCTION xaso_datavalue_keys()""",
    """CREATE TRIGGER xaso_datavalue_keys_update BEFORE UPDATE ON {table}
        FOR EACH ROW WHEN (OLD.data_element_id IS DISTINCT FROM NEW.data_element_id
            OR OLD.unit_id IS DISTINCT FROM NEW.unit_id OR OLD.period_id IS DISTINCT FROM NEW.period_id)
        EXECUTE FUNCTION xaso_datavalue_keys_row()""",
]


class UnlessPostgres(Operation):
    """Apply `operation` to the model state everywhere, to the database except on PostgreSQL (where the
    conversion below builds the same schema itself, without first rebuilding a 100-million-row table's index)."""

    reduces_to_sql = False

    def __init__(self, operation):
        self.operation = operation

    def state_forwards(self, app_label, state):
        self.operation.state_forwards(app_label, state)

    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor != "postgresql":
            self.operation.database_forwards(app_label, schema_editor, from_state, to_state)

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor != "postgresql":
            self.operation.database_backwards(app_label, schema_editor, from_state, to_state)

    def describe(self):
        return f"{self.operation.describe()} (PostgreSQL: by the conversion)"


def years_fill(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        return
    schema_editor.execute(
        f"UPDATE {VALUE} SET year = (SELECT CAST(strftime('%%Y', p.start) AS INTEGER) FROM core_period p "
        f"WHERE p.id = {VALUE}.period_id)"
    )


# ------------------------------------------------------------------------------------------------ PostgreSQL


def _columns(cursor, table: str) -> list[str]:
    cursor.execute(
        "SELECT attname FROM pg_attribute WHERE attrelid = %s::regclass AND attnum > 0 AND NOT attisdropped "
        "ORDER BY attnum",
        [table],
    )
    return [name for (name,) in cursor.fetchall()]


def _indexes(cursor, table: str) -> list[tuple[str, str]]:
    """(name, definition on the new table under a temporary name) of the indexes of `table` that are not keys."""
    cursor.execute(
        "SELECT i.relname, pg_get_indexdef(i.oid) FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid "
        "WHERE x.indrelid = %s::regclass AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.oid)",
        [table],
    )
    found = []
    for name, definition in cursor.fetchall():  # CREATE [UNIQUE] INDEX name ON [ONLY] public.<table> USING ...
        head, _on, tail = definition.partition(" ON ")
        found.append((name, f'{head.rsplit(" ", 1)[0]} "{name}_new" ON {table}_new{tail[tail.index(" USING ") :]}'))
    return found


def _copy(cursor, old: str, new: str, columns: list[str], year: str = "", join: str = "") -> None:
    """Copy every row of `old` into `new`, `BATCH` ids at a time; `year`, the SQL giving the new `year` column."""
    cursor.execute(f"SELECT min(id), max(id) FROM {old}")
    low, high = cursor.fetchone()
    if low is None:
        return
    kept = [c for c in columns if c != "year"]
    target = ", ".join(kept + (["year"] if year else []))
    picked = ", ".join([f"o.{c}" for c in kept] + ([year] if year else []))
    for start in range(low, high + 1, BATCH):
        cursor.execute(
            f"INSERT INTO {new} ({target}) SELECT {picked} FROM {old} o {join} WHERE o.id >= %s AND o.id < %s",
            [start, start + BATCH],
        )


def _rebuild(cursor, table: str, *, shape: str, partitions=(), year: str = "", join: str = "", keys=(),
             triggers=()) -> None:  # fmt: skip
    """Rebuild `table` as `shape` (the CREATE TABLE's column additions and PARTITION BY clause) beside it, under
    `<table>_new`, copy its rows, add `keys` (name, definition), its other indexes and `triggers`, then swap.

    Until the swap the old table is only locked against writes (EXCLUSIVE): reads go on during the copy and the
    index builds; the swap itself (drop, renames) is short."""
    new = f"{table}_new"
    cursor.execute(f"LOCK TABLE {table} IN EXCLUSIVE MODE")
    indexes = _indexes(cursor, table)
    cursor.execute(
        f"CREATE TABLE {new} (LIKE {table} INCLUDING DEFAULTS INCLUDING CONSTRAINTS INCLUDING IDENTITY{shape}"
    )
    if "year" in _columns(cursor, table) and not year:
        cursor.execute(f"ALTER TABLE {new} DROP COLUMN year")  # back to 0008: its CHECK goes with it
    for statement, params in partitions:
        cursor.execute(statement, params)
    _copy(cursor, table, new, _columns(cursor, new), year=year, join=join)
    for name, definition in keys:
        cursor.execute(f'ALTER TABLE {new} ADD CONSTRAINT "{name}_new" {definition}')
    for _name, definition in indexes:
        cursor.execute(definition)
    for definition in triggers:
        cursor.execute(definition.format(table=new))
    # the identity goes on after the highest id copied: ids stay unique over the table's whole life
    cursor.execute(
        f"SELECT setval(pg_get_serial_sequence(%s, 'id'), COALESCE((SELECT max(id) FROM {new}), 0) + 1, false)", [new]
    )
    # the swap
    cursor.execute(f"DROP TABLE {table}")  # with its partitions, if any
    cursor.execute(f"ALTER TABLE {new} RENAME TO {table}")
    for name, _definition in keys:
        cursor.execute(f'ALTER TABLE {table} RENAME CONSTRAINT "{name}_new" TO "{name}"')
    for name, _definition in indexes:
        cursor.execute(f'ALTER INDEX "{name}_new" RENAME TO "{name}"')
    cursor.execute("SELECT pg_get_serial_sequence(%s, 'id')", [table])
    cursor.execute(f"ALTER SEQUENCE {cursor.fetchone()[0]} RENAME TO {table}_id_seq")
    cursor.execute(f"ANALYZE {table}")


def _value_years(cursor) -> list[int]:
    """Every year a period is stored for, this year and the next."""
    this_year = timezone.localdate().year
    cursor.execute("SELECT DISTINCT EXTRACT(YEAR FROM start)::int FROM core_period WHERE type = 'year'")
    years = {y for (y,) in cursor.fetchall()} | {this_year, this_year + 1}
    return sorted(y for y in years if 1 <= y <= 9998)


def _history_years(cursor) -> list[int]:
    """Every (local) year from the oldest change (at most 50 years back; older ones go to DEFAULT) to the next."""
    this_year = timezone.localdate().year
    cursor.execute(
        f"SELECT EXTRACT(YEAR FROM min(changed_at) AT TIME ZONE %s)::int FROM {HISTORY}", [settings.TIME_ZONE]
    )
    (low,) = cursor.fetchone()
    first = this_year if low is None else min(max(low, this_year - 50), this_year)
    return list(range(first, this_year + 2))


def _bound(year: int) -> str:
    return datetime(year, 1, 1, tzinfo=ZoneInfo(settings.TIME_ZONE)).isoformat()


def to_partitioned(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    with schema_editor.connection.cursor() as cursor:
        new = f"{VALUE}_new"
        partitions = [
            (f"CREATE TABLE {VALUE}_y{y} PARTITION OF {new} FOR VALUES FROM ({y}) TO ({y + 1})", [])
            for y in _value_years(cursor)
        ]
        _rebuild(
            cursor, VALUE,
            shape=f", year smallint NOT NULL CONSTRAINT {VALUE}_year_check CHECK (year >= 0)) "
                  "PARTITION BY RANGE (year)",
            partitions=[*partitions, (f"CREATE TABLE {VALUE}_default PARTITION OF {new} DEFAULT", [])],
            year="EXTRACT(YEAR FROM p.start)::smallint", join="JOIN core_period p ON p.id = o.period_id",
            keys=[(f"{VALUE}_pkey", "PRIMARY KEY (id, year)"),
                  ("unique_data_value", "UNIQUE (unit_id, period_id, data_element_id, year)")],
            triggers=VALUE_TRIGGERS,
        )  # fmt: skip
        new = f"{HISTORY}_new"
        partitions = [
            (f"CREATE TABLE {HISTORY}_y{y} PARTITION OF {new} FOR VALUES FROM (%s) TO (%s)", [_bound(y), _bound(y + 1)])
            for y in _history_years(cursor)
        ]
        _rebuild(
            cursor, HISTORY,
            shape=") PARTITION BY RANGE (changed_at)",
            partitions=[*partitions, (f"CREATE TABLE {HISTORY}_default PARTITION OF {new} DEFAULT", [])],
            keys=[(f"{HISTORY}_pkey", "PRIMARY KEY (id, changed_at)")],
        )  # fmt: skip


def to_plain(apps, schema_editor):
    """Back to migration 0008's tables: one plain table each, keys on id alone, no `year`."""
    if schema_editor.connection.vendor != "postgresql":
        return
    with schema_editor.connection.cursor() as cursor:
        _rebuild(
            cursor, VALUE, shape=")",
            keys=[(f"{VALUE}_pkey", "PRIMARY KEY (id)"),
                  ("unique_data_value", "UNIQUE (unit_id, period_id, data_element_id)")],
            triggers=VALUE_TRIGGERS,
        )  # fmt: skip
        _rebuild(cursor, HISTORY, shape=")", keys=[(f"{HISTORY}_pkey", "PRIMARY KEY (id)")])


class Migration(migrations.Migration):
    dependencies = [
        ("indicators", "0008_change_sources_register_exchange"),
    ]

    operations = [
        UnlessPostgres(
            migrations.AddField(
                model_name="datavalue",
                name="year",
                field=models.PositiveSmallIntegerField(default=0, editable=False, verbose_name="năm"),
                preserve_default=False,
            )
        ),
        migrations.RunPython(years_fill, migrations.RunPython.noop, elidable=False),
        UnlessPostgres(migrations.RemoveConstraint(model_name="datavalue", name="unique_data_value")),
        UnlessPostgres(
            migrations.AddConstraint(
                model_name="datavalue",
                constraint=models.UniqueConstraint(
                    fields=("unit", "period", "data_element", "year"), name="unique_data_value"
                ),
            )
        ),
        migrations.RunPython(to_partitioned, to_plain, elidable=False),
    ]
