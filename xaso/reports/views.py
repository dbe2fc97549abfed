"""Document downloads and report jobs: parse the request, call a service, send the file. Every plan is looked up
through the plans the user may read (another commune's plan is a 404)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from xaso.accounts.permissions import can_write_unit
from xaso.files.views import serve
from xaso.plans.models import Plan

from . import selectors, services
from .documents import Narrative
from .forms import EvaluationForm, ProgressReportForm, ReportJobForm
from .models import ReportJob, ReportNarrative
from .render import DOCX_MIME, PDF_MIME, XLSX_MIME, PdfUnavailable

MIME = {"docx": DOCX_MIME, "pdf": PDF_MIME, "xlsx": XLSX_MIME}


def _plan(request, pk: int) -> Plan:
    try:
        return selectors.plan_for_user(request.user, pk)
    except Plan.DoesNotExist as exc:
        raise Http404(_("Không tìm thấy kế hoạch.")) from exc


def download(content: bytes, filename: str, ext: str) -> HttpResponse:
    response = HttpResponse(content, content_type=MIME[ext])
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def _pdf_unavailable(request, exc: PdfUnavailable) -> HttpResponse:
    return render(request, "reports/error.html", {"message": str(exc)}, status=503)


@login_required
@require_GET
def plan_docx(request, pk: int):
    """Tải kế hoạch (.docx): the plan in the Decree 30 format, ready to sign."""
    plan = _plan(request, pk)
    return download(services.document_plan_docx(plan, request.user), services.document_filename(plan, "kh", "docx"),
                    "docx")  # fmt: skip


@login_required
@require_GET
def plan_pdf(request, pk: int):
    plan = _plan(request, pk)
    try:
        content = services.document_plan_pdf(plan, request.user)
    except PdfUnavailable as exc:
        return _pdf_unavailable(request, exc)
    return download(content, services.document_filename(plan, "kh", "pdf"), "pdf")


@login_required
@require_http_methods(["GET", "POST"])
def progress_report(request, pk: int):
    """The periodic report: choose the period, write difficulties and proposals, download .docx or PDF."""
    plan = _plan(request, pk)
    can_write = can_write_unit(request.user, plan.unit)
    period = request.POST.get("period") or request.GET.get("period") or str(plan.year_from)
    saved = services.narrative_for(plan, ReportNarrative.Kind.PROGRESS, period)
    initial = {"period": period, "difficulties": saved.difficulties, "proposals": saved.proposals}
    form = ProgressReportForm(request.POST or None, plan=plan, initial=initial)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        narrative = Narrative(d["difficulties"], d["proposals"])
        if can_write:
            services.narrative_save(user=request.user, plan=plan, kind=ReportNarrative.Kind.PROGRESS,
                                    period_code=d["period"], difficulties=d["difficulties"],
                                    proposals=d["proposals"])  # fmt: skip
        name = services.document_filename(plan, "bc", d["format"], d["period"])
        try:
            if d["format"] == "pdf":
                return download(services.document_progress_pdf(plan, request.user, d["period"], narrative=narrative),
                                name, "pdf")  # fmt: skip
            return download(services.document_progress_docx(plan, request.user, d["period"], narrative=narrative),
                            name, "docx")  # fmt: skip
        except PdfUnavailable as exc:
            return _pdf_unavailable(request, exc)
    return render(request, "reports/progress_form.html", {"plan": plan, "form": form, "can_write": can_write})


@login_required
@require_GET
def evaluation(request, pk: int):
    """The year-end evaluation: `?year=2026&format=docx` downloads it; without a year, the form."""
    plan = _plan(request, pk)
    form = EvaluationForm(request.GET if "year" in request.GET else None, plan=plan)
    if form.is_bound and form.is_valid():
        year, fmt = form.cleaned_data["year"], form.cleaned_data["format"]
        name = services.document_filename(plan, "bc-tong-ket", fmt, str(year))
        try:
            if fmt == "pdf":
                return download(services.document_evaluation_pdf(plan, request.user, year), name, "pdf")
            return download(services.document_evaluation_docx(plan, request.user, year), name, "docx")
        except PdfUnavailable as exc:
            return _pdf_unavailable(request, exc)
    return render(request, "reports/evaluation_form.html", {"plan": plan, "form": form})


@login_required
@require_GET
def export_xlsx(request, pk: int, table: str):
    """A table of the plan as a spreadsheet: targets, tasks, budget, or indicator values by unit and period."""
    plan = _plan(request, pk)
    try:
        content = services.export_plan_xlsx(plan, request.user, table)
    except ValidationError as exc:
        raise Http404(exc.messages[0]) from exc
    return download(content, services.document_filename(plan, table, "xlsx"), "xlsx")


# --- report jobs (province-wide exports) ---------------------------------------------------------------------------


def _job(request, job_id: int) -> ReportJob:
    return get_object_or_404(ReportJob.objects.select_related("unit"), pk=job_id, created_by=request.user)


@login_required
@require_http_methods(["GET", "POST"])
def jobs(request):
    """Queue a large export (all communes of a province or district) and list the user's recent ones."""
    form = ReportJobForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            job = services.report_job_create(user=request.user, kind=d["kind"], unit=d["unit"], year=d["year"])
        except (ValidationError, PermissionDenied) as exc:
            form.add_error(None, exc.messages if isinstance(exc, ValidationError) else str(exc))
        else:
            messages.success(request, _("Đã đưa yêu cầu vào hàng đợi."))
            return redirect("reports:job_detail", job_id=job.pk)
    recent = ReportJob.objects.filter(created_by=request.user).select_related("unit")[:20]
    return render(request, "reports/jobs.html", {"form": form, "jobs": recent})


@login_required
@require_GET
def job_detail(request, job_id: int):
    return render(request, "reports/job_detail.html", {"job": _job(request, job_id)})


@login_required
@require_GET
def job_status(request, job_id: int):
    """The progress fragment the job page polls (htmx) until the job is done or failed."""
    return render(request, "reports/_job_status.html", {"job": _job(request, job_id)})


@login_required
@require_GET
def job_download(request, job_id: int):
    _job(request, job_id)
    return serve(request, kind="report", pk=job_id)  # the one private-file view: rights, log, headers
