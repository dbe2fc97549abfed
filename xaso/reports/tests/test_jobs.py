"""Province-wide exports as background jobs (django.tasks; the immediate backend in tests): progress recorded,
the file attached, the page polling with htmx, each user seeing only their own jobs."""

from __future__ import annotations

import zipfile
from datetime import date
from io import BytesIO

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook
from rest_framework.test import APIClient

from xaso.conftest import make_unit
from xaso.core.models import periods_ensure
from xaso.core.periods import year
from xaso.indicators.services import ValueInput, values_write
from xaso.plans import services as plan_services
from xaso.plans.models import PlanStatus
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


def _commune_2025(user, commune, catalog, *, fibre: int, fibre_target: int, online: int | None = None,
                  tasks: tuple[dict, ...] = ()):  # fmt: skip
    """A commune's 2025 figures and its 2025 plan in execution: fibre and online-dossier targets, and `tasks`
    (each with an optional progress update `(day, percent)`)."""
    rows = [ValueInput("households_total", commune.code, "2025", 1961),
            ValueInput("households_fibre", commune.code, "2025", fibre)]  # fmt: skip
    if online is not None:
        rows += [ValueInput("dossiers_received", commune.code, "2025-03", 200),
                 ValueInput("dossiers_online", commune.code, "2025-03", online)]  # fmt: skip
    values_write(user=user, rows=rows)
    plan = plan_services.plan_create_from_template(user=user, unit=commune, year=2025)
    for indicator, value in ((catalog["fibre"], fibre_target), (catalog["online"], 85)):
        plan_services.target_save(user=user, plan=plan, indicator=indicator, value=value, horizon_year=2025)
    saved = []
    for fields in tasks:
        fields = dict(fields)
        update = fields.pop("update", None)
        saved.append((plan_services.task_save(user=user, plan=plan, area="government", **fields), update))
    plan.status = PlanStatus.IN_EXECUTION
    plan.save(update_fields=["status"])
    for task, update in saved:
        if update:
            plan_services.task_update_add(task=task, user=user, on=update[0], percent_done=update[1], text="Báo cáo")
    return plan


@pytest.fixture
def two_communes_2025(dong_nai, an_vien, tri_an, administrator, catalog):
    """An Viễn: fibre 1.384/1.961 = 70,6% against ≥ 70% and 180/200 = 90% online against ≥ 85%, both achieved, one
    task done in June. Trị An: 70,6% against ≥ 80% (88% of the way at the year's end: at risk), no dossier figures,
    one task late since March and one ongoing."""
    periods_ensure([year(2025), year(2024)])  # both jobs find the periods already there
    _commune_2025(administrator, an_vien, catalog, fibre=1384, fibre_target=70, online=180, tasks=(
        {"title": "Số hóa hồ sơ", "timeframe_kind": "date", "due_date": date(2025, 6, 30),
         "update": (date(2025, 6, 30), 100)},
    ))  # fmt: skip
    _commune_2025(administrator, tri_an, catalog, fibre=1384, fibre_target=80, tasks=(
        {"title": "Mạng LAN", "timeframe_kind": "date", "due_date": date(2025, 3, 31)},
        {"title": "Tuyên truyền", "timeframe_kind": "ongoing"},
    ))  # fmt: skip


def _job_with_queries(user, unit) -> tuple[ReportJob, int]:
    with CaptureQueriesContext(connection) as queries:
        job = services.report_job_create(user=user, kind="province_xlsx", unit=unit, year=2025)
    assert job.status == JobStatus.DONE, job.error
    return job, len(queries)


def test_province_summary_reads_a_fixed_number_of_queries_whatever_the_communes(
    media, dong_nai, two_communes_2025, administrator, province_analyst, catalog
):
    _job, with_two = _job_with_queries(province_analyst, dong_nai)
    # two more communes (codes made up for the test): Gia Kiệm, 980/1.961 = 50,0% fibre and 100/200 = 50% online
    # (both off track at the year's end), a task at 40%; Phú Lý without a plan
    gia_kiem = make_unit("26110", "Xã Gia Kiệm", "commune", dong_nai)
    make_unit("26180", "Xã Phú Lý", "commune", dong_nai)
    _commune_2025(administrator, gia_kiem, catalog, fibre=980, fibre_target=80, online=100, tasks=(
        {"title": "Tập huấn", "timeframe_kind": "quarter", "due_date": date(2025, 12, 31),
         "update": (date(2025, 5, 1), 40)},
    ))  # fmt: skip
    job, with_four = _job_with_queries(province_analyst, dong_nai)
    assert with_four == with_two

    wb = load_workbook(BytesIO(job.result.read()))
    summary = {r[2].value: [c.value for c in r] for r in wb["Tổng hợp"].iter_rows(min_row=4) if r[1].value}
    # after STT, code, name, plan, number: targets, achieved, on track, at risk, off track, no data, share achieved;
    # tasks done, late, in progress
    assert {name: row[5:] for name, row in summary.items()} == {
        "Xã An Viễn": [2, 2, 0, 0, 0, 0, 1.0, 1, 0, 0],
        "Xã Gia Kiệm": [2, 0, 0, 0, 2, 0, 0.0, 0, 0, 1],
        "Xã Phú Lý": [0, 0, 0, 0, 0, 0, None, 0, 0, 0],
        "Xã Trị An": [2, 0, 0, 1, 0, 1, 0.0, 0, 1, 1],
    }
    assert summary["Xã Phú Lý"][3] == "Chưa có kế hoạch"
    assert summary["Xã Trị An"][3] == "Kế hoạch chuyển đổi số năm 2025 của Xã Trị An"
    targets = [[c.value for c in r] for r in wb["Chỉ tiêu"].iter_rows(min_row=4) if r[0].value and r[3].value]
    # code, commune, area, indicator, indicator code, unit, target, target value, horizon, baseline, current, period,
    # status, progress
    fibre = {r[1]: (r[6], r[7], r[10], r[12]) for r in targets if r[4] == "households_fibre_rate"}
    assert fibre["Xã An Viễn"] == ("≥ 70%", 0.7, pytest.approx(1384 / 1961), "Đã đạt")
    assert fibre["Xã Trị An"] == ("≥ 80%", 0.8, pytest.approx(1384 / 1961), "Có nguy cơ chậm")
    assert fibre["Xã Gia Kiệm"] == ("≥ 80%", 0.8, pytest.approx(980 / 1961), "Chậm tiến độ")
    online = {r[1]: (r[10], r[12]) for r in targets if r[4] == "dossiers_online_rate"}
    assert online == {"Xã An Viễn": (pytest.approx(0.9), "Đã đạt"), "Xã Trị An": (None, "Chưa có số liệu"),
                      "Xã Gia Kiệm": (pytest.approx(0.5), "Chậm tiến độ")}  # fmt: skip


def test_plans_zip_reads_the_plans_once_and_renders_each_commune(
    media, dong_nai, two_communes_2025, administrator, province_analyst, catalog
):
    def run() -> tuple[ReportJob, list[str]]:
        with CaptureQueriesContext(connection) as queries:
            job = services.report_job_create(user=province_analyst, kind="plans_zip", unit=dong_nai, year=2025)
        assert job.status == JobStatus.DONE, job.error
        return job, [q["sql"] for q in queries.captured_queries]

    _job, with_two = run()
    gia_kiem = make_unit("26110", "Xã Gia Kiệm", "commune", dong_nai)
    make_unit("26180", "Xã Phú Lý", "commune", dong_nai)
    _commune_2025(administrator, gia_kiem, catalog, fibre=980, fibre_target=80)  # codes made up for the test
    job, with_four = run()

    def reads(sqls: list[str]) -> int:
        return sum(sql.lstrip().upper().startswith("SELECT") for sql in sqls)

    assert reads(with_four) == reads(with_two)  # plans, units and indicators read once for all communes
    assert len(with_four) == len(with_two) + 2  # only the progress line is written once more per commune
    with zipfile.ZipFile(BytesIO(job.result.read())) as archive:
        names = archive.namelist()
        document = open_docx(archive.read("kh-du-thao-gia-kiem-2025.docx"))
    assert names == ["kh-du-thao-an-vien-2025.docx", "kh-du-thao-gia-kiem-2025.docx", "kh-du-thao-tri-an-2025.docx"]
    assert document.tables[0].rows[0].cells[0].text.splitlines()[0] == "UBND THÀNH PHỐ ĐỒNG NAI"


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
