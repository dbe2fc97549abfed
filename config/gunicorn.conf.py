"""gunicorn's configuration for xaso: `make serve`, or `gunicorn -c config/gunicorn.conf.py config.wsgi`.

Every value can be changed from the environment (docs/deploy.md):
  XASO_BIND               where to listen (default 127.0.0.1:8000; a path with `unix:` for a socket)
  WEB_CONCURRENCY         worker processes (default 2 × CPU cores + 1, at most 8)
  XASO_WEB_THREADS        threads per worker (default 4): a request waiting on the database frees the CPU
  XASO_WEB_TIMEOUT        seconds before a silent worker is killed and replaced (default 60)
  PROMETHEUS_MULTIPROC_DIR  where the worker processes keep their metrics (default var/prometheus)
  XASO_LOG_FORMAT         json (one object per line, the default) or text, for the access, error and Django logs
"""

import multiprocessing
import os
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent

wsgi_app = "config.wsgi:application"
bind = [os.environ.get("XASO_BIND", "127.0.0.1:8000")]

# gthread: each process serves several requests at once while others wait on PostgreSQL or a file upload
worker_class = "gthread"
workers = int(os.environ.get("WEB_CONCURRENCY", min(2 * multiprocessing.cpu_count() + 1, 8)))
threads = int(os.environ.get("XASO_WEB_THREADS", 4))
# the longest request xaso serves is an import read in the request (XASO_IMPORT_LIMITS' "seconds", 60 by default)
timeout = int(os.environ.get("XASO_WEB_TIMEOUT", 60))
graceful_timeout = 30  # SIGTERM: finish what is in flight, for up to this long
keepalive = 5  # behind nginx, which keeps its upstream connections open
# a process is replaced after this many requests (with jitter, so they do not all restart at once): bounds leaks
max_requests = 2000
max_requests_jitter = 200
# request line and headers: gunicorn's defaults (4094 bytes, 100 headers) are kept
limit_request_line = 4094
limit_request_fields = 100
# worker heartbeats on a memory file system where there is one (a slow disk would look like a hung worker)
worker_tmp_dir = "/dev/shm" if os.path.isdir("/dev/shm") else None

# the reverse proxy on the same machine says the request came over HTTPS (X-Forwarded-Proto); Django reads the
# client's address through XASO_TRUSTED_PROXIES, not through gunicorn
forwarded_allow_ips = os.environ.get("XASO_FORWARDED_ALLOW_IPS", "127.0.0.1,::1")

# logs: both to stderr (journald under systemd), the access log as xaso's request line (xaso.ops.logs)
accesslog = "-"
errorlog = "-"
loglevel = os.environ.get("XASO_GUNICORN_LOG_LEVEL", "info")
logger_class = "xaso.ops.logs.GunicornLogger"
proc_name = "xaso-web"
# gunicornc's control socket only where asked for (XASO_CONTROL_SOCKET, e.g. /run/xaso/gunicorn.ctl): its default
# under $HOME would be shared by every gunicorn of the same user
control_socket = os.environ.get("XASO_CONTROL_SOCKET", "")
control_socket_disable = not control_socket

# Prometheus multiprocess mode: set before any worker imports prometheus_client (xaso.ops.metrics)
os.environ.setdefault("PROMETHEUS_MULTIPROC_DIR", str(BASE_DIR / "var" / "prometheus"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.production")
os.environ.setdefault("XASO_LOG_FORMAT", "json")


def on_starting(server):
    path = os.environ["PROMETHEUS_MULTIPROC_DIR"]
    os.makedirs(path, exist_ok=True)
    from xaso.ops.metrics import clear_dead_process_files

    clear_dead_process_files(path)


def child_exit(server, worker):
    from prometheus_client import multiprocess

    multiprocess.mark_process_dead(worker.pid)
