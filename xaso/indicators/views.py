"""Data screens: the entry grid (one unit, one period), import and export, a value's history, violations.

Units come from the user's scope only (`AdminUnit.objects.for_user`): a unit outside it is "not found"
(404), never an empty page that would confirm it exists. Writes go through `values_write`.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse, HttpResponseBadRequest
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from xaso.accounts.permissions import can_write_unit
from xaso.core.formatting import format_number
from xaso.core.models import Period
from xaso.core.periods import PeriodError, PeriodSpec, parse_period
from xaso.geo.models import AdminUnit

from . import entry, importexport, importjobs
from .errors import BulkValueError
from .filelimits import ImportLimits
from .forms import CellForm, ImportForm
from .models import Area, ChangeSource, DataElement, ImportJob
from .services import ValueInput, values_write

#: most row errors listed on the import page (the count says how many there are in all)
MAX_ERRORS_SHOWN = 500


def _unit_in_scope(user, code: str) -> AdminUnit:
    unit = AdminUnit.objects.for_user(user).filter(code=code.strip()).first()
    if unit is None:
        raise Http404(_("Không có đơn vị mã “%(code)s” trong phạm vi của bạn.") % {"code": code})
    return unit


def _unit_from(request, params) -> AdminUnit | None:
    """The unit named in `params` (in scope, else 404), or the user's own unit."""
    code = (params.get("unit") or "").strip()
    if code:
        return _unit_in_scope(request.user, code)
    return request.user.unit


def _period_from(params, unit: AdminUnit | None) -> tuple[PeriodSpec, str]:
    """(period, error message): the period named in `params`, or the unit's default with the reason."""
    code = (params.get("period") or "").strip()
    if not code:
        return entry.default_period(unit), ""
    try:
        return parse_period(code), ""
    except PeriodError as exc:
        return entry.default_period(unit), str(exc)


def _element_or_404(code: str) -> DataElement:
    element = DataElement.objects.filter(code=(code or "").strip()).first()
    if element is None:
        raise Http404(_("Không có chỉ tiêu dữ liệu mã “%(c)s”.") % {"c": code})
    return element


def _area_from(params) -> str:
    area = params.get("area") or ""
    return area if area in Area.values else ""


def _entry_url(unit: AdminUnit, spec: PeriodSpec, area: str = "") -> str:
    query = {"unit": unit.code, "period": spec.code}
    if area:
        query["area"] = area
    return reverse("indicators:entry") + "?" + urlencode(query)


# entry grid


@login_required
@require_GET
def entry_grid(request):
    unit = _unit_from(request, request.GET)
    spec, period_error = _period_from(request.GET, unit)
    area = _area_from(request.GET)
    if period_error:
        messages.error(request, period_error)
    context = {
        "unit": unit,
        "spec": spec,
        "area": area,
        "areas": Area.choices,
        "unit_choices": entry.unit_choices(user=request.user, unit=unit),
        "period_choices": entry.period_choices(selected=spec),
        "grid": entry.entry_grid(user=request.user, unit=unit, spec=spec, area=area) if unit else None,
    }
    if unit is not None:
        context["village_count"] = unit.children.filter(level="village").count() if unit.is_commune else 0
        context["previous"] = _entry_url(unit, spec.previous(), area)
    return render(request, "indicators/entry.html", context)


@login_required
@require_POST
def entry_cell(request):
    """Save one value (blank = delete) and answer with its row: the saved value, or the error inline."""
    form = CellForm(request.POST)
    if not form.is_valid() and any(f in form.errors for f in ("element", "unit", "period")):
        return HttpResponseBadRequest(_("Thiếu mã chỉ tiêu, đơn vị hoặc kỳ."))
    data = form.cleaned_data
    unit = _unit_in_scope(request.user, data["unit"])
    element = _element_or_404(data["element"])
    try:
        spec = parse_period(data["period"])
    except PeriodError as exc:
        return HttpResponseBadRequest(str(exc))
    if not can_write_unit(request.user, unit):
        raise PermissionDenied(_("Bạn không có quyền nhập số liệu cho %(u)s.") % {"u": unit.name})
    error, status = "", ""
    if form.errors:
        error = " ".join(str(m) for messages_ in form.errors.values() for m in messages_)
    else:
        row = ValueInput(element=element.code, unit=unit.code, period=spec.code, value=data["value"],
                         comment=data["comment"])  # fmt: skip
        try:
            result = values_write(user=request.user, rows=[row], source=ChangeSource.FORM, allow_delete=True)
        except BulkValueError as exc:
            error = " ".join(e.message for e in exc.errors)
        else:
            status = "deleted" if result.deleted else "saved" if (result.created or result.updated) else "unchanged"
    if not request.htmx:
        if error:
            messages.error(request, f"{element.name}: {error}")
        else:
            messages.success(request, _("Đã lưu %(e)s.") % {"e": element.name})
        return redirect(_entry_url(unit, spec, request.POST.get("area", "")))
    entry_row = entry.entry_row(user=request.user, unit=unit, spec=spec, element=element)
    entry_row.error, entry_row.status = error, status
    if error:  # keep what the person typed, to correct it
        entry_row.posted_value, entry_row.posted_comment = data.get("value", ""), data.get("comment", "")
    response = render(request, "indicators/_entry_row.html", {
        "row": entry_row, "unit": unit, "spec": spec, "can_write": True, "area": request.POST.get("area", ""),
    })  # fmt: skip
    if status in ("saved", "deleted"):
        response["HX-Trigger"] = "xaso-values-changed"
    return response


@login_required
@require_GET
def entry_indicators(request):
    """The indicators panel of the grid, refreshed after each saved cell."""
    unit = _unit_from(request, request.GET)
    if unit is None:
        raise Http404(_("Chưa chọn đơn vị."))
    spec, _error = _period_from(request.GET, unit)
    period = entry.period_stored(spec)
    lines = (
        entry.indicator_lines(user=request.user, unit=unit, period=period, area=_area_from(request.GET))
        if period
        else []
    )
    return render(request, "indicators/_entry_indicators.html", {"indicators": lines, "unit": unit, "spec": spec})


# history and violations


@login_required
@require_GET
def value_history(request):
    unit = _unit_in_scope(request.user, request.GET.get("unit", ""))
    element = _element_or_404(request.GET.get("element", ""))
    try:
        spec = parse_period(request.GET.get("period", ""))
    except PeriodError as exc:
        return HttpResponseBadRequest(str(exc))
    changes = entry.history_lines(user=request.user, unit=unit, element=element, spec=spec)
    current = entry.entry_row(user=request.user, unit=unit, spec=spec, element=element)
    from xaso.census.figures import cell_rule  # the census's rule for this cell, when it counts this element

    return render(request, "indicators/history.html", {
        "unit": unit, "element": element, "spec": spec, "changes": changes, "current": current,
        "entry_url": _entry_url(unit, spec), "census_rule": cell_rule(unit=unit, element=element.code, spec=spec),
    })  # fmt: skip


@login_required
@require_GET
def violations(request):
    unit = _unit_from(request, request.GET)
    spec, period_error = _period_from(request.GET, unit)
    if period_error:
        messages.error(request, period_error)
    lines = entry.violation_lines(user=request.user, unit=unit, spec=spec) if unit else []
    return render(request, "indicators/violations.html", {
        "unit": unit, "spec": spec, "lines": lines,
        "unit_choices": entry.unit_choices(user=request.user, unit=unit),
        "period_choices": entry.period_choices(selected=spec),
    })  # fmt: skip


# import and export


@login_required
@require_http_methods(["GET", "POST"])
def import_values(request):
    form = ImportForm(request.POST or None, request.FILES or None)
    report, file_error = None, ""
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        check_only = form.cleaned_data["check_only"]
        if upload.size > importjobs.background_bytes():  # read by the task worker, not in this request
            job = importjobs.import_job_create(user=request.user, upload=upload, check_only=check_only)
            return redirect("indicators:import_job", job_id=job.pk)
        try:
            report = importexport.values_import(
                user=request.user, data=upload.read(), filename=upload.name, check_only=check_only
            )
        except importexport.ImportFileError as exc:
            file_error = str(exc)
    status = 400 if (file_error or (report and report.errors) or form.errors) else 200
    return render(request, "indicators/import.html", {
        "form": form, **_report_context(report, file_error),
        "max_rows": ImportLimits.current().rows - 1,  # the header is one of the file's rows
        "background_mb": format_number(importjobs.background_bytes() / 2**20, 1),
    }, status=status)  # fmt: skip


def _report_context(report, file_error: str) -> dict:
    return {
        "report": report, "file_error": file_error,
        "errors_shown": report.errors[:MAX_ERRORS_SHOWN] if report else [],
        "errors_hidden": max(0, report.error_count - MAX_ERRORS_SHOWN) if report else 0,
    }  # fmt: skip


def _import_job(request, job_id: int) -> ImportJob:
    """The user's own job only: another user's job, even in the same commune, is a 404."""
    return get_object_or_404(ImportJob, pk=job_id, created_by=request.user)


def _job_context(job: ImportJob) -> dict:
    report = importexport.report_from_data(job.report) if job.report else None
    file_error = job.error if job.status == ImportJob.Status.FAILED else ""
    return {"job": job, **_report_context(report, file_error)}


@login_required
@require_GET
def import_job(request, job_id: int):
    return render(request, "indicators/import_job.html", _job_context(_import_job(request, job_id)))


@login_required
@require_GET
def import_job_status(request, job_id: int):
    """The fragment the job page polls (htmx) until the import is done, then the report."""
    return render(request, "indicators/_import_job_status.html", _job_context(_import_job(request, job_id)))


def _format_refused(fmt: str) -> HttpResponseBadRequest:
    return HttpResponseBadRequest(_("Định dạng “%(f)s” không hỗ trợ: dùng csv hoặc xlsx.") % {"f": fmt})


def _file_response(content: bytes, fmt: str, name: str) -> HttpResponse:
    response = HttpResponse(content, content_type=importexport.CONTENT_TYPES[fmt])
    response["Content-Disposition"] = f'attachment; filename="{name}.{fmt}"'
    return response


@login_required
@require_GET
def import_template(request):
    fmt = request.GET.get("format", importexport.CSV)
    if fmt not in importexport.FORMATS:
        return _format_refused(fmt)
    return _file_response(importexport.template_file(fmt), fmt, "mau-nhap-so-lieu")


@login_required
@require_GET
def export_values(request):
    """The values of a unit and everything below it, for a period and its parts, as CSV or XLSX."""
    fmt = request.GET.get("format", importexport.CSV)
    if fmt not in importexport.FORMATS:
        return _format_refused(fmt)
    unit = _unit_from(request, request.GET)
    if unit is None:
        return HttpResponseBadRequest(_("Chọn đơn vị cần xuất số liệu (tham số unit)."))
    try:
        spec = parse_period(request.GET.get("period", ""))
    except PeriodError as exc:
        return HttpResponseBadRequest(str(exc))
    units = AdminUnit.objects.for_user(request.user).in_subtree(unit)  # a subquery, however many villages
    periods = list(Period.objects.within(spec))
    elements = None
    area = _area_from(request.GET)
    if area:
        elements = list(DataElement.objects.filter(area=area))
    content = importexport.export_values(user=request.user, units=units, periods=periods, elements=elements, fmt=fmt)
    safe_code = unit.code.replace(":", "-")
    return _file_response(content, fmt, f"so-lieu-{safe_code}-{spec.code}")
