"""Official documents and exports, one function each: read through selectors (scoped to the user), word the text
(documents.py), fill the Word template (render.py). Background jobs for province-wide exports live at the end.
"""

from __future__ import annotations

import logging
import re
import unicodedata
import zipfile
from datetime import date, timedelta
from io import BytesIO

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from xaso.accounts.permissions import can_read_unit, can_write_unit
from xaso.core.db_router import freshness_scope, untracked_writes, using_replica
from xaso.core.i18n import in_vietnamese
from xaso.core.periods import PeriodSpec, parse_period
from xaso.geo.models import AdminUnit, Level
from xaso.indicators.models import DataElement
from xaso.plans.models import Plan
from xaso.plans.status import STATUS_LABELS

from . import charts, documents, selectors, xlsx
from .models import JobKind, JobStatus, ReportJob, ReportNarrative
from .render import docx_to_pdf, render_docx

log = logging.getLogger(__name__)


def _slug(text: str) -> str:
    text = unicodedata.normalize("NFKD", text.replace("đ", "d").replace("Đ", "D"))
    text = "".join(c for c in text if not unicodedata.combining(c))
    return re.sub(r"[^A-Za-z0-9]+", "-", text).strip("-").lower() or "van-ban"


def document_filename(plan: Plan, kind: str, ext: str, suffix: str = "") -> str:
    """`kh-30-kh-ubnd-an-vien-2026.docx`: the type, the number when issued, the place, the year."""
    parts = [kind, plan.number or "du-thao", documents.place_name(plan.unit), str(plan.year_from), suffix]
    return _slug("-".join(p for p in parts if p)) + "." + ext


# --- the plan (KH) -------------------------------------------------------------------------------------------------


@in_vietnamese
def document_plan_docx(plan: Plan, user) -> bytes:
    """The plan as issued on paper: seed 001 Part I's eight sections, Appendix I (tasks, "6 rõ") and II (budget)."""
    return _plan_docx(selectors.plan_data(user=user, plan=plan))


def _plan_docx(data: selectors.PlanData) -> bytes:
    return render_docx("kh.docx", documents.plan_context(data))


@in_vietnamese
def document_plan_pdf(plan: Plan, user) -> bytes:
    return docx_to_pdf(document_plan_docx(plan, user))


def _status_chart(rows) -> bytes | None:
    labels = {code: str(STATUS_LABELS[code]) for code in selectors.STATUS_ORDER}
    return charts.status_chart(selectors.pillar_status_counts(rows), labels)


# --- the periodic progress report (BC) -----------------------------------------------------------------------------


def _spec(period: str | PeriodSpec) -> PeriodSpec:
    return parse_period(period) if isinstance(period, str) else period


def narrative_for(plan: Plan, kind: str, period_code: str) -> documents.Narrative:
    saved = ReportNarrative.objects.filter(plan=plan, kind=kind, period_code=period_code).first()
    return documents.Narrative(saved.difficulties, saved.proposals) if saved else documents.Narrative()


@transaction.atomic
def narrative_save(*, user, plan: Plan, kind: str, period_code: str, difficulties: str, proposals: str):
    """The free-text sections an officer writes before exporting (difficulties, proposals), kept per period."""
    if not can_write_unit(user, plan.unit):
        raise PermissionDenied(_("Bạn không có quyền soạn báo cáo của %(unit)s.") % {"unit": plan.unit.name})
    parse_period(period_code)
    narrative, _created = ReportNarrative.objects.update_or_create(
        plan=plan, kind=kind, period_code=period_code,
        defaults={"difficulties": difficulties.strip(), "proposals": proposals.strip(), "updated_by": user},
    )  # fmt: skip
    return narrative


@in_vietnamese
def document_progress_docx(plan: Plan, user, period: str | PeriodSpec, *, narrative: documents.Narrative | None = None,
                           today: date | None = None) -> bytes:  # fmt: skip
    """The periodic report for a month, quarter or year: targets (baseline, value, target, status), tasks done, late
    and open, difficulties and proposals, with the pillar-progress and trend charts."""
    spec = _spec(period)
    data = selectors.progress_data(user=user, plan=plan, spec=spec, today=today, baselines=True)
    narrative = narrative or narrative_for(plan, ReportNarrative.Kind.PROGRESS, spec.code)
    trend = selectors.progress_trend(user=user, data=data)
    images = {
        "progress": _status_chart(data.year_rows),
        "trend": charts.trend_chart(
            trend.labels,
            [(i.name, v) for i, v in trend.series],
            percent=all(i.is_percent for i, _v in trend.series),
        ),  # fmt: skip
    }
    return render_docx("bc.docx", documents.progress_context(data, narrative), images=images)


@in_vietnamese
def document_progress_pdf(plan: Plan, user, period: str | PeriodSpec, **kwargs) -> bytes:
    return docx_to_pdf(document_progress_docx(plan, user, period, **kwargs))


# --- the year-end evaluation ------------------------------------------------------------------------------------


@in_vietnamese
def document_evaluation_docx(plan: Plan, user, year: int | None = None, *, today: date | None = None) -> bytes:
    """Seed 003 Part 1: the year's results per pillar with the measured figures written as sentences, then the
    next year's plan."""
    data = selectors.evaluation_data(user=user, plan=plan, year_=year, today=today)
    codes = set()
    for row in data.rows:
        parts = documents.ratio_parts(row.target.indicator)
        if parts:
            codes.update(parts)
    elements = {e.code: e for e in DataElement.objects.filter(code__in=codes)}
    images = {"progress": _status_chart(data.rows)}
    return render_docx("bc_tong_ket.docx", documents.evaluation_context(data, elements), images=images)


@in_vietnamese
def document_evaluation_pdf(plan: Plan, user, year: int | None = None, **kwargs) -> bytes:
    return docx_to_pdf(document_evaluation_docx(plan, user, year, **kwargs))


# --- spreadsheets ---------------------------------------------------------------------------------------------------


@in_vietnamese
def export_plan_xlsx(plan: Plan, user, table: str, *, today: date | None = None) -> bytes:
    """One table of the plan as a workbook: `targets`, `tasks`, `budget` or `values` (indicator values by unit
    and period: the commune and its villages, by year and quarter of the plan)."""
    if table not in xlsx.PLAN_TABLES:
        raise ValidationError(
            _("Bảng “%(t)s” không có: chọn một trong %(all)s.") % {"t": table, "all": ", ".join(xlsx.PLAN_TABLES)}
        )
    if table == "targets":
        data = selectors.progress_data(user=user, plan=plan, spec=parse_period(str((today or date.today()).year)),
                                       today=today)  # fmt: skip
        return xlsx.targets_workbook(plan, data.rows)
    if table == "tasks":
        return xlsx.tasks_workbook(plan, selectors.plan_data(user=user, plan=plan).tasks, today=today or date.today())
    if table == "budget":
        return xlsx.budget_workbook(plan, selectors.plan_data(user=user, plan=plan))
    return xlsx.values_workbook(user=user, plan=plan)


# --- background jobs: province-wide exports --------------------------------------------------------------------------


def report_job_create(*, user, kind: str, unit: AdminUnit, year: int) -> ReportJob:
    """Queue a large export (every commune of a province or district) and return its progress record."""
    if kind not in JobKind.values:
        raise ValidationError({"kind": _("Loại báo cáo không hợp lệ.")})
    if not can_read_unit(user, unit):
        raise PermissionDenied(_("Bạn không có quyền xem số liệu của %(unit)s.") % {"unit": unit.name})
    if unit.level == Level.VILLAGE:
        raise ValidationError({"unit": _("Chọn tỉnh, huyện hoặc xã.")})
    if not 2000 <= year <= 2100:
        raise ValidationError({"year": _("Năm không hợp lệ.")})
    job = ReportJob.objects.create(kind=kind, unit=unit, year=year, created_by=user)
    from .tasks import report_job_run_task  # a task module imports services: import here, not at the top

    try:
        result = report_job_run_task.enqueue(job.pk)
    except Exception as exc:  # a queue that refuses the job: say so on the job page instead of a 500
        log.exception("report job %s could not be queued", job.pk)
        ReportJob.objects.filter(pk=job.pk).update(status=JobStatus.FAILED, error=str(exc)[:1000])
    else:
        ReportJob.objects.filter(pk=job.pk, task_id="").update(task_id=str(result.id))
    job.refresh_from_db()
    return job


def _progress(job: ReportJob, done: int, total: int, message: str) -> None:
    percent = int(100 * done / total) if total else 100
    with untracked_writes():  # the job's own progress row: no replica read depends on it
        ReportJob.objects.filter(pk=job.pk).update(progress=min(99, percent), message=message[:200])


@in_vietnamese
def report_job_run(job_id: int) -> ReportJob:
    """Run a queued job (called by the task worker): build the file, recording progress."""
    job = ReportJob.objects.select_related("unit", "created_by").get(pk=job_id)
    if job.status != JobStatus.QUEUED:
        return job
    ReportJob.objects.filter(pk=job.pk).update(status=JobStatus.RUNNING, started_at=timezone.now(), progress=0)
    try:
        # the user's writes before queueing count as this job's (read-after-write, xaso.core.db_router)
        with freshness_scope(since=job.created_at.timestamp()):
            content, name = _JOBS[job.kind](job)
    except Exception as exc:
        log.exception("report job %s failed", job.pk)
        ReportJob.objects.filter(pk=job.pk).update(status=JobStatus.FAILED, error=str(exc)[:1000],
                                                   finished_at=timezone.now())  # fmt: skip
    else:
        job.refresh_from_db()
        job.result.save(name, ContentFile(content), save=False)  # stored under a random name
        job.result_name = name
        job.status, job.progress, job.finished_at = JobStatus.DONE, 100, timezone.now()
        job.message = _("Hoàn thành.")
        job.save(update_fields=["result", "result_name", "status", "progress", "finished_at", "message"])
    job.refresh_from_db()
    return job


def _province_summary(job: ReportJob) -> tuple[bytes, str]:
    """Every commune's targets and tasks for the year, read in a fixed number of queries whatever their number."""
    user = job.created_by
    with using_replica():  # read-only analytics: a replica when one is fresh (xaso.core.db_router)
        communes = list(selectors.communes_for(user, job.unit))
        plans = selectors.latest_plans(user, communes, job.year)
        data = selectors.progress_data_by_plan(user=user, plans=list(plans.values()), spec=parse_period(str(job.year)))
    rows = []
    for commune in communes:
        plan = plans.get(commune.id)
        rows.append((commune, plan, data[plan.pk] if plan is not None else None))
    _progress(job, 1, 2, _("Đang ghi số liệu theo xã"))
    content = xlsx.province_workbook(user=user, unit=job.unit, year=job.year, rows=rows)
    return content, f"tong-hop-{_slug(job.unit.name)}-{job.year}.xlsx"


def _plans_zip(job: ReportJob) -> tuple[bytes, str]:
    """Every commune's plan document: the plans read together, then each document rendered on its own."""
    user = job.created_by
    communes = list(selectors.communes_for(user, job.unit))
    plans = selectors.latest_plans(user, communes, job.year)
    data = selectors.plans_data(user=user, plans=list(plans.values()))
    out = BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for i, commune in enumerate(communes, start=1):
            plan = plans.get(commune.id)
            if plan is not None:
                archive.writestr(document_filename(plan, "kh", "docx"), _plan_docx(data[plan.pk]))
            _progress(job, i, len(communes), _("Đã tạo %(i)s/%(n)s kế hoạch: %(name)s") % {
                "i": i, "n": len(communes), "name": commune.name})  # fmt: skip
    return out.getvalue(), f"ke-hoach-{_slug(job.unit.name)}-{job.year}.zip"


_JOBS = {JobKind.PROVINCE_XLSX: _province_summary, JobKind.PLANS_ZIP: _plans_zip}


@transaction.atomic
def report_jobs_cleanup(*, stale_after: timedelta = timedelta(hours=1), keep_days: int = 30) -> tuple[int, int]:
    """Mark jobs a crashed worker left running as failed, and delete result files older than `keep_days`.

    Returns (jobs marked failed, files deleted). Run daily (`manage.py cleanup_report_jobs`).
    """
    now = timezone.now()
    stale = ReportJob.objects.filter(status=JobStatus.RUNNING, started_at__lt=now - stale_after)
    failed = stale.update(
        status=JobStatus.FAILED, finished_at=now,
        error=_("Tiến trình tạo báo cáo bị dừng giữa chừng (máy chủ khởi động lại?). Hãy tạo lại yêu cầu."),
    )  # fmt: skip
    deleted = 0
    for job in ReportJob.objects.filter(finished_at__lt=now - timedelta(days=keep_days)).exclude(result=""):
        job.result.delete(save=False)
        job.result = ""
        job.save(update_fields=["result"])
        deleted += 1
    return failed, deleted
