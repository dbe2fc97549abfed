#!/usr/bin/env python
"""Exchange with a province operations centre: a province-year pulled as JSON and as ADX, and sent back, against
the least work any exporter and importer does, measured in the same run.

The synthetic province of `bench/generate.py` (communes × villages × data elements, one year of monthly figures)
is pulled through the real API as the province's analyst (`/api/v1/exchange/values/`, every page of 1,000;
`/api/v1/exchange/adx/`, one streamed document), then sent back through the real import
(`/api/v1/exchange/values/` with every figure + 1 in batches of --chunk, all updated with their history, the rules
and rollups; then the ADX document pulled before, without its `xaso:updated` stamps, which puts every figure back).
Baselines: the same figures read by one hand-written SQL join and written as JSON text (pull), and `COPY` (SQLite:
`executemany`) of the same rows into an empty copy of the value table (import). Median of the repeats, wall clock.

    .venv/bin/python bench/exchange_bench.py                                  # SQLite, then PostgreSQL if one answers
    .venv/bin/python bench/exchange_bench.py --database postgres --communes 20 --villages 10 --elements 20
    .venv/bin/python bench/exchange_bench.py --database postgres --communes 166 --pull-only --repeats 1  # Thanh Hóa

The databases are created afresh: PostgreSQL `xaso_bench_exchange` (--pg-database) on --pg-url, SQLite
`bench/out/exchange.sqlite3`; the JSON of each run is written to `bench/out/exchange-<database>.json`.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "bench" / "out"
PG_DATABASE = "xaso_bench_exchange"
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))


def parse_args(argv=None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--database", choices=["all", "sqlite", "postgres"], default="all")
    p.add_argument("--communes", type=int, default=20)
    p.add_argument("--villages", type=int, default=10, help="villages per commune")
    p.add_argument("--elements", type=int, default=20, help="data elements (even)")
    p.add_argument("--repeats", type=int, default=3)
    p.add_argument("--chunk", type=int, default=10_000, help="figures per JSON import request (each its own batch)")
    p.add_argument(
        "--pull-only",
        action="store_true",
        help="measure the pulls only (a large province's import is "
        "long); the deep JSON page against page 1 is the point",
    )
    p.add_argument("--pg-url", default=os.environ.get("BENCH_PG_URL", "postgres://postgres@127.0.0.1:5432"))
    p.add_argument("--pg-database", default=PG_DATABASE, help="created afresh (one per person)")
    return p.parse_args(argv)


def _timed(samples: dict, name: str, started: float) -> None:
    samples.setdefault(name, []).append(time.perf_counter() - started)


def pull_json(client, query: dict, pages: list[float] | None = None) -> list[dict]:
    """Every page of 1,000 following `next` (keyset cursors); each page's seconds appended to `pages`."""
    rows, url, params = [], "/api/v1/exchange/values/", {**query, "limit": 1000}
    while url:
        started = time.perf_counter()
        response = client.get(url, params)
        assert response.status_code == 200, response.content[:300]
        page = response.json()
        if pages is not None:
            pages.append(time.perf_counter() - started)
        rows.extend(page["results"])
        url, params = page["next"], None
    return rows


def pull_adx(client, query: dict) -> bytes:
    response = client.get("/api/v1/exchange/adx/", query)
    assert response.status_code == 200, response.content[:300] if not response.streaming else ""
    return b"".join(response.streaming_content)


def deep_page_sql(user, province, year: int) -> dict[str, float]:
    """The database's part of one page of 1,000 at the end of the province-year, read as the old paging did
    (`COUNT(*)` and `OFFSET`, ordered by unit path) and as keyset paging does, next to page 1 of each: seconds."""
    from xaso.exchange.api.paging import page_rows
    from xaso.exchange.periods import period_read
    from xaso.exchange.selectors import figures_for_pull

    values = figures_for_pull(user=user, elements=[], units=[province], subtree=True, periods=[period_read(str(year))])
    total = values.count()
    deep = max(0, (total - 1) // 1000 * 1000 - 1000)  # the start of the last full page
    times = {}
    for name, offset in (("SQL page 1, OFFSET + count (old)", 0), ("SQL deep page, OFFSET + count (old)", deep)):
        started = time.perf_counter()
        values.count()
        list(values[offset : offset + 1000])
        times[name] = time.perf_counter() - started
    keys = values.values_list("unit_id", "period_id", "data_element_id").order_by("unit_id", "period_id",
                                                                                  "data_element_id")  # fmt: skip
    after = tuple(keys[deep - 1]) if deep else None
    for name, key in (("SQL page 1, keyset", None), ("SQL deep page, keyset", after)):
        started = time.perf_counter()
        page_rows(values, after=key, limit=1000)
        times[name] = time.perf_counter() - started
    return times


def baseline_pull(connection, province_path: str, year: int) -> float:
    """Seconds to read the province-year's figures with their codes by one SQL join and write them as JSON."""
    from xaso.indicators.models import DataValue

    started = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute(
            f"""SELECT e.code, u.code, p.code, v.value, v.comment, v.updated_at FROM {DataValue._meta.db_table} v
            JOIN indicators_dataelement e ON e.id = v.data_element_id JOIN geo_adminunit u ON u.id = v.unit_id
            JOIN core_period p ON p.id = v.period_id WHERE u.path LIKE %s AND v.year = %s""",
            [province_path + "%", year],
        )
        rows = cursor.fetchall()
    json.dumps([{"element": e, "unit": u, "period": p, "value": v, "comment": c, "updated_at": str(at)}
                for e, u, p, v, c, at in rows])  # fmt: skip
    return time.perf_counter() - started


def run_one(args) -> dict:
    from bench.run import fresh_database

    os.environ["DATABASE_URL"] = fresh_database(args, pg_name=args.pg_database, sqlite_name="exchange.sqlite3")
    os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings.test"
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection
    from django.utils import timezone
    from rest_framework.test import APIClient

    from bench import generate
    from bench.run import analyse, baseline_copy, machine, staging_create
    from xaso.accounts.models import Role, User
    from xaso.indicators import rollup
    from xaso.indicators.models import DataValue

    settings.ALLOWED_HOSTS = ["testserver"]  # the API is called in process, as the test client does
    call_command("migrate", verbosity=0, interactive=False)
    prov = generate.province_create(communes=args.communes, villages=args.villages, elements=args.elements, years=1)
    year = prov.years[-1]
    loaded = generate.bulk_load(prov, generate.bulk_rows(prov, skip=set()))
    rollup.rollup_rebuild()
    analyse(connection)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT version()" if connection.vendor == "postgresql" else "SELECT 'SQLite ' || sqlite_version()"
        )
        server = cursor.fetchone()[0]
    analyst = User.objects.create_user(username="ioc_analyst", role=Role.ANALYST, unit=prov.province)
    client = APIClient()
    client.force_authenticate(analyst)
    query = {"units": prov.province.code, "subtree": "true", "periods": str(year)}
    staging = staging_create(connection, "bench_exchange_copy", with_keys=False)
    samples: dict[str, list[float]] = {}
    client.get("/api/v1/exchange/values/", {**query, "limit": 1})  # warm: the first request imports the API's code
    for number in range(args.repeats):
        started = time.perf_counter()
        page_times: list[float] = []
        pulled = pull_json(client, query, page_times)
        _timed(samples, "pull JSON", started)
        full = page_times[:-1] or page_times  # the last page may be short
        samples.setdefault("JSON page, first 10 (median)", []).append(statistics.median(full[:10]))
        samples.setdefault(f"JSON page, last 10 of {len(page_times)} (median)", []).append(
            statistics.median(full[-10:])
        )
        for name, seconds in deep_page_sql(analyst, prov.province, year).items():
            samples.setdefault(name, []).append(seconds)
        started = time.perf_counter()
        adx = pull_adx(client, query)
        _timed(samples, "pull ADX", started)
        samples.setdefault("pull baseline (SQL join + JSON)", []).append(
            baseline_pull(connection, prov.province.path, year)
        )
        if args.pull_only:
            print(f"[{args.database}] repeat {number + 1}: {len(pulled):,} figures; "
                  + ", ".join(f"{k} {v[-1] * 1000:.0f} ms" for k, v in samples.items()), flush=True)  # fmt: skip
            continue
        sent = [{"element": r["element"], "unit": r["unit"], "period": r["period"], "value": r["value"] + 1,
                 "updated_at": r["updated_at"]} for r in pulled]  # fmt: skip
        started = time.perf_counter()
        updated = 0
        for at in range(0, len(sent), args.chunk):  # a request body is at most DATA_UPLOAD_MAX_MEMORY_SIZE
            body = {"batch_id": f"bench-{number}-{at}", "values": sent[at : at + args.chunk]}
            response = client.post("/api/v1/exchange/values/", body, format="json")
            assert response.status_code == 200, response.content[:500]
            updated += response.json()["updated"]
        _timed(samples, "import JSON (all updated)", started)
        assert updated == len(pulled)
        unstamped = re.sub(rb' xaso:updated="[^"]*"', b"", adx).replace(b'xaso:batch="', b'xaso:batch="x', 1)
        started = time.perf_counter()
        response = client.post("/api/v1/exchange/adx/", unstamped, content_type="application/adx+xml")
        _timed(samples, "import ADX (all updated)", started)
        assert response.status_code == 200 and response.json()["updated"] == len(pulled), response.content[:500]
        rows = list(DataValue.objects.filter(unit__path__startswith=prov.province.path, year=year)
                    .values_list("data_element_id", "unit_id", "period_id", "value", "updated_by_id"))  # fmt: skip
        samples.setdefault("import baseline (COPY)", []).append(baseline_copy(connection, staging, rows,
                                                                              timezone.now()))  # fmt: skip
        print(f"[{args.database}] repeat {number + 1}: {len(pulled):,} figures, JSON pages "
              f"{len(json.dumps(pulled)) / 2**20:.1f} MiB, ADX {len(adx) / 2**20:.1f} MiB; "
              + ", ".join(f"{k} {v[-1] * 1000:.0f} ms" for k, v in samples.items()), flush=True)  # fmt: skip
    medians = {name: statistics.median(runs) for name, runs in samples.items()}
    for name, seconds in medians.items():
        print(f"[{args.database}] {name:34s} {seconds * 1000:8.0f} ms")
    result = {"database": args.database, "server": server, "machine": machine(), "figures": len(pulled),
              "values_loaded": loaded, "adx_bytes": len(adx), "repeats": args.repeats, "median_s": medians,
              "samples_s": samples, "args": vars(args)}  # fmt: skip
    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / f"exchange-{args.database}.json").write_text(json.dumps(result, indent=2))
    return result


def main(argv=None) -> None:
    from bench.run import bench_main

    args = parse_args(argv)
    bench_main(args, __file__, run_one, ["--communes", str(args.communes), "--villages", str(args.villages),
                                       "--elements", str(args.elements), "--repeats", str(args.repeats),
                                       "--chunk", str(args.chunk), "--pg-database", args.pg_database])  # fmt: skip


if __name__ == "__main__":
    main()
