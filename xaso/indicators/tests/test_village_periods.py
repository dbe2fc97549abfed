"""A village's figures over time: its months make its quarter and year by the element's aggregation.

Villages hold raw values and are read from them (`_village_totals`), communes from the rollups: both must agree,
stocks (households) take each unit's latest value inside the period, flows (dossiers) are summed.
"""

from __future__ import annotations

import pytest

from xaso.core.models import period_get_or_create
from xaso.indicators.models import DataElement
from xaso.indicators.selectors import element_totals
from xaso.indicators.tests.conftest import write

pytestmark = pytest.mark.django_db


def totals(element_code: str, units, *period_codes: str) -> dict[tuple[str, str], float]:
    element = DataElement.objects.get(code=element_code)
    periods = [period_get_or_create(code) for code in period_codes]
    found = element_totals(elements=[element], units=units, periods=periods)
    names = {p.id: p.code for p in periods}
    return {(u.code, names[p]): v for (uid, _e, p), v in found.items() for u in units if u.id == uid}


@pytest.fixture
def monthly_households(catalog):
    """Households counted every month (a stock): a village's year is its latest month, never the sum of months."""
    DataElement.objects.filter(code="households_total").update(period_type="month")


def test_a_village_stock_year_is_its_latest_month_not_the_sum(
    monthly_households, nga_dien, nga_dien_villages, nga_dien_officer
):
    v1, v2, _v3 = nga_dien_villages
    write(nga_dien_officer, v1, "2024-01", households_total=100)
    write(nga_dien_officer, v1, "2024-06", households_total=105)
    write(nga_dien_officer, v2, "2024-03", households_total=200)
    got = totals("households_total", [v1, v2, nga_dien], "2024", "2024Q1", "2024Q2")
    assert got[(v1.code, "2024")] == 105  # not 205 (summed), not 100 (the first month)
    assert got[(v1.code, "2024Q1")] == 100
    assert got[(v1.code, "2024Q2")] == 105
    assert got[(v2.code, "2024")] == 200
    # the commune (from its rollup): each village's latest value in the period, summed over villages
    assert got[(nga_dien.code, "2024")] == 305
    assert got[(nga_dien.code, "2024Q1")] == 300
    assert got[(nga_dien.code, "2024Q2")] == 105


def test_a_village_flow_year_is_the_sum_of_its_months(catalog, an_vien, an_vien_officer):
    from xaso.geo.services import village_create

    village = village_create(user=an_vien_officer, commune=an_vien, name="Ấp 1")
    write(an_vien_officer, village, "2025-01", dossiers_received=10)
    write(an_vien_officer, village, "2025-02", dossiers_received=20)
    write(an_vien_officer, village, "2025-07", dossiers_received=5)
    got = totals("dossiers_received", [village, an_vien], "2025", "2025Q1", "2025Q3", "2025-02")
    assert got[(village.code, "2025")] == 35
    assert got[(village.code, "2025Q1")] == 30
    assert got[(village.code, "2025Q3")] == 5
    assert got[(village.code, "2025-02")] == 20
    assert got[(an_vien.code, "2025")] == 35
