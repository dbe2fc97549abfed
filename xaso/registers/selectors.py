"""Reads of the shared register machinery: the imports a user sees, and which indicators drill down to a register."""

from __future__ import annotations

from typing import NamedTuple

from django.db.models import QuerySet

from xaso.accounts.permissions import can_read_unit

from .models import ImportLayout, RegisterImport
from .spec import Register, registers_all


def imports_recent(*, user, unit, register: Register, limit: int = 10) -> QuerySet[RegisterImport]:
    """The latest imports into the commune's register (any importer of the commune; readers of the commune)."""
    if not can_read_unit(user, unit):
        return RegisterImport.objects.none()
    return RegisterImport.objects.filter(unit=unit, register=register.slug).select_related("created_by")[:limit]


def layouts_saved(*, user, unit, register: Register) -> QuerySet[ImportLayout]:
    if not can_read_unit(user, unit):
        return ImportLayout.objects.none()
    return ImportLayout.objects.filter(unit=unit, register=register.slug)


class DrillLink(NamedTuple):
    url: str
    label: str


def drilldown_links(*, user, unit, year: int) -> dict[str, DrillLink]:
    """Indicator code → the address listing the register rows behind its figure for the commune and year (and the
    link's text, the register's `drill_label`), for every register that holds rows of this commune that year (one
    query per register). The operations centre's one drill-down into registers. Empty for a unit the user may not
    read."""
    if not can_read_unit(user, unit):
        return {}
    links: dict[str, DrillLink] = {}
    for register in registers_all():
        if not register.indicators or not register.has_rows(unit=unit, year=year):  # nothing to drill into
            continue
        for code in register.indicators:
            url = register.drilldown_url(unit=unit, indicator_code=code, year=year)
            if url:
                links[code] = DrillLink(url, str(register.drill_label))
    return links
