"""Test helpers shared by apps: removing what a module-scoped fixture committed outside a test transaction; two
writers at once, for real, on PostgreSQL (one holds its transaction open on another thread while the test's own
write runs against it)."""

import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from django.apps import apps
from django.db import connection, transaction

APPS_WITH_DATA = {
    "indicators",
    "geo",
    "accounts",
    "core",
    "plans",
    "reports",
    "correspondence",
    "reportforms",
    "registers",
    "dossiers",
    "steering",
    "feedback",
    "notify",
    "census",  # the demo's households and people (xaso/census/demo.py)
    "teams",
    "privacy",
}
#: reference data a migration loads (the procedure list): every test expects it, so it is kept
KEPT_MODELS = {"dossiers.Procedure", "feedback.Category"}


def wipe_committed_data() -> None:
    tables = [
        m._meta.db_table
        for m in apps.get_models(include_auto_created=True)
        if m._meta.app_label in APPS_WITH_DATA and not m._meta.proxy and m._meta.label not in KEPT_MODELS
    ]
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("TRUNCATE " + ", ".join(f'"{t}"' for t in tables) + " RESTART IDENTITY CASCADE")
            return
        cursor.execute("PRAGMA foreign_keys=OFF")
        for table in tables:
            cursor.execute(f'DELETE FROM "{table}"')
        cursor.execute("PRAGMA foreign_keys=ON")


@contextmanager
def transaction_held(work: Callable[[], object], *, commit_after: float = 1.0) -> Iterator[list[Exception]]:
    """Run `work()` inside a transaction on another thread and keep that transaction open; the `with` body runs while
    it is held, and the held transaction commits `commit_after` seconds after the body starts (so a body that waits
    for its locks goes on then). Yields the list of the other thread's exceptions, filled once the block ends."""
    holding, release, failures = threading.Event(), threading.Event(), []

    def hold():
        try:
            with transaction.atomic():
                work()
                holding.set()
                release.wait(20)
        except Exception as exc:  # noqa: BLE001 - handed to the test through `failures`
            failures.append(exc)
        finally:
            holding.set()
            connection.close()

    worker = threading.Thread(target=hold)
    worker.start()
    assert holding.wait(20), "the other writer did not start"
    timer = threading.Timer(commit_after, release.set)
    timer.start()
    try:
        yield failures
    finally:
        release.set()
        worker.join(20)
        timer.cancel()
