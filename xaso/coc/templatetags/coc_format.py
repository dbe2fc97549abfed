"""How an indicator's value reads: `70,6%`, `1.384`, `Có` / `Không`; and the stated-rate note."""

from django import template
from django.utils.translation import gettext as _

from xaso.core.formatting import format_percent, format_value

register = template.Library()

YES_NO_LABEL = "có/không"


def indicator_display(value: float | None, indicator) -> str:
    if value is None:
        return "—"
    if indicator.unit_label == YES_NO_LABEL:
        return _("Có") if value >= 0.5 else _("Không")
    if indicator.is_percent:
        return format_percent(value, indicator.decimals)
    return format_value(value, indicator.decimals)


@register.filter
def indicator_value(value, indicator) -> str:
    """`{{ row.value|indicator_value:row.indicator }}`"""
    return indicator_display(value, indicator)


@register.filter
def unit_suffix(indicator) -> str:
    """The unit label shown after a value: none for a rate (the value carries `%`) or a yes/no."""
    label = indicator.unit_label
    return "" if label in ("%", YES_NO_LABEL) else label


@register.simple_tag
def stated_note(row) -> str:
    """`Văn bản nêu 75%, tính được 70,0%` when the document's rate differs from the computed one."""
    if not row.is_stated_mismatch:
        return ""
    ind = row.indicator
    return _("Văn bản nêu %(stated)s, tính được %(computed)s") % {
        "stated": format_value(row.stated, ind.decimals) + "%",
        "computed": format_percent(row.value, ind.decimals),
    }
