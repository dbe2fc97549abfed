#!/usr/bin/env python
"""Scoring and ranking every commune of a province under its index, against a bare SQL computation in the same run.

A province of 166 communes (Thanh Hóa's count after the 2025 reorganisation), the national example index
(xaso/dti/data/dti-922-example.yaml, 29 leaves) loaded as the province's, two published years of assessments with
random points per leaf. Measured: `xaso.dti.selectors.ranking` (totals, ranks, the change from the year before,
completion and per-pillar points: four queries plus building the rows) against one hand-written SQL statement
computing the same totals and ranks (SUM(points × factor) GROUP BY commune, RANK() OVER). The bench asserts both
give the same totals and ranks. Median of the repeats, wall clock, warm.

    .venv/bin/python bench/dti_bench.py --database postgres --communes 166
    .venv/bin/python bench/dti_bench.py --database sqlite

The database is created afresh: PostgreSQL `xaso_bench_dti` on --pg-url, SQLite `bench/out/dti.sqlite3`.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))
PG_DATABASE = "xaso_bench_dti"

BARE_SQL = """
SELECT a.commune_id, ROUND(CAST(SUM(s.points * c.factor) AS NUMERIC), 2) AS total,
       RANK() OVER (ORDER BY ROUND(CAST(SUM(s.points * c.factor) AS NUMERIC), 2) DESC) AS rnk
FROM dti_criterionscore s
JOIN dti_criterion c ON c.id = s.criterion_id
JOIN dti_assessment a ON a.id = s.assessment_id
WHERE a.index_id = %s AND a.year = %s AND a.status = 'published'
GROUP BY a.commune_id
"""


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--database", choices=["sqlite", "postgres"], default="postgres")
    p.add_argument("--pg-url", default="postgres://postgres@127.0.0.1:5432")
    p.add_argument("--communes", type=int, default=166)
    p.add_argument("--repeats", type=int, default=7)
    args = p.parse_args()

    from bench.run import fresh_database

    os.environ["DATABASE_URL"] = fresh_database(args, pg_name=PG_DATABASE, sqlite_name="dti.sqlite3")
    os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings.test"
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from xaso.accounts.models import Role, User
    from xaso.dti.loader import EXAMPLE_PATH, index_load, parse_text
    from xaso.dti.models import Assessment, Criterion, CriterionScore, RuleKind
    from xaso.dti.selectors import ranking
    from xaso.geo.models import AdminUnit, Level
    from xaso.indicators.catalog import catalog_load

    call_command("migrate", verbosity=0)
    catalog_load()
    province = AdminUnit.objects.create(code="38", official_code="38", name="Tỉnh Thanh Hóa", division_type="tỉnh",
                                        level=Level.PROVINCE, path="/38/", data_version="bench")  # fmt: skip
    province.province = province
    province.save()
    communes = AdminUnit.objects.bulk_create(
        AdminUnit(code=f"9{i:04d}", official_code=f"9{i:04d}", name=f"Xã {i:03d}", division_type="xã",
                  level=Level.COMMUNE, parent=province, province=province, path=f"/38/9{i:04d}/", data_version="bench")
        for i in range(args.communes)
    )  # fmt: skip
    analyst = User.objects.create_user(username="analyst", password="x", role=Role.ANALYST, unit=province)
    index = index_load(user=analyst, data=parse_text(EXAMPLE_PATH.read_text()), province=province)
    leaves = list(Criterion.objects.filter(index=index).exclude(rule_kind=RuleKind.GROUP))
    rng = random.Random(16)
    for year in (2024, 2025):
        assessments = Assessment.objects.bulk_create(
            Assessment(index=index, commune=c, year=year, status="published") for c in communes
        )
        CriterionScore.objects.bulk_create(
            CriterionScore(assessment=a, criterion=leaf, points=round(rng.uniform(0, leaf.points), 2))
            for a in assessments
            for leaf in leaves
        )

    if connection.vendor == "postgresql":  # as autovacuum would after a real load: planner statistics
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")

    def xaso_way():
        return ranking(user=analyst, index=index, year=2025, province=province)

    def bare_sql():
        with connection.cursor() as cursor:
            cursor.execute(BARE_SQL, [index.id, 2025])
            return cursor.fetchall()

    def timed(fn):
        fn()  # warm
        runs = []
        for _ in range(args.repeats):
            start = time.perf_counter()
            result = fn()
            runs.append(time.perf_counter() - start)
        return statistics.median(runs), result

    xaso_s, rows = timed(xaso_way)
    bare_s, raw = timed(bare_sql)
    assert len(rows) == args.communes == len(raw)
    bare = {r[0]: (float(r[1]), r[2]) for r in raw}
    differ = [r for r in rows if abs(bare[r.commune_id][0] - r.total) > 0.005 or bare[r.commune_id][1] != r.rank]
    assert not differ, f"ranking differs from the bare SQL: {[(r.commune_id, r.total, r.rank) for r in differ[:3]]}"
    result = {
        "database": connection.vendor, "communes": args.communes, "leaves": len(leaves),
        "score_rows": CriterionScore.objects.count(), "ranking_s": round(xaso_s, 4), "bare_sql_s": round(bare_s, 4),
        "ratio": round(xaso_s / bare_s, 1), "load_average": [round(x, 2) for x in os.getloadavg()],
        "date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
    }  # fmt: skip
    print(json.dumps(result, ensure_ascii=False, indent=2))
    assert xaso_s < 1.0, "ranking a province must take under a second"


if __name__ == "__main__":
    main()
