from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class WorkerHeartbeat(models.Model):
    """One running job worker (`manage.py db_worker`): it writes `last_seen_at` every few seconds from a thread of
    its own (`xaso.ops.heartbeat`), and deletes its row when it stops cleanly. /healthz reads the newest one."""

    worker_id = models.CharField(_("mã tiến trình xử lý"), max_length=64, unique=True)
    hostname = models.CharField(_("máy chủ"), max_length=255)
    pid = models.PositiveIntegerField(_("số tiến trình"))
    queues = models.CharField(_("hàng đợi"), max_length=255)
    started_at = models.DateTimeField(_("bắt đầu lúc"))
    last_seen_at = models.DateTimeField(_("nhịp gần nhất"), db_index=True)
    tasks_run = models.PositiveIntegerField(_("số việc đã chạy"), default=0)
    #: when the job it runs now started; null while it waits for work
    running_since = models.DateTimeField(_("đang chạy việc từ"), null=True, blank=True)

    class Meta:
        verbose_name = _("nhịp tiến trình xử lý nền")
        verbose_name_plural = pgettext_lazy("plural", "nhịp tiến trình xử lý nền")
        ordering = ["-last_seen_at"]

    def __str__(self) -> str:
        return f"{self.hostname}:{self.pid}"
