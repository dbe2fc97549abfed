"""Vietnamese formatting in templates: `{{ value|vn_number }}`, `vn_value:1`, `vn_percent`, `vn_date`.

The formatters never raise (xaso.core.formatting), so a page opens whatever a row holds.
"""

from django import template

from xaso.core import formatting

register = template.Library()


@register.filter
def vn_number(value, decimals=0):
    return formatting.format_number(value, decimals)


@register.filter
def vn_value(value, decimals=1):
    return formatting.format_value(value, decimals)


@register.filter
def vn_percent(value, decimals=1):
    return formatting.format_percent(value, decimals)


@register.filter
def vn_date(value):
    return formatting.format_date(value)
