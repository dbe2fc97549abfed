"""The dossier register of a commune: the dossiers behind an indicator (the drill-down from the operations centre)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from xaso.accounts.permissions import can_read_unit, can_write_unit
from xaso.geo.models import AdminUnit, Level
from xaso.registers.selectors import imports_recent

from . import selectors
from .models import DossierSettings
from .register import DOSSIERS
from .services import dossier_settings_set

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
        "stores_applicant": DossierSettings.objects.filter(unit=unit, store_applicant=True).exists(),
        "imports": imports_recent(user=request.user, unit=unit, register=DOSSIERS, limit=5),
    })  # fmt: skip


@login_required
@require_POST
def dossier_settings(request, code: str):
    """The commune's choice to keep applicants' names and ID numbers (off by default; off erases them)."""
    unit = get_object_or_404(AdminUnit, code=code, level=Level.COMMUNE)
    if not can_read_unit(request.user, unit):
        raise Http404
    if not can_write_unit(request.user, unit):
        raise PermissionDenied(_("Bạn chỉ được xem sổ của %(u)s, không nhập.") % {"u": unit.name})
    keep = request.POST.get("store_applicant") == "1"
    dossier_settings_set(user=request.user, unit=unit, store_applicant=keep)
    messages.success(request, _("Từ nay xã lưu tên và số giấy tờ của người nộp khi nhập hồ sơ.") if keep else
                     _("Xã không lưu tên và số giấy tờ của người nộp; những dữ liệu đã lưu đã được xóa."))  # fmt: skip
    return redirect("dossiers:list", code=unit.code)
