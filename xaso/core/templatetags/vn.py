from django import template

from xaso.core import formatting

register = template.Library()


@register.filter
def vn_number(value, decimals=0):
    return formatting.format_number(value, int(decimals))


@register.filter
def vn_value(value, decimals=1):
    return formatting.format_value(value, int(decimals))


@register.filter
def vn_percent(value, decimals=1):
    return formatting.format_percent(value, int(decimals))


@register.filter
def vn_date(value):
    return formatting.format_date(value)
