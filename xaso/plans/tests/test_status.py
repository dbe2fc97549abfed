"""The target status rule (xaso/plans/status.py), on seed 004's "≥ 85% of dossiers online by end of 2026", and the
value a target is judged on, on seed 003's Nga Điền (2023: 1.384 / 1.961 households on fibre = 70,6%)."""

from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from xaso.core.periods import PeriodSpec, month, quarter, year
from xaso.indicators.services import ValueInput, values_write
from xaso.plans.models import Target
from xaso.plans.selectors import TargetProgress, judged_values, target_progress
from xaso.plans.status import ACHIEVED, AT_RISK, NO_DATA, OFF_TRACK, ON_TRACK, judged_periods, target_status
from xaso.plans.tests.factories import plan_in_execution


def status(latest, today, baseline=60.0, comparator=">=", target=85.0, horizon=2026):
    return target_status(comparator=comparator, target=target, horizon_year=horizon, latest=latest, baseline=baseline,
                         baseline_date=date(2026, 1, 1), start_year=2026, today=today)  # fmt: skip


@pytest.mark.parametrize(
    ("latest", "today", "expected"),
    [
        (None, date(2026, 6, 30), NO_DATA),
        (86.0, date(2026, 3, 1), ACHIEVED),
        (85.0, date(2026, 12, 1), ACHIEVED),
        # half the year gone (elapsed ≈ 0.50): 75% is 15/25 = 0.60 of the way → on track
        (75.0, date(2026, 7, 2), ON_TRACK),
        # 65% is 0.20 of the way: 0.30 behind → off track; 70% is 0.40: 0.10 behind → at risk
        (65.0, date(2026, 7, 2), OFF_TRACK),
        (70.0, date(2026, 7, 2), AT_RISK),
        # horizon passed without reaching it
        (84.0, date(2027, 1, 5), OFF_TRACK),
    ],
)
def test_status_of_online_dossier_target(latest, today, expected):
    assert status(latest, today).code == expected


def test_lower_is_better_targets():
    # "≤ 5% of dossiers late": from 20% at the start of the year, 12% by July is more than half the way
    assert status(12.0, date(2026, 7, 2), baseline=20.0, comparator="<=", target=5.0).code == ON_TRACK
    assert status(4.0, date(2026, 7, 2), baseline=20.0, comparator="<=", target=5.0).code == ACHIEVED


# --- the value a target is judged on: a two-year window anchored at min(this year, the horizon year) -----------------


def codes(horizon: int, at: PeriodSpec) -> list[str]:
    return [p.code for p in judged_periods(horizon_year=horizon, at=at)]


def test_a_passed_horizon_is_judged_on_its_own_year_else_the_year_before():
    assert codes(2024, year(2026)) == ["2024", "2023"]
    assert codes(2025, year(2026)) == ["2025", "2024"]


def test_a_horizon_not_yet_passed_is_judged_on_this_year_else_last_year():
    assert codes(2026, year(2026)) == ["2026", "2025"]
    assert codes(2030, year(2026)) == ["2026", "2025"]


def test_a_report_reads_its_period_then_its_year_then_the_year_before_with_the_same_anchor():
    assert codes(2026, quarter(2026, 3)) == ["2026Q3", "2026", "2025"]
    assert codes(2030, month(2026, 8)) == ["2026-08", "2026", "2025"]
    assert codes(2024, quarter(2026, 3)) == ["2024", "2023"]


TODAY = date(2026, 11, 23)


def fibre(officer, unit, period: str, households: int, with_fibre: int) -> None:
    values_write(user=officer, rows=[ValueInput("households_total", unit.code, period, households),
                                     ValueInput("households_fibre", unit.code, period, with_fibre)])  # fmt: skip


@pytest.fixture
def nga_dien_2024(nga_dien, nga_dien_officer, catalog):
    """Seed 003: Nga Điền's 2023 figures (1.384 / 1.961 households on fibre = 70,6%), then its 2024 plan with a
    "≥ 80% of households on fibre by the end of 2024" target (its baseline: 70,6% on 31/12/2023)."""
    fibre(nga_dien_officer, nga_dien, "2023", 1961, 1384)
    plan = plan_in_execution(nga_dien, nga_dien_officer, [(catalog["fibre"], 80)], year=2024)
    return plan.targets.select_related("indicator", "plan__unit", "plan__parent_plan").get()


def judged(user, target) -> TargetProgress:
    [progress] = target_progress(user=user, targets=[target], today=TODAY)
    return progress


@pytest.mark.django_db
def test_a_2024_target_seen_in_2026_is_achieved_on_its_2024_figure(nga_dien, nga_dien_officer, nga_dien_2024):
    assert (nga_dien_2024.baseline_value, nga_dien_2024.baseline_date) == (70.5762, date(2023, 12, 31))
    fibre(nga_dien_officer, nga_dien, "2024", 1961, 1600)  # 81,6% ≥ 80%
    fibre(nga_dien_officer, nga_dien, "2026", 1961, 1500)  # 76,5%: later than the horizon, never counts
    progress = judged(nga_dien_officer, nga_dien_2024)
    assert (round(progress.latest, 1), progress.period.code, progress.status.code) == (81.6, "2024", ACHIEVED)


@pytest.mark.django_db
def test_a_2024_target_seen_in_2026_is_off_track_when_its_2024_figure_falls_short(
    nga_dien, nga_dien_officer, nga_dien_2024
):
    fibre(nga_dien_officer, nga_dien, "2024", 1961, 1500)  # 76,5% < 80%
    fibre(nga_dien_officer, nga_dien, "2025", 1961, 1700)  # 86,7%: after the horizon, never counts
    progress = judged(nga_dien_officer, nga_dien_2024)
    assert (round(progress.latest, 1), progress.period.code, progress.status.code) == (76.5, "2024", OFF_TRACK)
    # (76,4916 − 70,5762) / (80 − 70,5762) of the way, with the whole time gone
    assert (round(progress.status.progress, 3), progress.status.elapsed) == (0.628, 1.0)


@pytest.mark.django_db
def test_a_2024_target_without_a_2024_figure_is_judged_on_2023(nga_dien, nga_dien_officer, nga_dien_2024):
    fibre(nga_dien_officer, nga_dien, "2026", 1961, 1700)  # 86,7% would meet it, but 2026 is past the horizon
    progress = judged(nga_dien_officer, nga_dien_2024)
    assert (round(progress.latest, 1), progress.period.code, progress.status.code) == (70.6, "2023", OFF_TRACK)


@pytest.mark.django_db
def test_a_2024_target_with_neither_2024_nor_2023_figures_has_no_data(nga_dien, nga_dien_officer, catalog):
    target = plan_in_execution(nga_dien, nga_dien_officer, [(catalog["fibre"], 80)], year=2024).targets.get()
    fibre(nga_dien_officer, nga_dien, "2022", 1961, 1300)  # two years before the horizon: outside the window
    fibre(nga_dien_officer, nga_dien, "2026", 1961, 1700)
    progress = judged(nga_dien_officer, target)
    assert (progress.latest, progress.period, progress.status.code) == (None, None, NO_DATA)


@pytest.mark.django_db
def test_a_future_horizon_is_still_judged_on_this_year_else_last_year(nga_an, nga_an_officer, catalog):
    plan = plan_in_execution(nga_an, nga_an_officer, [(catalog["fibre"], 80)], year=2026)
    [target] = plan.targets.select_related("indicator", "plan__unit")
    fibre(nga_an_officer, nga_an, "2024", 2000, 1900)  # 95%: older than last year, not read
    fibre(nga_an_officer, nga_an, "2025", 2000, 1500)  # 75%
    progress = judged(nga_an_officer, target)
    # no baseline (0 on 1/1/2026): 75 / 80 = 0,94 of the way with 326 / 364 = 0,90 of the year gone → on track
    assert (progress.latest, progress.period.code, progress.status.code) == (75.0, "2025", ON_TRACK)
    fibre(nga_an_officer, nga_an, "2026", 2000, 1640)  # 82%
    progress = judged(nga_an_officer, target)
    assert (progress.latest, progress.period.code, progress.status.code) == (82.0, "2026", ACHIEVED)


@pytest.mark.django_db
def test_targets_of_passed_and_future_horizons_are_read_in_one_pass(
    nga_dien, nga_dien_officer, nga_an, nga_an_officer, nga_dien_2024, catalog
):
    fibre(nga_dien_officer, nga_dien, "2024", 1961, 1600)  # 81,6%
    fibre(nga_an_officer, nga_an, "2025", 2000, 1500)  # 75%
    plan_in_execution(nga_an, nga_an_officer, [(catalog["fibre"], 80)], year=2026)
    targets = list(Target.objects.order_by("horizon_year").select_related("indicator", "plan__unit"))
    future = targets[1]
    judged_values(user=nga_an_officer, targets=targets, at=year(2026))  # the periods exist from here on
    with CaptureQueriesContext(connection) as one_horizon:
        judged_values(user=nga_an_officer, targets=[future], at=year(2026))
    with CaptureQueriesContext(connection) as two_horizons:  # 2026, 2025, 2024 and 2023 in the same reads
        found = judged_values(user=nga_an_officer, targets=targets, at=year(2026))
    assert len(two_horizons) == len(one_horizon)
    assert {(unit_id, round(v.value, 1), v.period.code) for (unit_id, _t), v in found.items()} == {
        (nga_dien.id, 81.6, "2024"),
        (nga_an.id, 75.0, "2025"),
    }


# --- "=" targets ("100% of villages have a digital team"): met within 0,05 either side, not beyond -----------------


@pytest.mark.parametrize(
    ("latest", "expected"),
    [
        (100.0, ACHIEVED),
        (99.96, ACHIEVED),  # 0,04 below
        (100.04, ACHIEVED),  # 0,04 above
        (99.9, ON_TRACK),  # 0,1 below: not met; from 60 on 1/1, 99,9 is 0,9975 of the way by July
        (100.1, ON_TRACK),  # overshooting an "=" target is not meeting it either
    ],
)
def test_equal_targets_are_met_within_the_tolerance_only(latest, expected):
    assert status(latest, date(2026, 7, 2), comparator="==", target=100.0).code == expected


def test_greater_or_equal_targets_are_not_met_just_below_and_lower_ones_not_just_above():
    assert status(84.99, date(2026, 12, 1)).code != ACHIEVED
    assert status(5.01, date(2026, 7, 2), baseline=20.0, comparator="<=", target=5.0).code != ACHIEVED
    assert status(5.0, date(2026, 7, 2), baseline=20.0, comparator="<=", target=5.0).code == ACHIEVED
