#!/usr/bin/env python
"""Import of a commune-year XLSX file against calamine's bare parse of the same file, on SQLite and PostgreSQL.

The file is what xaso exports for one commune-year (24 villages × 12 months × 80 data elements = 23,040
values, codes and names as text, values as numbers), written by the export itself. Each repeat imports a
different commune's file (new values), interleaved with the baseline. Measured, median of the repeats:

- **bare parse**: `CalamineWorkbook.from_filelike(...).get_sheet_by_index(0).to_python()`: the baseline;
- **bare parse + bare write**: the same parse, then its rows written as xaso stores an import, with no check at
  all — codes looked up in dictionaries made beforehand, the 23,040 figures and their 23,040 history rows loaded
  into empty copies of the two tables (same columns and indexes) by `COPY` (SQLite: `executemany`), committed.
  No import that keeps the figures' history can take less: it is the floor under the import's own time;
- **read**: `table_read`: the bound checks, calamine and the rows turned into `ValueInput`s; and the same
  with every sheet sent to the streaming reader (what every XLSX import did before), asserted to give the
  same rows;
- **check only**: `values_import(check_only=True)` of the new file: read and judged, nothing written;
- **import**: `values_import` of the new file: read, judged, 23,040 values and their history written, rollups
  refreshed, committed; its phases are timed too;
- **re-import**: the same file again: every value unchanged, no history row (asserted).

    .venv/bin/python bench/import_bench.py                                  # SQLite, then PostgreSQL if one answers
    .venv/bin/python bench/import_bench.py --database postgres --repeats 7

Times are wall-clock (the database's own work included) and this process's CPU. The databases are created
afresh: PostgreSQL `xaso_bench_import` on --pg-url, SQLite `bench/out/import.sqlite3`; the JSON of each run is
written to `bench/out/import-<database>.json`.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "bench" / "out"
PG_DATABASE = "xaso_bench_import"
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))


def parse_args(argv=None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--database", choices=["all", "sqlite", "postgres"], default="all")
    p.add_argument("--repeats", type=int, default=5, help="files imported (one commune each)")
    p.add_argument("--villages", type=int, default=24)
    p.add_argument("--elements", type=int, default=80)
    p.add_argument("--pg-url", default=os.environ.get("BENCH_PG_URL", "postgres://postgres@127.0.0.1:5432"))
    return p.parse_args(argv)


def database_prepare(args) -> str:
    from bench.run import fresh_database

    return fresh_database(args, pg_name=PG_DATABASE, sqlite_name="import.sqlite3")


def commune_file(prov, commune, year_: int) -> bytes:
    from bench import generate
    from xaso.indicators import importexport

    elements = {e.id: e for e in prov.elements}
    villages = {v.id: v for v in prov.villages[commune.id]}
    periods = {p.id: p for p in prov.months}
    header = [importexport.HEADERS[k] for k in importexport.EXPORT_KEYS]
    rows = (
        (None, [elements[e].code, elements[e].name, villages[u].code, villages[u].name, periods[p].code, v, ""])
        for e, u, p, v in generate.commune_year_rows(prov, commune, year_)
    )
    return importexport._xlsx_bytes(header, rows)


def bare_write(connection, data: bytes, ids: tuple[dict, dict, dict], stagings: tuple[str, str], user_id: int) -> int:
    """Parse `data` with calamine, then load its rows unchecked into the staging copies of the value and history
    tables in one transaction, as `xaso.indicators.bulk` loads new figures; the rows loaded."""
    from django.db import transaction
    from django.utils import timezone
    from python_calamine import CalamineWorkbook

    from xaso.indicators import bulk

    elements, units, periods = ids
    grid = CalamineWorkbook.from_filelike(io.BytesIO(data)).get_sheet_by_index(0).to_python()
    stamp = connection.ops.adapt_datetimefield_value(timezone.now())
    rows = []
    for cells in grid[1:]:
        period = periods[cells[4]]
        rows.append((elements[cells[0]], units[cells[2]], period[0], period[1], float(cells[5]), cells[6] or ""))
    values, history = stagings
    with transaction.atomic(), connection.cursor() as cursor:
        bulk._rows_copy(cursor, values, bulk._VALUE_COLUMNS,
                        ((e, u, p, y, v, c, user_id, user_id, stamp, stamp) for e, u, p, y, v, c in rows))  # fmt: skip
        bulk._rows_copy(cursor, history, bulk._CHANGE_COLUMNS,
                        ((e, u, p, None, v, c, "import", user_id, stamp) for e, u, p, _y, v, c in rows))  # fmt: skip
    return len(rows)


def stagings_empty(connection, stagings: tuple[str, str]) -> None:
    with connection.cursor() as cursor:
        for table in stagings:
            cursor.execute(f"DELETE FROM {table}")


def timed(function, *args, **kwargs):
    wall, cpu = time.perf_counter(), time.process_time()
    answer = function(*args, **kwargs)
    return answer, time.perf_counter() - wall, time.process_time() - cpu


def run_one(args) -> dict:
    os.environ["DATABASE_URL"] = database_prepare(args)
    os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings.test"
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from python_calamine import CalamineWorkbook

    from bench import generate
    from bench.run import Phases, machine, staging_create
    from xaso.indicators import importexport, services, xlsxcalamine
    from xaso.indicators.models import DataValueChange

    call_command("migrate", verbosity=0, interactive=False)
    prov = generate.province_create(communes=args.repeats, villages=args.villages, elements=args.elements, years=1)
    year_ = prov.years[-1]
    files = [commune_file(prov, c, year_) for c in prov.communes]
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT version()" if connection.vendor == "postgresql" else "SELECT 'SQLite ' || sqlite_version()"
        )
        server = cursor.fetchone()[0]
    from xaso.core.models import Period
    from xaso.geo.models import AdminUnit
    from xaso.indicators.models import DataElement

    ids = (
        dict(DataElement.objects.values_list("code", "id")),
        dict(AdminUnit.objects.values_list("code", "id")),
        {code: (pk, start.year) for code, pk, start in Period.objects.values_list("code", "id", "start")},
    )
    stagings = (
        staging_create(connection, "bench_floor_values", with_keys=False),
        staging_create(connection, "bench_floor_history", with_keys=False, model=DataValueChange),
    )
    phases = Phases()
    phases.wrap(importexport, "table_read")
    for name in ("values_check", "_check_rows", "_rule_errors", "periods_ensure", "_save", "rollup_refresh"):
        phases.wrap(services, name)
    samples: dict[str, list[tuple[float, float]]] = {}
    breakdown: list[dict[str, float]] = []

    def sample(name, seconds):
        samples.setdefault(name, []).append(seconds)

    for commune, data in zip(prov.communes, files, strict=True):
        officer = prov.officers[commune.id]
        _rows, *bare = timed(
            lambda d: CalamineWorkbook.from_filelike(io.BytesIO(d)).get_sheet_by_index(0).to_python(), data
        )
        sample("bare parse", bare)
        written, *floor = timed(bare_write, connection, data, ids, stagings, prov.officers[commune.id].id)
        stagings_empty(connection, stagings)
        sample("bare parse + bare write", floor)
        table, *read = timed(importexport.table_read, data, "so-lieu.xlsx")
        sample("read", read)
        xlsxcalamine.GRID_CELLS, grid = 0, xlsxcalamine.GRID_CELLS  # every sheet streamed: the reader before
        streamed, *before = timed(importexport.table_read, data, "so-lieu.xlsx")
        xlsxcalamine.GRID_CELLS = grid
        assert [(r.row, r.element, r.unit, r.period, r.value) for r in streamed.rows] == [
            (r.row, r.element, r.unit, r.period, r.value) for r in table.rows
        ]
        sample("read, streaming reader", before)
        values = len(table.rows)
        assert written == values, (written, values)
        phases.reset()
        report, *check = timed(importexport.values_import, user=officer, data=data, filename="a.xlsx", check_only=True)
        assert report.is_ok and report.result.created == values, report.errors[:3]
        sample("check only", check)
        phases.reset()
        report, *write = timed(importexport.values_import, user=officer, data=data, filename="a.xlsx")
        breakdown.append(phases.reset())
        assert report.saved and report.result.created == values
        sample("import", write)
        history = DataValueChange.objects.count()
        report, *again = timed(importexport.values_import, user=officer, data=data, filename="a.xlsx")
        assert report.saved and report.result.unchanged == values
        assert DataValueChange.objects.count() == history  # nothing changed: no history
        sample("re-import", again)
        print(
            f"[{args.database}] {commune.code}: {values:,} values, {len(data) / 1024:.0f} KiB; "
            + ", ".join(f"{k} {v[-1][0] * 1000:.0f} ms" for k, v in samples.items()),
            flush=True,
        )
    medians = {
        name: {"wall_s": statistics.median(s[0] for s in runs), "cpu_s": statistics.median(s[1] for s in runs)}
        for name, runs in samples.items()
    }
    phase_medians = {k: statistics.median(b.get(k, 0.0) for b in breakdown) for k in breakdown[0]}
    result = {"database": args.database, "server": server, "machine": machine(), "values": values,
              "file_bytes": len(files[0]), "repeats": args.repeats, "median": medians,
              "import_phases_s": phase_medians, "samples": samples}  # fmt: skip
    bare = medians["bare parse"]
    for name, m in medians.items():
        print(
            f"[{args.database}] {name:22s} wall {m['wall_s'] * 1000:6.0f} ms ({m['wall_s'] / bare['wall_s']:.2f}× bare)"
            f"  cpu {m['cpu_s'] * 1000:6.0f} ms ({m['cpu_s'] / bare['cpu_s']:.2f}× bare)"
        )
    print(f"[{args.database}] import phases (median ms): "
          + ", ".join(f"{k} {v * 1000:.0f}" for k, v in phase_medians.items()))  # fmt: skip
    (OUT / f"import-{args.database}.json").write_text(json.dumps(result, indent=2))
    return result


def main(argv=None) -> None:
    from bench.run import bench_main

    args = parse_args(argv)
    options = ["--repeats", str(args.repeats), "--villages", str(args.villages), "--elements", str(args.elements)]
    bench_main(args, __file__, run_one, options)


if __name__ == "__main__":
    main()
