"""Read scaling on a real PostgreSQL streaming replica (xaso.core.db_router, docs/decisions/0021-national-topology.md).

It runs in the PostgreSQL pass of `make test`, or in the SQLite pass when there is none (XASO_REPLICA_TEST=1): it
needs only the server's programs, not the suite's database. The machine's PostgreSQL refuses replication
connections, so the test starts its own pair: a primary (initdb,
wal_level=replica, a replication line in pg_hba) and a replica copied from it with `pg_basebackup -R`, both as
the postgres user on free ports in a temporary directory, removed afterwards. Django's `default` and `replica`
aliases are pointed at them for the test; the primary is migrated and the replica follows through its WAL.

Figures (hand-computed): An Viễn 2025 6,420 / 8,560 households on fibre = 75.0%; Trị An 1,384 / 1,961 = 70.6%;
Đồng Nai as a whole 7,804 / 10,521 = 74.2%. After An Viễn's correction to 6,848: 80.0%, the province 8,232 / 10,521
= 78.2%.
"""

from __future__ import annotations

import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path

import dj_database_url
import psycopg
import pytest
from asgiref.local import Local
from django.conf import settings
from django.core.management import call_command
from django.db import InternalError, connections
from django.test import Client
from django.test.utils import CaptureQueriesContext

from xaso.accounts.models import Role
from xaso.coc import selectors as coc_selectors
from xaso.coc.tests.conftest import with_areas
from xaso.conftest import make_unit, make_user
from xaso.core import db_router
from xaso.core.db_router import COOKIE, PRIMARY, REPLICA, PrimaryReplicaRouter, freshness_scope, using_replica
from xaso.geo.models import Level
from xaso.indicators.models import DataValue
from xaso.indicators.tests.conftest import element, indicator, write


def _server_bin() -> Path | None:
    """The newest installed PostgreSQL server's programs (Debian: /usr/lib/postgresql/<major>/bin)."""
    found = [p for p in Path("/usr/lib/postgresql").glob("*/bin") if (p / "pg_basebackup").exists()]
    return max(found, key=lambda p: int(p.parent.name) if p.parent.name.isdigit() else 0, default=None)


PG_BIN = _server_bin() or Path("/usr/lib/postgresql/15/bin")
ON_POSTGRES = settings.DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql"


def _skip_reason() -> str | None:
    if not ON_POSTGRES and not os.environ.get("XASO_REPLICA_TEST"):
        return (
            "the streaming-replica test runs in the PostgreSQL pass of `make test` (DATABASE_URL=postgres://…), "
            "or with XASO_REPLICA_TEST=1 (make test sets it in the SQLite pass when there is no PostgreSQL pass)"
        )
    if not all((PG_BIN / b).exists() for b in ("initdb", "pg_ctl", "pg_basebackup")):
        return f"PostgreSQL server programs missing in {PG_BIN} (apt-get install postgresql-15, or postgresql)"
    if os.geteuid() != 0:
        return "starting a private PostgreSQL pair needs root (to run initdb and pg_ctl as the postgres user)"
    if shutil.which("runuser") is None:
        return "runuser (util-linux) is missing"
    try:
        pwd.getpwnam("postgres")
    except KeyError:
        return "there is no postgres system user"
    return None


pytestmark = pytest.mark.skipif(_skip_reason() is not None, reason=_skip_reason() or "")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _as_postgres(*args: str) -> None:
    subprocess.run(["runuser", "-u", "postgres", "--", *args], check=True, capture_output=True, timeout=60)


def _query(port: int, sql: str, params=None, dbname: str = "xaso"):
    with psycopg.connect(host="127.0.0.1", port=port, user="postgres", dbname=dbname, autocommit=True) as conn:
        cursor = conn.execute(sql, params)
        return cursor.fetchone() if cursor.description else None


def _wait(predicate, what: str, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if predicate():
                return
        except psycopg.OperationalError:
            pass
        time.sleep(0.05)
    raise AssertionError(f"timed out waiting for {what}")


@pytest.fixture
def cluster():
    """A primary and its streaming replica, each on a free port; stopped and removed even when a test fails."""
    root = Path(tempfile.mkdtemp(prefix="xaso-replica-"))
    postgres = pwd.getpwnam("postgres")
    os.chown(root, postgres.pw_uid, postgres.pw_gid)
    primary, replica, sockets = root / "primary", root / "replica", root / "sockets"
    primary_port, replica_port = _free_port(), _free_port()
    started: list[Path] = []
    try:
        _as_postgres("mkdir", "-m", "700", str(sockets))
        _as_postgres(str(PG_BIN / "initdb"), "-D", str(primary), "-U", "postgres", "-A", "trust", "-E", "UTF8",
                     "--locale=C.UTF-8", "-N")  # fmt: skip
        with (primary / "postgresql.conf").open("a") as conf:
            conf.write(
                f"\nlisten_addresses = '127.0.0.1'\nport = {primary_port}\nunix_socket_directories = '{sockets}'\n"
                "wal_level = replica\nmax_wal_senders = 4\nhot_standby = on\nfsync = off\n"
                "shared_buffers = 16MB\nmax_connections = 30\n"
            )
        (primary / "pg_hba.conf").write_text(
            "local all all trust\nhost all all 127.0.0.1/32 trust\nhost replication all 127.0.0.1/32 trust\n"
        )
        _as_postgres(str(PG_BIN / "pg_ctl"), "-D", str(primary), "-l", str(root / "primary.log"), "-w", "start")
        started.append(primary)
        _query(primary_port, "CREATE DATABASE xaso", dbname="postgres")
        _as_postgres(str(PG_BIN / "pg_basebackup"), "-R", "-D", str(replica), "-h", "127.0.0.1",
                     "-p", str(primary_port), "-U", "postgres", "-c", "fast")  # fmt: skip
        with (replica / "postgresql.conf").open("a") as conf:
            conf.write(f"\nport = {replica_port}\n")
        _as_postgres(str(PG_BIN / "pg_ctl"), "-D", str(replica), "-l", str(root / "replica.log"), "-w", "start")
        started.append(replica)
        _wait(lambda: _query(replica_port, "SELECT pg_is_in_recovery()")[0], "the replica to be in recovery")
        yield {"primary": primary_port, "replica": replica_port}
    finally:
        for data in reversed(started):
            subprocess.run(["runuser", "-u", "postgres", "--", str(PG_BIN / "pg_ctl"), "-D", str(data),
                            "-m", "immediate", "-w", "stop"], capture_output=True, timeout=60)  # fmt: skip
        shutil.rmtree(root, ignore_errors=True)


@contextmanager
def _aliases(primary_port: int, replica_port: int):
    """Django's `default` and `replica` pointed at the pair; the test run's own databases put back afterwards."""
    saved_settings, saved_connections = connections.settings, connections._connections
    connections.close_all()
    primary = dj_database_url.parse(f"postgres://postgres@127.0.0.1:{primary_port}/xaso")
    replica = dj_database_url.parse(f"postgres://postgres@127.0.0.1:{replica_port}/xaso")
    connections.settings = connections.configure_settings({PRIMARY: primary, REPLICA: replica})
    connections._connections = Local(connections.thread_critical)
    db_router.health.reset()
    try:
        yield
    finally:
        connections.close_all()
        connections.settings, connections._connections = saved_settings, saved_connections
        db_router.health.reset()


def wait_for_replay(ports: dict) -> None:
    """Until the replica has replayed everything the primary has written so far."""
    (target,) = _query(ports["primary"], "SELECT pg_current_wal_lsn()")
    _wait(
        lambda: _query(
            ports["replica"], "SELECT pg_wal_lsn_diff(pg_last_wal_replay_lsn(), %s::pg_lsn) >= 0", [str(target)]
        )[0],  # fmt: skip
        "the replica to replay the primary's writes",
    )


@contextmanager
def replay_paused(ports: dict):
    _query(ports["replica"], "SELECT pg_wal_replay_pause()")
    try:
        yield
    finally:
        _query(ports["replica"], "SELECT pg_wal_replay_resume()")
        wait_for_replay(ports)


@pytest.fixture
def pair(cluster, django_db_blocker):
    """The pair migrated, with Đồng Nai's two communes and their 2025 figures written on the primary."""
    with django_db_blocker.unblock(), _aliases(cluster["primary"], cluster["replica"]):
        call_command("migrate", verbosity=0)
        dong_nai = make_unit("75", "Thành phố Đồng Nai", Level.PROVINCE)
        an_vien = make_unit("26296", "Xã An Viễn", Level.COMMUNE, dong_nai)
        tri_an = make_unit("26170", "Xã Trị An", Level.COMMUNE, dong_nai)
        households = element("households_total", "Tổng số hộ")
        fibre = element("households_fibre", "Hộ có cáp quang")
        rate = indicator("households_fibre_rate", "Tỷ lệ hộ có cáp quang", "households_fibre / households_total * 100",
                         [households, fibre])  # fmt: skip
        officer = make_user("an_vien_officer", Role.COMMUNE_OFFICER, an_vien)
        analyst = make_user("province_analyst", Role.ANALYST, dong_nai)
        write(officer, an_vien, "2025", households_total=8560, households_fibre=6420)
        tri_an_officer = make_user("tri_an_officer", Role.COMMUNE_OFFICER, tri_an)
        write(tri_an_officer, tri_an, "2025", households_total=1961, households_fibre=1384)
        wait_for_replay(cluster)
        yield {**cluster, "province": dong_nai, "an_vien": an_vien, "tri_an": tri_an, "rate": rate,
               "officer": officer, "tri_an_officer": tri_an_officer, "analyst": analyst}  # fmt: skip


class Executed:
    """The SQL each alias ran, recorded on the real connections."""

    def __init__(self):
        self.by_alias: dict[str, CaptureQueriesContext] = {}

    def __enter__(self):
        for alias in (PRIMARY, REPLICA):
            self.by_alias[alias] = CaptureQueriesContext(connections[alias]).__enter__()
        return self

    def __exit__(self, *exc):
        for ctx in self.by_alias.values():
            ctx.__exit__(*exc)

    def sql(self, alias: str) -> list[str]:
        return [q["sql"] for q in self.by_alias[alias].captured_queries]


def table_figures(pair) -> dict[str, float | None]:
    table = coc_selectors.province_table(user=pair["analyst"], province=pair["province"], indicators=[pair["rate"]],
                                         year=2025)  # fmt: skip
    figures = {row.unit.code: row.values[0] for row in table.rows}
    figures["75"] = table.total.values[0]
    return {code: None if v is None else round(v, 1) for code, v in figures.items()}


def province_table_is_read_on_the_replica_with_the_written_figures(pair):
    with Executed() as executed:
        figures = table_figures(pair)
    assert figures == {"26296": 75.0, "26170": 70.6, "75": 74.2}  # 6,420/8,560; 1,384/1,961; 7,804/10,521
    rollup_reads = [s for s in executed.sql(REPLICA) if "indicators_elementrollup" in s]
    assert len(rollup_reads) == 2  # the communes, then the province total: both on the replica
    assert not [s for s in executed.sql(PRIMARY) if "indicators_elementrollup" in s]
    with connections[REPLICA].cursor() as cursor:  # the connection that answered is the replica server
        cursor.execute("SELECT inet_server_port(), pg_is_in_recovery()")
        assert cursor.fetchone() == (pair["replica"], True)
    with connections[PRIMARY].cursor() as cursor:
        cursor.execute("SELECT inet_server_port(), pg_is_in_recovery()")
        assert cursor.fetchone() == (pair["primary"], False)


def without_opting_in_the_same_read_goes_to_the_primary(pair):
    with Executed() as executed:
        assert DataValue.objects.filter(unit=pair["an_vien"]).count() == 2
    assert executed.sql(REPLICA) == [] and len(executed.sql(PRIMARY)) == 1


def an_analyst_sees_the_replica_and_an_officer_who_just_wrote_sees_the_primary(pair):
    officer, analyst = Client(), Client()
    officer.force_login(pair["officer"])
    analyst.force_login(pair["analyst"])
    with replay_paused(pair):  # the replica keeps the old figure until replay resumes
        response = officer.post(
            "/api/v1/data-values/",
            {"values": [{"element": "households_fibre", "unit": "26296", "period": "2025", "value": 6848}]},
            content_type="application/json",
        )
        assert response.status_code == 200, response.content
        assert response.json()["updated"] == 1
        wrote_at = int(response.cookies[COOKIE].value)
        assert abs(wrote_at - time.time()) < 5 and response.cookies[COOKIE]["max-age"] == 30
        # the officer's own commune page, right after the write: the primary's new figure (6,848 / 8,560 = 80.0%)
        page = with_areas(officer, officer.get("/coc/unit/26296/?year=2025"))  # every area opened
        assert "80,0" in page and "75,0" not in page
        # the analyst wrote nothing: the province page comes from the replica, still at the old figures
        page = analyst.get("/coc/province/75/?year=2025&indicators=households_fibre_rate").content.decode()
        assert "75,0" in page and "74,2" in page and "80,0" not in page
        # once the officer's write is older than read_after_write_seconds, they read the replica too
        officer.cookies[COOKIE] = str(wrote_at - 31)
        page = with_areas(officer, officer.get("/coc/unit/26296/?year=2025"))
        assert "75,0" in page and "80,0" not in page
    # replayed: the analyst's replica read shows the correction (8,232 / 10,521 = 78.2% for the province)
    page = analyst.get("/coc/province/75/?year=2025&indicators=households_fibre_rate").content.decode()
    assert "80,0" in page and "78,2" in page
    write(pair["officer"], pair["an_vien"], "2025", households_fibre=6420)  # back to the figures the other steps expect
    wait_for_replay(pair)


def a_replica_further_behind_than_the_bound_is_not_read(pair, settings):
    settings.XASO_REPLICA = {**settings.XASO_REPLICA, "max_lag_seconds": 0.2}
    with replay_paused(pair):
        write(pair["officer"], pair["an_vien"], "2025", households_fibre=6848)
        time.sleep(0.3)  # the newest transaction the replica replayed is now older than 0.2 s
        with Executed() as executed:
            figures = table_figures(pair)
        assert figures["26296"] == 80.0 and figures["75"] == 78.2  # the primary's figures
        assert not [s for s in executed.sql(REPLICA) if "indicators_elementrollup" in s]
        assert db_router.health.last["behind_bytes"] > 0 and db_router.health.last["age_seconds"] > 0.2
    with Executed() as executed:  # caught up: back to the replica
        assert table_figures(pair)["26296"] == 80.0
    assert [s for s in executed.sql(REPLICA) if "indicators_elementrollup" in s]
    write(pair["officer"], pair["an_vien"], "2025", households_fibre=6420)
    wait_for_replay(pair)


def writes_never_go_to_the_replica(pair):
    with using_replica(), freshness_scope() as scope, Executed() as executed:
        assert db_router.read_alias() == REPLICA
        write(pair["tri_an_officer"], pair["tri_an"], "2025", households_fibre=1384)  # unchanged: read, compared, kept
        DataValue.objects.filter(unit=pair["tri_an"], data_element__code="households_fibre").update(comment="đã rà")
        assert scope.wrote and db_router.read_alias() == PRIMARY  # the rest of this scope reads its own writes
    writes = ("INSERT", "UPDATE", "DELETE", "COPY")
    assert not [s for s in executed.sql(REPLICA) if s.lstrip().upper().startswith(writes)]
    assert [s for s in executed.sql(PRIMARY) if s.lstrip().upper().startswith("UPDATE")]
    router = PrimaryReplicaRouter()
    assert router.db_for_write(DataValue) == PRIMARY
    assert router.allow_migrate(REPLICA, "indicators") is False and router.allow_migrate(PRIMARY, "indicators") is None
    # and the replica itself refuses a write
    with pytest.raises(InternalError, match="read-only transaction"), connections[REPLICA].cursor() as cursor:
        cursor.execute("UPDATE indicators_datavalue SET comment = 'x'")
    wait_for_replay(pair)
    assert _query(pair["replica"], "SELECT comment FROM indicators_datavalue WHERE value = 1384")[0] == "đã rà"


def test_streaming_replica_serves_analytics_reads_and_never_a_writer_or_a_write(pair, settings):
    """One test, one pair of servers (about 15 s to start and migrate), so that xdist does not start two."""
    settings.XASO_REPLICA = {"read_after_write_seconds": 30, "max_lag_seconds": 3600, "check_seconds": 0}
    province_table_is_read_on_the_replica_with_the_written_figures(pair)
    without_opting_in_the_same_read_goes_to_the_primary(pair)
    an_analyst_sees_the_replica_and_an_officer_who_just_wrote_sees_the_primary(pair)
    a_replica_further_behind_than_the_bound_is_not_read(pair, settings)
    settings.XASO_REPLICA = {"read_after_write_seconds": 30, "max_lag_seconds": 3600, "check_seconds": 0}
    writes_never_go_to_the_replica(pair)
