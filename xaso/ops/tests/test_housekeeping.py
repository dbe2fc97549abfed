"""The daily clean-up removes what is past its retention and nothing else, and a second run changes nothing."""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.contrib.sessions.backends.db import SessionStore
from django.contrib.sessions.models import Session
from django.core.files.base import ContentFile
from django.core.management import call_command
from django.utils import timezone

from xaso.accounts.models import ApiKey
from xaso.indicators.models import ImportJob
from xaso.reports.models import JobKind, JobStatus, ReportJob

pytestmark = pytest.mark.django_db

DAY = timedelta(days=1)


def _aged(model, days: float, **fields):
    """A record of `model` created `days` days ago (the creation stamps are set on insert, then moved back)."""
    record = model.objects.create(**fields)
    stamp = timezone.now() - timedelta(days=days)
    field = {AccessLog: "attempt_time", AccessFailureLog: "attempt_time", AccessAttempt: "attempt_time",
             ApiKey: "created_at"}[model]  # fmt: skip
    model.objects.filter(pk=record.pk).update(**{field: stamp})
    return record


def _login_record(model, days: float, name: str):
    return _aged(model, days, username=name, ip_address="203.0.113.7", user_agent="Mobile",
                 path_info="/accounts/login/", http_accept="text/html")  # fmt: skip


@pytest.fixture
def records(settings, tmp_path, an_vien, an_vien_officer, an_vien_leader):
    settings.XASO_PRIVATE_ROOT = tmp_path / "private"
    settings.XASO_LOGIN_LOG_DAYS = 90
    settings.XASO_IMPORT_JOB_DAYS = 30
    settings.XASO_REPORT_FILE_DAYS = 30
    settings.XASO_API_TOKEN_DAYS = 30
    now = timezone.now()
    expired = SessionStore()
    expired.set_expiry(now - DAY)
    expired.create()
    live = SessionStore()
    live.set_expiry(now + DAY)
    live.create()

    def import_job(status, finished_days=None, started_hours=None):
        job = ImportJob.objects.create(
            unit=an_vien, created_by=an_vien_officer, filename="so-lieu.xlsx", size=10, status=status,
            finished_at=None if finished_days is None else now - finished_days * DAY,
            started_at=None if started_hours is None else now - timedelta(hours=started_hours),
        )  # fmt: skip
        job.upload.save("so-lieu.xlsx", ContentFile(b"xlsx"), save=True)
        return job

    def export(days):
        job = ReportJob.objects.create(kind=JobKind.PROVINCE_XLSX, unit=an_vien, year=2025, status=JobStatus.DONE,
                                       created_by=an_vien_officer, finished_at=now - days * DAY)  # fmt: skip
        job.result.save("tong-hop.xlsx", ContentFile(b"xlsx"), save=True)
        return job

    return {
        "sessions": (expired.session_key, live.session_key),
        "imports": (import_job("done", finished_days=31), import_job("failed", finished_days=29),
                    import_job("running", started_hours=3), import_job("running", started_hours=1)),
        "exports": (export(31), export(29)),
        "logins": (_login_record(AccessLog, 91, "old"), _login_record(AccessLog, 89, "recent")),
        "failures": (_login_record(AccessFailureLog, 91, "old"), _login_record(AccessFailureLog, 89, "recent")),
        "attempts": (_aged(AccessAttempt, 1, username="x", ip_address="203.0.113.7", user_agent="", path_info="/",
                           get_data="", post_data="", failures_since_start=3),
                     AccessAttempt.objects.create(username="y", ip_address="203.0.113.8", user_agent="",
                                                  path_info="/", get_data="", post_data="", failures_since_start=2)),
        "private": tmp_path / "private",
        "tokens": (_aged(ApiKey, 30, user=an_vien_officer, prefix="a", digest="a" * 64),
                   _aged(ApiKey, 29.9, user=an_vien_leader, prefix="b", digest="b" * 64)),
    }  # fmt: skip


def test_housekeeping_removes_only_what_is_past_its_retention(records):
    out = io.StringIO()
    call_command("housekeeping", stdout=out)
    assert out.getvalue().split() == [
        "imports_stale=1", "imports_deleted=1", "register_imports_stale=0", "exports_stale=0", "export_files_deleted=1",
        "login_attempts_expired=1", "login_logs_deleted=1", "login_failures_deleted=1", "api_keys_expired=1",
        "census_households_expired=0", "access_logs_deleted=0", "feedback_contacts_erased=0",
        "notify_records_deleted=0",
        "partitions_created=0",  # migrate made this year's and next year's (PostgreSQL; none on SQLite)
    ]  # fmt: skip

    expired, live = records["sessions"]
    assert list(Session.objects.values_list("session_key", flat=True)) == [live]
    old_done, recent_failed, stuck, running = records["imports"]
    assert not ImportJob.objects.filter(pk=old_done.pk).exists()
    # files left: the uploads of the recent and the running import, and the recent export's result
    assert len([p for p in records["private"].rglob("*") if p.is_file()]) == 3
    assert ImportJob.objects.get(pk=recent_failed.pk).status == "failed"
    assert ImportJob.objects.get(pk=stuck.pk).status == "failed"  # a worker died 3 hours ago: nothing was saved
    assert ImportJob.objects.get(pk=running.pk).status == "running"  # an hour in: still at work
    old_export, recent_export = (ReportJob.objects.get(pk=job.pk) for job in records["exports"])
    assert not old_export.result and recent_export.result.read() == b"xlsx"
    assert list(AccessLog.objects.values_list("username", flat=True)) == ["recent"]
    assert list(AccessFailureLog.objects.values_list("username", flat=True)) == ["recent"]
    assert list(AccessAttempt.objects.values_list("username", flat=True)) == ["y"]
    assert list(ApiKey.objects.values_list("user__username", flat=True)) == [records["tokens"][1].user.username]

    again = io.StringIO()
    call_command("housekeeping", stdout=again)
    assert all(item.endswith("=0") for item in again.getvalue().split())
