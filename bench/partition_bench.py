#!/usr/bin/env python
"""The reads and maintenance that yearly partitions change (docs/decisions/0025-partitioned-values.md), measured on
a database `bench/run.py` left behind (run it without `--drop`), partitioned or not: run it once on the plain
tables, then again after `manage.py migrate indicators 0009` on the same database, for the same figures.

1. the commune page's reads: the entry grid of a commune for a year and of a village for a month;
2. the history of one figure (`value_history`, on a figure the bench's imports changed);
3. the stored figures of one commune-year, as an import compares them (`stored_states` of 24 villages × 12
   months, and the raw rows through the ORM); then a commune-year import of new figures (another commune's
   figures copied to the first year without data), the same file changed, and ten single edits (`values_write`);
4. the province-year summed over the raw values (`GROUP BY`, with and, partitioned, without pruning), and the
   rollup rebuild of one province-year (`rollup_rebuild_batches(province=…, year=…)`);
5. history retention: `--history-rows` changes dated in an old year, then one `DELETE` of them and (partitioned)
   one `DROP TABLE` of their partition, each timed inside a transaction rolled back; then
   `archive_value_history` for real (the gzip file written, the rows deleted or the partition dropped).

    .venv/bin/python bench/run.py --database postgres --communes 166 --import-files 8          # keeps xaso_bench
    .venv/bin/python bench/partition_bench.py --label plain                                    # before
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/xaso_bench .venv/bin/python manage.py migrate indicators
    .venv/bin/python bench/partition_bench.py --label partitioned                              # after

Results are also written to `bench/out/partition-<label>.json`.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))


def parse_args(argv=None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--pg-url", default=os.environ.get("BENCH_PG_URL", "postgres://postgres@127.0.0.1:5432"))
    p.add_argument("--database", default="xaso_bench", help="the database bench/run.py left (default xaso_bench)")
    p.add_argument("--label", default="run", help="name of this run in the output file")
    p.add_argument("--repeats", type=int, default=20, help="timed runs of each read")
    p.add_argument("--history-rows", type=int, default=2_000_000, help="old changes made for the retention test")
    p.add_argument("--skip-rebuild", action="store_true", help="do not time the province-year rollup rebuild")
    return p.parse_args(argv)


def timed(fn, repeats: int) -> dict:
    fn()  # warm-up
    samples = []
    for _i in range(repeats):
        t = time.perf_counter()
        fn()
        samples.append(time.perf_counter() - t)
    ordered = sorted(samples)
    return {"median_ms": statistics.median(samples) * 1000, "p95_ms": ordered[int(0.95 * (len(ordered) - 1))] * 1000}


def main(argv=None) -> dict:
    args = parse_args(argv)
    os.environ["DATABASE_URL"] = f"{args.pg_url.rstrip('/')}/{args.database}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")
    import django

    django.setup()
    from django.db import connection, transaction

    from xaso.accounts.models import User
    from xaso.core.models import Period
    from xaso.core.periods import parse_period
    from xaso.geo.models import AdminUnit, Level
    from xaso.indicators import entry, history, rollup, selectors, validation
    from xaso.indicators.models import DataValue, DataValueChange

    out: dict = {"label": args.label, "database": args.database}

    def say(text: str) -> None:
        print(f"[{args.label}] {text}", flush=True)

    dv, hist = DataValue._meta.db_table, DataValueChange._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute("SELECT relkind FROM pg_class WHERE oid = %s::regclass", [dv])
        out["partitioned"] = cursor.fetchone()[0] == "p"
        cursor.execute(
            "SELECT sum(pg_total_relation_size(c.oid)) FROM pg_class c WHERE c.oid = %s::regclass "
            "OR c.oid IN (SELECT inhrelid FROM pg_inherits WHERE inhparent = %s::regclass)",
            [dv, dv],
        )
        out["value_table_bytes"] = int(cursor.fetchone()[0])
    out["values"] = DataValue.objects.count()
    say(f"{out['values']:,} values; partitioned: {out['partitioned']}; {out['value_table_bytes'] / 2**30:.1f} GiB")

    # the bench's imports: the last year of the first communes, changed once (two history rows per figure)
    changed = DataValueChange.objects.filter(old_value__isnull=False).order_by("id").first()
    commune = AdminUnit.objects.get(id=changed.unit.commune_id)
    officer = User.objects.get(username=f"bench_officer_{commune.code}")
    year = Period.objects.get(id=changed.period.year_id)
    month = changed.period
    village = changed.unit
    say(f"commune {commune.code}, village {village.code}, year {year.code}, month {month.code}")

    out["commune_grid_year"] = timed(
        lambda: entry.entry_grid(user=officer, unit=commune, spec=parse_period(year.code)), args.repeats
    )
    out["village_grid_month"] = timed(
        lambda: entry.entry_grid(user=officer, unit=village, spec=parse_period(month.code)), args.repeats
    )
    say(
        f"entry grid: commune-year {out['commune_grid_year']['median_ms']:.1f} ms, village-month "
        f"{out['village_grid_month']['median_ms']:.1f} ms (median of {args.repeats})"
    )
    element = changed.data_element
    out["history_one_figure"] = timed(
        lambda: list(selectors.value_history(user=officer, element=element, unit=village, period=month)), args.repeats
    )
    say(f"history of one figure: {out['history_one_figure']['median_ms']:.2f} ms")

    villages = list(AdminUnit.objects.filter(commune=commune, level=Level.VILLAGE).values_list("id", flat=True))
    months = list(Period.objects.filter(year_id=year.id, type="month"))
    pairs = [(v, m.id) for v in villages for m in months]
    out["commune_year_states"] = timed(lambda: validation.stored_states(pairs), max(3, args.repeats // 4))
    n = len(list(DataValue.objects.filter(unit_id__in=villages, period__in=months).values_list("value")))
    out["commune_year_rows"] = timed(
        lambda: list(DataValue.objects.filter(unit_id__in=villages, period__in=months).values_list("value")),
        max(3, args.repeats // 4),
    )
    say(
        f"one commune-year's {n:,} stored figures: stored_states {out['commune_year_states']['median_ms']:.0f} ms, "
        f"ORM rows {out['commune_year_rows']['median_ms']:.0f} ms"
    )

    # ---- the province-year over the raw values (what the rollups spare every page): every commune × element
    # summed for the year, joined to the periods; partitioned, also with the year named (pruned to one partition)
    variants = {"joined": ""} | ({"pruned": "AND v.year = %s"} if out["partitioned"] else {})
    for name, extra in variants.items():
        sql = f"""SELECT u.commune_id, v.data_element_id, SUM(v.value) FROM {dv} v
            JOIN {AdminUnit._meta.db_table} u ON u.id = v.unit_id JOIN {Period._meta.db_table} p ON p.id = v.period_id
            WHERE u.province_id = %s AND p.year_id = %s AND p.type = 'month' {extra} GROUP BY 1, 2"""
        params = [commune.province_id, year.id] + ([int(year.code)] if extra else [])
        samples = []
        for _i in range(3):
            with connection.cursor() as cursor:
                t = time.perf_counter()
                cursor.execute(sql, params)
                cells = len(cursor.fetchall())
                samples.append(time.perf_counter() - t)
        out[f"province_year_group_by_{name}_s"] = statistics.median(samples)
        say(f"province-year GROUP BY over raw values ({name}): {statistics.median(samples):.2f} s, {cells:,} sums")

    # ---- writes: a commune-year file of new figures (the next year without data), then the same file changed,
    # then single edits, through values_write
    from xaso.indicators.models import ChangeSource
    from xaso.indicators.services import ValueInput, values_write

    # the year before the first with data (a past year: no future period is accepted); its periods and, when
    # partitioned, its partition made first, as the January `partitions_ensure` would have
    target = int(Period.objects.filter(type="year").order_by("start").values_list("code", flat=True)[0]) - 1
    from xaso.core.models import periods_ensure

    periods_ensure([parse_period(f"{target}-{m:02d}") for m in range(1, 13)])
    if out["partitioned"]:
        from xaso.indicators import partitions

        partitions.partitions_ensure()
    other = AdminUnit.objects.filter(level=Level.COMMUNE, province=commune.province).order_by("-code").first()
    writer = User.objects.get(username=f"bench_officer_{other.code}")
    source_rows = DataValue.objects.filter(
        unit__commune=other, unit__level=Level.VILLAGE, period__year_id=year.id, period__type="month"
    ).values_list("data_element__code", "unit__code", "period__code", "value")
    rows = [(e, u, f"{target}{p[4:]}", v) for e, u, p, v in source_rows]
    for kind, shift in (("new", 0), ("changed", 1)):
        inputs = [ValueInput(element=e, unit=u, period=p, value=str(v + shift), row=i + 2) for i, (e, u, p, v) in
                  enumerate(rows)]  # fmt: skip
        t = time.perf_counter()
        try:
            result = values_write(user=writer, rows=inputs, source=ChangeSource.IMPORT)
        except Exception as exc:
            print(getattr(exc, "errors", [exc])[:3])
            raise
        took = time.perf_counter() - t
        assert (result.created if kind == "new" else result.updated) == len(rows), result
        out[f"import_{kind}_values_per_s"] = len(rows) / took
        say(f"import {kind}: {len(rows):,} values of {other.code} × {target} in {took * 1000:.0f} ms "
            f"({len(rows) / took:,.0f}/s)")  # fmt: skip
    edits = []
    e, u, p, v = rows[0]
    for i in range(10):
        t = time.perf_counter()
        values_write(user=writer, rows=[ValueInput(element=e, unit=u, period=p, value=str(v + 10 + i))])
        edits.append(time.perf_counter() - t)
    out["edit_median_ms"] = statistics.median(edits) * 1000
    say(f"one edit with its rollup refresh: median {out['edit_median_ms']:.1f} ms of 10")

    if not args.skip_rebuild:
        t = time.perf_counter()
        batches = rollup.rollup_rebuild_batches(province=commune.province.code, year=int(year.code))
        out["rebuild_province_year_s"] = time.perf_counter() - t
        out["rebuild_batches"] = len(batches)
        out["rebuild_batch_median_ms"] = statistics.median(b.seconds for b in batches) * 1000
        say(
            f"rollup rebuild of province {commune.province.code} × {year.code}: {out['rebuild_province_year_s']:.1f} s "
            f"({len(batches)} batches, median {out['rebuild_batch_median_ms']:.0f} ms)"
        )

    # ---- retention: changes dated mid-2015, then removed
    old_year = 2015
    with connection.cursor() as cursor:
        cursor.execute(
            f"""INSERT INTO {hist} (data_element_id, unit_id, period_id, old_value, new_value, comment, source,
                changed_by_id, changed_at)
            SELECT data_element_id, unit_id, period_id, value - 1, value, '', 'import', NULL,
                   TIMESTAMPTZ '{old_year}-06-01 08:00:00+07' + (id %% 1000) * INTERVAL '1 minute'
            FROM {dv} LIMIT %s""",
            [args.history_rows],
        )
    if out["partitioned"]:
        from xaso.indicators import partitions

        t = time.perf_counter()
        partitions.partitions_ensure()  # the old year's rows went to DEFAULT: its partition, rows moved in
        out["partitions_ensure_move_s"] = time.perf_counter() - t
        moved_s = out["partitions_ensure_move_s"]
        say(f"partitions_ensure moved {args.history_rows:,} rows out of DEFAULT in {moved_s:.1f} s")
    with connection.cursor() as cursor:
        cursor.execute(f"VACUUM ANALYZE {hist}")
    cutoff = f"{old_year + 1}-01-01 00:00:00+07"
    with transaction.atomic(), connection.cursor() as cursor:
        t = time.perf_counter()
        cursor.execute(f"DELETE FROM {hist} WHERE changed_at < %s", [cutoff])
        out["retention_delete_s"] = time.perf_counter() - t
        out["retention_delete_rows"] = cursor.rowcount
        transaction.set_rollback(True)
    say(f"one DELETE of {out['retention_delete_rows']:,} old changes: {out['retention_delete_s']:.2f} s (rolled back)")
    if out["partitioned"]:
        with transaction.atomic(), connection.cursor() as cursor:
            t = time.perf_counter()
            cursor.execute(f"DROP TABLE {hist}_y{old_year}")
            out["retention_drop_s"] = time.perf_counter() - t
            transaction.set_rollback(True)
        say(f"DROP TABLE of the {old_year} partition: {out['retention_drop_s'] * 1000:.1f} ms (rolled back)")
    with tempfile.TemporaryDirectory() as folder:
        t = time.perf_counter()
        done = history.value_history_archive(before_year=old_year + 1, directory=Path(folder))
        out["archive_s"] = time.perf_counter() - t
        out["archive_rows"] = done.rows
    say(f"archive_value_history --before {old_year + 1}: {done.rows:,} rows archived in {out['archive_s']:.1f} s")
    assert not DataValueChange.objects.filter(changed_at__lt=cutoff).exists()
    (ROOT / "bench" / "out").mkdir(parents=True, exist_ok=True)
    (ROOT / "bench" / "out" / f"partition-{args.label}.json").write_text(json.dumps(out, indent=2))
    return out


if __name__ == "__main__":
    main()
