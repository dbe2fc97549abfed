"""`{% register_drill indicator unit period as url %}`: the documents behind an indicator's figure, for the
operations centre's "Văn bản" link; empty for an indicator not counted from the document register."""

from __future__ import annotations

from django import template
from django.urls import reverse
from django.utils.http import urlencode

from xaso.correspondence.figures import ELEMENT_RULES

register = template.Library()

#: rate indicator → the element of its numerator: the documents the rate counts as done
INDICATOR_ELEMENTS = {
    "documents_sent_signed_rate": "documents_sent_signed",
    "documents_sent_electronic_rate": "documents_sent_electronic",
    "documents_received_online_rate": "documents_received_online",
    "documents_received_handled_rate": "documents_received_handled",
}


@register.simple_tag
def register_drill(indicator, unit, period) -> str:
    code = getattr(indicator, "code", "")
    element = INDICATOR_ELEMENTS.get(code) or (code if code in ELEMENT_RULES else "")
    if not element or unit is None or getattr(unit, "level", "") != "commune":
        return ""
    query = urlencode({"unit": unit.code, "period": str(period), "element": element})
    return reverse("correspondence:list") + "?" + query
