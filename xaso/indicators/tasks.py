"""Background tasks (Django's task framework; the database backend's worker is `manage.py db_worker`)."""

from __future__ import annotations

from django.tasks import task

from . import importjobs


@task()
def import_job_run_task(job_id: int) -> None:
    importjobs.import_job_run(job_id)
