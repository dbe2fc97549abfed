#!/usr/bin/env python
"""A large commune's year of dossiers (50,000 rows) imported into the dossier register, against `COPY` of the same rows.

The file is the provincial one-stop system's export (its Vietnamese header, a title above it, dates as
dd/mm/yyyy text, yes/no as Có/Không), written as XLSX. Each repeat imports a different commune's file through the
real path — `xaso.registers.services.import_start`: the header recognised, every cell parsed by its field, every row
judged (procedure codes, dates, duplicates), 50,000 dossiers inserted, the twelve months' figures (14 data
elements each) written through `values_write` with their rollups — then imports it again (every dossier
unchanged, asserted). Baseline in the same run: the same 50,000 rows, already typed, loaded with PostgreSQL `COPY`
(SQLite: one `executemany`) into an empty copy of the dossier table. Median of the repeats, wall clock.

    .venv/bin/python bench/dossier_bench.py                                   # SQLite, then PostgreSQL if one answers
    .venv/bin/python bench/dossier_bench.py --database postgres --rows 50000 --repeats 3

The databases are created afresh: PostgreSQL `xaso_bench_dossiers` on --pg-url, SQLite
`bench/out/dossiers.sqlite3`; the JSON of each run is written to `bench/out/dossiers-<database>.json`.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import random
import statistics
import sys
import time
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "bench" / "out"
PG_DATABASE = "xaso_bench_dossiers"
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

HEADER = [
    "STT", "Số hồ sơ", "Mã thủ tục", "Tên thủ tục", "Lĩnh vực", "Hình thức nộp", "Ngày tiếp nhận", "Ngày hẹn trả",
    "Ngày có kết quả", "Trạng thái", "Thanh toán trực tuyến", "Số hóa thành phần hồ sơ", "Số hóa kết quả",
    "Cán bộ tiếp nhận",
]  # fmt: skip


def parse_args(argv=None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--database", choices=["all", "sqlite", "postgres"], default="all")
    p.add_argument("--rows", type=int, default=50_000, help="dossiers in a commune's year")
    p.add_argument("--repeats", type=int, default=3, help="files imported (one commune each)")
    p.add_argument("--pg-url", default=os.environ.get("BENCH_PG_URL", "postgres://postgres@127.0.0.1:5432"))
    p.add_argument("--pg-database", default=PG_DATABASE, help="created afresh and dropped (one per person)")
    return p.parse_args(argv)


def export_file(commune_code: str, rows: int, procedures: list[tuple[str, str]], year: int) -> bytes:
    """The provincial system's export of a commune's year: `rows` dossiers spread over the twelve months."""
    from openpyxl import Workbook

    rng = random.Random(commune_code)
    book = Workbook(write_only=True)
    sheet = book.create_sheet("Danh sách hồ sơ")
    sheet.append(["DANH SÁCH HỒ SƠ TIẾP NHẬN NĂM " + str(year)])
    sheet.append([])
    sheet.append(HEADER)
    start = date(year, 1, 1)
    for n in range(rows):
        received = start + timedelta(days=n * 365 // rows)
        code, name = procedures[n % len(procedures)]
        channel = rng.choice(("Trực tuyến", "Trực tuyến", "Trực tiếp", "Bưu chính"))
        due = received + timedelta(days=rng.randint(1, 10))
        finished = received + timedelta(days=rng.randint(0, 12))
        done = finished <= date(year, 12, 31) and rng.random() < 0.97
        sheet.append([
            n + 1, f"{commune_code}-{year % 100}{n:06d}", code, name, "", channel, received.strftime("%d/%m/%Y"),
            due.strftime("%d/%m/%Y"), finished.strftime("%d/%m/%Y") if done else "",
            ("Đã trả kết quả" if finished <= due else "Trễ hạn") if done else "Đang giải quyết",
            rng.choice(("Có", "Không", "")), rng.choice(("Có", "Có", "Không")), "Có" if done else "",
            f"Công chức {n % 3 + 1}",
        ])  # fmt: skip
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def copy_baseline(connection, rows: list[tuple]) -> float:
    """Seconds to load `rows` (the dossier table's columns, typed) into an empty copy of the table."""
    columns = [f.column for f in _fields()]
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("DROP TABLE IF EXISTS bench_dossier_copy")
            cursor.execute("CREATE TABLE bench_dossier_copy (LIKE dossiers_dossier INCLUDING ALL)")
            started = time.perf_counter()
            with cursor.cursor.copy(f"COPY bench_dossier_copy ({', '.join(columns)}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
        else:
            cursor.execute("DROP TABLE IF EXISTS bench_dossier_copy")
            cursor.execute("CREATE TABLE bench_dossier_copy AS SELECT * FROM dossiers_dossier WHERE 0")
            started = time.perf_counter()
            marks = ", ".join(["%s"] * len(columns))
            cursor.executemany(f"INSERT INTO bench_dossier_copy ({', '.join(columns)}) VALUES ({marks})", rows)
        elapsed = time.perf_counter() - started
        cursor.execute("DROP TABLE bench_dossier_copy")
    return elapsed


def _fields():
    from xaso.dossiers.models import Dossier

    return [f for f in Dossier._meta.concrete_fields]


def run_one(args) -> dict:
    from bench.run import fresh_database

    os.environ["DATABASE_URL"] = fresh_database(args, pg_name=args.pg_database, sqlite_name="dossiers.sqlite3")
    os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings.test"
    import django

    django.setup()
    from django.conf import settings
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.core.management import call_command
    from django.db import connection, transaction

    from bench.run import Phases, machine
    from xaso.accounts.models import Role, User
    from xaso.dossiers import register as dossier_register
    from xaso.dossiers.models import Dossier, Procedure
    from xaso.geo.models import AdminUnit, Level
    from xaso.indicators.catalog import catalog_load
    from xaso.indicators.models import DataValue
    from xaso.registers import services
    from xaso.registers.models import RegisterImport
    from xaso.registers.spec import register_get

    settings.XASO_IMPORT_BACKGROUND_BYTES = 10**9  # timed inline, as the task worker runs it
    call_command("migrate", verbosity=0, interactive=False)
    catalog_load()
    province = AdminUnit.objects.create(code="75", official_code="75", name="Tỉnh Mẫu", division_type="tỉnh",
                                        level=Level.PROVINCE, data_version="bench")  # fmt: skip
    procedures = list(Procedure.objects.values_list("code", "name"))
    year = date.today().year - 1
    register = register_get("dossiers")
    phases = Phases()
    phases.wrap(services, "sheet_read")
    phases.wrap(services, "_parsed_rows")
    phases.wrap(dossier_register.DossierRegister, "rows_save")
    phases.wrap(services, "register_figures_write")
    samples: dict[str, list[float]] = {}
    breakdown = []
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT version()" if connection.vendor == "postgresql" else "SELECT 'SQLite ' || sqlite_version()"
        )
        server = cursor.fetchone()[0]
    for number in range(args.repeats):
        commune = AdminUnit.objects.create(
            code=f"9{number:04d}", official_code=f"9{number:04d}", name=f"Xã Mẫu {number}", division_type="xã",
            level=Level.COMMUNE, parent=province, data_version="bench",
        )  # fmt: skip
        officer = User.objects.create_user(username=f"officer{number}", role=Role.COMMUNE_OFFICER, unit=commune)
        data = export_file(commune.code, args.rows, procedures, year)
        phases.reset()
        started = time.perf_counter()
        job = services.import_start(user=officer, unit=commune, register=register,
                                    upload=SimpleUploadedFile("ho-so.xlsx", data))  # fmt: skip
        samples.setdefault("import", []).append(time.perf_counter() - started)
        breakdown.append(phases.reset())
        assert job.status == RegisterImport.Status.DONE, (job.error, (job.report or {}).get("errors", [])[:3])
        assert job.created == args.rows
        assert DataValue.objects.filter(unit=commune, data_element__code="dossiers_received_total").count() == 12
        started = time.perf_counter()
        again = services.import_start(user=officer, unit=commune, register=register,
                                      upload=SimpleUploadedFile("ho-so.xlsx", data))  # fmt: skip
        samples.setdefault("re-import", []).append(time.perf_counter() - started)
        assert again.unchanged == args.rows and again.created == again.updated == 0
        rows = list(Dossier.objects.filter(unit=commune).values_list(*[f.attname for f in _fields()]))
        with transaction.atomic():
            samples.setdefault("COPY baseline", []).append(copy_baseline(connection, rows))
        print(f"[{args.database}] {commune.code}: {args.rows:,} dossiers, {len(data) / 1024:.0f} KiB; "
              + ", ".join(f"{k} {v[-1] * 1000:.0f} ms" for k, v in samples.items()), flush=True)  # fmt: skip
    medians = {name: statistics.median(runs) for name, runs in samples.items()}
    phase_medians = {k: statistics.median(b.get(k, 0.0) for b in breakdown) for k in breakdown[0]}
    copy = medians["COPY baseline"]
    for name, seconds in medians.items():
        print(f"[{args.database}] {name:15s} {seconds * 1000:7.0f} ms  ({seconds / copy:.1f}× COPY)")
    print(f"[{args.database}] import phases (median ms): "
          + ", ".join(f"{k} {v * 1000:.0f}" for k, v in phase_medians.items()))  # fmt: skip
    result = {"database": args.database, "server": server, "machine": machine(), "rows": args.rows,
              "file_bytes": len(data), "repeats": args.repeats, "median_s": medians, "import_phases_s": phase_medians,
              "samples_s": samples}  # fmt: skip
    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / f"dossiers-{args.database}.json").write_text(json.dumps(result, indent=2))
    return result


def main(argv=None) -> None:
    from bench.run import bench_main

    args = parse_args(argv)
    bench_main(args, __file__, run_one, ["--rows", str(args.rows), "--repeats", str(args.repeats),
                                       "--pg-database", args.pg_database])  # fmt: skip


if __name__ == "__main__":
    main()
