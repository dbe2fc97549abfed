"""Downloads through the screens and the API: one click for the plan, scoping to the user's unit, JSON errors."""

from __future__ import annotations

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from xaso.reports.models import ReportNarrative
from xaso.reports.render import DOCX_MIME, XLSX_MIME

from .conftest import docx_text, open_docx

pytestmark = pytest.mark.django_db


def api(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def test_one_click_plan_docx(client, an_vien_plan, an_vien_officer, django_assert_max_num_queries):
    client.force_login(an_vien_officer)
    with django_assert_max_num_queries(20):
        response = client.get(reverse("reports:plan_docx", args=[an_vien_plan.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == DOCX_MIME
    assert response["Content-Disposition"] == 'attachment; filename="kh-45-kh-ubnd-an-vien-2026.docx"'
    assert "KẾ HOẠCH" in docx_text(open_docx(response.content))


def test_same_document_through_the_api(an_vien_plan, an_vien_officer):
    response = api(an_vien_officer).get(f"/api/v1/plans/{an_vien_plan.pk}/document.docx", HTTP_ACCEPT=DOCX_MIME)
    assert response.status_code == 200 and response["Content-Type"] == DOCX_MIME
    document = open_docx(response.content)
    assert document.tables[0].rows[1].cells[0].text == "Số: 45/KH-UBND"


def test_other_commune_gets_404_on_screens_and_api(client, an_vien_plan, nga_dien_officer):
    client.force_login(nga_dien_officer)
    for name in ("reports:plan_docx", "reports:plan_pdf", "reports:progress_report", "reports:evaluation"):
        assert client.get(reverse(name, args=[an_vien_plan.pk])).status_code == 404
    assert client.get(reverse("reports:export_xlsx", args=[an_vien_plan.pk, "targets"])).status_code == 404
    response = api(nga_dien_officer).get(f"/api/v1/plans/{an_vien_plan.pk}/document.docx", HTTP_ACCEPT=DOCX_MIME)
    assert response.status_code == 404
    assert response.json() == {"detail": "Không tìm thấy kế hoạch.", "code": "not_found"}


def test_anonymous_is_sent_to_login(client, an_vien_plan):
    response = client.get(reverse("reports:plan_docx", args=[an_vien_plan.pk]))
    assert response.status_code == 302 and "/accounts/" in response.url
    assert APIClient().get(f"/api/v1/plans/{an_vien_plan.pk}/document.docx").status_code in (401, 403)


def test_progress_form_saves_the_narrative_and_downloads(client, an_vien_plan, an_vien_officer):
    client.force_login(an_vien_officer)
    url = reverse("reports:progress_report", args=[an_vien_plan.pk])
    page = client.get(url).content.decode()
    assert "Quý I năm 2026" in page and "Khó khăn, vướng mắc" in page
    response = client.post(url, {"period": "2026Q1", "difficulties": "Thiếu máy quét.", "proposals": "Cấp 02 máy.",
                                 "format": "docx"})  # fmt: skip
    assert response.status_code == 200 and response["Content-Type"] == DOCX_MIME
    assert "bc-45-kh-ubnd-an-vien-2026-2026q1.docx" in response["Content-Disposition"]
    text = docx_text(open_docx(response.content))
    assert "Thiếu máy quét." in text and "Cấp 02 máy." in text
    assert ReportNarrative.objects.get().difficulties == "Thiếu máy quét."
    # coming back to the same period shows what was written
    assert "Thiếu máy quét." in client.get(url, {"period": "2026Q1"}).content.decode()


def test_progress_form_refuses_a_period_outside_the_plan(client, an_vien_plan, an_vien_officer):
    client.force_login(an_vien_officer)
    response = client.post(reverse("reports:progress_report", args=[an_vien_plan.pk]),
                           {"period": "2019Q1", "format": "docx"})  # fmt: skip
    assert response.status_code == 200 and "2019Q1" in response.content.decode()
    assert response["Content-Type"].startswith("text/html")


def test_analyst_downloads_but_does_not_save_a_narrative(client, an_vien_plan, province_analyst):
    client.force_login(province_analyst)
    response = client.post(reverse("reports:progress_report", args=[an_vien_plan.pk]),
                           {"period": "2026", "difficulties": "X", "proposals": "", "format": "docx"})  # fmt: skip
    assert response.status_code == 200 and response["Content-Type"] == DOCX_MIME
    assert not ReportNarrative.objects.exists()


def test_evaluation_form_then_download(client, an_vien_plan, an_vien_officer):
    client.force_login(an_vien_officer)
    url = reverse("reports:evaluation", args=[an_vien_plan.pk])
    assert "Năm đánh giá" in client.get(url).content.decode()
    response = client.get(url, {"year": 2026, "format": "docx"})
    assert response.status_code == 200 and response["Content-Type"] == DOCX_MIME
    assert "ĐÁNH GIÁ KẾT QUẢ THỰC HIỆN NĂM 2026" in docx_text(open_docx(response.content))


def test_api_progress_report_and_evaluation(an_vien_plan, an_vien_officer):
    client = api(an_vien_officer)
    ok = client.get(f"/api/v1/plans/{an_vien_plan.pk}/progress-report.docx", {"period": "2026-03"})
    assert ok.status_code == 200
    assert "Kết quả thực hiện kế hoạch chuyển đổi số tháng 3 năm 2026" in docx_text(open_docx(ok.content))
    bad = client.get(f"/api/v1/plans/{an_vien_plan.pk}/progress-report.docx", {"period": "quý 1"})
    assert bad.status_code == 400 and bad.json()["code"] == "invalid" and "period" in bad.json()["errors"]
    evaluation = client.get(f"/api/v1/plans/{an_vien_plan.pk}/evaluation.docx", {"year": 2026})
    assert evaluation.status_code == 200
    assert client.get(f"/api/v1/plans/{an_vien_plan.pk}/evaluation.docx", {"year": 2031}).status_code == 400


def test_api_xlsx_export_and_unknown_table(an_vien_plan, an_vien_officer):
    client = api(an_vien_officer)
    response = client.get(f"/api/v1/plans/{an_vien_plan.pk}/export/budget.xlsx")
    assert response.status_code == 200 and response["Content-Type"] == XLSX_MIME
    assert client.get(f"/api/v1/plans/{an_vien_plan.pk}/export/salaries.xlsx").status_code == 404


def test_schema_documents_the_document_endpoints(client, administrator):
    client.force_login(administrator)
    schema = client.get("/api/schema/").content.decode()
    for path in ("/api/v1/plans/{id}/document.{ext}:", "/api/v1/plans/{id}/progress-report.{ext}:",
                 "/api/v1/plans/{id}/evaluation.{ext}:", "/api/v1/plans/{id}/export/{table}.xlsx:",
                 "/api/v1/report-jobs/:", "/api/v1/report-jobs/{job_id}/:"):  # fmt: skip
        assert path in schema
