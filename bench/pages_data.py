"""The database the page benchmark serves: made once, reused by every later run (`bench/pages_bench.py`).

- `--data province`: the synthetic province of `bench/generate.py` (Thanh Hóa: 166 communes × 24 villages,
  80 monthly data elements, 3 years: 11.5 million values), loaded as `bench/run.py` loads it, with what the
  pages need on top: a province plan in execution with 10 key targets (the scorecard), a commune plan in
  execution with 20 targets and 20 tasks (the plan page and the operations centre's targets), the commune's
  public page published. The analyst and the first commune's officer get the bench's password on every run
  (the bench logs in through the login form).
- `--data demo`: `load_units`, `load_catalog`, `load_demo` (what `make run` loads), on SQLite.

A database holds a marker row (table `bench_pages_ready`) once it is complete, so an interrupted build is made
again, a complete one reused.
"""

from __future__ import annotations

import time

PASSWORD = "bench-pages-2026"
READY_TABLE = "bench_pages_ready"
PLAN_TARGETS = 20
PLAN_TASKS = 20


def is_ready(connection, label: str) -> bool:
    with connection.cursor() as cursor:
        if READY_TABLE not in connection.introspection.table_names(cursor):
            return False
        cursor.execute(f"SELECT count(*) FROM {READY_TABLE} WHERE label = %s", [label])
        return cursor.fetchone()[0] > 0


def mark_ready(connection, label: str) -> None:
    with connection.cursor() as cursor:
        cursor.execute(f"CREATE TABLE IF NOT EXISTS {READY_TABLE} (label varchar(80) PRIMARY KEY)")
        cursor.execute(f"INSERT INTO {READY_TABLE} (label) VALUES (%s)", [label])


def analyse(connection) -> None:
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            from xaso.indicators.models import DataValue, ElementRollup

            for model in (DataValue, ElementRollup):
                cursor.execute(f"VACUUM (ANALYZE) {model._meta.db_table}")
        cursor.execute("ANALYZE")


def province_build(*, communes: int, villages: int, elements: int, years: int, say) -> None:
    """The synthetic province with its values and rollups, then the plans and publication the pages show."""
    from django.core.management import call_command
    from django.db import connection

    from bench import generate
    from xaso.indicators import rollup

    call_command("migrate", verbosity=0, interactive=False)
    call_command("load_catalog", verbosity=0)  # the real indicator catalog: the plan's targets, the entry grid
    prov = generate.province_create(communes=communes, villages=villages, elements=elements, years=years)
    t = time.perf_counter()
    loaded = generate.bulk_load(prov, generate.bulk_rows(prov, skip=set()))
    say(f"bulk load: {loaded:,} values in {time.perf_counter() - t:.0f} s")
    analyse(connection)
    t = time.perf_counter()
    rollup.rollup_rebuild()
    say(f"rollup_rebuild: {time.perf_counter() - t:.0f} s")
    analyse(connection)
    extras_build(say)


def extras_build(say) -> None:
    """Plans, tasks, publication and passwords on top of the generated province (idempotent)."""
    from datetime import date

    from django.db import transaction
    from django.utils import timezone

    from bench import province_view
    from xaso.accounts.models import User
    from xaso.coc.models import Publication
    from xaso.core.models import periods_ensure
    from xaso.core.periods import year
    from xaso.geo.models import AdminUnit, Level
    from xaso.indicators.models import Indicator
    from xaso.plans.models import Comparator, Plan, PlanStatus, Target, Task

    today = timezone.localdate()
    province = AdminUnit.objects.get(code="38", level=Level.PROVINCE)
    commune = AdminUnit.objects.filter(province=province, level=Level.COMMUNE).order_by("code").first()
    analyst = User.objects.get(username="bench_analyst")
    officer = User.objects.get(username=f"bench_officer_{commune.code}")
    with transaction.atomic():
        if not Plan.objects.filter(unit=province).exists():

            class _Prov:  # what province_view.setup reads of generate.Province
                pass

            p = _Prov()
            p.province = province
            p.analyst = analyst
            p.indicators = list(Indicator.objects.filter(code__startswith="bench_rate").order_by("sort_order"))
            p.years = [today.year - 3, today.year - 1]
            province_view.setup(p)
        if not Plan.objects.filter(unit=commune).exists():
            plan = Plan.objects.create(
                unit=commune,
                title="Kế hoạch chuyển đổi số xã (mẫu đo hiệu năng)",
                year_from=today.year - 1,
                year_to=2030,
                status=PlanStatus.IN_EXECUTION,
                created_by=officer,
            )
            indicators = list(Indicator.objects.filter(code__startswith="bench_rate").order_by("sort_order"))
            indicators = indicators[:PLAN_TARGETS]
            Target.objects.bulk_create(
                Target(plan=plan, indicator=ind, comparator=Comparator.GE, value=30 + 3 * n,
                       horizon_year=2030 if n % 2 else today.year, sort_order=n)
                for n, ind in enumerate(indicators)
            )  # fmt: skip
            _tasks_create(plan, Task, today, date)
        periods_ensure([year(today.year), year(today.year - 1)])
        Publication.objects.update_or_create(
            unit=commune,
            defaults={"is_published": True, "show_targets": True},
        )
        publication = Publication.objects.get(unit=commune)
        publication.indicators.set(Indicator.objects.filter(code__startswith="bench_rate").order_by("sort_order")[:10])
    say(f"extras: plans, tasks, publication of {commune.code}")


def _tasks_create(plan, Task, today, date) -> None:
    from bench.generate import AREAS

    tasks = []
    for n in range(PLAN_TASKS):
        tasks.append(
            Task(plan=plan, area=AREAS[n % len(AREAS)], title=f"Nhiệm vụ mẫu {n + 1}: triển khai dịch vụ số",
                 person="Cán bộ văn hóa - xã hội", lead_unit="UBND xã", timeframe_kind="date",
                 due_date=date(today.year, 1 + n % 12, 15), sort_order=n)
        )  # fmt: skip
    Task.objects.bulk_create(tasks)


def demo_build(say) -> None:
    from django.core.management import call_command
    from django.db import connection

    call_command("migrate", verbosity=0, interactive=False)
    call_command("load_units", verbosity=0)
    call_command("load_catalog", verbosity=0)
    call_command("load_demo", verbosity=0)
    from xaso.coc.models import Publication
    from xaso.geo.models import AdminUnit
    from xaso.indicators.models import Indicator

    an_vien = AdminUnit.objects.get(code="26296")
    publication, _created = Publication.objects.update_or_create(
        unit=an_vien, defaults={"is_published": True, "show_targets": True}
    )
    publication.indicators.set(Indicator.objects.order_by("area", "sort_order")[:12])
    analyse(connection)
    say("demo data loaded")


def passwords_set(logins: dict) -> None:
    """The bench's password on its logins, hashed by the server's own settings (every run: cheap)."""
    from xaso.accounts.models import User

    for username, password in logins.values():
        user = User.objects.get(username=username)
        user.set_password(password)
        user.save(update_fields=["password"])


def page_setup(data: str) -> dict:
    """The logins and the pages of the run: (name, login role or None for anonymous, path)."""
    from xaso.geo.models import AdminUnit, Level
    from xaso.indicators.selectors import latest_year_with_data
    from xaso.plans.models import Plan

    if data == "province":
        province = AdminUnit.objects.get(code="38", level=Level.PROVINCE)
        commune = AdminUnit.objects.filter(province=province, level=Level.COMMUNE).order_by("code").first()
        logins = {"officer": (f"bench_officer_{commune.code}", PASSWORD), "analyst": ("bench_analyst", PASSWORD)}
        codes = [f"bench_rate{n:03d}" for n in range(10)]
        sort = codes[3]
    else:
        province = AdminUnit.objects.get(code="75")
        commune = AdminUnit.objects.get(code="26296")
        logins = {"officer": ("anvien", PASSWORD), "analyst": ("dongnai", PASSWORD)}
        codes = ["households_fibre_rate", "adults_smartphone_rate", "dossiers_online_rate"]
        sort = codes[0]
    plan = Plan.objects.filter(unit=commune).order_by("-year_from", "-id").first()
    y = latest_year_with_data(commune)
    c, p = commune.code, province.code
    pages = [
        ("commune operations centre", "officer", f"/coc/unit/{c}/"),
        ("commune operations centre, a year and a village breakdown", "officer",
         f"/coc/unit/{c}/?year={y}&indicator={codes[0]}"),
        ("province page", "analyst", f"/coc/province/{p}/"),
        ("province page, chosen indicators, sorted", "analyst",
         f"/coc/province/{p}/?year={y}&indicators={','.join(codes)}&sort={sort}&dir=desc"),
        ("scorecard", "analyst", f"/coc/province/{p}/scorecard/"),
        ("scorecard, communes with data, by score", "analyst",
         f"/coc/province/{p}/scorecard/?with_data=1&sort=score&dir=desc"),
        ("plan page", "officer", f"/plans/{plan.pk}/"),
        ("data entry", "officer", "/data/entry/"),
        ("data entry, a month of one pillar", "officer", f"/data/entry/?unit={c}&period={y}-11&area=government"),
        ("import page", "officer", "/data/import/"),
        ("public page", None, f"/public/{c}/"),
    ]  # fmt: skip
    throughput = [
        ("commune operations centre", "officer", f"/coc/unit/{c}/"),
        ("province page", "analyst", f"/coc/province/{p}/"),
        ("scorecard", "analyst", f"/coc/province/{p}/scorecard/"),
    ]
    return {"logins": logins, "pages": pages, "throughput": throughput}
