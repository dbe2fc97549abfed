"""Two writers at once, for real, on PostgreSQL: one holds its transaction open on another thread while the test's
own write runs against it."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from django.db import connection, transaction


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
