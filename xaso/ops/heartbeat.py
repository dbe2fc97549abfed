"""The job worker's heartbeat: a thread of the worker process writes its row every few seconds.

A thread, not the worker's loop: a job can run for minutes (a province-wide export) and the worker is alive all
that time. While a job runs, `running_since` says since when (task_started / task_finished signals), so an
operator can tell a long job from a hung one in the admin.
"""

from __future__ import annotations

import logging
import os
import socket
import threading
from datetime import timedelta

from django.db import close_old_connections, connection
from django.tasks.signals import task_finished, task_started
from django.utils import timezone

from .models import WorkerHeartbeat
from .selectors import heartbeat_seconds

logger = logging.getLogger("xaso.ops.worker")

#: rows of workers that stopped without cleaning up (killed, machine lost) are deleted after this long
FORGET_AFTER = timedelta(days=1)


class Heartbeat:
    def __init__(self, *, worker_id: str, queues: str, interval: float | None = None):
        self.worker_id = worker_id
        self.queues = queues[:255]
        self.interval = interval if interval is not None else heartbeat_seconds()
        self.started_at = timezone.now()
        self.tasks_run = 0
        self.running_since = None
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    # task signals (sent in the worker's main thread)
    def _task_started(self, sender, task_result, **kwargs) -> None:
        self.running_since = timezone.now()

    def _task_finished(self, sender, task_result, **kwargs) -> None:
        self.running_since = None
        self.tasks_run += 1

    def beat(self) -> None:
        now = timezone.now()
        WorkerHeartbeat.objects.update_or_create(
            worker_id=self.worker_id,
            defaults={
                "hostname": socket.gethostname()[:255],
                "pid": os.getpid(),
                "queues": self.queues,
                "started_at": self.started_at,
                "last_seen_at": now,
                "tasks_run": self.tasks_run,
                "running_since": self.running_since,
            },
        )
        WorkerHeartbeat.objects.filter(last_seen_at__lt=now - FORGET_AFTER).delete()

    def _run(self) -> None:
        try:
            while not self._stop.wait(self.interval):
                try:
                    close_old_connections()
                    self.beat()
                except Exception:  # a database hiccup must not kill the heartbeat; /healthz shows the gap
                    logger.exception("Could not record the job worker's heartbeat")
        finally:
            connection.close()

    def start(self) -> None:
        """Beat once now (a worker that cannot write its heartbeat fails at start), then every `interval` s."""
        self.beat()
        task_started.connect(self._task_started, dispatch_uid=f"heartbeat-start-{self.worker_id}")
        task_finished.connect(self._task_finished, dispatch_uid=f"heartbeat-finish-{self.worker_id}")
        self._thread = threading.Thread(target=self._run, name="xaso-heartbeat", daemon=True)
        self._thread.start()
        logger.info("Job worker %s started; heartbeat every %s s", self.worker_id, self.interval)

    def stop(self) -> None:
        """Stop beating and remove the row: a worker stopped on purpose is not a dead worker."""
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=self.interval + 5)
        task_started.disconnect(dispatch_uid=f"heartbeat-start-{self.worker_id}")
        task_finished.disconnect(dispatch_uid=f"heartbeat-finish-{self.worker_id}")
        try:
            WorkerHeartbeat.objects.filter(worker_id=self.worker_id).delete()
        except Exception:
            logger.exception("Could not remove the job worker's heartbeat")
