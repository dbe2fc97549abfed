"""Private files end to end: uploaded through the screens and the API (refused ones leave nothing behind), stored
under random names, read only through the checking view with download headers, by the right people only."""

from __future__ import annotations

import importlib
import logging
import re
from datetime import date

import pytest
from django.test import override_settings
from django.urls import Resolver404, resolve, reverse
from rest_framework.test import APIClient

from xaso.plans import services
from xaso.plans.models import Plan, TaskUpdate
from xaso.reports import services as report_services

from . import samples
from .conftest import stored_files

pytestmark = pytest.mark.django_db
RANDOM_NAME = re.compile(r"plans/evidence/\d{4}/\d{2}/[A-Za-z0-9_-]{32}\.pdf")


def new_task(unit, user):
    plan = services.plan_create_from_template(user=user, unit=unit, year=2026)
    return services.task_save(user=user, plan=plan, area="government", title="Số hóa hồ sơ")


def post_update(client, task, name: str, data: bytes):
    url = reverse("plans:task_update_add", args=[task.plan_id, task.pk])
    return client.post(url, {"on": "2026-04-02", "percent_done": 50, "text": "Đã làm một nửa",
                             "evidence": samples.upload(name, data)})  # fmt: skip


@pytest.fixture
def evidence(private_root, client, an_vien, an_vien_officer):
    """An officer's progress update with a PDF named in Vietnamese, uploaded through the screen."""
    task = new_task(an_vien, an_vien_officer)
    client.force_login(an_vien_officer)
    response = post_update(client, task, "Biên bản nghiệm thu.pdf", samples.pdf())
    assert response.status_code == 302
    client.logout()
    return TaskUpdate.objects.get(task=task)


def test_allowed_evidence_is_stored_privately_under_a_random_name(evidence, private_root):
    assert RANDOM_NAME.fullmatch(evidence.evidence.name)
    assert evidence.evidence_name == "Biên bản nghiệm thu.pdf"
    assert stored_files(private_root) == [private_root / evidence.evidence.name]
    assert (private_root / evidence.evidence.name).read_bytes() == samples.pdf()


@pytest.mark.parametrize(
    ("name", "data"),
    [("trang.html", samples.HTML), ("bieu-do.svg", samples.SVG), ("bao-cao.pdf", samples.HTML),
     ("bao-cao.pdf", samples.pdf_with_html()), ("tai-lieu.docx", samples.plain_zip()),
     ("lon.pdf", samples.pdf() + b"%" * (10 * 1024 * 1024))],
)  # fmt: skip
def test_a_refused_upload_says_why_on_the_form_and_stores_nothing(
    private_root, client, an_vien, an_vien_officer, name, data
):
    task = new_task(an_vien, an_vien_officer)
    client.force_login(an_vien_officer)
    response = post_update(client, task, name, data)
    assert response.status_code == 200
    assert f"Tệp “{name}”" in response.content.decode()
    assert TaskUpdate.objects.count() == 0 and stored_files(private_root) == []


def test_the_owner_downloads_it_as_an_attachment_with_safe_headers(evidence, client, an_vien_officer, caplog):
    client.force_login(an_vien_officer)
    url = reverse("files:download", args=["evidence", evidence.pk])
    assert evidence.evidence.url == url == f"/files/evidence/{evidence.pk}/"
    with caplog.at_level(logging.INFO, logger="xaso.files"):
        response = client.get(url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == samples.pdf()
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == (
        "attachment; filename*=utf-8''Bi%C3%AAn%20b%E1%BA%A3n%20nghi%E1%BB%87m%20thu.pdf"
    )
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Security-Policy"] == "default-src 'none'; sandbox"
    assert f"user={an_vien_officer.pk} kind=evidence id={evidence.pk}" in caplog.text


def test_the_plan_page_links_to_the_checking_view(evidence, client, an_vien_officer):
    client.force_login(an_vien_officer)
    page = client.get(reverse("plans:detail", args=[evidence.task.plan_id])).content.decode()
    assert f'href="/files/evidence/{evidence.pk}/"' in page and "/media/" not in page


def test_another_commune_gets_404(evidence, client, tri_an_officer, nga_dien_officer, caplog):
    for user in (tri_an_officer, nga_dien_officer):
        client.force_login(user)
        with caplog.at_level(logging.WARNING, logger="xaso.files"):
            assert client.get(f"/files/evidence/{evidence.pk}/").status_code == 404
    assert f"refused: user={tri_an_officer.pk}" in caplog.text
    assert client.get(f"/files/evidence/{evidence.pk + 1}/").status_code == 404  # missing: the same answer
    assert client.get(f"/files/nothing/{evidence.pk}/").status_code == 404


def test_anonymous_is_sent_to_the_login_page(evidence, client):
    response = client.get(f"/files/evidence/{evidence.pk}/")
    assert response.status_code == 302 and response.url.startswith("/accounts/login/")


def test_the_province_analyst_reads_a_commune_file(evidence, client, province_analyst):
    client.force_login(province_analyst)
    assert client.get(f"/files/evidence/{evidence.pk}/").status_code == 200


def test_an_absorbed_communes_file_is_read_by_its_successor(private_root, nga_dien, nga_dien_officer, nga_an_officer,
                                                            client):  # fmt: skip
    task = new_task(nga_dien, nga_dien_officer)
    update = services.task_update_add(task=task, user=nga_dien_officer, on=date(2024, 5, 1), percent_done=10,
                                      text="Ảnh", evidence=samples.upload("anh.png", samples.image("PNG")))  # fmt: skip
    client.force_login(nga_an_officer)
    response = client.get(f"/files/evidence/{update.pk}/")
    assert response.status_code == 200 and response["Content-Type"] == "image/png"


@pytest.mark.parametrize("server", ["nginx", "apache"])
def test_in_production_the_web_server_sends_the_bytes(evidence, client, an_vien_officer, settings, server):
    settings.XASO_PRIVATE_FILE_SERVER = server
    client.force_login(an_vien_officer)
    response = client.get(f"/files/evidence/{evidence.pk}/")
    assert response.status_code == 200 and response.content == b""
    assert response["Content-Disposition"].startswith("attachment; ")
    if server == "nginx":
        assert response["X-Accel-Redirect"] == "/_private/" + evidence.evidence.name
        assert "X-Sendfile" not in response
    else:
        assert response["X-Sendfile"] == str(settings.XASO_PRIVATE_ROOT / evidence.evidence.name)
        assert "X-Accel-Redirect" not in response


def test_a_signed_plan_uploaded_at_approval_is_private(private_root, client, an_vien, an_vien_officer, an_vien_leader,
                                                       catalog):  # fmt: skip
    plan = services.plan_create_from_template(user=an_vien_officer, unit=an_vien, year=2026)
    services.target_save(user=an_vien_officer, plan=plan, indicator=catalog["online"], value=85, horizon_year=2026)
    services.plan_submit(plan=plan, user=an_vien_officer)
    client.force_login(an_vien_leader)
    form = {"number": "30/KH-UBND", "issued_on": "2026-02-12", "signer_name": "Lê B", "signer_title": "Phó Chủ tịch"}
    client.post(reverse("plans:transition", args=[plan.pk, "approve"]),
                {**form, "signed_file": samples.upload("ban-ky.pdf", samples.SVG)})  # fmt: skip
    plan.refresh_from_db()
    assert plan.status == "submitted" and not plan.signed_file and stored_files(private_root) == []
    client.post(reverse("plans:transition", args=[plan.pk, "approve"]),
                {**form, "signed_file": samples.upload("Bản ký số 30.pdf", samples.pdf())})  # fmt: skip
    plan.refresh_from_db()
    assert plan.status == "approved" and plan.signed_file_name == "Bản ký số 30.pdf"
    assert re.fullmatch(r"plans/signed/\d{4}/\d{2}/[A-Za-z0-9_-]{32}\.pdf", plan.signed_file.name)
    page = client.get(reverse("plans:detail", args=[plan.pk])).content.decode()
    assert f'href="/files/signed/{plan.pk}/"' in page
    assert client.get(f"/files/signed/{plan.pk}/")["Content-Type"] == "application/pdf"


def test_the_api_refuses_a_hostile_evidence_and_links_an_accepted_one(private_root, an_vien, an_vien_officer):
    task = new_task(an_vien, an_vien_officer)
    api = APIClient()
    api.force_authenticate(an_vien_officer)
    body = {"task": task.pk, "on": "2026-04-02", "percent_done": 20, "text": "Ảnh"}
    refused = api.post("/api/v1/task-updates/", {**body, "evidence": samples.upload("a.pdf", samples.SVG)},
                       format="multipart")  # fmt: skip
    assert refused.status_code == 400 and "Tệp “a.pdf”" in str(refused.json())
    assert TaskUpdate.objects.count() == 0 and stored_files(private_root) == []
    accepted = api.post("/api/v1/task-updates/", {**body, "evidence": samples.upload("a.png", samples.image("PNG"))},
                        format="multipart")  # fmt: skip
    assert accepted.status_code == 201
    update = TaskUpdate.objects.get()
    assert accepted.json()["evidence"] == f"http://testserver/files/evidence/{update.pk}/"


def test_a_report_file_is_read_only_by_the_user_who_asked_for_it(private_root, client, dong_nai, province_analyst,
                                                                 administrator):  # fmt: skip
    job = report_services.report_job_create(user=province_analyst, kind="province_xlsx", unit=dong_nai, year=2026)
    assert re.fullmatch(r"reports/\d{4}/\d{2}/[A-Za-z0-9_-]{32}\.xlsx", job.result.name)
    assert job.filename == "tong-hop-thanh-pho-dong-nai-2026.xlsx"
    client.force_login(province_analyst)
    for url in (f"/files/report/{job.pk}/", reverse("reports:job_download", args=[job.pk])):
        response = client.get(url)
        assert response.status_code == 200 and response["Content-Security-Policy"] == "default-src 'none'; sandbox"
        assert response["Content-Disposition"] == 'attachment; filename="tong-hop-thanh-pho-dong-nai-2026.xlsx"'
    client.force_login(administrator)
    assert client.get(f"/files/report/{job.pk}/").status_code == 404


def test_the_old_public_media_address_serves_nothing(evidence, settings):
    import config.urls

    with override_settings(DEBUG=True):
        importlib.reload(config.urls)
        try:
            with pytest.raises(Resolver404):
                resolve("/media/" + evidence.evidence.name)
        finally:
            importlib.reload(config.urls)


def test_files_from_an_older_version_move_to_private_storage(
    evidence, settings, tmp_path, private_root, client, an_vien_officer, django_capture_on_commit_callbacks
):
    from django.core.management import call_command

    settings.MEDIA_ROOT = tmp_path / "media"
    old = settings.MEDIA_ROOT / "plans/evidence/2025/bao-cao.html"
    old.parent.mkdir(parents=True)
    old.write_bytes(samples.HTML)
    TaskUpdate.objects.filter(pk=evidence.pk).update(evidence="plans/evidence/2025/bao-cao.html", evidence_name="")
    Plan.objects.filter(pk=evidence.task.plan_id).update(signed_file="plans/signed/2025/gone.pdf")  # lost: left as is
    with django_capture_on_commit_callbacks(execute=True):
        call_command("move_private_files", stdout=__import__("io").StringIO())
    evidence.refresh_from_db()
    assert re.fullmatch(r"plans/evidence/\d{4}/\d{2}/[A-Za-z0-9_-]{32}\.bin", evidence.evidence.name)
    assert evidence.evidence_name == "bao-cao.html" and not old.exists()
    assert (private_root / evidence.evidence.name).read_bytes() == samples.HTML
    client.force_login(an_vien_officer)
    response = client.get(f"/files/evidence/{evidence.pk}/")
    assert response["Content-Type"] == "application/octet-stream"  # an old HTML file only ever downloads
    assert response["Content-Disposition"] == 'attachment; filename="bao-cao.html"'
    assert client.get(f"/files/signed/{evidence.task.plan_id}/").status_code == 404
    call_command("move_private_files", stdout=__import__("io").StringIO())  # twice: nothing moves again
    evidence.refresh_from_db()
    assert (private_root / evidence.evidence.name).exists()
