#!/usr/bin/env python
"""The rollup rebuild: one statement over every raw value against `rebuild_rollups`' batches (province × year,
at most 10 communes each, one short transaction per batch), on the same database in the same run.

A synthetic province (`bench/generate.py`: communes × 24 villages × 80 monthly data elements × years) is
bulk-loaded, then: the full rebuild (`rollup_rebuild`), timed; the rollups kept; the batched rebuild
(`rollup_rebuild_batches`), timed batch by batch; both results compared row for row (asserted equal).

    .venv/bin/python bench/rollup_bench.py                                   # SQLite, then PostgreSQL
    .venv/bin/python bench/rollup_bench.py --database postgres --communes 166 --years 3   # Thanh Hóa

Fresh databases: PostgreSQL `xaso_bench_rollup` on --pg-url, SQLite `bench/out/rollup.sqlite3`; the JSON of
each run lands in `bench/out/rollup-<database>.json`.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "bench" / "out"
PG_DATABASE = "xaso_bench_rollup"
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))


def parse_args(argv=None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--database", choices=["all", "sqlite", "postgres"], default="all")
    p.add_argument("--communes", type=int, default=20)
    p.add_argument("--villages", type=int, default=24)
    p.add_argument("--elements", type=int, default=80)
    p.add_argument("--years", type=int, default=2)
    p.add_argument("--pg-url", default=os.environ.get("BENCH_PG_URL", "postgres://postgres@127.0.0.1:5432"))
    return p.parse_args(argv)


def database_prepare(args) -> str:
    from bench.run import fresh_database

    return fresh_database(args, pg_name=PG_DATABASE, sqlite_name="rollup.sqlite3")


def rollup_rows() -> list[tuple]:
    from xaso.indicators.models import ElementRollup

    return sorted(ElementRollup.objects.values_list("data_element_id", "unit_id", "period_id", "value", "value_count"))


def run_one(args) -> dict:
    os.environ["DATABASE_URL"] = database_prepare(args)
    os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings.test"
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from bench import generate
    from bench.run import analyse, machine
    from xaso.indicators import rollup

    call_command("migrate", verbosity=0, interactive=False)
    prov = generate.province_create(
        communes=args.communes, villages=args.villages, elements=args.elements, years=args.years
    )
    loaded = generate.bulk_load(prov, generate.bulk_rows(prov, skip=set()))
    analyse(connection)
    say = f"[{args.database}]"
    print(f"{say} {loaded:,} values loaded", flush=True)
    started = time.perf_counter()
    rollup.rollup_rebuild()
    full_s = time.perf_counter() - started
    full = rollup_rows()
    print(f"{say} full rebuild: {full_s:.2f} s, {len(full):,} rollups (one transaction)", flush=True)
    started = time.perf_counter()
    batches = rollup.rollup_rebuild_batches()
    batched_s = time.perf_counter() - started
    assert rollup_rows() == full, "the batched rebuild differs from the full rebuild"
    seconds = [b.seconds for b in batches]
    result = {
        "database": args.database, "machine": machine(), "values": loaded, "rollups": len(full),
        "full_rebuild_s": full_s, "batched_total_s": batched_s, "batches": len(batches),
        "batch_median_s": statistics.median(seconds), "batch_max_s": max(seconds),
        "communes_per_batch": rollup.BATCH_COMMUNES, "args": vars(args),
    }  # fmt: skip
    print(
        f"{say} batched rebuild: {batched_s:.2f} s in {len(batches)} batches (province × year × ≤"
        f" {rollup.BATCH_COMMUNES} communes): median {result['batch_median_s'] * 1000:.0f} ms, longest"
        f" {result['batch_max_s'] * 1000:.0f} ms; identical to the full rebuild",
        flush=True,
    )
    (OUT / f"rollup-{args.database}.json").write_text(json.dumps(result, indent=2))
    return result


def main(argv=None) -> None:
    from bench.run import bench_main

    args = parse_args(argv)
    bench_main(args, __file__, run_one, ["--communes", str(args.communes), "--villages", str(args.villages),
                                       "--elements", str(args.elements), "--years", str(args.years)])  # fmt: skip


if __name__ == "__main__":
    main()
