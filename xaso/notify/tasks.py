"""Background tasks of the notifications (the database backend's worker: `manage.py db_worker`)."""

from __future__ import annotations

from django.tasks import task

from . import deliveries


@task()
def deliveries_run_task(channel: str) -> None:
    deliveries.deliveries_run(channel)
