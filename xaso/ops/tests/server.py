"""Start the production server (gunicorn, config/gunicorn.conf.py, config.settings.production) for a test.

The server runs in a subprocess on a port the kernel picks (it binds port 0 and says where it listens), against a
database the test can write to: the PostgreSQL test database itself (its committed rows), or a copy of the
in-memory SQLite test database in a file. Requests speak HTTP to it as nginx would (X-Forwarded-Proto: https).
"""

from __future__ import annotations

import http.client
import json
import os
import re
import secrets
import signal
import sqlite3
import subprocess
import sys
import time
from dataclasses import dataclass, field
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import urlsplit

from django.conf import settings
from django.db import connection

BASE_DIR = Path(settings.BASE_DIR)
_LISTENING = re.compile(r"Listening at: http://127\.0\.0\.1:(\d+)")


def database_url_for_subprocess(tmp_path: Path) -> str:
    """A DATABASE_URL through which another process sees what this test committed."""
    db = connection.settings_dict
    if connection.vendor == "postgresql":
        user = db.get("USER") or "postgres"
        password = f":{db['PASSWORD']}" if db.get("PASSWORD") else ""
        return f"postgres://{user}{password}@{db.get('HOST') or '127.0.0.1'}:{db.get('PORT') or 5432}/{db['NAME']}"
    if connection.vendor == "sqlite":
        target = tmp_path / "server.sqlite3"
        if connection.is_in_memory_db():
            connection.ensure_connection()
            with sqlite3.connect(target) as copy:
                connection.connection.backup(copy)
            return f"sqlite:///{target}"
        return f"sqlite:///{db['NAME']}"
    raise NotImplementedError(connection.vendor)


def production_env(tmp_path: Path, database_url: str, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "XASO_", "PROMETHEUS_"))}
    env.update(
        DJANGO_SETTINGS_MODULE="config.settings.production",
        DJANGO_SECRET_KEY=secrets.token_urlsafe(50),
        DJANGO_ALLOWED_HOSTS="127.0.0.1",
        DATABASE_URL=database_url,
        XASO_STATIC_ROOT=str(tmp_path / "static"),
        XASO_PRIVATE_ROOT=str(tmp_path / "private"),
        PROMETHEUS_MULTIPROC_DIR=str(tmp_path / "prometheus"),
        XASO_LOG_FORMAT="json",
        XASO_HEALTH_MIN_FREE_BYTES="1",
    )
    env.update(extra)
    return env


def collectstatic(env: dict[str, str]) -> None:
    subprocess.run([sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"], cwd=BASE_DIR, env=env,
                   check=True, timeout=300)  # fmt: skip


@dataclass
class Response:
    status: int
    headers: dict[str, str]
    body: bytes

    def json(self):
        return json.loads(self.body)

    @property
    def text(self) -> str:
        return self.body.decode()


@dataclass
class Browser:
    """An HTTP client for the server behind a TLS-terminating proxy: cookies kept by hand (they are Secure)."""

    port: int
    cookies: dict[str, str] = field(default_factory=dict)

    @property
    def origin(self) -> str:
        return f"https://127.0.0.1:{self.port}"

    def request(self, method: str, path: str, *, body: bytes | None = None, headers: dict | None = None) -> Response:
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
        sent = {"Host": f"127.0.0.1:{self.port}", "X-Forwarded-Proto": "https"}
        if self.cookies:
            sent["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        sent.update(headers or {})
        try:
            conn.request(method, path, body=body, headers=sent)
            raw = conn.getresponse()
            data = raw.read()
            for name, value in raw.getheaders():
                if name.lower() == "set-cookie":
                    for morsel in SimpleCookie(value).values():
                        self.cookies[morsel.key] = morsel.value
            return Response(raw.status, {k.lower(): v for k, v in raw.getheaders()}, data)
        finally:
            conn.close()

    def get(self, path: str, **kwargs) -> Response:
        return self.request("GET", path, **kwargs)

    def follow(self, path: str, limit: int = 5) -> Response:
        response = self.get(path)
        while response.status in (301, 302, 303) and limit:
            response = self.get(urlsplit(response.headers["location"]).path or "/")
            limit -= 1
        return response


class ProductionServer:
    def __init__(self, env: dict[str, str], log_path: Path):
        self.env = env
        self.log_path = log_path
        self.process: subprocess.Popen | None = None
        self.port = 0

    def start(self, timeout: float = 60) -> ProductionServer:
        self._log = open(self.log_path, "wb")  # noqa: SIM115  (closed in stop)
        self.process = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "-c", "config/gunicorn.conf.py"],
            cwd=BASE_DIR, env=self.env | {"XASO_BIND": "127.0.0.1:0"}, stdout=self._log, stderr=subprocess.STDOUT,
        )  # fmt: skip
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"gunicorn exited with {self.process.returncode}:\n{self.log}")
            match = _LISTENING.search(self.log)
            if match:
                self.port = int(match.group(1))
                break
            time.sleep(0.1)
        else:
            raise RuntimeError(f"gunicorn did not start in {timeout} s:\n{self.log}")
        # the workers load the application lazily: wait until one answers
        while time.monotonic() < deadline:
            try:
                if self.browser().get("/accounts/login/").status == 200:
                    return self
            except OSError:
                pass
            time.sleep(0.2)
        raise RuntimeError(f"gunicorn did not answer in {timeout} s:\n{self.log}")

    def browser(self) -> Browser:
        return Browser(self.port)

    @property
    def log(self) -> str:
        return self.log_path.read_text(errors="replace")

    def json_lines(self) -> list[dict]:
        lines = []
        for line in self.log.splitlines():
            if line.startswith("{"):
                lines.append(json.loads(line))
        return lines

    def stop(self, timeout: float = 40) -> int:
        """SIGTERM, as systemd stops it: gunicorn finishes what is in flight and exits 0."""
        if self.process is None or self.process.poll() is not None:
            return self.process.returncode if self.process else 0
        self.process.send_signal(signal.SIGTERM)
        try:
            code = self.process.wait(timeout)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
            raise
        finally:
            self._log.close()
        return code
