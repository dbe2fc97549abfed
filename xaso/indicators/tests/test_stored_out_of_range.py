"""Figures stored before the input bounds (written straight to the database, past `values_write`): 1e308,
Infinity, a negative giant. Every page and endpoint that shows them still opens, for everyone in scope.

A database written before `xaso.core.limits` may hold such rows; the bounds keep new ones out
(test_limits.py), these tests keep the old ones from taking screens down.
"""

from __future__ import annotations

import math

import pytest
from django.conf import settings
from django.test import Client
from rest_framework.test import APIClient

from xaso.coc.services import publication_save
from xaso.core.models import period_get_or_create
from xaso.indicators.models import ChangeSource, DataElement, DataValue, DataValueChange, Indicator
from xaso.indicators.rollup import rollup_refresh
from xaso.indicators.tests.conftest import write
from xaso.plans.tests.factories import plan_in_execution

pytestmark = pytest.mark.django_db

#: NaN only on PostgreSQL: SQLite stores NaN as NULL, which the figure column refuses
ON_POSTGRES = "postgresql" in settings.DATABASES["default"]["ENGINE"]
NAN = pytest.param(float("nan"), marks=pytest.mark.skipif(not ON_POSTGRES, reason="PostgreSQL only"), id="nan")
HUGE = [1e308, float("inf"), -1e308, float("-inf"), 10.0**20, NAN]


def store(unit, period: str, **figures) -> None:
    """Write figures as an old database holds them: straight rows, their history and refreshed rollups."""
    period_row = period_get_or_create(period)
    for code, value in figures.items():
        element = DataElement.objects.get(code=code)
        DataValue.objects.update_or_create(
            data_element=element, unit=unit, period=period_row, defaults={"value": value}
        )
        DataValueChange.objects.create(
            data_element=element, unit=unit, period=period_row, old_value=value, new_value=value,
            source=ChangeSource.FORM,
        )  # fmt: skip
    rollup_refresh(
        element_ids=DataElement.objects.filter(code__in=figures).values_list("id", flat=True),
        commune_ids=[unit.commune_id],
        year_ids=[period_row.year_id],
    )


@pytest.fixture
def stored(request, catalog, an_vien, tri_an, an_vien_officer, tri_an_officer, province_analyst):
    value = request.param
    write(tri_an_officer, tri_an, "2025", households_total=1961, households_fibre=1384)
    store(an_vien, "2025", households_total=value, households_fibre=value, camera_points=value,
          households_fibre_rate_stated=value)  # fmt: skip
    store(an_vien, "2025-03", dossiers_received=value, dossiers_online=value)
    plan_in_execution(an_vien, an_vien_officer, [(catalog["fibre"], 80), (catalog["cameras"], 10)], year=2025)
    publication_save(user=an_vien_officer, unit=an_vien, is_published=True,
                     indicators=Indicator.objects.all(), show_targets=True)  # fmt: skip
    return value


BOTH, ANALYST = ("an_vien_officer", "province_analyst"), ("province_analyst",)
PAGES = [
    ("/data/entry/?unit=26296&period=2025", BOTH),
    ("/data/entry/?unit=26296&period=2025-03", BOTH),
    ("/data/entry/indicators/?unit=26296&period=2025", BOTH),
    ("/data/history/?unit=26296&element=households_fibre&period=2025", BOTH),
    ("/data/violations/?unit=26296&period=2025", BOTH),
    ("/data/export/?unit=26296&period=2025", BOTH),
    ("/data/export/?unit=26296&period=2025&format=xlsx", BOTH),
    ("/", BOTH),
    ("/coc/unit/26296/?year=2025", BOTH),
    ("/coc/unit/26296/villages/?year=2025", BOTH),
    ("/coc/province/75/?year=2025", ANALYST),
    ("/coc/province/75/?year=2025&indicators=households_fibre_rate,camera_points&sort=value", ANALYST),
    ("/coc/province/75/scorecard/", ANALYST),
    ("/public/26296/", BOTH),
    ("/plans/", BOTH),
]


@pytest.mark.parametrize("stored", HUGE, indirect=True)
@pytest.mark.parametrize(("url", "personas"), PAGES)
def test_pages_open_with_stored_out_of_range_figures(stored, url, personas, request):
    for user in (request.getfixturevalue(p) for p in personas):
        client = Client()
        client.force_login(user)
        response = client.get(url)
        assert response.status_code in (200, 302), (url, response.status_code)


@pytest.mark.parametrize("stored", HUGE, indirect=True)
def test_plan_pages_and_documents_open_with_stored_out_of_range_figures(stored, an_vien_officer):
    client = Client()
    client.force_login(an_vien_officer)
    plan_id = an_vien_officer.unit.plans.get().id
    for path in ("/plans/{}/", "/reports/plans/{}/plan.docx", "/reports/plans/{}/progress/",
                 "/reports/plans/{}/evaluation/?year=2025", "/reports/plans/{}/export/targets.xlsx"):  # fmt: skip
        url = path.format(plan_id)
        assert client.get(url).status_code in (200, 302), url


API = [
    ("/api/v1/data-values/?unit=26296", BOTH),
    ("/api/v1/data-values/?unit=26296&period=2025", BOTH),
    ("/api/v1/data-values/history/?unit=26296&element=households_fibre&period=2025", BOTH),
    ("/api/v1/validation/?unit=26296&period=2025", BOTH),
    ("/api/v1/indicator-values/?units=26296&periods=2025,2025Q1,2025-03", BOTH),
    ("/api/v1/indicator-values/?units=26296,26170&periods=2025", ANALYST),
    ("/api/v1/indicator-values/?children_of=75&periods=2025,2025Q1,2025-03", ANALYST),
    ("/api/v1/targets/", BOTH),
    ("/api/v1/plans/", BOTH),
]


@pytest.mark.parametrize("stored", HUGE, indirect=True)
@pytest.mark.parametrize(("url", "personas"), API)
def test_api_answers_with_stored_out_of_range_figures(stored, url, personas, request):
    for user in (request.getfixturevalue(p) for p in personas):
        client = APIClient()
        client.force_authenticate(user)
        response = client.get(url)
        assert response.status_code == 200, (url, response.status_code)
        body = response.content.decode()
        assert "Infinity" not in body and "NaN" not in body


@pytest.mark.parametrize("stored", [float("inf")], indirect=True)
def test_api_sends_a_stored_infinity_as_null_and_keeps_the_other_rows(stored, an_vien_officer):
    client = APIClient()
    client.force_authenticate(an_vien_officer)
    rows = client.get("/api/v1/data-values/?unit=26296&period=2025").json()["results"]
    by_code = {r["element"]: r["value"] for r in rows}
    assert by_code["households_total"] is None and by_code["camera_points"] is None
    assert not any(isinstance(v, float) and math.isinf(v) for v in by_code.values())
