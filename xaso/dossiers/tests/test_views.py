"""The drill-down from the operations centre to the dossiers behind a figure, and who may see it."""

from __future__ import annotations

import pytest
from django.urls import reverse

from xaso.coc.tests.conftest import with_areas
from xaso.registers.models import PersonalDataAccess

from .conftest import JULY, PROVINCE_HEADER, csv_bytes, run_import

pytestmark = pytest.mark.django_db


@pytest.fixture
def july(full_catalog, an_vien, an_vien_officer):
    run_import(an_vien_officer, an_vien, csv_bytes(PROVINCE_HEADER, JULY))


def test_on_time_drilldown_lists_the_resolved_dossiers_late_first_with_the_figures_rate(client, july, an_vien,
                                                                                        an_vien_officer):  # fmt: skip
    client.force_login(an_vien_officer)
    url = reverse("dossiers:list", kwargs={"code": an_vien.code})
    response = client.get(url, {"year": 2025, "indicator": "dossiers_on_time_rate"})
    assert response.status_code == 200
    listing = response.context["listing"]
    assert (listing.numerator, listing.denominator) == (2, 3)
    assert [d.code for d in listing.dossiers] == ["AV-0002", "AV-0001", "AV-0003"]  # late first, then by due date
    assert "66,7%" in response.content.decode()


def test_operations_centre_links_register_figures_to_their_dossiers(client, july, an_vien, an_vien_officer):
    client.force_login(an_vien_officer)
    page = with_areas(client, client.get(reverse("coc:unit", kwargs={"code": an_vien.code}), {"year": 2025}))
    assert 'data-testid="drill-dossiers_online_rate"' in page
    assert "/dossiers/26296/?year=2025&amp;indicator=dossiers_online_rate" in page
    assert 'data-testid="drill-dossiers_on_system_rate"' not in page  # not computed from the register


def test_province_reads_but_another_commune_does_not_see_the_dossiers(client, july, an_vien, tri_an_officer,
                                                                      province_analyst):  # fmt: skip
    url = reverse("dossiers:list", kwargs={"code": an_vien.code})
    client.force_login(tri_an_officer)
    assert client.get(url).status_code == 404
    client.force_login(province_analyst)
    response = client.get(url, {"year": 2025})
    assert response.status_code == 200
    assert 'data-testid="import-link"' not in response.content.decode()
    assert client.get(reverse("registers:upload", kwargs={"slug": "dossiers", "code": an_vien.code})).status_code == 403


def test_applicant_names_show_to_the_commune_only_and_each_view_is_logged(
    client, full_catalog, an_vien, an_vien_officer, province_analyst
):
    from xaso.dossiers.models import Dossier

    run_import(an_vien_officer, an_vien, csv_bytes(PROVINCE_HEADER, JULY))
    Dossier.objects.filter(code="AV-0001").update(applicant_name="Trần Văn A")
    url = reverse("dossiers:list", kwargs={"code": an_vien.code})
    client.force_login(province_analyst)
    assert "Trần Văn A" not in client.get(url, {"year": 2025}).content.decode()
    assert not PersonalDataAccess.objects.exists()
    client.force_login(an_vien_officer)
    assert "Trần Văn A" in client.get(url, {"year": 2025}).content.decode()
    access = PersonalDataAccess.objects.get()
    assert (access.user, access.row_count) == (an_vien_officer, 1)


def test_only_the_communes_writers_choose_to_keep_applicant_data(client, an_vien, an_vien_officer, province_analyst):
    from xaso.dossiers.models import DossierSettings

    url = reverse("dossiers:settings", kwargs={"code": an_vien.code})
    client.force_login(province_analyst)
    assert client.post(url, {"store_applicant": "1"}).status_code == 403
    assert not DossierSettings.objects.exists()
    client.force_login(an_vien_officer)
    assert client.post(url, {"store_applicant": "1"}).status_code == 302
    assert DossierSettings.objects.get(unit=an_vien).store_applicant
    client.post(url, {"store_applicant": "0"})
    assert not DossierSettings.objects.get(unit=an_vien).store_applicant


def test_dossier_list_queries_do_not_grow_with_dossiers(client, full_catalog, an_vien, an_vien_officer,
                                                        django_assert_max_num_queries):  # fmt: skip
    from .conftest import province_row

    client.force_login(an_vien_officer)
    url = reverse("dossiers:list", kwargs={"code": an_vien.code})
    query = {"year": 2025, "indicator": "dossiers_on_time_rate"}
    run_import(an_vien_officer, an_vien, csv_bytes(PROVINCE_HEADER, JULY))
    with django_assert_max_num_queries(DOSSIER_LIST_QUERIES) as small:
        client.get(url, query)
    many = [province_row(n, f"B-{n}", "1.001193", "Trực tuyến", "01/07/2025", "03/07/2025", "02/07/2025",
                         "Hoàn thành") for n in range(1, 121)]  # fmt: skip
    run_import(an_vien_officer, an_vien, csv_bytes(PROVINCE_HEADER, many))
    with django_assert_max_num_queries(DOSSIER_LIST_QUERIES) as large:
        response = client.get(url, query)
    assert len(small.captured_queries) == len(large.captured_queries)
    assert response.context["listing"].denominator == 123 and response.context["listing"].pages == 3


#: session, user, unit, years, indicators, count, page, imports, personal-data setting (+ savepoints of the session)
DOSSIER_LIST_QUERIES = 12
