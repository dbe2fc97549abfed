"""PostgreSQL: the rollups' unique index also carries the value (`INCLUDE (value)`), so that reading a period's
elements for a province's communes is an index-only scan instead of one heap page per figure (docs/decisions/0064).

Built beside the old index without blocking writes (`CREATE UNIQUE INDEX CONCURRENTLY`: the migration is not
atomic), then swapped in under the constraint's name in one short `ALTER TABLE`. SQLite reads the same rows through
its own index and is left as it is. Django's state keeps `unique_element_rollup` as the plain UniqueConstraint it is
on every database: its keys, and so its meaning, are the same.
"""

from django.db import migrations

TABLE = "indicators_elementrollup"
KEYS = "(period_id, data_element_id, unit_id)"


def _swap(schema_editor, include: str) -> None:
    if schema_editor.connection.vendor != "postgresql":
        return
    with schema_editor.connection.cursor() as cursor:
        cursor.execute("DROP INDEX IF EXISTS unique_element_rollup_next")  # a build interrupted earlier
        cursor.execute(f"CREATE UNIQUE INDEX CONCURRENTLY unique_element_rollup_next ON {TABLE} {KEYS}{include}")
        cursor.execute(
            f"ALTER TABLE {TABLE} DROP CONSTRAINT unique_element_rollup, "
            "ADD CONSTRAINT unique_element_rollup UNIQUE USING INDEX unique_element_rollup_next"
        )


def forwards(apps, schema_editor):
    _swap(schema_editor, " INCLUDE (value)")


def backwards(apps, schema_editor):
    _swap(schema_editor, "")


class Migration(migrations.Migration):
    atomic = False

    dependencies = [
        ("indicators", "0010_change_sources_census_teams"),
    ]

    operations = [migrations.RunPython(forwards, backwards, elidable=False)]
