"""The register screens: the documents behind a figure (drill-down); the import is `xaso.registers`' upload page."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from xaso.core.periods import PeriodError, month, parse_period
from xaso.geo.models import AdminUnit, Level
from xaso.indicators.entry import period_choices, unit_choices

from . import selectors
from .figures import ELEMENT_RULES
from .models import Direction
from .register import DOCUMENTS

PAGE_SIZE = 50


def _commune(request) -> AdminUnit | None:
    """The commune named by ?unit= (in scope, else 404; a village means its commune), or the user's own."""
    code = (request.GET.get("unit") or "").strip()[:40]
    unit = AdminUnit.objects.for_user(request.user).filter(code=code).first() if code else request.user.unit
    if code and unit is None:
        raise Http404(_("Không có đơn vị mã “%(code)s” trong phạm vi của bạn.") % {"code": code})
    if unit is not None and unit.level == Level.VILLAGE:
        unit = unit.commune
    return unit if unit is not None and unit.level == Level.COMMUNE else None


@login_required
@require_GET
def document_list(request):
    unit = _commune(request)
    context: dict = {"unit": unit, "unit_choices": unit_choices(user=request.user, unit=unit)}
    code = (request.GET.get("period") or "").strip()[:10]
    spec, period_error = None, ""
    if code:
        try:
            spec = parse_period(code)
        except PeriodError as exc:
            period_error = str(exc)
    if spec is None and unit is not None:
        spec = selectors.latest_month(unit=unit)
    if spec is None:
        today = timezone.localdate()
        spec = month(today.year, today.month)
    element = (request.GET.get("element") or "").strip()
    if element and element not in ELEMENT_RULES:
        raise Http404(_("Chỉ tiêu “%(c)s” không tính từ sổ văn bản.") % {"c": element[:64]})
    direction = request.GET.get("direction") or ""
    context.update(spec=spec, period_error=period_error, element=element, direction=direction,
                   period_choices=period_choices(selected=spec), directions=Direction.choices)  # fmt: skip
    if unit is not None:
        documents = selectors.documents_list(user=request.user, unit=unit, spec=spec, direction=direction,
                                             element=element)  # fmt: skip
        page = Paginator(documents, PAGE_SIZE).get_page(request.GET.get("page"))
        lines = selectors.summary(user=request.user, unit=unit, spec=spec)
        context.update(page_obj=page, lines=lines, element_line=next((x for x in lines if x.code == element), None),
                       secret=selectors.secret_count(unit=unit, spec=spec))  # fmt: skip
    return render(request, "correspondence/list.html", context)


@login_required
@require_GET
def register_import(request):
    """The import is the shared register machinery's upload page, for the user's own commune."""
    unit = request.user.unit
    if unit is None or unit.level != Level.COMMUNE:
        raise PermissionDenied(_("Chỉ công chức của một xã nhập sổ văn bản của xã mình."))
    return redirect("registers:upload", slug=DOCUMENTS.slug, code=unit.code)
