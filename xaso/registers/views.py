"""Screens every register shares: upload an export, map a new layout once, follow the import and read its report."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from xaso.accounts.permissions import can_read_unit, can_write_unit
from xaso.geo.models import AdminUnit, Level
from xaso.indicators.filelimits import ImportFileError, ImportLimits
from xaso.indicators.importjobs import background_bytes

from . import selectors, services
from .cells import header_key
from .forms import MappingForm, RegisterUploadForm
from .models import RegisterImport
from .spec import register_get

#: errors a report shows on the page
MAX_ERRORS_SHOWN = 200


def _register(slug: str):
    register = register_get(slug)
    if register is None:
        raise Http404
    return register


def _commune(request, code: str) -> AdminUnit:
    unit = get_object_or_404(AdminUnit, code=code, level=Level.COMMUNE)
    if not can_read_unit(request.user, unit):
        raise Http404  # another commune's register does not exist for this reader
    return unit


@login_required
@require_http_methods(["GET", "POST"])
def import_upload(request, slug: str, code: str):
    register = _register(slug)
    unit = _commune(request, code)
    if not can_write_unit(request.user, unit):
        raise PermissionDenied(_("Bạn chỉ được xem sổ của %(u)s, không nhập.") % {"u": unit.name})
    form = RegisterUploadForm(request.POST or None, request.FILES or None)
    file_error = ""
    if request.method == "POST" and form.is_valid():
        try:
            job = services.import_start(user=request.user, unit=unit, register=register,
                                        upload=form.cleaned_data["file"])  # fmt: skip
        except ImportFileError as exc:
            file_error = str(exc)
        else:
            if job.status == RegisterImport.Status.MAPPING:
                return redirect("registers:mapping", pk=job.pk)
            return redirect("registers:import", pk=job.pk)
    return render(request, "registers/upload.html", {
        "register": register, "unit": unit, "form": form, "file_error": file_error,
        "home_url": register.home_url(unit=unit),
        "imports": selectors.imports_recent(user=request.user, unit=unit, register=register),
        "layouts": selectors.layouts_saved(user=request.user, unit=unit, register=register),
        "max_rows": ImportLimits.current().rows - 1, "background_mb": background_bytes() // 2**20,
    }, status=400 if (file_error or form.errors) else 200)  # fmt: skip


def _own_import(request, pk: int) -> RegisterImport:
    """The user's own import only: another user's, even in the same commune, is a 404."""
    return get_object_or_404(RegisterImport.objects.select_related("unit"), pk=pk, created_by=request.user)


@login_required
@require_http_methods(["GET", "POST"])
def import_mapping(request, pk: int):
    job = _own_import(request, pk)
    if job.status != RegisterImport.Status.MAPPING:
        return redirect("registers:import", pk=job.pk)
    register = _register(job.register)
    suggested = services.columns_suggest(register=register, keys=[header_key(h) for h in job.headers])
    form = MappingForm(request.POST or None, register=register, headers=job.headers, initial_columns=suggested)
    mapping_error = ""
    if request.method == "POST" and form.is_valid():
        try:
            job = services.import_map(user=request.user, register_import=job, columns=form.columns(),
                                      name=form.cleaned_data["name"])  # fmt: skip
        except ValidationError as exc:
            mapping_error = " ".join(exc.messages)
        else:
            return redirect("registers:import", pk=job.pk)
    return render(request, "registers/mapping.html", {
        "register": register, "unit": job.unit, "job": job, "form": form, "mapping_error": mapping_error,
        "required": [f.label for f in register.required],
        "fields_help": register.fields,
    }, status=400 if mapping_error else 200)  # fmt: skip


@login_required
def import_detail(request, pk: int):
    job = _own_import(request, pk)
    register = _register(job.register)
    report = job.report or {}
    error_count = report.get("error_count", 0)
    return render(request, "registers/import.html", {
        "register": register, "unit": job.unit, "job": job, "errors_shown": report.get("errors", [])[:MAX_ERRORS_SHOWN],
        "error_count": error_count, "errors_hidden": max(0, error_count - MAX_ERRORS_SHOWN),
        "home_url": register.home_url(unit=job.unit),
    })  # fmt: skip
