"""A periodic report mapped once, cell by cell, to data elements; each later issue imported as figures."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from xaso.core.periods import parse_period
from xaso.indicators.errors import BulkValueError
from xaso.indicators.filelimits import ImportFileError
from xaso.indicators.models import ChangeSource, DataValue, DataValueChange
from xaso.reportforms import services, workbook
from xaso.reportforms.models import ReportForm

from .conftest import monthly_report

pytestmark = pytest.mark.django_db


@pytest.fixture
def report_form(catalog, an_vien, an_vien_officer) -> ReportForm:
    return services.report_form_create(
        user=an_vien_officer, unit=an_vien, name="Báo cáo tháng CĐS", period_type="month", data=monthly_report(),
        filename="bc-thang-11.xlsx",
    )  # fmt: skip


@pytest.fixture
def mapped_form(report_form, an_vien_officer) -> ReportForm:
    for cell, code in (("C6", "documents_sent_total"), ("C7", "documents_sent_signed"),
                       ("C8", "dossiers_received_total")):  # fmt: skip
        services.report_form_cell_add(user=an_vien_officer, form=report_form, sheet="BC tháng", cell=cell,
                                      element_code=code)  # fmt: skip
    services.report_form_period_set(user=an_vien_officer, form=report_form, period_cell="BC tháng!A3")
    return report_form


def figure(code: str, unit, period: str) -> float | None:
    row = DataValue.objects.filter(data_element__code=code, unit=unit, period__code=period).first()
    return row.value if row else None


def test_sample_offers_its_numeric_cells_with_their_labels_and_its_period_cell(report_form):
    cells = {c["cell"]: c for c in report_form.candidates["cells"]}
    assert cells["C6"]["label"] == "Tổng số văn bản đi · Số lượng" and cells["C6"]["value"] == 217
    assert cells["A6"]["label"] == "STT"
    assert [(p["cell"], p["period"]) for p in report_form.candidates["periods"]] == [("A3", "2025-11")]
    suggested = services.suggestions(report_form)
    assert suggested[("BC tháng", "C6")].code == "documents_sent_total"
    assert suggested[("BC tháng", "C8")].code == "dossiers_received_total"


def test_later_issue_is_imported_as_figures(mapped_form, an_vien, an_vien_officer):
    data = monthly_report(period="Tháng 12/2025", sent=236, signed=235, dossiers=1747)
    result = services.report_import(user=an_vien_officer, form=mapped_form, data=data, filename="bc-12.xlsx")
    assert (result.period, result.cells, result.result.created) == ("2025-12", 3, 3)
    assert figure("documents_sent_total", an_vien, "2025-12") == 236
    assert figure("documents_sent_signed", an_vien, "2025-12") == 235
    assert figure("dossiers_received_total", an_vien, "2025-12") == 1747
    assert set(DataValueChange.objects.values_list("source", flat=True)) == {ChangeSource.IMPORT}


def test_check_only_saves_nothing(mapped_form, an_vien_officer):
    result = services.report_import(user=an_vien_officer, form=mapped_form, data=monthly_report(), filename="a.xlsx",
                                    check_only=True)  # fmt: skip
    assert result.result.created == 3 and DataValue.objects.count() == 0


def test_bad_cell_saves_nothing_and_names_sheet_and_cell(mapped_form, an_vien_officer):
    data = monthly_report(signed="hai trăm")
    with pytest.raises(BulkValueError) as caught:
        services.report_import(user=an_vien_officer, form=mapped_form, data=data, filename="a.xlsx")
    assert [e.column for e in caught.value.errors] == ["Trang “BC tháng”, ô C7"]
    assert DataValue.objects.count() == 0


def test_part_larger_than_whole_is_refused_at_its_cell(mapped_form, an_vien_officer):
    data = monthly_report(sent=200, signed=216)  # more signed than sent: the catalog's rule
    with pytest.raises(BulkValueError) as caught:
        services.report_import(user=an_vien_officer, form=mapped_form, data=data, filename="a.xlsx")
    assert "Trang “BC tháng”, ô C" in caught.value.errors[0].column
    assert "216" in caught.value.errors[0].message and DataValue.objects.count() == 0


def test_moved_layout_is_refused_instead_of_filing_under_the_wrong_element(mapped_form, an_vien_officer):
    data = monthly_report(label="Tổng số văn bản đến")  # the row now holds another figure
    with pytest.raises(BulkValueError) as caught:
        services.report_import(user=an_vien_officer, form=mapped_form, data=data, filename="a.xlsx")
    error = caught.value.errors[0]
    assert error.column == "Trang “BC tháng”, ô C6" and "Tổng số văn bản đến" in error.message
    assert DataValue.objects.count() == 0


def test_unreadable_period_cell_is_named(mapped_form, an_vien_officer):
    with pytest.raises(BulkValueError) as caught:
        services.report_import(user=an_vien_officer, form=mapped_form, data=monthly_report(period="Tháng mười"),
                               filename="a.xlsx")  # fmt: skip
    assert caught.value.errors[0].column == "Trang “BC tháng”, ô A3"


def test_chosen_period_must_agree_with_the_period_cell(mapped_form, an_vien_officer):
    with pytest.raises(BulkValueError, match="1 lỗi"):
        services.report_import(user=an_vien_officer, form=mapped_form, data=monthly_report(), filename="a.xlsx",
                               period=parse_period("2025-10"))  # fmt: skip


def test_period_from_the_upload_when_the_form_has_no_period_cell(report_form, an_vien, an_vien_officer):
    services.report_form_cell_add(user=an_vien_officer, form=report_form, sheet="BC tháng", cell="C6",
                                  element_code="documents_sent_total")  # fmt: skip
    with pytest.raises(BulkValueError, match="1 lỗi"):
        services.report_import(user=an_vien_officer, form=report_form, data=monthly_report(), filename="a.xlsx")
    services.report_import(user=an_vien_officer, form=report_form, data=monthly_report(), filename="a.xlsx",
                           period=parse_period("2025-10"))  # fmt: skip
    assert figure("documents_sent_total", an_vien, "2025-10") == 217


def test_mapping_refuses_a_yearly_element_a_taken_cell_and_a_repeated_element(report_form, an_vien_officer):
    add = services.report_form_cell_add
    with pytest.raises(ValidationError, match="thu thập theo năm"):
        add(user=an_vien_officer, form=report_form, sheet="BC tháng", cell="C6", element_code="households_total")
    add(user=an_vien_officer, form=report_form, sheet="BC tháng", cell="C6", element_code="documents_sent_total")
    with pytest.raises(ValidationError, match="đã gắn"):
        add(user=an_vien_officer, form=report_form, sheet="BC tháng", cell="C6", element_code="documents_sent_signed")
    with pytest.raises(ValidationError, match="đã gắn"):
        add(user=an_vien_officer, form=report_form, sheet="BC tháng", cell="C7", element_code="documents_sent_total")
    with pytest.raises(ValidationError, match="không phải ô số"):
        add(user=an_vien_officer, form=report_form, sheet="BC tháng", cell="B6", element_code="documents_sent_signed")


def test_other_commune_cannot_see_map_or_import(client, mapped_form, tri_an_officer, province_analyst):
    for user in (tri_an_officer, province_analyst):
        with pytest.raises(PermissionDenied):
            services.report_import(user=user, form=mapped_form, data=monthly_report(), filename="a.xlsx")
        with pytest.raises(PermissionDenied):
            services.report_form_cell_add(user=user, form=mapped_form, sheet="BC tháng", cell="A6",
                                          element_code="website_posts")  # fmt: skip
    client.force_login(tri_an_officer)
    assert client.get(reverse("reportforms:detail", args=[mapped_form.pk])).status_code == 404
    upload = SimpleUploadedFile("a.xlsx", monthly_report())
    assert client.post(reverse("reportforms:upload", args=[mapped_form.pk]), {"file": upload}).status_code == 404
    assert DataValue.objects.count() == 0


def test_not_a_spreadsheet_is_named(catalog, an_vien, an_vien_officer):
    with pytest.raises(ImportFileError, match=r"\.xls"):
        services.report_form_create(
            user=an_vien_officer, unit=an_vien, name="X", period_type="month",
            data=b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"0" * 100, filename="bc.xls",
        )  # fmt: skip


def test_upload_page_shows_sheet_and_cell_of_each_error(client, mapped_form, an_vien_officer):
    client.force_login(an_vien_officer)
    upload = SimpleUploadedFile("bc.xlsx", monthly_report(signed="?"))
    response = client.post(reverse("reportforms:upload", args=[mapped_form.pk]), {"file": upload})
    assert response.status_code == 400
    assert "Trang “BC tháng”, ô C7" in response.content.decode()


@pytest.mark.parametrize(
    ("text", "code"),
    [("Tháng 11 năm 2025", "2025-11"), ("tháng 3/2026", "2026-03"), ("Quý IV/2025", "2025Q4"), ("Quý 2 năm 2025",
     "2025Q2"), ("Năm 2025", "2025"), ("11/2025", "2025-11"), ("2025-11", "2025-11")],
)  # fmt: skip
def test_period_written_in_a_cell(text, code):
    assert workbook.period_from_cell(text).code == code
