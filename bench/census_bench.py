#!/usr/bin/env python
"""The household census of a large commune (8,500 households, 30,000 people, 20 villages) aggregated into figures.

Measured, each next to a bare `GROUP BY` over the census tables in the same run (one `COUNT(*)` per village over
the households and one over the people: the least any aggregation must read):

1. **counts**: `village_counts` for every village of the commune — two GROUP BY queries with a conditional count
   per data element over the JSON answers (the aggregation itself, no write);
2. **full re-aggregation**: `census_refresh(commune=…)` — counts, the typed-vs-census rule (last source of every
   cell), `values_write` of 20 villages × 21 elements with the validation rules of the real catalog, history,
   rollups; before each repeat one household per village changes (untimed) so every village's figures change;
3. **one household's change**: `household_submit` of an update (one answer flipped, fresh base version): parsing,
   authorisation, idempotency, the field merge, history, and its village's refresh — against the same bare
   GROUP BY restricted to that village.

    .venv/bin/python bench/census_bench.py                             # SQLite, then PostgreSQL if one answers
    .venv/bin/python bench/census_bench.py --database postgres --repeats 20

Aims (issue 14): full re-aggregation < 1 s, one household's change < 50 ms. The databases are created afresh:
PostgreSQL `xaso_bench_census` on --pg-url, SQLite `bench/out/census.sqlite3`; JSON in `bench/out/census-<db>.json`.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import sys
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "bench" / "out"
PG_DATABASE = "xaso_bench_census"
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

#: share of "yes" per question, roughly the seeds' baseline (003: fibre 70.6%, smartphones 75% of adults…)
YES = {
    "fibre": 0.7, "mobile_covered": 0.95, "smart_device": 0.85, "cashless_electricity": 0.5, "sms_registered": 0.8,
    "vneid": 0.8, "ehr": 0.6, "smartphone": 0.75, "bank_account": 0.7, "epayment_account": 0.55,
    "cashless_payment": 0.5, "online_public_services": 0.4, "digital_signature": 0.1, "digital_skills": 0.5,
}  # fmt: skip


def parse_args(argv=None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--database", choices=["all", "sqlite", "postgres"], default="all")
    p.add_argument("--households", type=int, default=8_500)
    p.add_argument("--people", type=int, default=30_000)
    p.add_argument("--villages", type=int, default=20)
    p.add_argument("--repeats", type=int, default=10)
    p.add_argument("--pg-url", default=os.environ.get("BENCH_PG_URL", "postgres://postgres@127.0.0.1:5432"))
    p.add_argument("--pg-database", default=PG_DATABASE, help="the PostgreSQL database created afresh for the run")
    return p.parse_args(argv)


def summary(samples: list[float]) -> dict:
    ordered = sorted(samples)
    return {"median_ms": statistics.median(ordered) * 1000, "max_ms": ordered[-1] * 1000}


def run_one(args) -> dict:
    from bench.run import fresh_database

    os.environ["DATABASE_URL"] = fresh_database(args, pg_name=args.pg_database, sqlite_name="census.sqlite3")
    os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings.test"
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.utils import timezone

    from bench.run import Phases, machine
    from xaso.accounts.models import Role, User
    from xaso.census import figures as census_figures
    from xaso.census import questions as q
    from xaso.census.figures import census_refresh, village_counts
    from xaso.census.models import Household, Person
    from xaso.census.services import household_submit
    from xaso.geo.models import AdminUnit, Level
    from xaso.indicators.catalog import catalog_load
    from xaso.indicators.models import DataValue

    call_command("migrate", verbosity=0, interactive=False)
    catalog_load()
    rng = random.Random(14)
    year = timezone.localdate().year
    province = AdminUnit.objects.create(code="75", official_code="75", name="Tỉnh Mẫu", division_type="tỉnh",
                                        level=Level.PROVINCE, path="/75/", data_version="bench")  # fmt: skip
    province.province = province
    province.save()
    commune = AdminUnit.objects.create(code="26296", official_code="26296", name="Xã Mẫu", division_type="xã",
                                       level=Level.COMMUNE, parent=province, province=province,
                                       path="/75/26296/", data_version="bench")  # fmt: skip
    commune.commune = commune
    commune.save()
    villages = [
        AdminUnit.objects.create(code=f"26296-{i:03d}", official_code=f"26296-{i:03d}", name=f"Ấp {i}",
                                 division_type="ấp", level=Level.VILLAGE, parent=commune, province=province,
                                 commune=commune, path=f"/75/26296/26296-{i:03d}/", data_version="bench")
        for i in range(1, args.villages + 1)
    ]  # fmt: skip
    officer = User.objects.create_user(username="officer", role=Role.COMMUNE_OFFICER, unit=commune)
    form = q.version_get()
    now = timezone.now()
    started = time.perf_counter()
    households = [
        Household(
            village=villages[n % len(villages)], commune=commune, uid=uuid.uuid4(), head_name=f"Chủ hộ {n}",
            address=f"Xóm {n % 7}", form_version=form.version, recorded_at=now, consent_method="verbal",
            consent_at=now, answers=(answers := {x.key: rng.random() < YES[x.key] for x in form.household}),
            yes_mask=q.yes_mask("household", answers),
        )
        for n in range(args.households)
    ]  # fmt: skip
    Household.objects.bulk_create(households, batch_size=2000)
    people = []
    for n in range(args.people):
        household = households[n % len(households)]  # every household gets one, most three or four
        age = rng.choice(range(0, 90))
        people.append(Person(
            household=household, village=household.village, uid=uuid.uuid4(), full_name=f"Người {n}",
            birth_year=year - age, form_version=form.version,
            answers=(answers := {x.key: rng.random() < YES[x.key] for x in form.person}),
            yes_mask=q.yes_mask("person", answers),
        ))  # fmt: skip
    Person.objects.bulk_create(people, batch_size=2000)
    print(f"[{args.database}] loaded {args.households:,} households, {args.people:,} people in "
          f"{time.perf_counter() - started:.1f} s", flush=True)  # fmt: skip
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT version()" if connection.vendor == "postgresql" else "SELECT 'SQLite ' || sqlite_version()"
        )
        server = cursor.fetchone()[0]
        if connection.vendor == "postgresql":
            cursor.execute("VACUUM ANALYZE census_household")
            cursor.execute("VACUUM ANALYZE census_person")
        else:
            cursor.execute("ANALYZE")

    def bare_group_by(village_ids: list[int]) -> float:
        marks = ",".join(["%s"] * len(village_ids))
        began = time.perf_counter()
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT village_id, COUNT(*) FROM census_household WHERE village_id IN ({marks}) "
                           "GROUP BY village_id", village_ids)  # fmt: skip
            cursor.fetchall()
            cursor.execute(f"SELECT village_id, COUNT(*) FROM census_person WHERE village_id IN ({marks}) "
                           "GROUP BY village_id", village_ids)  # fmt: skip
            cursor.fetchall()
        return time.perf_counter() - began

    ids = [v.id for v in villages]
    first_run = time.perf_counter()
    written = census_refresh(commune=commune)
    first_run = time.perf_counter() - first_run
    assert written == len(villages) * len(q.counted_elements()), written
    total = sum(DataValue.objects.filter(unit__in=villages, data_element__code="households_total",
                                         period__code=str(year)).values_list("value", flat=True))  # fmt: skip
    assert total == args.households, total
    samples: dict[str, list[float]] = {}
    phases = Phases()  # where one household's change spends its time
    phases.wrap(census_figures, "village_counts", "census counts")
    phases.wrap(census_figures, "cell_rules", "typed-vs-census rule")
    phases.wrap(census_figures, "values_write", "values_write (validation, history, rollups)")
    breakdown = []
    round_trips: list[int] = []  # statements one household's change sends through Django
    for repeat in range(args.repeats):
        samples.setdefault("bare GROUP BY (commune)", []).append(bare_group_by(ids))
        began = time.perf_counter()
        village_counts(ids, year)
        samples.setdefault("counts (commune)", []).append(time.perf_counter() - began)
        for village in villages:  # one household per village changes: every village's figures change
            household = Household.objects.filter(village=village).order_by("id")[repeat]
            household.answers["fibre"] = not household.answers["fibre"]
            Household.objects.filter(pk=household.pk).update(
                answers=household.answers, yes_mask=q.yes_mask("household", household.answers)
            )
        began = time.perf_counter()
        census_refresh(commune=commune)
        samples.setdefault("full re-aggregation", []).append(time.perf_counter() - began)
        village = villages[repeat % len(villages)]
        samples.setdefault("bare GROUP BY (village)", []).append(bare_group_by([village.id]))
        household = Household.objects.filter(village=village).order_by("-id")[repeat]
        fibre_before = DataValue.objects.get(unit=village, data_element__code="households_fibre",
                                             period__code=str(year)).value  # fmt: skip
        flipped = not household.answers["fibre"]
        record = {"client_id": str(uuid.uuid4()), "uid": str(household.uid), "village": village.code,
                  "form_version": form.version, "base_version": household.version,
                  "fields": {"answers": {"fibre": flipped}}, "members": [],
                  "recorded_at": timezone.now().isoformat()}  # fmt: skip
        phases.reset()
        statements: list[str] = []

        def counted(execute, sql, *rest, statements=statements):
            statements.append(sql)
            return execute(sql, *rest)

        with connection.execute_wrapper(counted):
            began = time.perf_counter()
            result = household_submit(user=officer, record=record)
            samples.setdefault("one household's change", []).append(time.perf_counter() - began)
        round_trips.append(len(statements))
        breakdown.append(phases.reset())
        assert result.status == "updated", result
        fibre_after = DataValue.objects.get(unit=village, data_element__code="households_fibre",
                                            period__code=str(year)).value  # fmt: skip
        assert fibre_after == fibre_before + (1 if flipped else -1), (fibre_before, fibre_after)
    medians = {name: summary(runs) for name, runs in samples.items()}
    for name, values in medians.items():
        print(f"[{args.database}] {name:26s} median {values['median_ms']:8.1f} ms  max {values['max_ms']:8.1f} ms")
    parts = {k: statistics.median(b.get(k, 0.0) for b in breakdown) * 1000 for k in breakdown[0]}
    print(f"[{args.database}] one household's change, median ms by part: "
          + ", ".join(f"{k} {v:.1f}" for k, v in parts.items()))  # fmt: skip
    print(f"[{args.database}] one household's change: {statistics.median(round_trips):.0f} statements "
          "(savepoints included; BEGIN and COMMIT not)")  # fmt: skip
    print(f"[{args.database}] first full aggregation (every figure new): {first_run * 1000:.0f} ms")
    print(f"[{args.database}] load average during the run: " + " ".join(f"{x:.2f}" for x in os.getloadavg()))
    aims = {
        "full re-aggregation < 1 s": medians["full re-aggregation"]["median_ms"] < 1000,
        "one household's change < 50 ms": medians["one household's change"]["median_ms"] < 50,
    }
    print(f"[{args.database}] aims: " + ", ".join(f"{k}: {'met' if v else 'MISSED'}" for k, v in aims.items()))
    result = {"database": args.database, "server": server, "machine": machine(), "load": os.getloadavg(),
              "households": args.households, "people": args.people, "villages": args.villages,
              "repeats": args.repeats, "first_full_ms": first_run * 1000, "results": medians,
              "change_parts_ms": parts, "change_statements": statistics.median(round_trips), "aims": aims,
              "samples_s": samples}  # fmt: skip
    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / f"census-{args.database}.json").write_text(json.dumps(result, indent=2))
    return result


def main(argv=None) -> None:
    from bench.run import bench_main

    args = parse_args(argv)
    bench_main(args, __file__, run_one, ["--households", str(args.households), "--people", str(args.people),
                                       "--villages", str(args.villages), "--repeats", str(args.repeats),
                                       "--pg-database", args.pg_database])  # fmt: skip


if __name__ == "__main__":
    main()
