"""What /healthz checks: the database answers, a job worker's heartbeat is recent, the data disks have room.

Each check answers "ok" or "fail" and nothing else: no error text, host name, path or figure leaves the server
(a failure is logged on `xaso.ops.health` with its reason for the operator).
"""

from __future__ import annotations

import logging
import shutil
from collections.abc import Callable
from pathlib import Path

from django.conf import settings
from django.db import connections

from .selectors import stale_after_seconds, worker_stats

logger = logging.getLogger("xaso.ops.health")

OK, FAIL = "ok", "fail"


def check_database() -> tuple[bool, str]:
    with connections["default"].cursor() as cursor:
        cursor.execute("SELECT 1")
        row = cursor.fetchone()
    return row == (1,), f"SELECT 1 answered {row!r}"


def check_worker() -> tuple[bool, str]:
    stats = worker_stats()
    if stats.youngest_age is None:
        return False, "no job worker has recorded a heartbeat (is manage.py db_worker running?)"
    limit = stale_after_seconds()
    return stats.alive > 0, f"newest heartbeat {stats.youngest_age:.0f} s ago (stale after {limit:.0f} s)"


def disk_paths() -> list[Path]:
    """The directories whose free space is checked: where uploads and generated files go, by default."""
    configured = getattr(settings, "XASO_HEALTH_DISK_PATHS", None)
    if configured:
        return [Path(p) for p in configured]
    return [Path(settings.XASO_PRIVATE_ROOT)]


def check_disk() -> tuple[bool, str]:
    minimum = int(getattr(settings, "XASO_HEALTH_MIN_FREE_BYTES", 1024**3))
    reasons, ok = [], True
    for path in disk_paths():
        probe = path
        while not probe.exists() and probe != probe.parent:  # not created yet: the disk it will be created on
            probe = probe.parent
        free = shutil.disk_usage(probe).free
        if free < minimum:
            ok = False
        reasons.append(f"{path}: {free} bytes free (minimum {minimum})")
    return ok, "; ".join(reasons)


CHECKS: dict[str, Callable[[], tuple[bool, str]]] = {
    "database": check_database,
    "worker": check_worker,
    "disk": check_disk,
}


def run_checks() -> dict[str, str]:
    results = {}
    for name, check in CHECKS.items():
        try:
            ok, reason = check()
        except Exception as exc:  # noqa: BLE001  (a check that raises has failed)
            ok, reason = False, f"{type(exc).__name__}: {exc}"
        results[name] = OK if ok else FAIL
        if not ok:
            logger.warning("Health check %s failed: %s", name, reason)
    return results
