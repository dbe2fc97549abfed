"""Backups: the database (pg_dump's custom format; SQLite's online backup in development) and the private files
(uploads, signed plans, generated reports) as one folder per run, rotated by age; and the restore.

A backup is written to `<name>.partial/` and renamed when complete, so a folder named `xaso-<UTC time>` is always
a whole backup: `database.dump` (or `database.sqlite3`), `files.tar.gz` and `manifest.json` (when, what, sizes,
SHA-256 of each part, the migrations applied). Rotation keeps the newest backup of each of the last
`keep_daily` days and of each of the last `keep_weekly` ISO weeks, and deletes the rest — only after a backup
has succeeded, so a failing backup never eats the old ones.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.db import connections

PREFIX = "xaso-"
STAMP = "%Y%m%dT%H%M%SZ"
DUMP = "database.dump"
SQLITE = "database.sqlite3"
FILES = "files.tar.gz"
MANIFEST = "manifest.json"


class BackupError(Exception):
    pass


def pg_tool(name: str) -> str:
    """pg_dump / pg_restore from XASO_PG_BIN_DIR when set (the server's major version or newer), else the PATH."""
    bin_dir = getattr(settings, "XASO_PG_BIN_DIR", "") or os.environ.get("XASO_PG_BIN_DIR", "")
    path = Path(bin_dir) / name if bin_dir else shutil.which(name)
    if not path or not Path(path).exists():
        raise BackupError(f"{name} không có trên máy (not found): cài postgresql-client hoặc đặt XASO_PG_BIN_DIR.")
    return str(path)


def _pg_args_env(db: dict) -> tuple[list[str], dict[str, str]]:
    args = ["--host", db.get("HOST") or "127.0.0.1", "--port", str(db.get("PORT") or 5432),
            "--username", db.get("USER") or "postgres", "--no-password"]  # fmt: skip
    env = os.environ.copy()
    if db.get("PASSWORD"):
        env["PGPASSWORD"] = db["PASSWORD"]
    return args, env


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _dump_database(alias: str, folder: Path) -> Path:
    connection = connections[alias]
    db = connection.settings_dict
    if connection.vendor == "postgresql":
        target = folder / DUMP
        args, env = _pg_args_env(db)
        command = [pg_tool("pg_dump"), *args, "--format=custom", "--compress=6", "--no-owner", "--file", str(target),
                   db["NAME"]]  # fmt: skip
        result = subprocess.run(command, env=env, capture_output=True, text=True)
        if result.returncode != 0:
            raise BackupError(f"pg_dump failed ({result.returncode}): {result.stderr.strip()}")
        return target
    if connection.vendor == "sqlite":
        target = folder / SQLITE
        connection.ensure_connection()
        with sqlite3.connect(target) as copy:
            connection.connection.backup(copy)
        copy.close()
        return target
    raise BackupError(f"Backups support PostgreSQL and SQLite, not {connection.vendor}.")


def _archive_files(root: Path, folder: Path) -> Path:
    target = folder / FILES
    with tarfile.open(target, "w:gz", compresslevel=6) as tar:
        if root.exists():
            tar.add(root, arcname="private")
    return target


def _migrations(alias: str) -> dict[str, str]:
    with connections[alias].cursor() as cursor:
        cursor.execute("SELECT app, MAX(name) FROM django_migrations GROUP BY app ORDER BY app")
        return dict(cursor.fetchall())


@dataclass
class BackupResult:
    path: Path
    deleted: list[Path]


def backup_create(*, destination: Path, keep_daily: int = 7, keep_weekly: int = 4, alias: str = "default",
                  now: dt.datetime | None = None) -> BackupResult:  # fmt: skip
    """Write one backup folder under `destination`, then rotate. Raises BackupError; a failure leaves no folder."""
    now = (now or dt.datetime.now(dt.UTC)).astimezone(dt.UTC)
    destination = Path(destination)
    destination.mkdir(parents=True, exist_ok=True)
    name = PREFIX + now.strftime(STAMP)
    final = destination / name
    partial = destination / (name + ".partial")
    if final.exists():
        raise BackupError(f"{final} already exists")
    shutil.rmtree(partial, ignore_errors=True)
    partial.mkdir(mode=0o700)
    try:
        database = _dump_database(alias, partial)
        root = Path(settings.XASO_PRIVATE_ROOT)
        files = _archive_files(root, partial)
        manifest = {
            "format": 1,
            "created_at": now.isoformat(),
            "database": {"vendor": connections[alias].vendor, "file": database.name,
                         "bytes": database.stat().st_size, "sha256": _sha256(database)},
            "files": {"file": files.name, "bytes": files.stat().st_size, "sha256": _sha256(files)},
            "migrations": _migrations(alias),
        }  # fmt: skip
        (partial / MANIFEST).write_text(json.dumps(manifest, indent=2, ensure_ascii=False) + "\n")
        os.rename(partial, final)
    except BaseException:
        shutil.rmtree(partial, ignore_errors=True)
        raise
    return BackupResult(path=final, deleted=backup_rotate(destination, keep_daily=keep_daily,
                                                          keep_weekly=keep_weekly))  # fmt: skip


def backups(destination: Path) -> list[tuple[dt.datetime, Path]]:
    """The complete backups under `destination`, newest first."""
    found = []
    for path in Path(destination).glob(PREFIX + "*"):
        if not path.is_dir() or path.name.endswith(".partial") or not (path / MANIFEST).exists():
            continue
        try:
            when = dt.datetime.strptime(path.name.removeprefix(PREFIX), STAMP).replace(tzinfo=dt.UTC)
        except ValueError:
            continue
        found.append((when, path))
    return sorted(found, reverse=True)


def backups_to_keep(stamps: list[dt.datetime], *, keep_daily: int, keep_weekly: int) -> set[dt.datetime]:
    """The newest backup of each of the `keep_daily` most recent days that have one, and of each of the
    `keep_weekly` most recent ISO weeks that have one (Vietnam's calendar days and weeks, UTC+7)."""
    local = dt.timezone(dt.timedelta(hours=7))
    keep: set[dt.datetime] = set()
    days: dict[dt.date, dt.datetime] = {}
    weeks: dict[tuple[int, int], dt.datetime] = {}
    for stamp in sorted(stamps, reverse=True):
        day = stamp.astimezone(local).date()
        days.setdefault(day, stamp)
        weeks.setdefault(tuple(day.isocalendar())[:2], stamp)
    keep.update(days[d] for d in sorted(days, reverse=True)[:keep_daily])
    keep.update(weeks[w] for w in sorted(weeks, reverse=True)[:keep_weekly])
    return keep


def backup_rotate(destination: Path, *, keep_daily: int, keep_weekly: int) -> list[Path]:
    found = backups(destination)
    keep = backups_to_keep([when for when, _ in found], keep_daily=keep_daily, keep_weekly=keep_weekly)
    deleted = []
    for when, path in found:
        if when not in keep:
            shutil.rmtree(path)
            deleted.append(path)
    return deleted


# restore


def _verify(folder: Path) -> dict:
    manifest = json.loads((folder / MANIFEST).read_text())
    for part in ("database", "files"):
        path = folder / manifest[part]["file"]
        if _sha256(path) != manifest[part]["sha256"]:
            raise BackupError(f"{path.name}: checksum does not match the manifest; the backup is damaged")
    return manifest


def backup_restore(*, folder: Path, database_url: str, private_root: Path) -> dict:
    """Restore a backup into an EMPTY database (PostgreSQL: created if missing) and an empty private-files folder.

    Refuses a database that has tables or a folder that has files: a restore never overwrites live data."""
    import dj_database_url
    import psycopg

    folder = Path(folder)
    manifest = _verify(folder)
    db = dj_database_url.parse(database_url)
    private_root = Path(private_root)
    if private_root.exists() and any(private_root.iterdir()):
        raise BackupError(f"{private_root} is not empty: restore the files into an empty folder")
    if manifest["database"]["vendor"] == "postgresql":
        if db["ENGINE"] != "django.db.backends.postgresql":
            raise BackupError("A PostgreSQL backup restores into PostgreSQL")
        conninfo = dict(host=db.get("HOST") or "127.0.0.1", port=db.get("PORT") or 5432,
                        user=db.get("USER") or "postgres", password=db.get("PASSWORD") or None)  # fmt: skip
        with psycopg.connect(dbname="postgres", autocommit=True, **conninfo) as admin:
            exists = admin.execute("SELECT 1 FROM pg_database WHERE datname = %s", [db["NAME"]]).fetchone()
            if not exists:
                admin.execute(psycopg.sql.SQL("CREATE DATABASE {}").format(psycopg.sql.Identifier(db["NAME"])))
        with psycopg.connect(dbname=db["NAME"], **conninfo) as target:
            tables = target.execute("SELECT count(*) FROM pg_tables WHERE schemaname = 'public'").fetchone()[0]
        if tables:
            raise BackupError(f"Database {db['NAME']} already has {tables} tables: restore into an empty database")
        args, env = _pg_args_env(db)
        result = subprocess.run([pg_tool("pg_restore"), *args, "--no-owner", "--exit-on-error", "--single-transaction",
                                 "--dbname", db["NAME"], str(folder / DUMP)], env=env, capture_output=True,
                                text=True)  # fmt: skip
        if result.returncode != 0:
            raise BackupError(f"pg_restore failed ({result.returncode}): {result.stderr.strip()}")
    else:
        target = Path(db["NAME"])
        if target.exists() and target.stat().st_size:
            raise BackupError(f"{target} exists: restore into a new SQLite file")
        shutil.copyfile(folder / SQLITE, target)
    private_root.mkdir(parents=True, exist_ok=True)
    with tarfile.open(folder / FILES, "r:gz") as tar:
        members = [m for m in tar.getmembers() if m.name == "private" or m.name.startswith("private/")]
        for member in members:
            member.name = member.name.removeprefix("private").lstrip("/") or "."
        tar.extractall(private_root, members=members, filter="data")
    return manifest
