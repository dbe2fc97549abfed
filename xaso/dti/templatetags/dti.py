from django import template

from xaso.dti.exports import _points

register = template.Library()


@register.filter
def points(value) -> str:
    """Index points in Vietnamese style, without trailing zeros: 1.000 · 61,4 · 14,12."""
    return _points(value)
