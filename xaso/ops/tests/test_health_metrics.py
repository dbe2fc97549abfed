"""/healthz, /metrics and the request log, through Django's test client on the real database."""

from __future__ import annotations

import json
import logging
import re
import sys
from datetime import timedelta

import pytest
from django.utils import timezone
from prometheus_client import REGISTRY

from xaso.indicators.importexport import ImportFileError, values_import
from xaso.indicators.tests.conftest import catalog  # noqa: F401  (fixture)
from xaso.ops.heartbeat import Heartbeat
from xaso.ops.logs import JsonFormatter, RequestIdFilter
from xaso.ops.models import WorkerHeartbeat

pytestmark = pytest.mark.django_db

TOKEN = "t" * 40


def beat(seconds_ago: float) -> WorkerHeartbeat:
    now = timezone.now()
    return WorkerHeartbeat.objects.create(worker_id=f"w{seconds_ago}", hostname="web-1", pid=4242, queues="default",
                                          started_at=now - timedelta(hours=1),
                                          last_seen_at=now - timedelta(seconds=seconds_ago))  # fmt: skip


# /healthz


def test_healthz_fails_without_a_job_worker_and_says_only_which_check(client):
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json() == {"status": "fail", "checks": {"database": "ok", "worker": "fail", "disk": "ok"}}
    assert "no-store" in response.headers["Cache-Control"]
    assert not response.cookies  # no session, no CSRF cookie: a monitor's request leaves nothing


def test_healthz_is_ok_with_a_recent_heartbeat(client):
    beat(seconds_ago=20)
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "checks": {"database": "ok", "worker": "ok", "disk": "ok"}}


def test_healthz_fails_when_the_newest_heartbeat_is_older_than_the_stale_limit(client, settings):
    settings.XASO_WORKER_STALE_SECONDS = 60
    beat(seconds_ago=61)
    assert client.get("/healthz").json()["checks"]["worker"] == "fail"
    beat(seconds_ago=59)
    assert client.get("/healthz").status_code == 200


def test_healthz_fails_when_the_data_disk_is_short_of_space_without_saying_how_much(client, settings, tmp_path, caplog):
    beat(seconds_ago=1)
    settings.XASO_HEALTH_DISK_PATHS = [str(tmp_path / "not-created-yet")]
    settings.XASO_HEALTH_MIN_FREE_BYTES = 10**18  # an exabyte: no disk here has that
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["checks"] == {"database": "ok", "worker": "ok", "disk": "fail"}
    assert str(tmp_path) not in response.content.decode()
    # the operator finds the reason in the log
    assert any("not-created-yet" in r.getMessage() and "disk" in r.getMessage() for r in caplog.records)


def test_healthz_answers_get_and_head_only(client):
    assert client.post("/healthz").status_code == 405
    assert client.head("/healthz").status_code == 503


# /metrics


def test_metrics_refuse_a_request_without_the_token_or_an_allowed_address(client, settings):
    settings.XASO_METRICS_TOKEN = TOKEN
    settings.XASO_METRICS_ALLOWED_IPS = []
    assert client.get("/metrics").status_code == 403
    assert client.get("/metrics", headers={"Authorization": "Bearer " + "x" * 40}).status_code == 403
    assert client.get("/metrics", headers={"Authorization": TOKEN}).status_code == 403  # not a bearer token
    ok = client.get("/metrics", headers={"Authorization": f"Bearer {TOKEN}"})
    assert ok.status_code == 200
    assert ok.headers["Content-Type"].startswith("text/plain; version=")


def test_metrics_without_any_setting_answer_nobody(client, settings):
    settings.XASO_METRICS_TOKEN = ""
    settings.XASO_METRICS_ALLOWED_IPS = []
    assert client.get("/metrics", headers={"Authorization": "Bearer "}).status_code == 403


def test_metrics_allow_list_reads_the_client_address_behind_a_trusted_proxy(client, settings):
    settings.XASO_METRICS_TOKEN = ""
    settings.XASO_METRICS_ALLOWED_IPS = ["10.20.0.0/16"]
    settings.XASO_TRUSTED_PROXIES = ["127.0.0.1"]
    # the test client's peer is 127.0.0.1: the proxy itself is not the client
    assert client.get("/metrics").status_code == 403
    assert client.get("/metrics", headers={"X-Forwarded-For": "10.20.3.4"}).status_code == 200
    assert client.get("/metrics", headers={"X-Forwarded-For": "10.21.3.4"}).status_code == 403
    # a client cannot claim an allowed address in front of its own
    assert client.get("/metrics", headers={"X-Forwarded-For": "10.20.3.4, 203.0.113.9"}).status_code == 403


def _sample(name: str, **labels) -> float:
    return REGISTRY.get_sample_value(name, labels) or 0.0


def _scrape(client) -> str:
    return client.get("/metrics", headers={"Authorization": f"Bearer {TOKEN}"}).content.decode()


def test_metrics_count_requests_by_view_name_not_by_path(client, settings, an_vien_officer):
    settings.XASO_METRICS_TOKEN = TOKEN
    client.force_login(an_vien_officer)
    before = _sample("xaso_http_requests_total", view="coc:unit", method="GET", status="200")
    before_count = _sample("xaso_http_request_duration_seconds_count", view="coc:unit", method="GET")
    for _ in range(3):
        assert client.get("/coc/unit/26296/").status_code == 200
    assert client.get("/no-such-page/").status_code == 404
    text = _scrape(client)
    assert _sample("xaso_http_requests_total", view="coc:unit", method="GET", status="200") == before + 3
    assert _sample("xaso_http_request_duration_seconds_count", view="coc:unit", method="GET") == before_count + 3
    assert 'view="unresolved"' in text
    # no path reaches a label (a sample's value, a timestamp, may hold any digits)
    labels = " ".join(re.findall(r"\{[^}]*\}", text))
    assert "26296" not in labels and "no-such-page" not in labels
    assert 'view="coc:unit"' in labels
    assert "xaso_http_request_duration_seconds_bucket" in text


def test_metrics_show_the_job_queue_and_the_workers(client, settings):
    from django_tasks_db.models import DBTaskResult

    settings.XASO_METRICS_TOKEN = TOKEN
    now = timezone.now()
    for queue, count in (("default", 3), ("imports", 1)):
        for _ in range(count):
            DBTaskResult.objects.create(task_path="xaso.reports.tasks.report_job_run_task", args_kwargs={},
                                        queue_name=queue, backend_name="default", run_after=now - timedelta(seconds=1),
                                        priority=0, status="READY")  # fmt: skip
    DBTaskResult.objects.filter(queue_name="default").update(enqueued_at=now - timedelta(seconds=300))
    DBTaskResult.objects.create(task_path="xaso.reports.tasks.report_job_run_task", args_kwargs={},
                                queue_name="default", backend_name="default", run_after=now, priority=0,
                                status="RUNNING")  # fmt: skip
    beat(seconds_ago=5)
    beat(seconds_ago=500)  # a worker that died
    text = _scrape(client)
    assert 'xaso_jobs_queued{queue="default"} 3.0' in text
    assert 'xaso_jobs_queued{queue="imports"} 1.0' in text
    assert "xaso_jobs_running 1.0" in text
    oldest = float(
        next(line for line in text.splitlines() if line.startswith("xaso_jobs_oldest_queued_age_seconds ")).split()[1]
    )
    assert 300 <= oldest < 330
    assert "xaso_workers_alive 1.0" in text
    age = float(
        next(line for line in text.splitlines() if line.startswith("xaso_worker_heartbeat_age_seconds ")).split()[1]
    )
    assert 5 <= age < 30


def test_import_throughput_counters(catalog, an_vien, an_vien_officer):  # noqa: F811
    saved = _sample("xaso_import_values_total", format="csv")
    files = {o: _sample("xaso_import_files_total", format="csv", outcome=o) for o in ("saved", "checked", "rejected")}
    seconds = _sample("xaso_import_duration_seconds_count", format="csv")
    good = "chi_tieu,don_vi,ky,gia_tri\r\nhouseholds_total,26296,2023,1961\r\nhouseholds_fibre,26296,2023,1384\r\n"
    assert values_import(user=an_vien_officer, data=good.encode(), filename="a.csv").saved
    assert values_import(user=an_vien_officer, data=good.encode(), filename="a.csv", check_only=True).is_ok
    bad = good + "households_fibre,26296,2023,nhiều\r\n"
    assert not values_import(user=an_vien_officer, data=bad.encode(), filename="a.csv").is_ok
    with pytest.raises(ImportFileError):
        values_import(user=an_vien_officer, data=b"\x00\x01binary", filename="a.csv")
    assert _sample("xaso_import_values_total", format="csv") == saved + 2  # only the saved file's two figures
    assert _sample("xaso_import_files_total", format="csv", outcome="saved") == files["saved"] + 1
    assert _sample("xaso_import_files_total", format="csv", outcome="checked") == files["checked"] + 1
    assert _sample("xaso_import_files_total", format="csv", outcome="rejected") == files["rejected"] + 1
    assert _sample("xaso_import_files_total", format="csv", outcome="unreadable") >= 1
    assert _sample("xaso_import_duration_seconds_count", format="csv") == seconds + 4


# the request log and the request id


def test_each_request_logs_one_line_with_its_id_the_user_id_and_no_name(client, an_vien_officer, caplog):
    client.force_login(an_vien_officer)
    with caplog.at_level(logging.INFO, logger="xaso.request"):
        response = client.get("/coc/unit/26296/?q=Nguyễn")
    lines = [r for r in caplog.records if r.name == "xaso.request"]
    assert len(lines) == 1
    line = lines[0]
    assert (line.user_id, line.path, line.status, line.view, line.method) == (
        an_vien_officer.pk, "/coc/unit/26296/", 200, "coc:unit", "GET"
    )  # fmt: skip
    assert line.duration_ms > 0
    formatted = json.loads(JsonFormatter().format(line))
    assert formatted["request_id"] == response.headers["X-Request-ID"]
    assert "Nguyễn" not in json.dumps(formatted, ensure_ascii=False)  # the query string is never logged


def test_a_proxys_request_id_is_kept_only_when_it_is_well_formed(client):
    assert client.get("/healthz", headers={"X-Request-ID": "abc123def456"}).headers["X-Request-ID"] == "abc123def456"
    forged = client.get("/healthz", headers={"X-Request-ID": 'x" injected\n{"level": "ERROR"}'})
    assert forged.headers["X-Request-ID"] != 'x" injected'
    assert len(forged.headers["X-Request-ID"]) == 32


def test_json_log_records_carry_the_request_id_and_extras_and_the_traceback():
    record = logging.LogRecord("xaso.x", logging.ERROR, __file__, 1, "Hỏng %s", ("rồi",), None)
    try:
        raise ValueError("boom")
    except ValueError:
        record.exc_info = sys.exc_info()
    record.unit = "26296"
    RequestIdFilter().filter(record)
    entry = json.loads(JsonFormatter().format(record))
    assert entry["message"] == "Hỏng rồi"
    assert entry["level"] == "ERROR"
    assert entry["unit"] == "26296"
    assert entry["request_id"] == "-"
    assert "ValueError: boom" in entry["exception"]


# the heartbeat


def test_the_heartbeat_writes_its_row_and_removes_it_when_the_worker_stops(settings):
    heartbeat = Heartbeat(worker_id="worker-a", queues="default", interval=3600)
    heartbeat.start()
    row = WorkerHeartbeat.objects.get(worker_id="worker-a")
    assert row.running_since is None and row.tasks_run == 0
    assert (timezone.now() - row.last_seen_at).total_seconds() < 5
    beat(seconds_ago=2 * 86400)  # a worker killed two days ago is forgotten at the next beat
    heartbeat.beat()
    assert list(WorkerHeartbeat.objects.values_list("worker_id", flat=True)) == ["worker-a"]
    heartbeat.stop()
    assert not WorkerHeartbeat.objects.exists()


def test_the_admin_lists_the_workers_heartbeats_read_only(client, administrator):
    beat(seconds_ago=3)
    client.force_login(administrator)
    response = client.get("/admin/ops/workerheartbeat/")
    assert response.status_code == 200
    assert "web-1" in response.content.decode() and "4242" in response.content.decode()
    assert client.get("/admin/ops/workerheartbeat/add/").status_code == 403
