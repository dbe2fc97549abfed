from django import template

from xaso.dti.exports import _points

register = template.Library()


@register.filter
def points(value) -> str:
    """Index points in Vietnamese style, without trailing zeros: 1.000 · 61,4 · 14,12."""
    return _points(value)


@register.filter
def rule_label(kind) -> str:
    """The Vietnamese name of a rule kind stored in a draft (thresholds → “Theo ngưỡng của chỉ số”)."""
    from xaso.dti.models import RuleKind

    try:
        return str(RuleKind(kind).label)
    except ValueError:
        return str(kind or "")


@register.filter
def rule_text(criterion) -> str:
    """How a criterion (or a draft's node) is scored: thresholds, the linear range, the fact's options."""
    from xaso.dti.rules import rule_text as text

    if isinstance(criterion, dict):  # a draft's node: its rule holds the parameters as a file writes them
        rule = criterion.get("rule") or {}
        return text(kind=rule.get("kind", ""), params=rule)
    return text(kind=criterion.rule_kind, params=criterion.params or {})
