"""Report-form screens: the list, creation from a sample, the mapping of cells to data elements, the import."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from xaso.accounts.permissions import can_write_commune, can_write_unit
from xaso.core.periods import MONTH, PeriodError, month, parse_period, quarter, year
from xaso.indicators.errors import BulkValueError
from xaso.indicators.filelimits import ImportFileError
from xaso.indicators.models import DataElement

from . import selectors, services
from .forms import CellAddForm, ReportFormCreateForm, ReportUploadForm
from .models import ReportFormCell


def _own_commune(user):
    unit = user.unit
    return unit if unit is not None and can_write_commune(user, unit) else None


def _messages(exc: ValidationError) -> list[str]:
    return [m for messages_ in exc.message_dict.values() for m in messages_] if hasattr(exc, "error_dict") else (
        exc.messages)  # fmt: skip


@login_required
@require_GET
def form_list(request):
    return render(request, "reportforms/list.html", {
        "forms": selectors.report_forms_for(user=request.user), "can_create": _own_commune(request.user) is not None,
    })  # fmt: skip


@login_required
@require_http_methods(["GET", "POST"])
def form_create(request):
    unit = _own_commune(request.user)
    if unit is None:
        raise Http404(_("Chỉ công chức của một xã tạo mẫu báo cáo của xã mình."))
    form = ReportFormCreateForm(request.POST or None, request.FILES or None)
    file_error = ""
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            created = services.report_form_create(user=request.user, unit=unit, name=form.cleaned_data["name"],
                                                  period_type=form.cleaned_data["period_type"], data=upload.read(),
                                                  filename=upload.name)  # fmt: skip
        except ImportFileError as exc:
            file_error = str(exc)
        except ValidationError as exc:
            for field, errors in exc.message_dict.items():
                for error in errors:
                    form.add_error(field if field in form.fields else None, error)
        else:
            return redirect("reportforms:detail", pk=created.pk)
    return render(request, "reportforms/create.html", {"form": form, "unit": unit, "file_error": file_error},
                  status=400 if request.method == "POST" else 200)  # fmt: skip


def _detail_context(request, report_form, **extra) -> dict:
    mapped = list(report_form.cells.select_related("data_element").order_by("id"))
    by_place = {(m.sheet, m.cell): m for m in mapped}
    candidates = report_form.candidates.get("cells", [])
    used = {m.data_element_id for m in mapped}
    suggestions = services.suggestions(report_form)
    suggested = [
        (candidate, element)
        for candidate in candidates
        if (element := suggestions.get((candidate["sheet"], candidate["cell"])))
        and (candidate["sheet"], candidate["cell"]) not in by_place and element.id not in used
    ] if len(mapped) < services.MAX_CELLS else []  # fmt: skip
    return {
        "report_form": report_form, "mapped": mapped, "suggested": suggested,
        "candidates": [dict(c, mapped=by_place.get((c["sheet"], c["cell"]))) for c in candidates],
        "free": [c for c in candidates if (c["sheet"], c["cell"]) not in by_place],
        "elements": DataElement.objects.filter(period_type=report_form.period_type).exclude(id__in=used)
        .order_by("area", "name"),
        "periods": report_form.candidates.get("periods", []),
        "period_ref": f"{report_form.period_sheet}!{report_form.period_cell}" if report_form.period_cell else "",
        "can_write": can_write_unit(request.user, report_form.unit),
        **extra,
    }  # fmt: skip


@login_required
@require_GET
def form_detail(request, pk: int):
    report_form = selectors.report_form_get(user=request.user, pk=pk)
    return render(request, "reportforms/detail.html", _detail_context(request, report_form))


@login_required
@require_POST
def cell_add(request, pk: int):
    report_form = selectors.report_form_get(user=request.user, pk=pk)
    form = CellAddForm(request.POST)
    errors = []
    if form.is_valid() and "!" in form.cleaned_data["cell"]:
        sheet, cell = form.cleaned_data["cell"].rsplit("!", 1)
        try:
            services.report_form_cell_add(user=request.user, form=report_form, sheet=sheet, cell=cell,
                                          element_code=form.cleaned_data["element"])  # fmt: skip
        except ValidationError as exc:
            errors = _messages(exc)
        else:
            messages.success(request, _("Đã gắn ô với chỉ tiêu dữ liệu."))
            return redirect("reportforms:detail", pk=pk)
    else:
        errors = [_("Chọn một ô và một chỉ tiêu dữ liệu.")]
    return render(request, "reportforms/detail.html", _detail_context(request, report_form, add_errors=errors),
                  status=400)  # fmt: skip


@login_required
@require_POST
def cell_remove(request, pk: int, cell_pk: int):
    report_form = selectors.report_form_get(user=request.user, pk=pk)
    mapped = ReportFormCell.objects.filter(pk=cell_pk, form=report_form).first()
    if mapped is None:
        raise Http404(_("Không có ô này trong mẫu báo cáo."))
    services.report_form_cell_remove(user=request.user, mapped=mapped)
    return redirect("reportforms:detail", pk=pk)


@login_required
@require_POST
def period_set(request, pk: int):
    report_form = selectors.report_form_get(user=request.user, pk=pk)
    try:
        services.report_form_period_set(user=request.user, form=report_form,
                                        period_cell=(request.POST.get("period_cell") or "")[:60])  # fmt: skip
    except ValidationError as exc:
        return render(request, "reportforms/detail.html",
                      _detail_context(request, report_form, period_errors=_messages(exc)), status=400)  # fmt: skip
    return redirect("reportforms:detail", pk=pk)


@login_required
@require_POST
def form_delete(request, pk: int):
    report_form = selectors.report_form_get(user=request.user, pk=pk)
    services.report_form_delete(user=request.user, form=report_form)
    messages.success(request, _("Đã xóa mẫu báo cáo “%(n)s”.") % {"n": report_form.name})
    return redirect("reportforms:list")


def _period_choices(period_type: str) -> list:
    today = timezone.localdate()
    if period_type == MONTH:  # the last 24 months, newest first
        return [month(n // 12, n % 12 + 1) for n in range(today.year * 12 + today.month - 1, 0, -1)[:24]]
    if period_type == "quarter":
        return [quarter(n // 4, n % 4 + 1) for n in range(today.year * 4 + (today.month - 1) // 3, 0, -1)[:8]]
    return [year(today.year - i) for i in range(6)]


@login_required
@require_http_methods(["GET", "POST"])
def report_upload(request, pk: int):
    report_form = selectors.report_form_get(user=request.user, pk=pk)
    form = ReportUploadForm(request.POST or None, request.FILES or None)
    result, errors, file_error = None, [], ""
    if request.method == "POST" and form.is_valid():
        spec = None
        code = form.cleaned_data["period"]
        if code:
            try:
                spec = parse_period(code)
            except PeriodError as exc:
                form.add_error("period", str(exc))
        if not form.errors:
            upload = form.cleaned_data["file"]
            try:
                result = services.report_import(user=request.user, form=report_form, data=upload.read(),
                                                filename=upload.name, period=spec,
                                                check_only=form.cleaned_data["check_only"])  # fmt: skip
            except ImportFileError as exc:
                file_error = str(exc)
            except BulkValueError as exc:
                errors = exc.errors
            except ValidationError as exc:
                file_error = " ".join(_messages(exc))
    status = 400 if (file_error or errors or form.errors) else 200
    return render(request, "reportforms/upload.html", {
        "report_form": report_form, "form": form, "result": result, "errors": errors, "file_error": file_error,
        "period_choices": _period_choices(report_form.period_type), "check_only": form.data.get("check_only"),
    }, status=status)  # fmt: skip
