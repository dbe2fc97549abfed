"""Background tasks (Django's task framework; the database backend's worker is `manage.py db_worker`)."""

from __future__ import annotations

from django.tasks import task

from . import services


@task()
def report_job_run_task(job_id: int) -> None:
    services.report_job_run(job_id)
