"""The scoring rules of a leaf criterion: what share of its points a figure, a stated fact or a hand score earns.

Each rule returns a share in [0, 1]; the leaf earns `round(points × share, 2)`. A missing figure earns 0, never
an error: a commune that reports nothing scores nothing. docs/decisions/0041-dti-index-as-data.md.
"""

from __future__ import annotations

from .models import RuleKind


def _clamp(x: float) -> float:
    return max(0.0, min(1.0, x))


def thresholds_share(value: float | None, params: dict) -> float:
    """The share of the highest threshold the value reaches ([[at least, share], …]; "lower": at most)."""
    if value is None:
        return 0.0
    lower = params.get("direction") == "lower"
    best = 0.0
    for bound, share in params["thresholds"]:
        if (value <= bound) if lower else (value >= bound):
            best = max(best, float(share))
    return _clamp(best)


def linear_share(value: float | None, params: dict) -> float:
    """0 at `min`, 1 at `max`, in proportion between (a `min` above `max` means lower is better)."""
    if value is None:
        return 0.0
    low, high = float(params["min"]), float(params["max"])
    return _clamp((value - low) / (high - low))


def yes_no_share(value: float | None, params: dict) -> float:
    return 1.0 if value is not None and value > 0 else 0.0


def fact_share(fact: str, params: dict) -> float:
    for option in params.get("options", []):
        if option["code"] == fact:
            return _clamp(float(option["share"]))
    return 0.0


def leaf_points(*, kind: str, points: float, params: dict, value: float | None = None, fact: str = "") -> float:
    """Points an automatic or fact leaf earns."""
    if kind == RuleKind.THRESHOLDS:
        share = thresholds_share(value, params)
    elif kind == RuleKind.LINEAR:
        share = linear_share(value, params)
    elif kind == RuleKind.YES_NO:
        share = yes_no_share(value, params)
    elif kind == RuleKind.FACT:
        share = fact_share(fact, params)
    else:
        raise ValueError(kind)
    return round(points * share, 2)


def full_marks_at(*, kind: str, params: dict) -> tuple[str, float] | None:
    """The figure that earns the leaf its best share: (">=", 80) for thresholds [[50, 0,5], [80, 1]], ("<=", 5) for
    a linear rule from 20 down to 5, (">", 0) for yes/no; None for the other kinds."""
    if kind == RuleKind.THRESHOLDS and params.get("thresholds"):
        best = max(float(s) for _b, s in params["thresholds"])
        bounds = [float(b) for b, s in params["thresholds"] if float(s) == best]
        return ("<=", max(bounds)) if params.get("direction") == "lower" else (">=", min(bounds))
    if kind == RuleKind.LINEAR:
        low, high = float(params["min"]), float(params["max"])
        return (">=", high) if low < high else ("<=", high)
    if kind == RuleKind.YES_NO:
        return (">", 0.0)
    return None


def _share_text(share: float) -> str:
    from django.utils.translation import gettext as _

    from xaso.core.formatting import format_number

    if share >= 1:
        return _("đủ điểm")
    if share <= 0:
        return _("0 điểm")
    text = format_number(share * 100, 2)
    text = text.rstrip("0").rstrip(",") if "," in text else text
    return _("%(p)s%% số điểm") % {"p": text}


def rule_text(*, kind: str, params: dict) -> str:
    """How a leaf is scored, in the words of the decision: "≥ 50: 50% số điểm; ≥ 80: đủ điểm" (thresholds),
    "0 điểm ở 50, đủ điểm từ 90, tỷ lệ ở giữa" (linear), the options of a fact with their shares. Empty for a
    hand-assessed leaf, a group, or parameters it cannot read (a draft being edited)."""
    from django.utils.translation import gettext as _

    from xaso.core.formatting import format_number

    def number(x) -> str:
        text = format_number(float(x), 4)
        return text.rstrip("0").rstrip(",") if "," in text else text

    try:
        if kind == RuleKind.THRESHOLDS:
            op = "≤" if params.get("direction") == "lower" else "≥"
            steps = [f"{op} {number(bound)}: {_share_text(float(share))}" for bound, share in params["thresholds"]]
            return "; ".join(steps)
        if kind == RuleKind.LINEAR:
            low, high = float(params["min"]), float(params["max"])
            if low < high:
                return _("0 điểm khi từ %(a)s trở xuống, đủ điểm khi từ %(b)s trở lên, tỷ lệ ở giữa") % {
                    "a": number(low), "b": number(high)}  # fmt: skip
            return _("0 điểm khi từ %(a)s trở lên, đủ điểm khi từ %(b)s trở xuống, tỷ lệ ở giữa") % {
                "a": number(low), "b": number(high)}  # fmt: skip
        if kind == RuleKind.YES_NO:
            return _("có (lớn hơn 0): đủ điểm; không: 0 điểm")
        if kind == RuleKind.FACT:
            return "; ".join(f"{o['label']}: {_share_text(float(o['share']))}" for o in params["options"])
    except (KeyError, TypeError, ValueError):
        return ""
    return ""
