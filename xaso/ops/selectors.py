"""Reads for the health check and the metrics: the job queue and the workers' heartbeats."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta

from django.conf import settings
from django.db.models import Count, Min
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from .models import WorkerHeartbeat


def heartbeat_seconds() -> float:
    return float(getattr(settings, "XASO_WORKER_HEARTBEAT_SECONDS", 15))


def stale_after_seconds() -> float:
    """A worker whose last heartbeat is older than this is taken for dead (default: four missed beats)."""
    return float(getattr(settings, "XASO_WORKER_STALE_SECONDS", 4 * heartbeat_seconds()))


@dataclass
class QueueStats:
    queued: dict[str, int] = field(default_factory=dict)
    running: int = 0
    oldest_queued_age: float = 0.0


@dataclass
class WorkerStats:
    alive: int = 0
    youngest_age: float | None = None  # seconds since the newest heartbeat; None: no heartbeat at all


def job_queue_stats() -> QueueStats:
    now = timezone.now()
    ready = DBTaskResult.objects.ready()
    queued = dict(ready.values_list("queue_name").annotate(n=Count("id")).order_by())
    oldest = ready.aggregate(oldest=Min("enqueued_at"))["oldest"]
    return QueueStats(
        queued=queued,
        running=DBTaskResult.objects.running().count(),
        oldest_queued_age=max((now - oldest).total_seconds(), 0.0) if oldest else 0.0,
    )


def worker_stats() -> WorkerStats:
    now = timezone.now()
    last = WorkerHeartbeat.objects.order_by("-last_seen_at").values_list("last_seen_at", flat=True).first()
    alive = WorkerHeartbeat.objects.filter(last_seen_at__gte=now - timedelta(seconds=stale_after_seconds())).count()
    return WorkerStats(alive=alive, youngest_age=(now - last).total_seconds() if last else None)
