"""Settings check: a read replica must be PostgreSQL behind a PostgreSQL primary, and the read-after-write
window must outlast the lag the router accepts (xaso.core.db_router)."""

from __future__ import annotations

from django.core.checks import Error, register
from django.db import connections

from .db_router import PRIMARY, REPLICA, replica_configured, replica_settings


@register()
def replica_check(app_configs, **kwargs):
    if not replica_configured():
        return []
    errors = []
    engines = {alias: connections.settings[alias]["ENGINE"] for alias in (PRIMARY, REPLICA)}
    if any(engine != "django.db.backends.postgresql" for engine in engines.values()):
        errors.append(
            Error(
                f"DATABASE_REPLICA_URL: a read replica is a PostgreSQL streaming replica of a PostgreSQL primary "
                f"(engines: {engines}).",
                id="xaso.core.E001",
            )
        )
    conf = replica_settings()
    if conf["read_after_write_seconds"] < conf["max_lag_seconds"] + conf["check_seconds"]:
        errors.append(
            Error(
                f"XASO_REPLICA: read_after_write_seconds ({conf['read_after_write_seconds']}) must be at least "
                f"max_lag_seconds + check_seconds ({conf['max_lag_seconds']} + {conf['check_seconds']}), or a user "
                "could read a replica older than their own last write.",
                id="xaso.core.E002",
            )
        )
    return errors
