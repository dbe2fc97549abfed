"""Background tasks of the exchange (the database backend's worker: `manage.py db_worker`)."""

from __future__ import annotations

from django.tasks import task

from . import push


@task()
def push_run_task(endpoint_id: int) -> None:
    push.push_run(endpoint_id)
