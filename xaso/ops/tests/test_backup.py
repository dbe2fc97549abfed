"""Backups: the rotation rule, and a restore drill — real pg_dump of real data, restored into a fresh database
and folder, where the same figures, history, plan and uploaded file are found."""

from __future__ import annotations

import datetime as dt
import json
from datetime import date

import psycopg
import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from xaso.files.tests import samples
from xaso.indicators.services import ValueInput, values_write
from xaso.indicators.tests.conftest import catalog  # noqa: F401  (fixture)
from xaso.ops.backup import backup_create, backups, backups_to_keep, pg_tool
from xaso.plans import services as plans
from xaso.plans.models import TaskUpdate

UTC = dt.UTC


def at(day: str, hour: int = 20) -> dt.datetime:  # 20:00 UTC is 03:00 the next day in Vietnam
    return dt.datetime.fromisoformat(day).replace(hour=hour, tzinfo=UTC)


# rotation


def test_rotation_keeps_the_newest_of_each_recent_day_and_week():
    # a backup every night 1–31 March 2026 (20:00 UTC = 03:00 Vietnam time the next day), and a second one on 31 March
    stamps = [at(f"2026-03-{d:02d}") for d in range(1, 32)] + [at("2026-03-31", 22)]
    keep = backups_to_keep(stamps, keep_daily=7, keep_weekly=4)
    # daily: Vietnam days 26 March – 1 April, the newest of 1 April (the 22:00 UTC one)
    daily = {at("2026-03-31", 22)} | {at(f"2026-03-{d:02d}") for d in range(25, 31)}
    # weekly (ISO weeks, Vietnam time): the newest of weeks 14 (30 Mar–), 13, 12, 11 → 1 Apr, 29, 22, 15 Mar
    weekly = {at("2026-03-31", 22), at("2026-03-28"), at("2026-03-21"), at("2026-03-14")}
    assert keep == daily | weekly
    assert len(keep) == 7 + 2  # 1 April and 29 March are both a day's and a week's newest


def test_rotation_with_a_gap_keeps_days_that_have_a_backup_not_calendar_days():
    stamps = [at("2026-01-01"), at("2026-02-01"), at("2026-03-01")]
    assert backups_to_keep(stamps, keep_daily=2, keep_weekly=0) == {at("2026-02-01"), at("2026-03-01")}


@pytest.mark.django_db(transaction=True)  # SQLite's backup waits for an open write transaction to end
def test_backup_command_rotates_after_success_and_leaves_no_partial_folder(tmp_path, settings):
    settings.XASO_PRIVATE_ROOT = tmp_path / "private"
    if connection.vendor == "postgresql":
        pytest.skip("the SQLite copy stands in for pg_dump here; the PostgreSQL path has its own drill below")
    for day in ("2026-03-01", "2026-03-02", "2026-03-03"):
        backup_create(destination=tmp_path / "b", keep_daily=2, keep_weekly=0, now=at(day))
    assert [p.name for _, p in backups(tmp_path / "b")] == ["xaso-20260303T200000Z", "xaso-20260302T200000Z"]
    assert sorted(p.name for p in (tmp_path / "b").iterdir()) == ["xaso-20260302T200000Z", "xaso-20260303T200000Z"]
    manifest = json.loads((tmp_path / "b" / "xaso-20260303T200000Z" / "manifest.json").read_text())
    assert manifest["database"]["vendor"] == "sqlite"
    assert manifest["migrations"]["ops"] == "0001_initial"


@pytest.mark.django_db
def test_backup_refuses_bad_rotation_numbers(tmp_path):
    with pytest.raises(CommandError, match="keep-daily"):
        call_command("backup", destination=str(tmp_path), keep_daily=0)


# the restore drill (PostgreSQL)


@pytest.fixture
def drill_data(catalog, an_vien, an_vien_officer, settings, tmp_path):  # noqa: F811
    """Figures with a history, a plan with a target, a task and a progress report with an uploaded PDF."""
    settings.XASO_PRIVATE_ROOT = tmp_path / "private"
    values_write(user=an_vien_officer, rows=[ValueInput("households_total", "26296", "2023", "1961"),
                                             ValueInput("households_fibre", "26296", "2023", "1300")])  # fmt: skip
    values_write(user=an_vien_officer, rows=[ValueInput("households_fibre", "26296", "2023", "1384")])
    plan = plans.plan_create_from_template(user=an_vien_officer, unit=an_vien, year=2026)
    target = plans.target_save(user=an_vien_officer, plan=plan, indicator=catalog["fibre"], value=75, horizon_year=2026)
    task = plans.task_save(user=an_vien_officer, plan=plan, targets=[target], area="infrastructure",
                           title="Kéo cáp quang đến thôn Bến Sắn", person="Nguyễn Văn An",
                           lead_unit="Văn phòng HĐND&UBND xã", start_date=date(2026, 1, 1),
                           end_date=date(2026, 6, 30))  # fmt: skip
    pdf = samples.pdf()
    update = plans.task_update_add(task=task, user=an_vien_officer, on=date(2026, 4, 2), percent_done=40,
                                   text="Đã kéo 3 km cáp", evidence=samples.upload("bien-ban.pdf", pdf))  # fmt: skip
    return {"plan": plan, "update": update, "pdf": pdf}


TABLES = ["indicators_datavalue", "indicators_datavaluechange", "plans_plan", "plans_target", "plans_task",
          "plans_task_targets", "plans_taskupdate", "accounts_user", "geo_adminunit"]  # fmt: skip


def _rows(conninfo: str, table: str) -> list[tuple]:
    with psycopg.connect(conninfo) as conn:
        return conn.execute(f"SELECT * FROM {table} ORDER BY 1").fetchall()  # noqa: S608  (fixed names)


@pytest.mark.django_db(transaction=True)
def test_restore_drill_finds_the_same_figures_history_plans_and_files(drill_data, tmp_path):
    if connection.vendor != "postgresql":
        pytest.skip("the restore drill runs pg_dump and pg_restore: PostgreSQL only (make test's PostgreSQL pass)")
    pg_tool("pg_dump")  # fails the test, not skips it, when PostgreSQL answers but its client tools are missing
    db = connection.settings_dict
    base = f"postgresql://{db.get('USER') or 'postgres'}@{db.get('HOST') or '127.0.0.1'}:{db.get('PORT') or 5432}"
    restored_name = f"{db['NAME']}_restored"
    with psycopg.connect(f"{base}/postgres", autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{restored_name}" WITH (FORCE)')
    try:
        call_command("backup", destination=str(tmp_path / "backups"))
        [(_, folder)] = backups(tmp_path / "backups")
        assert (folder / "database.dump").read_bytes()[:5] == b"PGDMP"  # pg_dump's custom format

        # the drill: a database that does not exist yet and an empty folder
        restored_root = tmp_path / "restored-files"
        call_command("restore_backup", str(folder), database_url=f"{base}/{restored_name}",
                     private_root=str(restored_root))  # fmt: skip

        original, restored = f"{base}/{db['NAME']}", f"{base}/{restored_name}"
        for table in TABLES:
            rows = _rows(original, table)
            assert rows, table
            assert _rows(restored, table) == rows, table
        with psycopg.connect(restored) as conn:
            figures = conn.execute(
                "SELECT e.code, v.value FROM indicators_datavalue v JOIN indicators_dataelement e"
                " ON e.id = v.data_element_id ORDER BY e.code"
            ).fetchall()
            history = conn.execute(
                "SELECT e.code, c.old_value, c.new_value FROM indicators_datavaluechange c"
                " JOIN indicators_dataelement e ON e.id = c.data_element_id ORDER BY c.id"
            ).fetchall()
            target = conn.execute("SELECT value, horizon_year FROM plans_target").fetchall()
            evidence = conn.execute("SELECT evidence, evidence_name, percent_done FROM plans_taskupdate").fetchall()
        assert figures == [("households_fibre", 1384.0), ("households_total", 1961.0)]
        assert history == [("households_total", None, 1961.0), ("households_fibre", None, 1300.0),
                           ("households_fibre", 1300.0, 1384.0)]  # fmt: skip
        assert target == [(75.0, 2026)]
        [(name, download_name, percent)] = evidence
        assert (download_name, percent) == ("bien-ban.pdf", 40)
        assert name == TaskUpdate.objects.get().evidence.name
        assert (restored_root / name).read_bytes() == drill_data["pdf"]

        # a restore never overwrites: the same database again is refused, and so is a folder with files
        with pytest.raises(CommandError, match="empty"):
            call_command("restore_backup", str(folder), database_url=restored, private_root=str(tmp_path / "new"))
        with pytest.raises(CommandError, match="not empty"):
            call_command("restore_backup", str(folder), database_url=f"{base}/{restored_name}_2",
                         private_root=str(restored_root))  # fmt: skip
    finally:
        with psycopg.connect(f"{base}/postgres", autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{restored_name}" WITH (FORCE)')
            admin.execute(f'DROP DATABASE IF EXISTS "{restored_name}_2" WITH (FORCE)')
