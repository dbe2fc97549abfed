"""Prometheus metrics: request latency by view, the job queue, the worker's heartbeat, import throughput.

Counters and histograms are prometheus_client's. Under gunicorn several processes serve requests, so the
client's multiprocess mode is used: `PROMETHEUS_MULTIPROC_DIR` names a directory every process writes its
figures to (gunicorn's config sets it before the application is loaded, and the job worker's unit sets the same
directory), `/metrics` merges them, a worker that exits has its live gauges removed (`child_exit` in
`config/gunicorn.conf.py`) and files of processes that are gone are cleared when gunicorn starts. Without that
variable (runserver, tests) everything stays in the process. Figures read from the database (queue length,
heartbeat age) are computed when /metrics is read, never stored.
"""

from __future__ import annotations

import functools
import glob
import os
import re
import time
from collections.abc import Callable, Iterator
from pathlib import Path

from prometheus_client import CONTENT_TYPE_LATEST, REGISTRY, CollectorRegistry, Counter, Histogram, generate_latest
from prometheus_client.core import GaugeMetricFamily, Metric
from prometheus_client.multiprocess import MultiProcessCollector

MULTIPROC_ENV = "PROMETHEUS_MULTIPROC_DIR"

REQUEST_SECONDS = Histogram(
    "xaso_http_request_duration_seconds",
    "Time from the request reaching Django to the response leaving it, by view name and method.",
    ["view", "method"],
    buckets=(0.01, 0.025, 0.05, 0.1, 0.2, 0.3, 0.5, 1, 2, 5, 10, 30, 60),
)
REQUESTS = Counter(
    "xaso_http_requests", "Requests answered, by view name, method and status code.", ["view", "method", "status"]
)
IMPORT_FILES = Counter(
    "xaso_import_files",
    "Imported CSV/XLSX files by format and outcome (saved, checked: check only, rejected: row errors, "
    "unreadable: the file itself was refused).",
    ["format", "outcome"],
)
IMPORT_ROWS = Counter("xaso_import_values", "Figures saved by imports (rows of saved files).", ["format"])
IMPORT_SECONDS = Histogram(
    "xaso_import_duration_seconds",
    "Time to read, check and write one imported file, by format; rate(xaso_import_values_total) / "
    "rate(xaso_import_duration_seconds_sum) is the import throughput in figures per second.",
    ["format"],
    buckets=(0.1, 0.25, 0.5, 1, 2, 4, 8, 15, 30, 60, 120),
)

_METHODS = {"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"}


def observe_request(*, view: str, method: str, status: int, seconds: float) -> None:
    method = method if method in _METHODS else "other"  # an invented method must not create a new series
    REQUEST_SECONDS.labels(view, method).observe(seconds)
    REQUESTS.labels(view, method, str(status)).inc()


def _format_of(filename: str) -> str:
    suffix = Path(filename or "").suffix.lower()
    if suffix in {".xlsx", ".xlsm"}:
        return "xlsx"
    if suffix in {".csv", ".txt", ".tsv"}:
        return "csv"
    return "other"


def instrument_import(func: Callable) -> Callable:
    """Counts an import function's files, saved figures and time. It takes `filename=` and returns a report with
    `rows`, `is_ok` and `check_only` (xaso.indicators.importexport.ImportReport)."""

    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        fmt = _format_of(kwargs.get("filename", ""))
        started = time.perf_counter()
        try:
            report = func(*args, **kwargs)
        except Exception:
            IMPORT_FILES.labels(fmt, "unreadable").inc()
            IMPORT_SECONDS.labels(fmt).observe(time.perf_counter() - started)
            raise
        IMPORT_SECONDS.labels(fmt).observe(time.perf_counter() - started)
        if not report.is_ok:
            outcome = "rejected"
        elif report.check_only:
            outcome = "checked"
        else:
            outcome = "saved"
            IMPORT_ROWS.labels(fmt).inc(report.rows)
        IMPORT_FILES.labels(fmt, outcome).inc()
        return report

    return wrapper


# reading the database when /metrics is scraped


class DatabaseCollector:
    """The job queue and the workers' heartbeats, read when /metrics is scraped (a few indexed queries)."""

    def collect(self) -> Iterator[Metric]:
        from .selectors import job_queue_stats, worker_stats

        queue = job_queue_stats()
        queued = GaugeMetricFamily("xaso_jobs_queued", "Background jobs waiting to run, by queue.", labels=["queue"])
        for name, count in sorted(queue.queued.items()):
            queued.add_metric([name], count)
        yield queued
        yield GaugeMetricFamily("xaso_jobs_running", "Background jobs running now.", value=queue.running)
        yield GaugeMetricFamily(
            "xaso_jobs_oldest_queued_age_seconds",
            "How long the oldest waiting job has waited (0 when none waits).",
            value=queue.oldest_queued_age,
        )
        workers = worker_stats()
        yield GaugeMetricFamily(
            "xaso_workers_alive", "Job workers whose heartbeat is recent (manage.py db_worker).", value=workers.alive
        )
        yield GaugeMetricFamily(
            "xaso_worker_heartbeat_age_seconds",
            "Seconds since the most recent heartbeat of any job worker (-1: no worker has ever beaten).",
            value=workers.youngest_age if workers.youngest_age is not None else -1,
        )


class _ProcessCollector:
    """This process's own registry (default metrics + xaso's), when not in multiprocess mode."""

    def collect(self) -> Iterator[Metric]:
        yield from REGISTRY.collect()


def multiprocess_dir() -> str | None:
    path = os.environ.get(MULTIPROC_ENV)
    return path if path and os.path.isdir(path) else None


def exposition() -> tuple[bytes, str]:
    """The text to answer /metrics with, and its content type."""
    registry = CollectorRegistry(auto_describe=False)
    if multiprocess_dir():
        MultiProcessCollector(registry)
    else:
        registry.register(_ProcessCollector())
    registry.register(DatabaseCollector())
    return generate_latest(registry), CONTENT_TYPE_LATEST


_PID_FILE = re.compile(r"_(\d+)\.db$")


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def clear_dead_process_files(path: str) -> list[str]:
    """Remove the metric files of processes that no longer run (called when gunicorn starts), so figures of an
    earlier run are not added to this one; files of living processes (the job worker) stay."""
    removed = []
    for name in glob.glob(os.path.join(path, "*.db")):
        match = _PID_FILE.search(name)
        if match and not _alive(int(match.group(1))):
            os.remove(name)
            removed.append(name)
    return removed
