"""The database router without a replica (every read on the primary, no cookie) and its settings check.

The router with a real streaming replica is tested in test_read_replica.py (PostgreSQL pass)."""

from __future__ import annotations

from contextlib import contextmanager

import pytest
from django.db import connections

from xaso.core.checks import replica_check
from xaso.core.db_router import COOKIE, PRIMARY, REPLICA, _cookie_time, read_alias, replica_configured, using_replica


def test_without_a_replica_every_read_goes_to_the_primary_and_a_write_sets_no_cookie(
    client, catalog, an_vien, an_vien_officer
):
    assert not replica_configured()
    with using_replica():
        assert read_alias() == PRIMARY
    client.force_login(an_vien_officer)
    response = client.post(
        "/api/v1/data-values/",
        {"values": [{"element": "households_total", "unit": "26296", "period": "2025", "value": 8560}]},
        content_type="application/json",
    )
    assert response.status_code == 200 and response.json()["created"] == 1
    assert COOKIE not in response.cookies


@contextmanager
def replica_alias(engine: str):
    saved = connections.settings
    connections.settings = {**saved, REPLICA: {**saved[PRIMARY], "ENGINE": engine}}
    try:
        yield
    finally:
        connections.settings = saved


def test_the_settings_check_wants_postgresql_and_a_window_longer_than_the_lag(settings):
    settings.XASO_REPLICA = {"read_after_write_seconds": 30, "max_lag_seconds": 5, "check_seconds": 1}
    assert replica_check(None) == []  # no replica: nothing to check
    with replica_alias("django.db.backends.sqlite3"):
        assert [e.id for e in replica_check(None)] == ["xaso.core.E001"]
        settings.XASO_REPLICA = {"read_after_write_seconds": 5, "max_lag_seconds": 5, "check_seconds": 1}
        assert [e.id for e in replica_check(None)] == ["xaso.core.E001", "xaso.core.E002"]
        settings.XASO_REPLICA = {"read_after_write_seconds": 6, "max_lag_seconds": 5, "check_seconds": 1}
        assert [e.id for e in replica_check(None)] == ["xaso.core.E001"]


@pytest.mark.parametrize(
    ("raw", "expected"),
    [("1764748800", 1764748800.0), ("99999999999", 2000000000.0), ("", None), ("-5", None), ("1e9", None),
     ("１２３", None), ("1234567890123", None)],
)  # fmt: skip
def test_a_write_cookie_is_a_past_time_or_nothing(raw, expected):
    assert _cookie_time(raw, 2_000_000_000.0) == expected
