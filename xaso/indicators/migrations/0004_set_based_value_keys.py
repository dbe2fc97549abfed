"""Fewer indexes on the figure and history tables, and set-based key checks on PostgreSQL.

docs/decisions/0006-set-based-key-checks.md. On PostgreSQL the foreign keys of `indicators_datavalue` (element,
unit, period) are replaced by statement-level triggers that check each distinct key once per statement (and lock
it FOR KEY SHARE, as a foreign key does) instead of once per row; the referenced tables refuse, in the same way,
the deletion of a row figures still point at. SQLite keeps its foreign keys (deferred, cheap there). The model
state keeps `db_constraint=True`: the database does guarantee the reference.

Caution for later migrations: altering these three columns' type or target on PostgreSQL would look for a foreign
key constraint that is not there; recreate the triggers' checks instead (tests in
`xaso/indicators/tests/test_value_keys.py` fail if a reference goes unchecked on either database).
"""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


VALUE_TABLE = "indicators_datavalue"
# column of the figure table → the table it points at
REFERENCES = {"data_element_id": "indicators_dataelement", "unit_id": "geo_adminunit", "period_id": "core_period"}


def _missing(column: str, parent: str, key: str) -> str:
    """The error for a figure whose `column` names no row of `parent`, as a foreign key would word it."""
    return f"""RAISE EXCEPTION 'insert or update on table "{VALUE_TABLE}" violates its reference: key ({column})=(%) '
            'is not present in table "{parent}"', {key}
            USING ERRCODE = 'foreign_key_violation', TABLE = '{VALUE_TABLE}';"""


def _still_referenced(parent: str, action: str, key: str) -> str:
    """The error for a row of `parent` that figures still point at."""
    return f"""RAISE EXCEPTION '{action} on table "{parent}" violates the reference from table "{VALUE_TABLE}": '
            'key (id)=(%) is still referenced', {key}
            USING ERRCODE = 'foreign_key_violation', TABLE = '{parent}';"""


def _child_check(column: str, parent: str) -> str:
    return f"""
    PERFORM 1 FROM {parent} WHERE id = ANY (keys_{column}) FOR KEY SHARE;
    SELECT k INTO missing FROM unnest(keys_{column}) k WHERE NOT EXISTS (SELECT 1 FROM {parent} p WHERE p.id = k) LIMIT 1;
    IF FOUND THEN
        {_missing(column, parent, "missing")}
    END IF;"""


# the statement's rows are read once: the distinct keys of each column, then each key looked up once
CHILD_FUNCTION = f"""
CREATE FUNCTION xaso_datavalue_keys() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE missing bigint; {" ".join(f"keys_{column} bigint[];" for column in REFERENCES)}
BEGIN
    SELECT {", ".join(f"array_agg(DISTINCT {column})" for column in REFERENCES)}
        INTO {", ".join(f"keys_{column}" for column in REFERENCES)} FROM xaso_new;
{"".join(_child_check(column, parent) for column, parent in REFERENCES.items())}
    RETURN NULL;
END $$"""


def _row_check(column: str, parent: str) -> str:
    return f"""
    PERFORM 1 FROM {parent} WHERE id = NEW.{column} FOR KEY SHARE;
    IF NOT FOUND THEN
        {_missing(column, parent, f"NEW.{column}")}
    END IF;"""


# an UPDATE that changes a figure's keys (never done by xaso's writes, which change values) is checked row by
# row: a row trigger whose WHEN clause skips every update that keeps the keys, without a transition table
ROW_FUNCTION = f"""
CREATE FUNCTION xaso_datavalue_keys_row() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
{"".join(_row_check(column, parent) for column, parent in REFERENCES.items())}
    RETURN NEW;
END $$"""
KEYS_CHANGED = " OR ".join(f"OLD.{column} IS DISTINCT FROM NEW.{column}" for column in REFERENCES)


def _parent_functions(column: str, parent: str) -> list[str]:
    """A DELETE of rows figures point at fails, checked once per statement; so does changing the id of such a row,
    row by row, but the WHEN clause lets every update that keeps the id (all of Django's: loading the country's
    units rewrites thousands of rows) through without calling anything."""
    return [
        f"""
CREATE FUNCTION xaso_datavalue_{parent}_kept() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE gone bigint;
BEGIN
    SELECT o.id INTO gone FROM xaso_old o WHERE EXISTS (SELECT 1 FROM {VALUE_TABLE} v WHERE v.{column} = o.id) LIMIT 1;
    IF FOUND THEN
        {_still_referenced(parent, "update or delete", "gone")}
    END IF;
    RETURN NULL;
END $$""",
        f"""CREATE TRIGGER xaso_datavalue_kept_delete AFTER DELETE ON {parent}
            REFERENCING OLD TABLE AS xaso_old FOR EACH STATEMENT EXECUTE FUNCTION xaso_datavalue_{parent}_kept()""",
        f"""
CREATE FUNCTION xaso_datavalue_{parent}_id_kept() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF EXISTS (SELECT 1 FROM {VALUE_TABLE} v WHERE v.{column} = OLD.id) THEN
        {_still_referenced(parent, "update", "OLD.id")}
    END IF;
    RETURN NEW;
END $$""",
        f"""CREATE TRIGGER xaso_datavalue_kept_update BEFORE UPDATE ON {parent}
            FOR EACH ROW WHEN (OLD.id IS DISTINCT FROM NEW.id) EXECUTE FUNCTION xaso_datavalue_{parent}_id_kept()""",
    ]


TRIGGERS = [
    CHILD_FUNCTION,
    f"""CREATE TRIGGER xaso_datavalue_keys_insert AFTER INSERT ON {VALUE_TABLE}
        REFERENCING NEW TABLE AS xaso_new FOR EACH STATEMENT EXECUTE FUNCTION xaso_datavalue_keys()""",
    ROW_FUNCTION,
    f"""CREATE TRIGGER xaso_datavalue_keys_update BEFORE UPDATE ON {VALUE_TABLE}
        FOR EACH ROW WHEN ({KEYS_CHANGED}) EXECUTE FUNCTION xaso_datavalue_keys_row()""",
]
for _column, _parent in REFERENCES.items():
    TRIGGERS += _parent_functions(_column, _parent)


def _value_foreign_keys(schema_editor) -> list[str]:
    with schema_editor.connection.cursor() as cursor:
        constraints = schema_editor.connection.introspection.get_constraints(cursor, VALUE_TABLE)
    return [
        name
        for name, c in constraints.items()
        if c["foreign_key"] and len(c["columns"]) == 1 and c["columns"][0] in REFERENCES
    ]


def keys_to_triggers(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name in _value_foreign_keys(schema_editor):
        schema_editor.execute(f'ALTER TABLE {VALUE_TABLE} DROP CONSTRAINT "{name}"')
    for statement in TRIGGERS:
        schema_editor.execute(statement, params=None)  # no placeholders: RAISE's % stays as it is


def triggers_to_keys(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(f"DROP TRIGGER xaso_datavalue_keys_insert ON {VALUE_TABLE}")
    schema_editor.execute(f"DROP TRIGGER xaso_datavalue_keys_update ON {VALUE_TABLE}")
    schema_editor.execute("DROP FUNCTION xaso_datavalue_keys()")
    schema_editor.execute("DROP FUNCTION xaso_datavalue_keys_row()")
    for parent in REFERENCES.values():
        schema_editor.execute(f"DROP TRIGGER xaso_datavalue_kept_delete ON {parent}")
        schema_editor.execute(f"DROP TRIGGER xaso_datavalue_kept_update ON {parent}")
        schema_editor.execute(f"DROP FUNCTION xaso_datavalue_{parent}_kept()")
        schema_editor.execute(f"DROP FUNCTION xaso_datavalue_{parent}_id_kept()")
    model = apps.get_model("indicators", "DataValue")
    for name in ("data_element", "unit", "period"):
        schema_editor.execute(
            schema_editor._create_fk_sql(model, model._meta.get_field(name), "_fk_%(to_table)s_%(to_column)s")
        )


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0001_initial"),
        ("geo", "0001_initial"),
        ("indicators", "0003_unchecked_author_and_history_keys"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RemoveConstraint(
            model_name="datavalue",
            name="unique_data_value",
        ),
        migrations.RemoveIndex(
            model_name="datavalue",
            name="indicators__unit_id_f3e4f9_idx",
        ),
        migrations.RemoveIndex(
            model_name="datavaluechange",
            name="indicators__data_el_704095_idx",
        ),
        migrations.AlterField(
            model_name="datavalue",
            name="created_by",
            field=models.ForeignKey(
                blank=True,
                db_constraint=False,
                db_index=False,
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
            ),
        ),
        migrations.AlterField(
            model_name="datavalue",
            name="updated_by",
            field=models.ForeignKey(
                blank=True,
                db_constraint=False,
                db_index=False,
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
            ),
        ),
        migrations.AlterField(
            model_name="datavaluechange",
            name="changed_by",
            field=models.ForeignKey(
                blank=True,
                db_constraint=False,
                db_index=False,
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
            ),
        ),
        migrations.AlterField(
            model_name="datavaluechange",
            name="period",
            field=models.ForeignKey(
                db_constraint=False,
                db_index=False,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="+",
                to="core.period",
            ),
        ),
        migrations.AlterField(
            model_name="datavaluechange",
            name="unit",
            field=models.ForeignKey(
                db_constraint=False,
                db_index=False,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="+",
                to="geo.adminunit",
            ),
        ),
        migrations.AddIndex(
            model_name="datavaluechange",
            index=models.Index(fields=["unit", "period", "data_element"], name="datavaluechange_place"),
        ),
        migrations.AddConstraint(
            model_name="datavalue",
            constraint=models.UniqueConstraint(fields=("unit", "period", "data_element"), name="unique_data_value"),
        ),
        migrations.RunPython(keys_to_triggers, triggers_to_keys, elidable=False),
    ]
