"""Saving a commune's imported dossiers set-based: staged in one load, compared and written by a few statements.

A large commune's year is 50,000 dossiers (docs/BENCHMARKS.md, "Dossier register"); comparing them one by one in
Python with the stored rows and writing them through the ORM took seconds. Here the incoming dossiers, already
checked (`DossierRegister._check`) and typed, are loaded into a temporary staging table — PostgreSQL `COPY` (binary),
SQLite one `executemany` (`_stage`, the one backend-specific step) — and the rest is portable SQL:

1. the stored dossiers of the commune whose code is staged and whose mapped fields differ (null-safe) are read with
   their old and new values: only these few rows come back to Python, for their history (`DossierChange`) and the
   months their counts leave and enter;
2. the months of the new dossiers (received, finished) are read grouped;
3. one `UPDATE … FROM` writes the changed dossiers' mapped fields, one `INSERT … SELECT … WHERE NOT EXISTS` adds the
   new ones. A field the file's layout does not map is neither compared nor written: it keeps its value.

Everything runs inside the import's transaction: a failure leaves nothing, the staging table included.
"""

from __future__ import annotations

from datetime import date

from django.db import connection

from xaso.registers.spec import SaveResult

from .models import Dossier, DossierChange

_STAGE = "dossier_import_stage"
_PG_TYPES = {"CharField": "text", "DateField": "date", "BooleanField": "bool", "ForeignKey": "int8"}


def _month(day) -> date | None:
    return day.replace(day=1) if day else None


def _plain(value: object) -> object:
    return value.isoformat() if isinstance(value, date) else value


def _stage(cursor, fields: list, rows: list[tuple]) -> None:
    """Load `rows` (code, then `fields`' values) into the temporary staging table."""
    names = ["code", *(f.column for f in fields)]
    cursor.execute(f"DROP TABLE IF EXISTS {_STAGE}")
    if connection.vendor == "postgresql":
        types = ["text", *(_PG_TYPES[f.get_internal_type()] for f in fields)]
        columns = ", ".join(f"{n} {t}" for n, t in zip(names, types, strict=True))
        cursor.execute(f"CREATE TEMPORARY TABLE {_STAGE} ({columns}) ON COMMIT DROP")
        with cursor.cursor.copy(f"COPY {_STAGE} ({', '.join(names)}) FROM STDIN (FORMAT BINARY)") as copy:
            copy.set_types(types)
            for row in rows:
                copy.write_row(row)
        cursor.execute(f"ANALYZE {_STAGE}")
        return
    cursor.execute(f"CREATE TEMPORARY TABLE {_STAGE} ({', '.join(names)})")
    dated = [i + 1 for i, f in enumerate(fields) if f.get_internal_type() == "DateField"]
    if dated:  # SQLite keeps dates as ISO text, as Django writes them
        rows = [tuple(v.isoformat() if i in dated and v is not None else v for i, v in enumerate(row)) for row in rows]
    marks = ", ".join(["%s"] * len(names))
    cursor.executemany(f"INSERT INTO {_STAGE} ({', '.join(names)}) VALUES ({marks})", rows)
    cursor.execute(f"CREATE UNIQUE INDEX {_STAGE}_code ON {_STAGE} (code)")


def dossiers_upsert(*, unit, rows: list[tuple], stored: tuple[str, ...], mapped: set[str], register_import,
                    now, personal: frozenset[str] = frozenset()) -> SaveResult:  # fmt: skip
    """Insert the new dossiers of `rows` (code, then the values of `stored` in order) into the commune `unit`'s
    register and update the stored ones whose `mapped` fields differ, recording each change. Codes are unique
    within `rows` (checked before). A `personal` field's change is recorded without its values (`None`): the
    history never holds an applicant's name or ID number, so turning their storage off erases them all."""
    table = Dossier._meta.db_table
    fields = [Dossier._meta.get_field(name) for name in stored]
    compared = [f for f in fields if f.attname in mapped]
    distinct = "IS NOT" if connection.vendor == "sqlite" else "IS DISTINCT FROM"

    def differs(target: str) -> str:
        return " OR ".join(f"{target}.{f.column} {distinct} s.{f.column}" for f in compared)

    import_id = register_import.pk if register_import is not None else None
    stamp = connection.ops.adapt_datetimefield_value(now)
    saved = SaveResult()
    with connection.cursor() as cursor:
        _stage(cursor, fields, rows)
        # 1. the dossiers that change, old and new values
        changed: list[tuple[int, dict]] = []
        day_field = Dossier._meta.get_field("received_on")
        if compared:
            old = ", ".join(f"d.{f.column}" for f in compared)
            new = ", ".join(f"s.{f.column}" for f in compared)
            cursor.execute(
                f"SELECT d.id, d.received_on, d.finished_on, {old}, {new} FROM {table} d "
                f"JOIN {_STAGE} s ON s.code = d.code WHERE d.unit_id = %s AND ({differs('d')})",
                [unit.pk],
            )
            width = len(compared)
            for row in cursor.fetchall():
                diff = {}
                for i, f in enumerate(compared, start=3):
                    before, after = f.to_python(row[i]), f.to_python(row[width + i])
                    if before != after:
                        diff[f.attname] = (before, after)
                changed.append((row[0], diff))
                # the months the dossier is counted in, before and after: its counts leave one and enter the other
                received, finished = day_field.to_python(row[1]), day_field.to_python(row[2])
                for day in (received, finished, diff.get("received_on", (0, received))[1],
                            diff.get("finished_on", (0, finished))[1]):  # fmt: skip
                    if day:
                        saved.months.add(_month(day))
        # 2. the months of the new dossiers
        absent = f"NOT EXISTS (SELECT 1 FROM {table} d WHERE d.unit_id = %s AND d.code = s.code)"
        cursor.execute(
            f"SELECT s.received_on, s.finished_on FROM {_STAGE} s WHERE {absent} GROUP BY s.received_on, s.finished_on",
            [unit.pk],
        )
        for received, finished in cursor.fetchall():
            saved.months.update(m for m in (_month(day_field.to_python(received)),
                                            _month(day_field.to_python(finished))) if m)  # fmt: skip
        # 3. write
        if changed:
            assignments = ", ".join(f"{f.column} = s.{f.column}" for f in compared)
            cursor.execute(
                f"UPDATE {table} SET {assignments}, last_import_id = %s, updated_at = %s FROM {_STAGE} s "
                f"WHERE {table}.unit_id = %s AND {table}.code = s.code AND ({differs(table)})",
                [import_id, stamp, unit.pk],
            )
        columns, values = ", ".join(f.column for f in fields), ", ".join("s." + f.column for f in fields)
        cursor.execute(
            f"INSERT INTO {table} (unit_id, code, {columns}, last_import_id, created_at, updated_at) "
            f"SELECT %s, s.code, {values}, %s, %s, %s FROM {_STAGE} s WHERE {absent}",
            [unit.pk, import_id, stamp, stamp, unit.pk],
        )
        saved.created = cursor.rowcount
        cursor.execute(f"DROP TABLE {_STAGE}")
    DossierChange.objects.bulk_create(
        [
            DossierChange(dossier_id=pk, register_import=register_import,
                          changes={name: None if name in personal else [_plain(a), _plain(b)]
                                   for name, (a, b) in diff.items()})
            for pk, diff in changed
        ],
        batch_size=1000,
    )  # fmt: skip
    saved.updated = len(changed)
    saved.unchanged = len(rows) - saved.created - saved.updated
    return saved
