"""The dossier register of a commune: the dossiers behind an indicator (the drill-down from the operations centre)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.views.decorators.http import require_GET

from xaso.accounts.permissions import can_read_unit, can_write_unit
from xaso.geo.models import AdminUnit, Level
from xaso.registers.selectors import imports_recent

from . import selectors
from .register import DOSSIERS

FIRST_YEAR = 2015


def _int(value: str | None, low: int, high: int) -> int | None:
    text = (value or "").strip()
    if text.isascii() and text.isdigit() and len(text) <= 6 and low <= int(text) <= high:
        return int(text)
    return None


@login_required
@require_GET
def dossier_list(request, code: str):
    unit = get_object_or_404(AdminUnit, code=code, level=Level.COMMUNE)
    if not can_read_unit(request.user, unit):
        raise Http404  # another commune's dossiers do not exist for this reader
    years = selectors.register_years(unit=unit)
    this_year = timezone.localdate().year
    year = _int(request.GET.get("year"), FIRST_YEAR, this_year) or years[0]
    month = _int(request.GET.get("month"), 1, 12)
    indicators = selectors.drill_indicators()
    chosen = request.GET.get("indicator", "")
    indicator = next((i for i in indicators if i.code == chosen), None)
    page = _int(request.GET.get("page"), 1, 100_000) or 1
    listing = selectors.dossier_list(user=request.user, unit=unit, year=year, indicator=indicator, month=month,
                                     page=page)  # fmt: skip
    return render(request, "dossiers/list.html", {
        "unit": unit, "register": DOSSIERS, "listing": listing, "years": sorted({*years, year}, reverse=True),
        "months": range(1, 13), "indicators": indicators, "today": timezone.localdate(),
        "can_import": can_write_unit(request.user, unit),
        "imports": imports_recent(user=request.user, unit=unit, register=DOSSIERS, limit=5),
    })  # fmt: skip
