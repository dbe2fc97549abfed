"""The figure table and its history partitioned by year on PostgreSQL (docs/decisions/0025-partitioned-values.md).

`indicators_datavalue` gets `year`, the calendar year of the figure's period, and becomes a table partitioned by
RANGE (year), one partition per year plus a DEFAULT one; `indicators_datavaluechange` becomes partitioned by
RANGE (changed_at), one partition per local year plus a DEFAULT one. The primary keys become (id, year) and
(id, changed_at), `unique_data_value` becomes (unit, period, data_element, year): a partitioned table's unique
keys must hold its partition key. Django's model keeps `id` as its primary key (ids still come from one
sequence per table, so they stay unique).

On PostgreSQL the tables are converted in place: the old table is renamed, the partitioned one created with
the same columns, the rows copied a batch of ids at a time (before any index exists, as `pg_restore` does),
then the indexes, keys, identity sequence position and the set-based key triggers (migration 0004) are
recreated on the new table and the old one dropped, all in the migration's transaction: a failure leaves the
database as it was. Writers wait for the migration (the old tables are locked against writes from its start);
readers keep reading the old tables until the swap. Reversing it converts back the same way. On SQLite only the
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
VALUE_TRIGGERS = {
    "xaso_datavalue_keys_insert": f"""CREATE TRIGGER xaso_datavalue_keys_insert AFTER INSERT ON {VALUE}
        REFERENCING NEW TABLE AS xaso_new FOR EACH STATEMENT EXECUTE FUNCTION xaso_datavalue_keys()""",
    "xaso_datavalue_keys_update": f"""CREATE TRIGGER xaso_datavalue_keys_update BEFORE UPDATE ON {VALUE}
        FOR EACH ROW WHEN (OLD.data_element_id IS DISTINCT FROM NEW.data_element_id
            OR OLD.unit_id IS DISTINCT FROM NEW.unit_id OR OLD.period_id IS DISTINCT FROM NEW.period_id)
        EXECUTE FUNCTION xaso_datavalue_keys_row()""",
}


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


def _aside(cursor, table: str) -> tuple[str, list[str]]:
    """Rename `table` (and its constraints and indexes, whose names the new table takes) to `<table>_old`; lock it
    against writes. Returns the old name and the definitions of its indexes that are not constraints."""
    old = f"{table}_old"
    cursor.execute(f"LOCK TABLE {table} IN EXCLUSIVE MODE")  # readers go on, writers wait for the new table
    cursor.execute(
        "SELECT conname FROM pg_constraint WHERE conrelid = %s::regclass AND contype IN ('p', 'u')", [table]
    )
    constraints = [name for (name,) in cursor.fetchall()]
    cursor.execute(
        "SELECT i.relname, pg_get_indexdef(i.oid) FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid "
        "WHERE x.indrelid = %s::regclass AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.oid)",
        [table],
    )
    indexes = cursor.fetchall()
    for name in constraints:
        cursor.execute(f'ALTER TABLE {table} RENAME CONSTRAINT "{name}" TO "{name}_old"')
    for name, _definition in indexes:
        cursor.execute(f'ALTER INDEX "{name}" RENAME TO "{name}_old"')
    cursor.execute(f"ALTER TABLE {table} RENAME TO {old}")
    # the definitions, for the new table (CREATE [UNIQUE] INDEX name ON [ONLY] public.<table> USING ...)
    definitions = []
    for name, definition in indexes:
        head, _on, tail = definition.partition(" ON ")
        using = tail[tail.index(" USING ") :]
        definitions.append(f'{head.rsplit(" ", 1)[0]} "{name}" ON {table}{using}')
    return old, definitions


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


def _identity_continue(cursor, table: str) -> None:
    """The new identity sequence goes on after the highest id copied (ids stay unique across the tables' life)."""
    cursor.execute(
        f"SELECT setval(pg_get_serial_sequence(%s, 'id'), COALESCE((SELECT max(id) FROM {table}), 0) + 1, false)",
        [table],
    )


def _value_years(cursor, old: str) -> list[int]:
    this_year = timezone.localdate().year
    cursor.execute(f"SELECT DISTINCT EXTRACT(YEAR FROM start)::int FROM core_period WHERE type = 'year'")
    years = {y for (y,) in cursor.fetchall()} | {this_year, this_year + 1}
    return sorted(y for y in years if 1 <= y <= 9998)


def _history_years(cursor, old: str) -> list[int]:
    this_year = timezone.localdate().year
    cursor.execute(
        f"SELECT EXTRACT(YEAR FROM min(changed_at) AT TIME ZONE %s)::int, "
        f"EXTRACT(YEAR FROM max(changed_at) AT TIME ZONE %s)::int FROM {old}",
        [settings.TIME_ZONE, settings.TIME_ZONE],
    )
    low, high = cursor.fetchone()
    years = {this_year, this_year + 1}
    if low is not None:
        years |= set(range(max(low, this_year - 50), high + 1))  # older changes than 50 years: DEFAULT
    return sorted(y for y in years if 1 <= y <= 9998)


def _bound(year: int) -> str:
    return datetime(year, 1, 1, tzinfo=ZoneInfo(settings.TIME_ZONE)).isoformat()


def to_partitioned(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    with schema_editor.connection.cursor() as cursor:
        # ---- figures: RANGE (year)
        old, indexes = _aside(cursor, VALUE)
        for trigger in VALUE_TRIGGERS:
            cursor.execute(f"DROP TRIGGER {trigger} ON {old}")
        cursor.execute(f"ALTER TABLE {old} ADD COLUMN year smallint")  # no rewrite: only to be copied by LIKE
        cursor.execute(
            f"CREATE TABLE {VALUE} (LIKE {old} INCLUDING DEFAULTS INCLUDING CONSTRAINTS INCLUDING IDENTITY) "
            "PARTITION BY RANGE (year)"
        )
        cursor.execute(f"ALTER TABLE {VALUE} ALTER COLUMN year SET NOT NULL")
        cursor.execute(f"ALTER TABLE {VALUE} ADD CONSTRAINT {VALUE}_year_check CHECK (year >= 0)")
        for year in _value_years(cursor, old):
            cursor.execute(f"CREATE TABLE {VALUE}_y{year} PARTITION OF {VALUE} FOR VALUES FROM ({year}) TO ({year + 1})")
        cursor.execute(f"CREATE TABLE {VALUE}_default PARTITION OF {VALUE} DEFAULT")
        _copy(
            cursor, old, VALUE, _columns(cursor, VALUE),
            year="EXTRACT(YEAR FROM p.start)::smallint", join="JOIN core_period p ON p.id = o.period_id",
        )  # fmt: skip
        cursor.execute(f"ALTER TABLE {VALUE} ADD CONSTRAINT {VALUE}_pkey PRIMARY KEY (id, year)")
        cursor.execute(
            f"ALTER TABLE {VALUE} ADD CONSTRAINT unique_data_value UNIQUE (unit_id, period_id, data_element_id, year)"
        )
        for definition in indexes:
            cursor.execute(definition)
        for definition in VALUE_TRIGGERS.values():
            cursor.execute(definition)
        _identity_continue(cursor, VALUE)
        cursor.execute(f"DROP TABLE {old}")

        # ---- history: RANGE (changed_at), local years
        old, indexes = _aside(cursor, HISTORY)
        cursor.execute(
            f"CREATE TABLE {HISTORY} (LIKE {old} INCLUDING DEFAULTS INCLUDING CONSTRAINTS INCLUDING IDENTITY) "
            "PARTITION BY RANGE (changed_at)"
        )
        for year in _history_years(cursor, old):
            cursor.execute(
                f"CREATE TABLE {HISTORY}_y{year} PARTITION OF {HISTORY} FOR VALUES FROM (%s) TO (%s)",
                [_bound(year), _bound(year + 1)],
            )
        cursor.execute(f"CREATE TABLE {HISTORY}_default PARTITION OF {HISTORY} DEFAULT")
        _copy(cursor, old, HISTORY, _columns(cursor, HISTORY))
        cursor.execute(f"ALTER TABLE {HISTORY} ADD CONSTRAINT {HISTORY}_pkey PRIMARY KEY (id, changed_at)")
        for definition in indexes:
            cursor.execute(definition)
        _identity_continue(cursor, HISTORY)
        cursor.execute(f"DROP TABLE {old}")
        cursor.execute(f"ANALYZE {VALUE}")
        cursor.execute(f"ANALYZE {HISTORY}")


def to_plain(apps, schema_editor):
    """Back to migration 0008's tables: one plain table each, keys on id alone, no `year`."""
    if schema_editor.connection.vendor != "postgresql":
        return
    with schema_editor.connection.cursor() as cursor:
        for table, pkey, unique in (
            (VALUE, "id", "unique_data_value UNIQUE (unit_id, period_id, data_element_id)"),
            (HISTORY, "id", None),
        ):
            old, indexes = _aside(cursor, table)
            if table == VALUE:
                for trigger in VALUE_TRIGGERS:
                    cursor.execute(f"DROP TRIGGER {trigger} ON {old}")
            cursor.execute(
                f"CREATE TABLE {table} (LIKE {old} INCLUDING DEFAULTS INCLUDING CONSTRAINTS INCLUDING IDENTITY)"
            )
            if table == VALUE:
                cursor.execute(f"ALTER TABLE {table} DROP COLUMN year")  # its CHECK goes with it
            _copy(cursor, old, table, _columns(cursor, table))
            cursor.execute(f"ALTER TABLE {table} ADD CONSTRAINT {table}_pkey PRIMARY KEY ({pkey})")
            if unique:
                cursor.execute(f"ALTER TABLE {table} ADD CONSTRAINT {unique}")
            for definition in indexes:
                cursor.execute(definition)
            if table == VALUE:
                for definition in VALUE_TRIGGERS.values():
                    cursor.execute(definition)
            _identity_continue(cursor, table)
            cursor.execute(f"DROP TABLE {old}")  # its partitions go with it


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
