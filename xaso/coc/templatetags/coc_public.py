"""The public page in the reader's language: an indicator's English name when the page is read in English."""

from django import template
from django.utils.translation import get_language

register = template.Library()


@register.filter
def indicator_name(indicator) -> str:
    """`{{ ind|indicator_name }}`: `name_en` in the English interface when the catalog has one, else `name`."""
    if (get_language() or "").startswith("en") and indicator.name_en:
        return indicator.name_en
    return indicator.name
