"""The dossier register of a commune: the dossiers behind an indicator (the drill-down from the operations centre)."""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from xaso.accounts.permissions import can_read_unit, can_write_unit
from xaso.core import periods
from xaso.core.periods import PeriodSpec
from xaso.geo.models import AdminUnit, Level
from xaso.registers.selectors import imports_recent

from . import selectors
from .models import DossierSettings
from .register import DOSSIERS
from .service_index import GROUPS, SCORED, service_index, service_index_communes
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
    quarter = None if month else _int(request.GET.get("quarter"), 1, 4)
    criterion = SCORED.get(request.GET.get("criterion", ""))  # a sub-criterion of the service index (766)
    if criterion is not None:
        indicator = None
    page = _int(request.GET.get("page"), 1, 100_000) or 1
    listing = selectors.dossier_list(user=request.user, unit=unit, year=year, indicator=indicator, month=month,
                                     page=page, quarter=quarter,
                                     ratio=criterion.ratio if criterion else None)  # fmt: skip
    kept = {"year": year, "month": month, "quarter": quarter, "indicator": indicator.code if indicator else None,
            "criterion": criterion.code if criterion else None}  # fmt: skip
    return render(request, "dossiers/list.html", {
        "criterion": criterion, "page_query": urlencode({k: v for k, v in kept.items() if v}),
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


def _period(request, default_year: int) -> tuple[PeriodSpec, str]:
    """The period asked for (`?period=2025`, `2025Q3`, `2025-07`), else the year; and an error for a bad one."""
    raw = (request.GET.get("period") or "").strip()[:10]
    if not raw:
        return periods.year(default_year), ""
    try:
        period = periods.parse_period(raw)
    except periods.PeriodError as error:
        return periods.year(default_year), str(error)
    if not FIRST_YEAR <= period.year <= timezone.localdate().year:
        return periods.year(default_year), _("Kỳ “%(p)s” nằm ngoài các năm có thể xem (%(a)s–%(b)s).") % {
            "p": raw, "a": FIRST_YEAR, "b": timezone.localdate().year}  # fmt: skip
    return period, ""


def _period_choices(year: int) -> list[PeriodSpec]:
    return [periods.year(year), *(periods.quarter(year, q) for q in range(1, 5)),
            *(periods.month(year, m) for m in range(1, 13))]  # fmt: skip


@login_required
@require_GET
def service_index_commune(request, code: str):
    """The national service index (766/QĐ-TTg) of a commune for a month, quarter or year: points per group, the
    sub-criteria xaso measures with their counts and a link to the dossiers behind each, the others named with
    the source that holds them."""
    unit = get_object_or_404(AdminUnit, code=code, level=Level.COMMUNE)
    if not can_read_unit(request.user, unit):
        raise Http404
    period, error = _period(request, selectors.register_years(unit=unit)[0])
    score = service_index(user=request.user, unit=unit, period=period)
    return render(request, "dossiers/service_index.html", {
        "unit": unit, "score": score, "period": period, "period_error": error,
        "years": range(timezone.localdate().year, FIRST_YEAR - 1, -1), "choices": _period_choices(period.year),
    })  # fmt: skip


@login_required
@require_GET
def service_index_province(request, code: str):
    """The communes of a province (or district) side by side on the service index for a period: points per group
    and in all, ranked on the share of the measured points they earned."""
    from xaso.coc.selectors import province_communes

    province = get_object_or_404(AdminUnit, code=code, level__in=(Level.PROVINCE, Level.DISTRICT))
    if not can_read_unit(request.user, province):
        raise Http404
    period, error = _period(request, timezone.localdate().year)
    communes = list(province_communes(province))
    scores = service_index_communes(user=request.user, province=province, communes=communes, period=period)
    return render(request, "dossiers/service_index_province.html", {
        "province": province, "scores": scores, "period": period, "period_error": error,
        "groups": GROUPS,
        "years": range(timezone.localdate().year, FIRST_YEAR - 1, -1), "choices": _period_choices(period.year),
        "with_data": sum(1 for s in scores if s.has_data),
    })  # fmt: skip
