"""Operations-centre reads from plans: a commune's targets in execution, the province scorecard."""

from __future__ import annotations

from datetime import date

import pytest

from xaso.indicators.services import ValueInput, values_write
from xaso.plans import scorecard
from xaso.plans.tests.factories import plan_in_execution

pytestmark = pytest.mark.django_db
TODAY = date(2026, 11, 23)


def test_province_scorecard_scores_and_ranks_communes(
    dong_nai, an_vien, tri_an, an_vien_officer, tri_an_officer, province_analyst, administrator, catalog
):
    plan_in_execution(dong_nai, administrator, [(catalog["online"], 85), (catalog["fibre"], 80)])
    # An Viễn: 90% online (≥ 85 → 1.0), fibre 6,000 / 8,000 = 75% (75/80 = 0.9375) → score 96.9
    values_write(
        user=an_vien_officer,
        rows=[
            ValueInput("dossiers_received", "26296", "2026-03", 200),
            ValueInput("dossiers_online", "26296", "2026-03", 180),
            ValueInput("households_total", "26296", "2025", 8000),
            ValueInput("households_fibre", "26296", "2025", 6000),
        ],
    )
    # Trị An: 40% online (40/85 = 0.4706), no fibre data (0) → 23.5
    values_write(
        user=tri_an_officer,
        rows=[
            ValueInput("dossiers_received", "26170", "2026-03", 100),
            ValueInput("dossiers_online", "26170", "2026-03", 40),
        ],
    )
    targets = scorecard.key_targets(user=province_analyst, province=dong_nai, horizon=2026)
    rows = {
        r.unit.code: r
        for r in scorecard.province_scorecard(user=province_analyst, province=dong_nai, targets=targets, today=TODAY)
    }
    assert (rows["26296"].score, rows["26296"].rank) == (96.9, 1)
    assert (rows["26170"].score, rows["26170"].rank) == (23.5, 2)
    assert [c.status for c in rows["26170"].cells] == ["off_track", "no_data"]


def test_commune_targets_group_by_pillar_and_list_gaps(an_vien, an_vien_officer, catalog):
    plan_in_execution(an_vien, an_vien_officer, [(catalog["online"], 85), (catalog["fibre"], 80)])
    values_write(
        user=an_vien_officer,
        rows=[
            ValueInput("dossiers_received", "26296", "2026-03", 200),
            ValueInput("dossiers_online", "26296", "2026-03", 180),
        ],
    )
    result = scorecard.commune_targets(user=an_vien_officer, unit=an_vien, today=TODAY)
    assert result.by_area["government"]["achieved"] == 1
    assert [g.target.indicator.code for g in result.gaps] == ["households_fibre_rate"]


def test_attainment_rules():
    assert scorecard.attainment(">=", 80, 60) == 0.75
    assert scorecard.attainment(">=", 80, 95) == 1.0
    assert scorecard.attainment("<=", 5, 10) == 0.5
    assert scorecard.attainment("<=", 5, 3) == 1.0
    assert scorecard.attainment(">=", 80, None) == 0.0


def test_public_page_reads_the_active_plans_of_the_commune_and_of_the_old_communes_it_absorbed(
    nga_dien, nga_dien_officer, nga_an, an_vien, an_vien_officer, catalog
):
    from xaso.indicators.selectors import PUBLIC_AGGREGATES

    old = plan_in_execution(nga_dien, nga_dien_officer, [(catalog["fibre"], 80)], year=2024)
    plan_in_execution(an_vien, an_vien_officer, [(catalog["fibre"], 80)])  # another commune's: never shown
    assert list(scorecard.active_plans(user=PUBLIC_AGGREGATES, unit=nga_an)) == [old]
    assert list(scorecard.active_plans(user=PUBLIC_AGGREGATES, unit=nga_dien)) == [old]
