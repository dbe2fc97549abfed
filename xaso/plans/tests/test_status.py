"""The target status rule (xaso/plans/status.py), on seed 004's "≥ 85% of dossiers online by end of 2026"."""

from datetime import date

import pytest

from xaso.plans.status import ACHIEVED, AT_RISK, NO_DATA, OFF_TRACK, ON_TRACK, target_status


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
