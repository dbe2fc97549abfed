"""The status of a target, computed from data (stated in docs/rules/target-status.md and in the UI).

The value a target is judged on (`judged_periods`) is read in a two-year window anchored at min(this year, the
target's horizon year): that year's figure, else the year before's. A target whose horizon has passed is so judged
on its horizon year's figure, never on later ones.

Given that value, the baseline (value, date), the target (comparator, value, horizon year-end)
and today:

- **no data** (`no_data`): no value for the indicator yet;
- **achieved** (`achieved`): the value meets the target (≥, ≤ or = within 0.05);
- otherwise compare progress with time elapsed. progress = (latest − baseline) / (target − baseline),
  elapsed = (today − baseline date) / (horizon end − baseline date), both clipped to [0, 1]; without a
  baseline, the baseline is 0 at 1 January of the plan's first year.
  - **on track** (`on_track`): progress ≥ elapsed;
  - **at risk** (`at_risk`): progress ≥ elapsed − 0.15 (less than 15 points behind schedule);
  - **off track** (`off_track`): further behind, or the horizon has passed.

A target stored before the input bounds with an impossible horizon or start year (outside 2000–2100,
`xaso.core.limits`) or a value that is not a finite number is **not computed** (`unknown`): its row still shows,
with "—", and the rest of the list is unaffected.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.utils.translation import gettext_lazy as _

from xaso.core.limits import PLAN_YEAR_MAX, PLAN_YEAR_MIN, is_finite_number
from xaso.core.periods import YEAR, PeriodSpec, year

NO_DATA, ACHIEVED, ON_TRACK, AT_RISK, OFF_TRACK = "no_data", "achieved", "on_track", "at_risk", "off_track"
UNKNOWN = "unknown"
STATUS_LABELS = {
    UNKNOWN: _("Không tính được"),
    NO_DATA: _("Chưa có số liệu"),
    ACHIEVED: _("Đã đạt"),
    ON_TRACK: _("Đúng tiến độ"),
    AT_RISK: _("Có nguy cơ chậm"),
    OFF_TRACK: _("Chậm tiến độ"),
}
STATUS_CSS = {UNKNOWN: "none", NO_DATA: "none", ACHIEVED: "ok", ON_TRACK: "ok", AT_RISK: "warn", OFF_TRACK: "bad"}
AT_RISK_MARGIN = 0.15
EQUAL_TOLERANCE = 0.05


@dataclass(frozen=True)
class TargetStatus:
    code: str
    progress: float | None  # share of the way from baseline to target, 0..1
    elapsed: float | None

    @property
    def label(self) -> str:
        return str(STATUS_LABELS[self.code])

    @property
    def css(self) -> str:
        return STATUS_CSS[self.code]


def judged_periods(*, horizon_year: int, at: PeriodSpec) -> tuple[PeriodSpec, ...]:
    """The periods whose figure a target is judged on, in order: the first that has a figure is the target's value.

    `at` is the period the status is stated for: this year on screens, a report's month, quarter or year. The window
    is anchored at min(the year of `at`, the horizon year): a target whose horizon year has passed is judged on that
    year's figure, else the year before's (a 2024 target seen in 2026: 2024, else 2023). Otherwise `at` itself, then
    its year when `at` is a month or a quarter, then the year before. No period for a horizon outside 2000–2100.
    """
    if not is_plan_year(horizon_year):
        return ()
    if horizon_year < at.year:
        return year(horizon_year), year(horizon_year - 1)
    if at.type == YEAR:
        return at, year(at.year - 1)
    return at, year(at.year), year(at.year - 1)


def is_plan_year(value: object) -> bool:
    """Whether a stored year is one a status can be computed for (2000–2100; 0 or 32767 has no 31 December)."""
    return isinstance(value, int) and not isinstance(value, bool) and PLAN_YEAR_MIN <= value <= PLAN_YEAR_MAX


def is_computable(*, target: object, horizon_year: object, start_year: object, baseline: object = None) -> bool:
    """Whether a target's own stored fields allow a status: plan years in range, finite target and baseline."""
    return (
        is_plan_year(horizon_year)
        and is_plan_year(start_year)
        and is_finite_number(target)
        and (baseline is None or is_finite_number(baseline))
    )


def _clip(x: float) -> float:
    return max(0.0, min(1.0, x))


def target_status(
    *,
    comparator: str,
    target: float,
    horizon_year: int,
    latest: float | None,
    baseline: float | None,
    baseline_date: date | None,
    start_year: int,
    today: date,
) -> TargetStatus:
    if not is_computable(target=target, horizon_year=horizon_year, start_year=start_year, baseline=baseline):
        return TargetStatus(UNKNOWN, None, None)
    if latest is None:
        return TargetStatus(NO_DATA, None, None)
    if not is_finite_number(latest):
        return TargetStatus(UNKNOWN, None, None)
    met = {
        ">=": latest >= target - 1e-9,
        "<=": latest <= target + 1e-9,
        "==": abs(latest - target) <= EQUAL_TOLERANCE,
    }.get(comparator)
    if met is None:  # a comparator the choices do not know
        return TargetStatus(UNKNOWN, None, None)
    if met:
        return TargetStatus(ACHIEVED, 1.0, None)
    base_value = baseline if baseline is not None else 0.0
    base_date = baseline_date or date(start_year, 1, 1)
    horizon_end = date(horizon_year, 12, 31)
    span = (horizon_end - base_date).days
    elapsed = _clip((today - base_date).days / span) if span > 0 else 1.0
    gap = target - base_value
    progress = _clip((latest - base_value) / gap) if gap else 0.0
    if today > horizon_end:
        return TargetStatus(OFF_TRACK, progress, 1.0)
    if progress >= elapsed:
        return TargetStatus(ON_TRACK, progress, elapsed)
    if progress >= elapsed - AT_RISK_MARGIN:
        return TargetStatus(AT_RISK, progress, elapsed)
    return TargetStatus(OFF_TRACK, progress, elapsed)
