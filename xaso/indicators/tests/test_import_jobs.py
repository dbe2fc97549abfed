"""Large files are imported by the task worker: stored privately, authorised when queued and when run,
all-or-nothing, the progress shown, then the very report a direct import gives, and the file deleted."""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from xaso.accounts.models import Role
from xaso.indicators import importjobs
from xaso.indicators.importexport import report_data, values_import
from xaso.indicators.models import DataValue, DataValueChange, ImportJob
from xaso.indicators.tests.test_importexport import xlsx_bytes

pytestmark = pytest.mark.django_db

GOOD = [
    ["households_total", "26296", 2023, 1961, "Điều tra hộ"],
    ["households_fibre", "26296", 2023, 1384, None],
    ["dossiers_received", "26296", "2023-11", 120, None],
]
BAD = [
    ["households_fibre", "26296", 2023, 2500, None],
    ["households_total", "26296", 2023, 1961, None],  # fibre > households: the rule is broken at row 2
    ["no_such_element", "26296", 2023, 1, None],
]


@pytest.fixture
def private_root(settings, tmp_path):
    settings.XASO_PRIVATE_ROOT = tmp_path
    settings.XASO_IMPORT_BACKGROUND_BYTES = 1000  # every test file here is larger
    return tmp_path


def stored_files(root) -> list:
    return [p for p in root.rglob("*") if p.is_file()]


def post(client, data: bytes, *, check_only=False, name="so-lieu.xlsx"):
    upload = SimpleUploadedFile(name, data, content_type="application/octet-stream")
    return client.post(reverse("indicators:import"), {"file": upload, **({"check_only": "on"} if check_only else {})})


def test_a_large_file_is_imported_by_the_worker_and_shows_the_report(
    client, private_root, catalog, an_vien, an_vien_officer
):
    client.force_login(an_vien_officer)
    response = post(client, xlsx_bytes(GOOD))
    job = ImportJob.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("indicators:import_job", args=[job.pk])
    assert (job.status, job.progress, job.message, job.unit, job.check_only) == ("done", 100, "Hoàn thành.", an_vien,
                                                                                 False)  # fmt: skip
    assert job.task_id and job.started_at and job.finished_at and not job.upload
    assert stored_files(private_root) == []  # the upload is deleted once imported
    assert DataValue.objects.count() == 3 and DataValueChange.objects.count() == 3
    assert job.report["result"] == {"created": 3, "updated": 0, "deleted": 0, "unchanged": 0}
    page = client.get(response["Location"])
    html = page.content.decode()
    assert 'data-status="done"' in html and "hx-get" not in html  # finished: no more polling
    assert "Đã lưu số liệu." in html and '<strong data-testid="created">3</strong>' in html


def test_check_only_and_a_bad_file_get_the_direct_imports_report_and_save_nothing(
    client, private_root, catalog, an_vien, an_vien_officer
):
    client.force_login(an_vien_officer)
    for rows, check_only in ((GOOD, True), (BAD, False)):
        data = xlsx_bytes(rows)
        post(client, data, check_only=check_only)
        job = ImportJob.objects.latest("id")
        direct = values_import(user=an_vien_officer, data=data, filename="so-lieu.xlsx", check_only=check_only)
        assert job.report == report_data(direct)
    assert [(e["row"], e["code"]) for e in job.report["errors"]] == [(2, "rule_fibre_le_households"),
                                                                      (4, "unknown_element")]  # fmt: skip
    html = client.get(reverse("indicators:import_job_status", args=[job.pk])).content.decode()
    assert "Có 2 lỗi: không có số liệu nào được lưu." in html
    assert DataValue.objects.count() == 0 and stored_files(private_root) == []


def test_an_unreadable_large_file_fails_with_the_direct_imports_message(
    client, private_root, catalog, an_vien, an_vien_officer
):
    client.force_login(an_vien_officer)
    post(client, b"PK\x03\x04" + bytes(range(256)) * 8)
    job = ImportJob.objects.get()
    assert job.status == "failed" and job.error.startswith("Không mở được tệp XLSX")
    html = client.get(reverse("indicators:import_job", args=[job.pk])).content.decode()
    assert "Không đọc được tệp." in html and "Không có số liệu nào được lưu." in html
    assert stored_files(private_root) == []


@pytest.fixture
def queue_only(settings):
    """A queue that keeps the job without running it, as the database queue does until a worker takes it."""
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.dummy.DummyBackend"}}


def test_the_job_page_polls_the_progress_until_the_worker_runs_it(
    client, private_root, queue_only, catalog, an_vien, an_vien_officer
):
    client.force_login(an_vien_officer)
    post(client, xlsx_bytes(GOOD))
    job = ImportJob.objects.get()
    assert job.status == "queued" and len(stored_files(private_root)) == 1
    html = client.get(reverse("indicators:import_job", args=[job.pk])).content.decode()
    status_url = reverse("indicators:import_job_status", args=[job.pk])
    assert f'hx-get="{status_url}"' in html and 'data-status="queued"' in html and "manage.py db_worker" in html
    importjobs.import_job_run(job.pk)  # what the worker does
    assert 'data-status="done"' in client.get(status_url).content.decode()
    assert DataValue.objects.count() == 3 and stored_files(private_root) == []
    assert importjobs.import_job_run(job.pk).status == "done"  # run once only
    assert DataValueChange.objects.count() == 3


def test_a_user_who_lost_the_right_before_the_run_is_refused_and_nothing_is_saved(
    private_root, queue_only, catalog, an_vien, an_vien_officer
):
    upload = SimpleUploadedFile("so-lieu.xlsx", xlsx_bytes(GOOD))
    job = importjobs.import_job_create(user=an_vien_officer, upload=upload)
    an_vien_officer.role = Role.ANALYST  # moved to reading only while the job waited
    an_vien_officer.save()
    job = importjobs.import_job_run(job.pk)
    assert job.status == "failed" and job.error == "Bạn không có quyền nhập số liệu cho Xã An Viễn."
    assert DataValue.objects.count() == 0 and stored_files(private_root) == []


def test_a_reader_cannot_queue_an_import_and_nothing_is_stored(
    client, private_root, catalog, an_vien, province_analyst
):
    client.force_login(province_analyst)
    response = post(client, xlsx_bytes(GOOD))
    assert response.status_code == 403
    assert not ImportJob.objects.exists() and stored_files(private_root) == []


def test_only_the_uploader_sees_the_job(client, private_root, catalog, an_vien, an_vien_officer, an_vien_leader):
    client.force_login(an_vien_officer)
    post(client, xlsx_bytes(GOOD))
    job = ImportJob.objects.get()
    client.force_login(an_vien_leader)  # same commune, another person
    assert client.get(reverse("indicators:import_job", args=[job.pk])).status_code == 404
    assert client.get(reverse("indicators:import_job_status", args=[job.pk])).status_code == 404


def test_a_small_file_is_still_imported_in_the_request(client, private_root, settings, catalog, an_vien,
                                                        an_vien_officer):  # fmt: skip
    settings.XASO_IMPORT_BACKGROUND_BYTES = 10 * 1024 * 1024
    client.force_login(an_vien_officer)
    response = post(client, xlsx_bytes(GOOD))
    assert response.status_code == 200 and not ImportJob.objects.exists()
    assert DataValue.objects.count() == 3


def test_an_import_left_running_by_a_crashed_worker_is_failed_and_its_file_deleted(
    private_root, queue_only, catalog, an_vien, an_vien_officer
):
    upload = SimpleUploadedFile("so-lieu.xlsx", xlsx_bytes(GOOD))
    stale = importjobs.import_job_create(user=an_vien_officer, upload=upload)
    recent = importjobs.import_job_create(user=an_vien_officer, upload=SimpleUploadedFile("b.xlsx", xlsx_bytes(GOOD)))
    now = timezone.now()
    ImportJob.objects.filter(pk=stale.pk).update(status="running", started_at=now - timedelta(hours=3))
    ImportJob.objects.filter(pk=recent.pk).update(status="running", started_at=now - timedelta(minutes=10))
    out = io.StringIO()
    call_command("cleanup_import_jobs", stdout=out)
    assert "Đã đánh dấu lỗi 1 lượt nhập bị treo." in out.getvalue()
    stale.refresh_from_db()
    assert stale.status == "failed" and stale.error.startswith("Việc nhập bị dừng giữa chừng") and not stale.upload
    assert ImportJob.objects.get(pk=recent.pk).status == "running" and len(stored_files(private_root)) == 1
