#!/usr/bin/env python
"""xaso benchmark: bulk import throughput, the province table and the cost of keeping rollups fresh.

Each figure is measured next to a baseline in the same run:

- import through the real path (`values_write`, commune-year files of villages × months × elements)
  against PostgreSQL `COPY` (SQLite: `executemany`) of the same rows into a staging copy of the value table;
- the province table (`indicator_values`, N indicators × every commune × one year) against a hand-written
  SQL GROUP BY over the raw values computing the same ratios (the bench asserts both agree);
- one edit in one commune: the write with its rollup refresh, and the very next read showing it;
- the province view (plans issue, `bench/province_view.py`): the province page and the province scorecard
  rendered through Django's test `Client` as an analyst, against the same GROUP BY for the same figures.

    .venv/bin/python bench/run.py                      # `make bench`: small size, every database available
    .venv/bin/python bench/run.py --database postgres --communes 166    # Thanh Hóa, about 11.5 million values
    .venv/bin/python bench/run.py --database postgres --communes 1660   # 10×, the national picture

The database is created afresh: PostgreSQL `xaso_bench` on --pg-url (never the one in DATABASE_URL),
SQLite `bench/out/bench.sqlite3`. Results are also written to `bench/out/results-<database>-<size>.json`.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import platform
import statistics
import subprocess
import sys
import time
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "bench" / "out"
PG_DATABASE = "xaso_bench"
if str(ROOT) not in sys.path:  # `bench.province_view` for the tables, also in the parent of `--database all`
    sys.path.insert(0, str(ROOT))


def parse_args(argv=None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--communes", type=int, default=20, help="communes in the province (Thanh Hóa: 166)")
    p.add_argument("--villages", type=int, default=24, help="villages per commune")
    p.add_argument("--elements", type=int, default=80, help="data elements (even: denominator/numerator pairs)")
    p.add_argument("--years", type=int, default=3, help="years of monthly values")
    p.add_argument("--indicators", type=int, default=20, help="indicators in the province table")
    p.add_argument("--repeats", type=int, default=20, help="timed runs of each read")
    p.add_argument("--import-files", type=int, default=4, help="commune-year files imported through values_write")
    p.add_argument("--edits", type=int, default=10, help="single-value edits timed")
    p.add_argument("--database", choices=["all", "postgres", "sqlite"], default="all")
    p.add_argument(
        "--pg-url",
        default=os.environ.get("BENCH_PG_URL", "postgres://postgres@127.0.0.1:5432"),
        help=f"PostgreSQL server; the bench creates and drops the database --pg-database ({PG_DATABASE}) on it",
    )
    p.add_argument("--pg-database", default=PG_DATABASE, help="name of the bench's PostgreSQL database")
    p.add_argument("--drop", action="store_true", help="drop the bench database at the end")
    args = p.parse_args(argv)
    if args.import_files > args.communes:
        p.error("--import-files cannot exceed --communes")
    if args.indicators > args.elements // 2:
        p.error("--indicators cannot exceed --elements / 2")
    return args


def size_label(args) -> str:
    return f"{args.communes}x{args.villages}x{args.elements}x{args.years}y"


# ---------------------------------------------------------------------------------------------- timing


def percentile(samples: list[float], q: float) -> float:
    """Nearest-rank percentile (p95 of 20 runs = the 19th fastest)."""
    ordered = sorted(samples)
    return ordered[max(0, math.ceil(q * len(ordered)) - 1)]


class Phases:
    """Time spent inside named functions of the write path (wrapped for the run), per call."""

    def __init__(self):
        self.totals: dict[str, float] = defaultdict(float)

    def wrap(self, module, name: str, label: str | None = None) -> None:
        original = getattr(module, name, None)
        if original is None:
            return
        label = label or name

        def timed(*a, **kw):
            start = time.perf_counter()
            try:
                return original(*a, **kw)
            finally:
                self.totals[label] += time.perf_counter() - start

        setattr(module, name, timed)

    def reset(self) -> dict[str, float]:
        taken = dict(self.totals)
        self.totals.clear()
        return taken


# ---------------------------------------------------------------------------------------------- databases


def pg_admin(url: str):
    import psycopg

    return psycopg.connect(url.rstrip("/") + "/postgres", autocommit=True, connect_timeout=5)


def pg_available(url: str) -> bool:
    try:
        pg_admin(url).close()
    except Exception:  # noqa: BLE001 - any failure means "not available"
        return False
    return True


def run_each_database(args, script: str, options: list[str]) -> None:
    """`script` once per database in its own process (a Django settings module is set up once per process):
    SQLite, then PostgreSQL when a server answers at `args.pg_url`; `options` are passed on to each run."""
    for database in ("sqlite", "postgres"):
        if database == "postgres" and not pg_available(args.pg_url):
            print("[postgres] no server answers at --pg-url: skipped")
            continue
        subprocess.run([sys.executable, script, "--database", database, *options, "--pg-url", args.pg_url], check=True)


def bench_main(args, script: str, run_one, options: list[str]) -> None:
    """A bench script's `main`: `run_one(args)` here for one database, else each database in its own process
    (`run_each_database`, passing `options` on)."""
    if args.database != "all":
        run_one(args)
        return
    run_each_database(args, script, options)


def fresh_database(args, *, pg_name: str, sqlite_name: str) -> str:
    """An empty database for one bench run, as a DATABASE_URL: `pg_name` dropped and created again on
    `args.pg_url` when `args.database` is "postgres", else the SQLite file `bench/out/<sqlite_name>` removed."""
    OUT.mkdir(parents=True, exist_ok=True)
    if args.database == "postgres":
        with pg_admin(args.pg_url) as conn:
            conn.execute(f"DROP DATABASE IF EXISTS {pg_name} WITH (FORCE)")
            conn.execute(f"CREATE DATABASE {pg_name}")
        return f"{args.pg_url.rstrip('/')}/{pg_name}"
    path = OUT / sqlite_name
    for suffix in ("", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
    return f"sqlite:///{path}"


def database_prepare(args) -> str:
    return fresh_database(args, pg_name=args.pg_database, sqlite_name="bench.sqlite3")


def database_drop(args) -> None:
    from django.db import connections

    connections.close_all()
    if args.database == "postgres":
        with pg_admin(args.pg_url) as conn:
            conn.execute(f"DROP DATABASE IF EXISTS {args.pg_database} WITH (FORCE)")
    else:
        for suffix in ("", "-wal", "-shm"):
            Path(f"{OUT / 'bench.sqlite3'}{suffix}").unlink(missing_ok=True)


def machine() -> dict:
    info = {"cpus": os.cpu_count(), "python": platform.python_version(), "platform": platform.platform()}
    try:
        with open("/proc/meminfo") as f:
            kb = int(next(line for line in f if line.startswith("MemTotal")).split()[1])
        info["memory_gb"] = round(kb / 1024 / 1024, 1)
    except (OSError, StopIteration):
        pass
    try:
        with open("/proc/cpuinfo") as f:
            info["cpu"] = next(line.split(":", 1)[1].strip() for line in f if line.startswith("model name"))
    except (OSError, StopIteration):
        pass
    return info


# ---------------------------------------------------------------------------------------------- the run


def run_one(args) -> dict:
    url = database_prepare(args)
    os.environ["DATABASE_URL"] = url
    os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings.test"
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()

    from django.core.management import call_command
    from django.db import connection

    from bench import generate, province_view
    from xaso.indicators import rollup

    results: dict = {"database": args.database, "size": size_label(args), "args": vars(args), "machine": machine()}
    say = Reporter(args.database)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT version()")
        else:
            cursor.execute("SELECT 'SQLite ' || sqlite_version()")
        results["server"] = cursor.fetchone()[0]
    say(f"{results['server']}; size {size_label(args)}")

    started = time.perf_counter()
    call_command("migrate", verbosity=0, interactive=False)
    prov = generate.province_create(
        communes=args.communes, villages=args.villages, elements=args.elements, years=args.years
    )
    last_year = prov.years[-1]
    sample = prov.communes[: args.import_files]
    skip = {(c.id, last_year) for c in sample}
    t = time.perf_counter()
    loaded = generate.bulk_load(prov, generate.bulk_rows(prov, skip=skip))
    load_s = time.perf_counter() - t
    say(f"bulk load: {loaded:,} values in {load_s:.1f} s ({loaded / load_s:,.0f}/s, generator included)")
    analyse(connection)
    t = time.perf_counter()
    rollup.rollup_rebuild()
    rebuild_s = time.perf_counter() - t
    analyse(connection)
    say(f"rollup_rebuild: {rebuild_s:.1f} s")
    results["setup"] = {
        "values_loaded": loaded,
        "bulk_load_s": load_s,
        "rollup_rebuild_s": rebuild_s,
        "setup_s": time.perf_counter() - started,
    }

    results["import"] = measure_import(prov, sample, last_year, say)
    analyse(connection)
    results["read"] = measure_read(prov, args, last_year, say)
    results["province_view"] = province_view.measure(prov, args, say, group_by_sql=group_by_sql, percentile=percentile)
    results["edit"] = measure_edit(prov, args, last_year, say)
    results["total_values"] = count_values()
    results["elapsed_s"] = time.perf_counter() - started
    say(f"done in {results['elapsed_s']:.0f} s; {results['total_values']:,} values in the database")
    return results


class Reporter:
    def __init__(self, name: str):
        self.name = name
        self.start = time.perf_counter()

    def __call__(self, text: str) -> None:
        print(f"[{self.name} {time.perf_counter() - self.start:7.1f}s] {text}", flush=True)


def analyse(connection) -> None:
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # a freshly loaded table: set hint bits and the visibility map now, not during the measurements
            from xaso.indicators.models import DataValue, ElementRollup

            for model in (DataValue, ElementRollup):
                cursor.execute(f"VACUUM (ANALYZE) {model._meta.db_table}")
            cursor.execute("ANALYZE")
        else:
            cursor.execute("ANALYZE")


def count_values() -> int:
    from xaso.indicators.models import DataValue

    return DataValue.objects.count()


# ---------------------------------------------------------------------------------------------- 1. import


def staging_create(connection, name: str, *, with_keys: bool, model=None) -> str:
    """An empty copy of the value table (or of `model`'s): same columns, indexes and unique constraint;
    `with_keys`, also ordinary foreign keys to element, unit and period, checked by the database row by row (what
    xaso's table had before its set-based checks, docs/decisions/0006-set-based-key-checks.md)."""
    import re

    from xaso.indicators.models import DataValue

    model = model or DataValue
    table = model._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE IF EXISTS {name}")
        if connection.vendor == "postgresql":
            cursor.execute(f"CREATE TABLE {name} (LIKE {table} INCLUDING ALL)")  # indexes, not triggers
            if with_keys:
                for field in ("data_element", "unit", "period"):
                    target = model._meta.get_field(field).related_model._meta.db_table
                    cursor.execute(
                        f"ALTER TABLE {name} ADD FOREIGN KEY ({field}_id) REFERENCES {target} (id) "
                        "DEFERRABLE INITIALLY DEFERRED"
                    )
        else:
            cursor.execute("SELECT sql FROM sqlite_master WHERE tbl_name = %s AND sql IS NOT NULL", [table])
            for (sql,) in cursor.fetchall():
                sql = sql.replace(f'"{table}"', f'"{name}"').replace('INDEX "', f'INDEX "{name}_')
                if not with_keys:
                    sql = re.sub(r' REFERENCES "\w+" \("id"\) DEFERRABLE INITIALLY DEFERRED', "", sql)
                cursor.execute(sql)
    return name


def baseline_copy(connection, staging: str, rows: list[tuple], now, *, form: str = "binary") -> float:
    """Seconds to load `rows` into the (emptied) staging copy, in its own transaction.

    PostgreSQL: `form="binary"`, COPY of typed rows in the binary format (its fastest form, the one xaso uses);
    `form="csv"`, COPY of the rows as the CSV text of a file, rendered before the clock starts (what
    `psql \\copy` of the file would do). SQLite: one executemany either way.
    """
    from django.db import transaction

    from xaso.core.models import Period

    columns = "data_element_id, unit_id, period_id, year, value, comment, created_by_id, updated_by_id, created_at, "
    columns += "updated_at"
    years = {pk: start.year for pk, start in Period.objects.values_list("id", "start")}  # the table's partition key
    stamp = connection.ops.adapt_datetimefield_value(now)
    text = ""
    if form == "csv" and connection.vendor == "postgresql":
        text = "".join(f"{e},{u},{p},{years[p]},{v},\"\",{user_id},{user_id},{stamp.isoformat()},{stamp.isoformat()}\n"
                       for e, u, p, v, user_id in rows)  # fmt: skip
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {staging}")
    start = time.perf_counter()
    with transaction.atomic(), connection.cursor() as cursor:
        if connection.vendor == "postgresql" and form == "csv":
            with cursor.cursor.copy(f"COPY {staging} ({columns}) FROM STDIN (FORMAT csv)") as copy:
                copy.write(text)
        elif connection.vendor == "postgresql":
            with cursor.cursor.copy(f"COPY {staging} ({columns}) FROM STDIN (FORMAT BINARY)") as copy:
                copy.set_types(
                    ["int8", "int8", "int8", "int2", "float8", "text", "int8", "int8", "timestamptz", "timestamptz"]
                )
                for e, u, p, v, user_id in rows:
                    copy.write_row((e, u, p, years[p], float(v), "", user_id, user_id, stamp, stamp))
        else:
            cursor.executemany(
                f"INSERT INTO {staging} ({columns}) VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s)",
                [(e, u, p, years[p], float(v), "", user_id, user_id, stamp, stamp) for e, u, p, v, user_id in rows],
            )
    return time.perf_counter() - start


def measure_import(prov, sample, last_year: int, say) -> dict:
    from django.db import connection
    from django.utils import timezone

    from bench import generate
    from xaso.indicators import bulk, models, services
    from xaso.indicators.models import ChangeSource

    staging = staging_create(connection, "bench_copy_staging", with_keys=False)
    staging_keys = staging_create(connection, "bench_copy_staging_keys", with_keys=True)
    element_code = {e.id: e.code for e in prov.elements}
    unit_code = {v.id: v.code for vs in prov.villages.values() for v in vs}
    period_code = {p.id: p.code for p in prov.months}
    phases = Phases()
    for name in ("_check_rows", "periods_ensure", "stored_states", "violations_for_states", "_save", "rollup_refresh"):
        phases.wrap(services, name)  # _save includes rollup_refresh; what is left of the write is mostly COMMIT
    for name in ("_nothing_stored", "_new_insert", "_compare_and_apply", "_rows_copy"):
        phases.wrap(bulk, name)  # inside _save: the direct path for new figures, or the comparison
    out: dict = {"files": [], "values_per_file": None}
    for kind, shift in (("new", 0), ("changed", 1)):
        runs = []
        for commune in sample:
            officer = prov.officers[commune.id]
            raw = list(generate.commune_year_rows(prov, commune, last_year, shift=shift))
            copy_rows = [(*r, officer.id) for r in raw]
            copy_s = baseline_copy(connection, staging, copy_rows, timezone.now())
            copy_keys_s = baseline_copy(connection, staging_keys, copy_rows, timezone.now())
            copy_csv_s = baseline_copy(connection, staging, copy_rows, timezone.now(), form="csv")
            rows = [
                services.ValueInput(
                    element=element_code[e], unit=unit_code[u], period=period_code[p], value=str(v), row=i + 2
                )
                for i, (e, u, p, v) in enumerate(raw)
            ]
            before = models.DataValueChange.objects.count()
            phases.reset()
            start = time.perf_counter()
            result = services.values_write(user=officer, rows=rows, source=ChangeSource.IMPORT)
            write_s = time.perf_counter() - start
            breakdown = phases.reset()
            expected = {"new": (len(raw), 0), "changed": (0, len(raw))}[kind]
            assert (result.created, result.updated) == expected, (kind, result)
            assert models.DataValueChange.objects.count() - before == len(raw)
            runs.append({"commune": commune.code, "values": len(raw), "write_s": write_s, "copy_s": copy_s,
                         "copy_keys_s": copy_keys_s, "copy_csv_s": copy_csv_s, "phases": breakdown})  # fmt: skip
            say(
                f"import {kind} {commune.code}: {len(raw):,} values, values_write {write_s * 1000:.0f} ms "
                f"({len(raw) / write_s:,.0f}/s), COPY {copy_s * 1000:.0f} ms ({len(raw) / copy_s:,.0f}/s), "
                f"with keys {copy_keys_s * 1000:.0f} ms, CSV text {copy_csv_s * 1000:.0f} ms; "
                + ", ".join(f"{k} {v * 1000:.0f}" for k, v in breakdown.items())
            )
            out["values_per_file"] = len(raw)
        values = sum(r["values"] for r in runs)
        out[kind] = {
            "files": len(runs),
            "values": values,
            "write_s": sum(r["write_s"] for r in runs),
            "copy_s": sum(r["copy_s"] for r in runs),
            "values_per_s": values / sum(r["write_s"] for r in runs),
            "copy_values_per_s": values / sum(r["copy_s"] for r in runs),
            "copy_keys_values_per_s": values / sum(r["copy_keys_s"] for r in runs),
            "copy_csv_values_per_s": values / sum(r["copy_csv_s"] for r in runs),
            "refresh_s_median": statistics.median(r["phases"].get("rollup_refresh", 0.0) for r in runs),
            "runs": runs,
        }
    with connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE {staging}")
        cursor.execute(f"DROP TABLE {staging_keys}")
    return out


# ---------------------------------------------------------------------------------------------- 2. read


def province_table(prov, indicator_codes: list[str], period):
    from xaso.geo.models import AdminUnit, Level
    from xaso.indicators.models import Indicator
    from xaso.indicators.selectors import indicator_values

    units = list(AdminUnit.objects.filter(province=prov.province, level=Level.COMMUNE).order_by("code"))
    indicators = list(Indicator.objects.filter(code__in=indicator_codes).order_by("sort_order"))
    return indicator_values(user=prov.analyst, indicators=indicators, units=units, periods=[period])


def group_by_sql(prov, indicators, period) -> tuple[str, list]:
    """The hand-written query: raw village values → commune totals (sum, or each village's latest month
    for stocks) → numerator / denominator × 100, for every commune and indicator at once."""
    from xaso.core.models import Period
    from xaso.geo.models import AdminUnit
    from xaso.indicators.models import DataElement, DataValue

    dv, unit, per, de = (m._meta.db_table for m in (DataValue, AdminUnit, Period, DataElement))
    by_code = {e.code: e.id for e in prov.elements}
    triples = []
    element_ids = []
    for ind in indicators:
        num, den = (code.strip() for code in ind.formula.split("*")[0].split("/"))
        triples.append((ind.id, by_code[num], by_code[den]))
        element_ids += [by_code[num], by_code[den]]
    values_list = ", ".join("(%s, %s, %s)" for _t in triples)
    in_list = ", ".join("%s" for _e in element_ids)
    raw = f"""
        FROM {dv} v
        JOIN {unit} u ON u.id = v.unit_id
        JOIN {per} p ON p.id = v.period_id
        JOIN {de} de ON de.id = v.data_element_id
        WHERE u.province_id = %s AND p.year_id = %s AND p.type = 'month' AND v.data_element_id IN ({in_list})
    """
    sql = f"""
        WITH totals AS (
            SELECT u.commune_id AS commune_id, v.data_element_id AS element_id, SUM(v.value) AS total
            {raw} AND de.aggregation = 'sum'
            GROUP BY u.commune_id, v.data_element_id
            UNION ALL
            SELECT commune_id, element_id, SUM(value)
            FROM (
                SELECT u.commune_id AS commune_id, v.data_element_id AS element_id, v.value AS value,
                       ROW_NUMBER() OVER (PARTITION BY v.data_element_id, v.unit_id ORDER BY p.start DESC) AS rn
                {raw} AND de.aggregation = 'last'
            ) latest
            WHERE rn = 1
            GROUP BY commune_id, element_id
        )
        SELECT n.commune_id, f.column1, n.total / d.total * 100
        FROM (VALUES {values_list}) f
        JOIN totals n ON n.element_id = f.column2
        JOIN totals d ON d.element_id = f.column3 AND d.commune_id = n.commune_id
        WHERE d.total <> 0
    """
    params = [prov.province.id, period.id, *element_ids] * 2  # the two halves of `totals`, then the VALUES
    params += [x for t in triples for x in t]
    return sql, params


def measure_read(prov, args, last_year: int, say) -> dict:
    from django.db import connection

    period = prov.year_periods[last_year]
    indicators = prov.indicators[: args.indicators]
    codes = [i.code for i in indicators]
    sql, params = group_by_sql(prov, indicators, period)

    def baseline():
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            return cursor.fetchall()

    # agreement first (also the warm-up run of each)
    table = province_table(prov, codes, period)
    rows = baseline()
    assert len(rows) == len(prov.communes) * len(indicators), len(rows)
    for commune_id, indicator_id, value in rows:
        mine = table[(commune_id, indicator_id, period.id)].value
        assert mine is not None and math.isclose(mine, value, rel_tol=1e-12), (commune_id, indicator_id, mine, value)
    say(f"province table and GROUP BY agree on {len(rows):,} figures ({len(prov.communes)} communes)")
    mine_s, base_s = [], []
    for _i in range(args.repeats):  # interleaved, so that both see the same machine
        t = time.perf_counter()
        province_table(prov, codes, period)
        mine_s.append(time.perf_counter() - t)
        t = time.perf_counter()
        baseline()
        base_s.append(time.perf_counter() - t)
    out = {
        "cells": len(rows),
        "repeats": args.repeats,
        "median_s": statistics.median(mine_s),
        "p95_s": percentile(mine_s, 0.95),
        "baseline_median_s": statistics.median(base_s),
        "baseline_p95_s": percentile(base_s, 0.95),
        "samples_s": mine_s,
        "baseline_samples_s": base_s,
    }
    say(
        f"province table: median {out['median_s'] * 1000:.1f} ms, p95 {out['p95_s'] * 1000:.1f} ms; "
        f"GROUP BY: median {out['baseline_median_s'] * 1000:.0f} ms, p95 {out['baseline_p95_s'] * 1000:.0f} ms"
    )
    return out


# ---------------------------------------------------------------------------------------------- 3. edit


def measure_edit(prov, args, last_year: int, say) -> dict:
    from xaso.geo.models import AdminUnit
    from xaso.indicators import services
    from xaso.indicators.models import ChangeSource, DataValue
    from xaso.indicators.selectors import element_totals

    phases = Phases()
    phases.wrap(services, "rollup_refresh")
    commune = prov.communes[-1]
    officer = prov.officers[commune.id]
    villages = prov.villages[commune.id]
    year_period = prov.year_periods[last_year]
    months = [p for p in prov.months if p.start.year == last_year]
    indicator_codes = [i.code for i in prov.indicators[: args.indicators]]
    province = AdminUnit.objects.get(id=prov.province.id)
    write_s, refresh_s, read_s = [], [], []
    for i in range(args.edits):
        # alternate a flow (summed over months) and a stock (December is the year's value)
        pair = i % 2
        element = prov.elements[2 * pair]  # the denominator: raising it never breaks numerator ≤ denominator
        period = months[(i * 5) % 12] if pair == 0 else months[-1]
        village = villages[i % len(villages)]
        old = DataValue.objects.get(data_element=element, unit=village, period=period).value
        before = element_totals(elements=[element], units=[commune, province], periods=[year_period])
        phases.reset()
        t = time.perf_counter()
        services.values_write(
            user=officer,
            rows=[services.ValueInput(element=element.code, unit=village.code, period=period.code, value=old + 7)],
            source=ChangeSource.FORM,
        )
        write_s.append(time.perf_counter() - t)
        refresh_s.append(phases.reset().get("rollup_refresh", 0.0))
        t = time.perf_counter()
        table = province_table(prov, indicator_codes, year_period)
        read_s.append(time.perf_counter() - t)
        cell = table[(commune.id, prov.indicators[pair].id, year_period.id)]
        assert cell.inputs[element.code] == before[(commune.id, element.id, year_period.id)] + 7, "edit not visible"
        after = element_totals(elements=[element], units=[commune, province], periods=[year_period])
        assert after[(province.id, element.id, year_period.id)] == before[(province.id, element.id, year_period.id)] + 7
    out = {
        "edits": args.edits,
        "write_median_s": statistics.median(write_s),
        "write_p95_s": percentile(write_s, 0.95),
        "refresh_median_s": statistics.median(refresh_s),
        "refresh_p95_s": percentile(refresh_s, 0.95),
        "next_read_median_s": statistics.median(read_s),
        "visible_in_next_read": True,
    }
    say(
        f"single edit: write {out['write_median_s'] * 1000:.1f} ms median (refresh {out['refresh_median_s'] * 1000:.1f}"
        f" ms), p95 {out['write_p95_s'] * 1000:.1f} ms; visible in the next province read "
        f"({out['next_read_median_s'] * 1000:.1f} ms)"
    )
    return out


# ---------------------------------------------------------------------------------------------- report


def table_rows(r: dict) -> list[tuple[str, str, str, str, str]]:
    """(figure, xaso, baseline, ratio, aim) for one database's results."""
    copy_name = "COPY" if r["database"] == "postgres" else "executemany"
    rows = []
    for kind, label in (("new", "new values"), ("changed", "changed values")):
        imp = r["import"][kind]
        rows.append((
            f"import, {label} (values/s, {imp['files']} × {r['import']['values_per_file']:,})",
            f"{imp['values_per_s']:,.0f}",
            f"{imp['copy_values_per_s']:,.0f} ({copy_name})",
            f"{imp['copy_values_per_s'] / imp['values_per_s']:.1f}× slower",
            "> 50,000/s, ≤ 4× slower",
        ))  # fmt: skip
        if r["database"] == "postgres":
            rows.append((
                "  same, baseline COPY of the file's CSV text",
                "",
                f"{imp['copy_csv_values_per_s']:,.0f} (COPY csv)",
                f"{imp['copy_csv_values_per_s'] / imp['values_per_s']:.1f}× slower",
                "",
            ))  # fmt: skip
        rows.append((
            "  same, baseline with per-row foreign keys",
            "",
            f"{imp['copy_keys_values_per_s']:,.0f} ({copy_name} + keys)",
            f"{imp['copy_keys_values_per_s'] / imp['values_per_s']:.1f}× slower",
            "",
        ))  # fmt: skip
    rd = r["read"]
    rows.append((
        f"province table, median ({rd['cells']:,} figures, {rd['repeats']} runs)",
        f"{rd['median_s'] * 1000:.1f} ms",
        f"{rd['baseline_median_s'] * 1000:,.0f} ms (GROUP BY)",
        f"{rd['baseline_median_s'] / rd['median_s']:.0f}× faster",
        "< 300 ms, ≥ 10× faster",
    ))  # fmt: skip
    rows.append((
        "province table, p95",
        f"{rd['p95_s'] * 1000:.1f} ms",
        f"{rd['baseline_p95_s'] * 1000:,.0f} ms (GROUP BY)",
        f"{rd['baseline_p95_s'] / rd['p95_s']:.0f}× faster",
        "",
    ))  # fmt: skip
    ed = r["edit"]
    rows.append((
        f"one edit, write + refresh (median / p95, {ed['edits']} edits)",
        f"{ed['write_median_s'] * 1000:.1f} / {ed['write_p95_s'] * 1000:.1f} ms",
        f"refresh {ed['refresh_median_s'] * 1000:.1f} / {ed['refresh_p95_s'] * 1000:.1f} ms",
        "visible in next read" if ed["visible_in_next_read"] else "NOT VISIBLE",
        "refresh < 500 ms",
    ))  # fmt: skip
    for kind in ("new", "changed"):
        imp = r["import"][kind]
        per_file = imp["write_s"] / imp["files"]
        rows.append((
            f"commune-year import ({kind}): refresh share (median)",
            f"{imp['refresh_s_median'] * 1000:.0f} ms",
            f"of {per_file * 1000:.0f} ms per file",
            f"{imp['refresh_s_median'] / per_file:.0%}",
            "refresh < 500 ms",
        ))  # fmt: skip
    from bench import province_view

    rows += province_view.table_rows(r)
    st = r["setup"]
    rows.append((
        "setup: bulk load (generator included) / rollup_rebuild",
        f"{st['values_loaded'] / st['bulk_load_s']:,.0f} values/s",
        f"rebuild {st['rollup_rebuild_s']:.1f} s",
        "",
        "",
    ))  # fmt: skip
    return rows


def print_table(r: dict) -> None:
    header = ("figure", "xaso", "baseline", "ratio", "aim")
    rows = [header, *table_rows(r)]
    widths = [max(len(row[i]) for row in rows) for i in range(len(header))]
    print()
    print(f"== {r['server']} — {r['size']} ({r['total_values']:,} values), {r['machine'].get('cpus')} CPUs ==")
    for n, row in enumerate(rows):
        print(" | ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)))
        if n == 0:
            print("-+-".join("-" * w for w in widths))
    print()


def main(argv=None) -> int:
    args = parse_args(argv)
    if args.database == "all":
        databases = ["sqlite"]
        if pg_available(args.pg_url):
            databases.insert(0, "postgres")
        else:
            print(f"PostgreSQL: không có máy chủ tại {args.pg_url}, bỏ qua — no server, skipped", flush=True)
        argv = list(sys.argv[1:] if argv is None else argv)
        status = 0
        for db in databases:  # one process per database: Django is set up once per process
            env = {**os.environ, "XASO_BENCH_CHILD": "1"}
            status |= subprocess.call([sys.executable, __file__, *argv, "--database", db], env=env)
        for db in databases:
            path = OUT / f"results-{db}-{size_label(args)}.json"
            if path.exists():
                print_table(json.loads(path.read_text()))
        return status
    results = run_one(args)
    path = OUT / f"results-{args.database}-{size_label(args)}.json"
    path.write_text(json.dumps(results, indent=2, default=str))
    if not os.environ.get("XASO_BENCH_CHILD"):  # else the parent prints every database's table at the end
        print_table(results)
    print(f"results: {path.relative_to(ROOT)}")
    if args.drop:
        database_drop(args)
    return 0


if __name__ == "__main__":
    sys.exit(main())
