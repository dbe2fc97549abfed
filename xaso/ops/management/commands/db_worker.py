"""`manage.py db_worker`: django-tasks-db's worker, with a heartbeat the health check reads (xaso.ops.heartbeat).

xaso.ops comes before django_tasks_db in INSTALLED_APPS so this command is the one `manage.py` runs.
"""

from __future__ import annotations

import os

from django.utils.autoreload import DJANGO_AUTORELOAD_ENV
from django_tasks_db.management.commands.db_worker import Command as DbWorkerCommand

from xaso.ops.heartbeat import Heartbeat


class Command(DbWorkerCommand):
    help = "Chạy tiến trình xử lý việc nền (run the background job worker), with a heartbeat for /healthz."

    def handle(self, *args, **options):
        # with --reload the first process only watches files and restarts the second, which runs the jobs
        if options.get("reload") and not options.get("batch") and os.environ.get(DJANGO_AUTORELOAD_ENV) != "true":
            return super().handle(*args, **options)
        heartbeat = Heartbeat(worker_id=options["worker_id"], queues=options["queue_name"])
        heartbeat.start()
        try:
            return super().handle(*args, **options)
        finally:
            heartbeat.stop()
