"""Read scaling with PostgreSQL streaming replicas: which database a query goes to.

With a replica configured (the `replica` alias, from DATABASE_REPLICA_URL), a read goes to it only when all
of these hold, else to the primary (`default`):

1. the code asked for it: it runs inside `using_replica()` (a context manager and a decorator). Only the
   read-only analytics opt in — the province table, the scorecard, the dashboards, the province export — never
   a read that decides a write;
2. nothing in this request (or job) has written: a non-safe request (POST, PUT, PATCH, DELETE) reads from the
   primary from start to end, and so does the rest of any scope after a write through the ORM. A request is a
   scope (`ReadAfterWriteMiddleware`), a report job is one (`freshness_scope(since=<queued at>)`); code outside
   any scope that writes and then reads what it wrote opens its own `freshness_scope()`;
3. the user did not write in the last `XASO_REPLICA["read_after_write_seconds"]` seconds: every non-safe
   request sets a cookie with its time (`ReadAfterWriteMiddleware`), so the user's next pages show their own
   figures (read-after-write), whatever the replica's lag;
4. no transaction is open on the primary (its own uncommitted writes are only visible there);
5. the replica is fresh: it is in recovery (still a replica), and it has replayed everything the primary had
   written when it was checked, or the newest transaction it replayed is at most
   `XASO_REPLICA["max_lag_seconds"]` old. Checked at most once every `XASO_REPLICA["check_seconds"]` per
   process; a replica that cannot be reached counts as stale.

Writes always go to the primary, and no migration runs on the replica (it follows the primary's WAL).
Without a replica alias every read goes to the primary, exactly as before; the middleware sets no cookie.

Rules 3 and 5 together make the freshness rule exact: a replica at most L seconds behind holds every
transaction committed more than L seconds ago, so with read_after_write_seconds ≥ max_lag_seconds +
check_seconds (+ clock skew between the servers) a user never reads a replica older than their own last write.
`xaso.core.checks` refuses settings that break this. docs/decisions/0021-national-topology.md.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, DatabaseError, connections

logger = logging.getLogger("xaso.db")

PRIMARY = DEFAULT_DB_ALIAS
REPLICA = "replica"
COOKIE = "xaso_wrote"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "TRACE"})

DEFAULTS = {"read_after_write_seconds": 30, "max_lag_seconds": 5, "check_seconds": 1}


def replica_settings() -> dict:
    return {**DEFAULTS, **getattr(settings, "XASO_REPLICA", {})}


def replica_configured() -> bool:
    return REPLICA in connections.settings


@dataclass
class Scope:
    """What one request (or job) knows about its own writes."""

    since: float | None = None  # time.time() of the user's last write known to this scope (cookie, request)
    wrote: bool = False  # this scope wrote through the ORM


_scope: ContextVar[Scope | None] = ContextVar("xaso_db_scope", default=None)
_wanted: ContextVar[bool] = ContextVar("xaso_replica_wanted", default=False)
_untracked: ContextVar[bool] = ContextVar("xaso_untracked_write", default=False)


@contextmanager
def freshness_scope(*, since: float | None = None) -> Iterator[Scope]:
    """One request or job: reads after a write in it, or within read_after_write_seconds of `since`, go to the
    primary. Nested scopes are independent (a job's own bookkeeping writes outside its scope do not count)."""
    scope = Scope(since=since)
    token = _scope.set(scope)
    try:
        yield scope
    finally:
        _scope.reset(token)


@contextmanager
def using_replica() -> Iterator[None]:
    """Reads inside may go to the replica (see the module's rules); a decorator too: `@using_replica()`.

    The alias is chosen when a query runs, not when a QuerySet is built: evaluate inside the block."""
    token = _wanted.set(True)
    try:
        yield
    finally:
        _wanted.reset(token)


@contextmanager
def using_primary() -> Iterator[None]:
    """Reads inside go to the primary even within `using_replica()` (a read that decides a write)."""
    token = _wanted.set(False)
    try:
        yield
    finally:
        _wanted.reset(token)


@contextmanager
def untracked_writes() -> Iterator[None]:
    """Writes inside do not send the scope's later reads to the primary: bookkeeping that no replica read depends
    on (a job's own progress row)."""
    token = _untracked.set(True)
    try:
        yield
    finally:
        _untracked.reset(token)


class ReplicaHealth:
    """Is the replica fresh enough to read from? One check per `check_seconds` per process, shared by threads."""

    SQL = (
        "SELECT pg_is_in_recovery(), pg_wal_lsn_diff(%s::pg_lsn, pg_last_wal_replay_lsn()),"
        " EXTRACT(EPOCH FROM clock_timestamp() - pg_last_xact_replay_timestamp())"
    )

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._checked_at = float("-inf")
        self._fresh = False
        self.last: dict = {}

    def reset(self) -> None:
        with self._lock:
            self._checked_at = float("-inf")

    def fresh(self) -> bool:
        conf = replica_settings()
        if time.monotonic() - self._checked_at < conf["check_seconds"]:
            return self._fresh
        with self._lock:
            if time.monotonic() - self._checked_at >= conf["check_seconds"]:
                self._fresh = self._check(conf["max_lag_seconds"])
                self._checked_at = time.monotonic()
            return self._fresh

    def _check(self, max_lag: float) -> bool:
        try:
            with connections[PRIMARY].cursor() as cursor:
                cursor.execute("SELECT pg_current_wal_lsn()")
                (primary_lsn,) = cursor.fetchone()
            replica = connections[REPLICA]
            with replica.cursor() as cursor:
                cursor.execute(self.SQL, [str(primary_lsn)])
                in_recovery, behind_bytes, age = cursor.fetchone()
        except DatabaseError as exc:
            logger.warning("replica unreachable, reading from the primary: %s", exc)
            connections[REPLICA].close()
            self.last = {"error": str(exc)}
            return False
        self.last = {"in_recovery": in_recovery, "behind_bytes": behind_bytes, "age_seconds": age}
        if not in_recovery:  # promoted: no longer a copy of this primary
            logger.warning("the replica is not in recovery: reading from the primary")
            return False
        if behind_bytes is not None and behind_bytes <= 0:
            return True  # it has replayed everything the primary had written a moment ago
        fresh = age is not None and float(age) <= max_lag
        if not fresh:
            logger.warning("replica behind by %s bytes, last replayed transaction %s s old: reading from the primary",
                           behind_bytes, age)  # fmt: skip
        return fresh


health = ReplicaHealth()


def read_alias() -> str:
    """The alias a read made now goes to."""
    if not _wanted.get() or not replica_configured():
        return PRIMARY
    if connections[PRIMARY].in_atomic_block:
        return PRIMARY
    scope = _scope.get()
    if scope is not None:
        if scope.wrote:
            return PRIMARY
        if scope.since is not None and time.time() - scope.since < replica_settings()["read_after_write_seconds"]:
            return PRIMARY
    return REPLICA if health.fresh() else PRIMARY


class PrimaryReplicaRouter:
    """settings.DATABASE_ROUTERS: reads by `read_alias()`, writes and migrations on the primary only."""

    def db_for_read(self, model, **hints):
        return read_alias()

    def db_for_write(self, model, **hints):
        scope = _scope.get()
        if scope is not None and not _untracked.get():
            scope.wrote = True
        return PRIMARY

    def allow_relation(self, obj1, obj2, **hints):
        # the replica holds the primary's rows: an object read from one may point at an object read from the other
        if {obj1._state.db, obj2._state.db} <= {PRIMARY, REPLICA}:
            return True
        return None

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        return False if db == REPLICA else None


class ReadAfterWriteMiddleware:
    """One freshness scope per request; a non-safe request reads from the primary and tells the browser (cookie
    `xaso_wrote`, the time of the write) so its next pages do too for read_after_write_seconds.

    Place it before SessionMiddleware (outside it), so the whole request, session included, is in its scope.
    A forged or stale cookie can only send its own reads to the primary."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not replica_configured():
            return self.get_response(request)
        now = time.time()
        unsafe = request.method not in SAFE_METHODS
        since = now if unsafe else _cookie_time(request.COOKIES.get(COOKIE), now)
        with freshness_scope(since=since) as scope:
            response = self.get_response(request)
        if unsafe or scope.wrote:
            seconds = replica_settings()["read_after_write_seconds"]
            response.set_cookie(
                COOKIE, str(int(time.time())), max_age=seconds, httponly=True, samesite="Lax",
                secure=settings.SESSION_COOKIE_SECURE,
            )  # fmt: skip
        return response


def _cookie_time(raw: str | None, now: float) -> float | None:
    """The write time a cookie carries; nothing for a malformed one or one from the future (then: now)."""
    if not raw or not raw.isascii() or not raw.isdigit() or len(raw) > 12:
        return None
    return min(float(raw), now)
