"""The target status rule at its edges (xaso/plans/status.py): each boundary on both sides, so that moving one by a
step (a strict comparison for a non-strict one) fails here. Seed 004's "≥ 85% of dossiers online by end of 2026"
from a 60% baseline on 01/01/2026, and an "= 0" target (no unresolved incident) for the equality rule."""

from datetime import date

import pytest

from xaso.plans.status import ACHIEVED, AT_RISK, EQUAL_TOLERANCE, OFF_TRACK, ON_TRACK, UNKNOWN, target_status


def status(latest, today, *, comparator=">=", target=85.0, baseline=60.0):
    return target_status(comparator=comparator, target=target, horizon_year=2026, latest=latest, baseline=baseline,
                         baseline_date=date(2026, 1, 1), start_year=2026, today=today)  # fmt: skip


@pytest.mark.parametrize(("latest", "achieved"), [(0.0, True), (0.05, True), (0.06, False), (0.1, False)])
def test_equal_means_within_five_hundredths_inclusive(latest, achieved):
    # |0.05 − 0| is exactly the tolerance (the same float): still equal; 0.06 is not
    assert EQUAL_TOLERANCE == 0.05
    result = status(latest, date(2026, 6, 30), comparator="==", target=0.0, baseline=None)
    assert (result.code == ACHIEVED) is achieved


def test_the_horizons_last_day_still_counts_as_time_left():
    # 82%: (82 − 60) / (85 − 60) = 0.88 of the way on 31/12/2026, all the time gone (elapsed 1.0):
    # 0.88 ≥ 1.0 − 0.15 → at risk on the last day; from 01/01/2027 the horizon has passed → off track
    last_day = status(82.0, date(2026, 12, 31))
    assert (last_day.code, last_day.progress, last_day.elapsed) == (AT_RISK, pytest.approx(0.88), 1.0)
    after = status(82.0, date(2027, 1, 1))
    assert (after.code, after.elapsed) == (OFF_TRACK, 1.0)


@pytest.mark.parametrize(
    ("latest", "expected"),
    [
        # 02/07/2026: 182 of 364 days gone, elapsed exactly 0.5; 72.5% is (72.5 − 60) / 25 = 0.5 of the way
        (72.5, ON_TRACK),  # as far as the time: on track
        (72.0, AT_RISK),  # 0.48: behind, by less than 0.15
    ],
)
def test_on_track_includes_progress_equal_to_time(latest, expected):
    assert status(latest, date(2026, 7, 2)).code == expected


@pytest.mark.parametrize(
    ("latest", "expected"),
    [
        # 01/10/2026: 273 of 364 days gone, elapsed exactly 0.75; at risk down to 0.75 − 0.15 = 0.60 of the way
        (75.0, AT_RISK),  # (75 − 60) / 25 = 0.60: at the margin, still at risk
        (74.5, OFF_TRACK),  # 0.58: beyond it
    ],
)
def test_at_risk_includes_the_margins_edge(latest, expected):
    assert status(latest, date(2026, 10, 1)).code == expected


@pytest.mark.parametrize("latest", [float("nan"), float("inf"), float("-inf")])
def test_a_figure_that_is_not_a_finite_number_gives_no_status(latest):
    assert status(latest, date(2026, 7, 2)).code == UNKNOWN


def test_time_runs_from_the_baselines_own_date():
    # baseline 60% measured on 02/07/2026: on 01/10/2026, 91 of its 182 days to the horizon are gone (0.5);
    # 72.5% is 0.5 of the way → on track. Counted from 01/01 (0.75 gone) it would be off track.
    mid_year = target_status(comparator=">=", target=85.0, horizon_year=2026, latest=72.5, baseline=60.0,
                             baseline_date=date(2026, 7, 2), start_year=2026, today=date(2026, 10, 1))  # fmt: skip
    assert (mid_year.code, mid_year.elapsed) == (ON_TRACK, 0.5)
    # no date for the baseline: the plan's first day
    undated = target_status(comparator=">=", target=85.0, horizon_year=2026, latest=72.5, baseline=60.0,
                            baseline_date=None, start_year=2026, today=date(2026, 10, 1))  # fmt: skip
    assert (undated.code, undated.elapsed) == (OFF_TRACK, 0.75)


def test_a_target_equal_to_its_baseline_that_falls_back_is_off_track():
    # keep 85% (baseline 85%): at 80% there is no way made towards it (progress 0), half the year gone → off track
    kept = status(80.0, date(2026, 7, 2), baseline=85.0)
    assert (kept.code, kept.progress) == (OFF_TRACK, 0.0)
    assert status(85.0, date(2026, 7, 2), baseline=85.0).code == ACHIEVED
