"""Province-wide exports as background jobs (django.tasks; the immediate backend in tests): progress recorded,
the file attached, the page polling with htmx, each user seeing only their own jobs."""

from __future__ import annotations

import zipfile
from io import BytesIO

import pytest
from django.urls import reverse
from openpyxl import load_workbook
from rest_framework.test import APIClient

from xaso.reports import services
from xaso.reports.models import JobStatus, ReportJob

from .conftest import open_docx

pytestmark = pytest.mark.django_db


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def test_province_summary_job_covers_every_commune(media, dong_nai, tri_an, an_vien_plan, province_analyst):
    job = services.report_job_create(user=province_analyst, kind="province_xlsx", unit=dong_nai, year=2026)
    assert (job.status, job.progress, job.message) == (JobStatus.DONE, 100, "Hoàn thành.")
    assert job.started_at and job.finished_at and job.task_id
    wb = load_workbook(BytesIO(job.result.read()))
    assert wb.sheetnames == ["Tổng hợp", "Chỉ tiêu", "Số liệu"]
    summary = wb["Tổng hợp"]
    rows = {r[2].value: r for r in summary.iter_rows(min_row=4) if r[1].value}
    assert set(rows) == {"Xã An Viễn", "Xã Trị An"}
    assert rows["Xã An Viễn"][4].value == "45/KH-UBND" and rows["Xã An Viễn"][5].value == 31  # 31 targets
    assert rows["Xã Trị An"][3].value == "Chưa có kế hoạch"
    assert job.filename == "tong-hop-thanh-pho-dong-nai-2026.xlsx"


def test_plans_zip_job_holds_each_commune_plan(media, dong_nai, an_vien_plan, province_analyst):
    job = services.report_job_create(user=province_analyst, kind="plans_zip", unit=dong_nai, year=2026)
    assert job.status == JobStatus.DONE
    with zipfile.ZipFile(BytesIO(job.result.read())) as archive:
        assert archive.namelist() == ["kh-45-kh-ubnd-an-vien-2026.docx"]
        document = open_docx(archive.read("kh-45-kh-ubnd-an-vien-2026.docx"))
    assert document.tables[0].rows[1].cells[0].text == "Số: 45/KH-UBND"


def test_job_page_polls_until_done_and_offers_the_file(media, client, dong_nai, an_vien_plan, province_analyst):
    client.force_login(province_analyst)
    form = client.get(reverse("reports:jobs")).content.decode()
    assert "Tổng hợp chỉ tiêu, nhiệm vụ và số liệu các xã (Excel)" in form
    response = client.post(reverse("reports:jobs"), {"kind": "province_xlsx", "unit": dong_nai.pk, "year": 2026})
    job = ReportJob.objects.get()
    assert response.status_code == 302 and response.url == reverse("reports:job_detail", args=[job.pk])
    page = client.get(response.url).content.decode()
    assert 'data-status="done"' in page and "hx-get" not in page  # finished: no more polling
    assert reverse("reports:job_download", args=[job.pk]) in page
    download = client.get(reverse("reports:job_download", args=[job.pk]))
    assert download.status_code == 200 and b"".join(download.streaming_content)[:2] == b"PK"


def test_a_running_job_is_polled_with_its_progress(client, dong_nai, province_analyst):
    job = ReportJob.objects.create(kind="province_xlsx", unit=dong_nai, year=2026, created_by=province_analyst,
                                   status=JobStatus.RUNNING, progress=37, message="Đã tổng hợp 37/100 xã")  # fmt: skip
    client.force_login(province_analyst)
    fragment = client.get(reverse("reports:job_status", args=[job.pk])).content.decode()
    assert (
        f'hx-get="{reverse("reports:job_status", args=[job.pk])}"' in fragment and 'hx-trigger="every 1s"' in fragment
    )
    assert 'value="37"' in fragment and "Đã tổng hợp 37/100 xã" in fragment


def test_only_the_owner_sees_a_job(media, client, dong_nai, an_vien_plan, province_analyst, an_vien_officer):
    job = services.report_job_create(user=province_analyst, kind="province_xlsx", unit=dong_nai, year=2026)
    client.force_login(an_vien_officer)
    assert client.get(reverse("reports:job_detail", args=[job.pk])).status_code == 404
    assert client.get(reverse("reports:job_download", args=[job.pk])).status_code == 404


def test_officer_cannot_export_a_province_he_does_not_belong_to(an_vien_officer, dong_nai, nga_son):
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        services.report_job_create(user=an_vien_officer, kind="province_xlsx", unit=nga_son, year=2026)
    assert not ReportJob.objects.exists()


def test_a_failing_job_records_its_error(media, dong_nai, province_analyst, monkeypatch):
    def broken(job):
        raise RuntimeError("ổ đĩa đầy")

    monkeypatch.setitem(services._JOBS, "province_xlsx", broken)
    job = services.report_job_create(user=province_analyst, kind="province_xlsx", unit=dong_nai, year=2026)
    assert job.status == JobStatus.FAILED and job.error == "ổ đĩa đầy" and not job.result


def test_jobs_through_the_api(media, dong_nai, an_vien_plan, province_analyst):
    client = APIClient()
    client.force_authenticate(province_analyst)
    response = client.post("/api/v1/report-jobs/", {"kind": "plans_zip", "unit": dong_nai.code, "year": 2026},
                           format="json")  # fmt: skip
    assert response.status_code == 202, response.json()
    body = response.json()
    assert (body["status"], body["progress"]) == ("done", 100)
    assert (
        client.get(f"/api/v1/report-jobs/{body['id']}/")
        .json()["file_url"]
        .endswith(f"/api/v1/report-jobs/{body['id']}/file/")
    )
    file = client.get(f"/api/v1/report-jobs/{body['id']}/file/")
    assert file.status_code == 200
    bad = client.post("/api/v1/report-jobs/", {"kind": "everything", "unit": dong_nai.code, "year": 2026},
                      format="json")  # fmt: skip
    assert bad.status_code == 400 and "kind" in bad.json()["errors"]
    assert bad.json()["errors"]["kind"][0]["message"] == "“everything” không phải là lựa chọn hợp lệ."
    unknown = client.post("/api/v1/report-jobs/", {"kind": "plans_zip", "unit": "99999", "year": 2026}, format="json")
    assert unknown.status_code == 400
    assert unknown.json()["errors"]["unit"][0]["message"] == "Không có đơn vị mã “99999”."


def test_cleanup_fails_stale_jobs_and_removes_old_files(media, dong_nai, an_vien_plan, province_analyst):
    from datetime import timedelta

    from django.core.management import call_command
    from django.utils import timezone

    done = services.report_job_create(user=province_analyst, kind="province_xlsx", unit=dong_nai, year=2026)
    done.refresh_from_db()
    path = done.result.path
    ReportJob.objects.filter(pk=done.pk).update(finished_at=timezone.now() - timedelta(days=40))
    stuck = ReportJob.objects.create(
        kind="province_xlsx",
        unit=dong_nai,
        year=2026,
        status=JobStatus.RUNNING,
        created_by=province_analyst,
        started_at=timezone.now() - timedelta(hours=3),
    )
    call_command("cleanup_report_jobs", stdout=open("/dev/null", "w"))  # noqa: SIM115
    stuck.refresh_from_db()
    done.refresh_from_db()
    assert stuck.status == JobStatus.FAILED and "dừng giữa chừng" in stuck.error
    assert not done.result
    import os

    assert not os.path.exists(path)
