"""Background tasks: a large register import, run by the task worker (`manage.py db_worker`)."""

from __future__ import annotations

from django.tasks import task

from . import services


@task()
def register_import_run_task(job_id: int) -> None:
    services.import_run(job_id)
