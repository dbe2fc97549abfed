"""Structured logs: one JSON object per line (`XASO_LOG_FORMAT=json`) or plain text, chosen by the environment.

Every record written while a request is handled carries that request's id (`xaso.ops.middleware` sets it; a
reverse proxy's `X-Request-ID` is kept when it is well formed). One line per request — request id, user id
(never a name), method, path (never the query string, which may hold search terms), view, status, duration — is
written by gunicorn's access log (`GunicornLogger`, configured in `config/gunicorn.conf.py`) or, under another
server, by the middleware on the `xaso.request` logger; never both.

This module is imported by the settings: it imports nothing from Django at module level.
"""

from __future__ import annotations

import contextvars
import datetime as dt
import json
import logging

#: the id of the request being handled in this thread / context ("-" outside a request)
request_id_var: contextvars.ContextVar[str] = contextvars.ContextVar("xaso_request_id", default="-")

#: WSGI environ keys the middleware fills for the server's access log (no personal data: an id, a view name)
ENVIRON_USER_ID = "xaso.user_id"
ENVIRON_VIEW = "xaso.view"
ENVIRON_REQUEST_ID = "xaso.request_id"

LOG_FORMATS = ("text", "json")

# attributes every LogRecord has; anything else on a record came from `extra=` and goes into the JSON object
_RECORD_ATTRIBUTES = set(vars(logging.LogRecord("", 0, "", 0, "", None, None))) | {"message", "asctime", "taskName"}


class RequestIdFilter(logging.Filter):
    """Adds `request_id` to every record (the text format prints it, the JSON format includes it)."""

    def filter(self, record: logging.LogRecord) -> bool:
        if not hasattr(record, "request_id"):
            record.request_id = request_id_var.get()
        return True


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time (UTC, ISO 8601), level, logger, message, request_id, the record's extras,
    and the exception's traceback as one string."""

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, object] = {
            "time": dt.datetime.fromtimestamp(record.created, dt.UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "request_id": getattr(record, "request_id", None) or request_id_var.get(),
        }
        for key, value in vars(record).items():
            if key not in _RECORD_ATTRIBUTES and key not in entry:
                entry[key] = value
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        if record.stack_info:
            entry["stack"] = self.formatStack(record.stack_info)
        return json.dumps(entry, ensure_ascii=False, default=str)


TEXT_FORMAT = "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"


def logging_config(fmt: str = "text", level: str = "INFO") -> dict:
    """Django's LOGGING for a format ("text" or "json") and the level of xaso's own loggers."""
    fmt = (fmt or "text").strip().lower()
    if fmt not in LOG_FORMATS:
        raise ValueError(f"XASO_LOG_FORMAT must be one of {LOG_FORMATS}, not {fmt!r}")
    level = (level or "INFO").strip().upper()
    formatter = {"()": JsonFormatter} if fmt == "json" else {"format": TEXT_FORMAT}
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "filters": {"request_id": {"()": RequestIdFilter}},
        "formatters": {"xaso": formatter},
        "handlers": {
            "console": {"class": "logging.StreamHandler", "formatter": "xaso", "filters": ["request_id"]},
        },
        # "xaso.security": failed logins, lock-outs, successful logins (never a password);
        # "xaso.request": one line per request when the server is not gunicorn
        "loggers": {
            "xaso": {"handlers": ["console"], "level": level, "propagate": False},
            "django": {"handlers": ["console"], "level": "INFO", "propagate": False},
            "django_tasks_db": {"handlers": ["console"], "level": "INFO", "propagate": False},
            "django.tasks": {"handlers": ["console"], "level": "INFO", "propagate": False},
        },
    }


def request_line(*, request_id: str, user_id, method: str, path: str, view: str, status: int,
                 duration_ms: float) -> dict:  # fmt: skip
    """The fields of the one log line per request, in the order they are written."""
    return {
        "event": "request",
        "request_id": request_id,
        "user_id": user_id,
        "method": method,
        "path": path,
        "view": view,
        "status": status,
        "duration_ms": round(duration_ms, 1),
    }


try:  # gunicorn is the production server; the rest of this module works without it
    from gunicorn.glogging import Logger as _GunicornLogger
except ImportError:  # pragma: no cover
    _GunicornLogger = object  # type: ignore[assignment,misc]


class GunicornLogger(_GunicornLogger):  # type: ignore[misc,valid-type]
    """Gunicorn's logger, writing its access log as xaso's request line (JSON or text, `XASO_LOG_FORMAT`).

    The user id and the view name come from the WSGI environ, where `xaso.ops.middleware` put them; the request
    id from the response's X-Request-ID. A request Django never saw (a malformed request line) still gets a line.
    """

    def setup(self, cfg) -> None:
        super().setup(cfg)
        import os

        self._json = os.environ.get("XASO_LOG_FORMAT", "text").strip().lower() == "json"
        if self._json:
            for handler in self.error_log.handlers + self.access_log.handlers:
                handler.setFormatter(JsonFormatter())

    def access(self, resp, req, environ, request_time) -> None:
        if not (self.cfg.accesslog or self.cfg.logconfig or self.cfg.logconfig_dict or self.cfg.syslog):
            return
        status = resp.status
        if isinstance(status, str):
            status = status.split(None, 1)[0]
        try:
            status = int(status)
        except (TypeError, ValueError):
            status = 0
        request_id = environ.get(ENVIRON_REQUEST_ID) or "-"
        for name, value in resp.headers or ():
            if name.lower() == "x-request-id":
                request_id = value
        line = request_line(
            request_id=request_id,
            user_id=environ.get(ENVIRON_USER_ID),
            method=environ.get("REQUEST_METHOD", "-"),
            path=environ.get("PATH_INFO", "-"),
            view=environ.get(ENVIRON_VIEW, "-"),
            status=status,
            duration_ms=request_time.total_seconds() * 1000,
        )
        try:
            if self._json:
                self.access_log.info("request", extra={k: v for k, v in line.items() if k != "request_id"}
                                     | {"request_id": request_id})  # fmt: skip
            else:
                self.access_log.info(" ".join(f"{k}={v}" for k, v in line.items()))
        except Exception:  # noqa: BLE001  (a log line must never fail a request)
            self.error("Failed to write the access log line")
