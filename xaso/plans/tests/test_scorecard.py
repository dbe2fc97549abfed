"""Operations-centre reads from plans: a commune's targets in execution, the province scorecard."""

from __future__ import annotations

from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from xaso.accounts.models import Role
from xaso.conftest import make_unit, make_user
from xaso.geo.models import Level
from xaso.indicators.services import ValueInput, values_write
from xaso.plans import scorecard
from xaso.plans.models import Target
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


def households(officer, unit, period: str, total: int, with_fibre: int):
    values_write(user=officer, rows=[ValueInput("households_total", unit.code, period, total),
                                     ValueInput("households_fibre", unit.code, period, with_fibre)])  # fmt: skip


@pytest.fixture
def mixed_horizons(dong_nai, administrator, catalog):
    """The province's "≥ 80% of households on fibre by 2024" (horizon passed) beside "≥ 85% of dossiers online by
    2026" (this year)."""
    passed = plan_in_execution(dong_nai, administrator, [(catalog["fibre"], 80)], year=2024).targets.get()
    current = plan_in_execution(dong_nai, administrator, [(catalog["online"], 85)], year=2026).targets.get()
    return list(Target.objects.filter(pk__in=[passed.pk, current.pk]).select_related("indicator", "plan"))


def test_province_scorecard_judges_each_target_in_its_own_window(
    an_vien, tri_an, an_vien_officer, tri_an_officer, province_analyst, dong_nai, mixed_horizons
):
    fibre_2024, online_2026 = mixed_horizons
    # An Viễn: fibre 2024 6.600 / 8.000 = 82,5% (met: 1.0; its 2026 figure, 62,5%, is past the horizon and not read);
    # online 2026 180 / 200 = 90% (met: 1.0) → 100.0
    households(an_vien_officer, an_vien, "2024", 8000, 6600)
    households(an_vien_officer, an_vien, "2026", 8000, 5000)
    values_write(user=an_vien_officer, rows=[ValueInput("dossiers_received", an_vien.code, "2026-03", 200),
                                             ValueInput("dossiers_online", an_vien.code, "2026-03", 180)])  # fmt: skip
    # Trị An: no 2024 fibre figure, 2023's 3.000 / 4.000 = 75% (75 / 80 = 0.9375, off track: the horizon has passed);
    # online: none in 2026, 2025's 40 / 100 = 40% (40 / 85 = 0.4706) → (0.9375 + 0.4706) / 2 = 70.4
    households(tri_an_officer, tri_an, "2023", 4000, 3000)
    values_write(user=tri_an_officer, rows=[ValueInput("dossiers_received", tri_an.code, "2025-06", 100),
                                            ValueInput("dossiers_online", tri_an.code, "2025-06", 40)])  # fmt: skip
    rows = {
        r.unit.code: r
        for r in scorecard.province_scorecard(
            user=province_analyst, province=dong_nai, targets=[fibre_2024, online_2026], today=TODAY
        )
    }
    assert [(c.value, c.status) for c in rows["26296"].cells] == [(82.5, "achieved"), (90.0, "achieved")]
    assert (rows["26296"].score, rows["26296"].rank) == (100.0, 1)
    assert [(c.value, c.status) for c in rows["26170"].cells] == [(75.0, "off_track"), (40.0, "off_track")]
    assert (rows["26170"].score, rows["26170"].rank) == (70.4, 2)


def test_province_scorecard_queries_do_not_grow_with_communes_or_horizons(
    dong_nai, an_vien, an_vien_officer, province_analyst, administrator, mixed_horizons, catalog
):
    households(an_vien_officer, an_vien, "2024", 8000, 6600)

    def queries(targets) -> int:
        with CaptureQueriesContext(connection) as captured:
            scorecard.province_scorecard(user=province_analyst, province=dong_nai, targets=targets, today=TODAY)
        return len(captured)

    queries(mixed_horizons)  # the year periods exist from here on
    fibre_2024, online_2026 = mixed_horizons
    small = queries([online_2026])
    assert queries(mixed_horizons) == small
    officer = make_user("officer_x", Role.COMMUNE_OFFICER, dong_nai)
    for n in range(12):
        commune = make_unit(f"261{n:02d}", f"Xã Mẫu {n}", Level.COMMUNE, dong_nai)
        households(officer, commune, str(2023 + n % 4), 100 + n, 50 + n)
    assert queries(mixed_horizons) == small
    rows = scorecard.province_scorecard(user=province_analyst, province=dong_nai, targets=mixed_horizons, today=TODAY)
    assert len(rows) == 13


def test_a_commune_without_any_figure_is_neither_scored_nor_ranked(
    dong_nai, an_vien, tri_an, an_vien_officer, tri_an_officer, province_analyst, administrator, catalog
):
    """Issue 10: a commune without data is "no data", never a score of 0 ranked below the others."""
    plan_in_execution(dong_nai, administrator, [(catalog["online"], 85), (catalog["fibre"], 80)])
    make_unit("26005", "Xã An Bình", Level.COMMUNE, dong_nai)  # first by name, no figure at all
    # An Viễn: 180 / 200 = 90% online (≥ 85: 1.0), no fibre figure (0) → (1.0 + 0) / 2 = 50.0
    values_write(user=an_vien_officer, rows=[ValueInput("dossiers_received", "26296", "2026-03", 200),
                                             ValueInput("dossiers_online", "26296", "2026-03", 180)])  # fmt: skip
    # Trị An: 40 / 100 = 40% online (40 / 85 = 0.4706), 1.384 / 1.961 = 70,58% fibre (70.58 / 80 = 0.8822)
    # → (0.4706 + 0.8822) / 2 = 67.6
    values_write(user=tri_an_officer, rows=[ValueInput("dossiers_received", "26170", "2026-03", 100),
                                            ValueInput("dossiers_online", "26170", "2026-03", 40)])  # fmt: skip
    households(tri_an_officer, tri_an, "2026", 1961, 1384)
    targets = scorecard.key_targets(user=province_analyst, province=dong_nai, horizon=2026)
    rows = {
        r.unit.code: r
        for r in scorecard.province_scorecard(user=province_analyst, province=dong_nai, targets=targets, today=TODAY)
    }
    assert (rows["26170"].score, rows["26170"].rank) == (67.6, 1)
    assert (rows["26296"].score, rows["26296"].rank) == (50.0, 2)
    an_binh = rows["26005"]
    assert an_binh.score is None, "a commune without data must not be scored (not even 0)"
    assert an_binh.rank is None and not an_binh.has_data
    assert [c.status for c in an_binh.cells] == ["no_data", "no_data"]
    # every order keeps it last: by rank, by name (it is first alphabetically), by score either way
    for sort, descending in [("rank", False), ("rank", True), ("name", False), ("score", True), ("score", False)]:
        ordered = scorecard.scorecard_sorted(list(rows.values()), targets, sort=sort, descending=descending)
        assert ordered[-1].unit.code == "26005", (sort, descending)
    by_name = scorecard.scorecard_sorted(list(rows.values()), targets, sort="name", descending=False)
    assert [r.unit.code for r in by_name] == ["26296", "26170", "26005"]  # An Viễn, Trị An, then An Bình


def test_no_key_target_leaves_every_commune_unscored(dong_nai, an_vien, province_analyst):
    rows = scorecard.province_scorecard(user=province_analyst, province=dong_nai, targets=[], today=TODAY)
    assert [(r.unit.code, r.score, r.rank) for r in rows] == [("26296", None, None)]
