"""The production server for real: gunicorn with config/gunicorn.conf.py and config.settings.production, in a
subprocess on a free port, serving a page behind the real login form and a static file through whitenoise."""

from __future__ import annotations

import gzip
import re
import signal
import subprocess
import sys
import time
from urllib.parse import urlencode

import pytest
from django.contrib.auth.hashers import PBKDF2PasswordHasher

from xaso.conftest import make_user

from .server import BASE_DIR, ProductionServer, collectstatic, database_url_for_subprocess, production_env

pytestmark = pytest.mark.django_db(transaction=True)

PASSWORD = "Mật-khẩu-rất-dài-2026"
TOKEN = "metrics-token-" + "x" * 30


@pytest.fixture
def officer(an_vien):
    user = make_user("an_vien_officer", "commune_officer", an_vien, full_name="Nguyễn Văn An")
    # the production settings hash with PBKDF2 (the test settings' MD5 hasher is not among theirs)
    user.password = PBKDF2PasswordHasher().encode(PASSWORD, PBKDF2PasswordHasher().salt())
    user.save(update_fields=["password"])
    return user


@pytest.fixture
def server(tmp_path, officer):
    env = production_env(tmp_path, database_url_for_subprocess(tmp_path), WEB_CONCURRENCY="2",
                         XASO_WEB_THREADS="2", XASO_METRICS_TOKEN=TOKEN)  # fmt: skip
    collectstatic(env)
    server = ProductionServer(env, tmp_path / "gunicorn.log").start()
    yield server
    server.stop()


def _csrf_token(html: str) -> str:
    return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)


def test_production_server_serves_a_logged_in_page_and_a_static_file(server, officer):
    browser = server.browser()

    # a page behind the login goes to the login form
    response = browser.get("/")
    assert response.status == 302
    assert response.headers["location"].startswith("/accounts/login/")

    # the real login form: its CSRF cookie and token, over "HTTPS" as nginx forwards it
    form = browser.get("/accounts/login/?next=/")
    assert form.status == 200
    assert "csrftoken" in browser.cookies
    body = urlencode({"csrfmiddlewaretoken": _csrf_token(form.text), "username": "an_vien_officer",
                      "password": PASSWORD, "next": "/"}).encode()  # fmt: skip
    login = browser.request(
        "POST",
        "/accounts/login/",
        body=body,
        headers={"Content-Type": "application/x-www-form-urlencoded", "Referer": f"{browser.origin}/accounts/login/",
                 "Origin": browser.origin},
    )  # fmt: skip
    assert login.status == 302, login.text[:500]
    assert login.headers["location"] == "/"
    assert "sessionid" in browser.cookies
    assert "Secure" in login.headers["set-cookie"]

    page = browser.follow("/")
    assert page.status == 200
    assert "Xã An Viễn" in page.text
    assert "Đăng xuất" in page.text
    assert page.headers["strict-transport-security"].startswith("max-age=31536000")

    # a static file the page links to, from the collected files, with caching headers and a compressed variant
    # the name carries the file's hash, so it is cached for a year and never served stale
    css_path = re.search(r'href="(/static/xaso/xaso\.[0-9a-f]{12}\.css)"', page.text).group(1)
    css = browser.get(css_path)
    assert css.status == 200
    assert css.headers["content-type"].startswith("text/css")
    assert css.headers["cache-control"] == "max-age=315360000, public, immutable"
    assert css.body.startswith(b"/*") or b"{" in css.body[:2000]
    again = browser.get(css_path, headers={"If-None-Match": css.headers["etag"]})
    assert again.status == 304
    zipped = browser.get(css_path, headers={"Accept-Encoding": "gzip"})
    assert zipped.headers["content-encoding"] == "gzip"
    assert gzip.decompress(zipped.body) == css.body

    # one JSON access-log line per request, with the request id, the user's id (never a name), path, status, time
    assert server.stop() == 0
    lines = [line for line in server.json_lines() if line.get("event") == "request"]
    # "/" sends the officer on to the commune's page. In time order; a process writes its line after sending the
    # response, so the readiness probe's line may follow the next request's (served by the other process)
    lines.sort(key=lambda line: line["time"])
    pages = [
        (line["path"], line["status"], line["user_id"]) for line in lines if not line["path"].startswith("/static/")
    ]
    pages.remove(("/accounts/login/", 200, None))  # the server's readiness probe, wherever it is
    expected = [
        ("/", 302, None),
        ("/accounts/login/", 200, None),
        ("/accounts/login/", 302, None),
        ("/", 302, officer.pk),
        ("/coc/unit/26296/", 200, officer.pk),
    ]
    # every request logged once; two requests in a row served by the two processes may log in either order (each
    # writes its line after sending its response)
    assert sorted(pages, key=repr) == sorted(expected, key=repr)
    home = [line for line in lines if line["path"] == "/coc/unit/26296/"]
    assert home[0]["view"] == "coc:unit"
    assert re.fullmatch(r"[0-9a-f]{32}", home[0]["request_id"])
    assert home[0]["duration_ms"] > 0
    assert home[0]["logger"] == "gunicorn.access"
    static = [line for line in lines if line["path"] == css_path]
    assert sorted(line["status"] for line in static) == [200, 200, 304]  # two processes write the log
    assert all(line["view"] == "static" and line["user_id"] is None for line in static)
    assert "Nguyễn Văn An" not in server.log
    # the login audit (xaso.security, docs/decisions/0013-login-lockout.md) is the one place a username is written
    naming = [line["logger"] for line in server.json_lines() if "an_vien_officer" in str(line)]
    assert naming and set(naming) == {"xaso.security"}
    assert PASSWORD not in server.log
    assert "Shutting down: Master" in server.log


def _metric(text: str, line_start: str) -> float:
    return float(next(line for line in text.splitlines() if line.startswith(line_start)).rsplit(" ", 1)[1])


def test_production_server_health_follows_the_real_job_worker_and_metrics_add_up_its_processes(server):
    browser = server.browser()
    assert browser.get("/healthz").json() == {"status": "fail", "checks": {"database": "ok", "worker": "fail",
                                                                         "disk": "ok"}}  # fmt: skip

    worker = subprocess.Popen([sys.executable, "manage.py", "db_worker", "--no-startup-delay"], cwd=BASE_DIR,
                              env=server.env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)  # fmt: skip
    try:
        deadline = time.monotonic() + 60
        while (health := browser.get("/healthz")).status != 200 and time.monotonic() < deadline:
            time.sleep(0.3)
        assert health.status == 200
        assert health.json() == {"status": "ok", "checks": {"database": "ok", "worker": "ok", "disk": "ok"}}

        # twenty requests, each on its own connection, to whichever of the two gunicorn processes takes it
        for _ in range(20):
            assert browser.get("/accounts/login/").status == 200
        assert browser.get("/metrics").status == 403
        scraped = browser.get("/metrics", headers={"Authorization": f"Bearer {TOKEN}"})
        assert scraped.status == 200
        text = scraped.text
        # the readiness probe + 20, summed over the processes (Prometheus multiprocess mode)
        login = 'xaso_http_requests_total{method="GET",status="200",view="accounts:login"}'
        assert _metric(text, login) == 21
        assert _metric(text, 'xaso_http_request_duration_seconds_count{method="GET",view="accounts:login"}') == 21
        assert _metric(text, "xaso_workers_alive ") == 1
        assert _metric(text, "xaso_jobs_running ") == 0

        # stopped as systemd stops it, the worker says goodbye: the check fails at once, not a minute later
        worker.send_signal(signal.SIGTERM)
        assert worker.wait(30) == 0
        assert browser.get("/healthz").json()["checks"]["worker"] == "fail"
    finally:
        if worker.poll() is None:
            worker.kill()
            worker.wait()
