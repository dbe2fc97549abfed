"""Imports of large files as background jobs: queued from the import page, run by the task worker, all-or-nothing.

A file above `settings.XASO_IMPORT_BACKGROUND_BYTES` is not read inside the web request (a file near the row
limit would approach a worker's timeout): it is stored in the private storage (`xaso.files`), an `ImportJob`
records it and the task worker (`manage.py db_worker`, docs/decisions/0005-background-jobs.md) imports it
with the same code as the page (`table_read`, `table_import`), then deletes the stored file. The uploader is
authorised when the job is queued and again when it runs (a role or unit changed meanwhile refuses it, and
every row is still checked against the user as they are then). The job page polls the progress and then shows
the report the page would have shown, in the uploader's language.
"""

from __future__ import annotations

import logging
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from xaso.accounts.permissions import can_write_unit, is_admin
from xaso.core.formatting import format_number

from .filelimits import ImportFileError, ImportLimits
from .importexport import report_data, table_import, table_read
from .models import ImportJob

log = logging.getLogger(__name__)

#: files larger than this many bytes are imported by the task worker (settings.XASO_IMPORT_BACKGROUND_BYTES)
BACKGROUND_BYTES = 2 * 1024 * 1024


def background_bytes() -> int:
    return int(getattr(settings, "XASO_IMPORT_BACKGROUND_BYTES", BACKGROUND_BYTES))


def _refusal(user, unit) -> str | None:
    """Why `user` may not import for `unit` (their unit when the job was queued), or None."""
    if not user.is_active:
        return _("Tài khoản không còn hoạt động: không nhập số liệu.")
    if unit is None:
        return None if is_admin(user) else _("Tài khoản chưa gắn với đơn vị nào: không nhập được số liệu.")
    if not can_write_unit(user, unit):
        return _("Bạn không có quyền nhập số liệu cho %(u)s.") % {"u": unit.name}
    return None


def import_job_create(*, user, upload, check_only: bool = False) -> ImportJob:
    """Store the uploaded file privately and queue its import; PermissionDenied if the user may not import."""
    unit = user.unit if user.unit_id else None
    refusal = _refusal(user, unit)
    if refusal is not None:
        raise PermissionDenied(refusal)
    limit = ImportLimits.current().file_bytes
    if upload.size > limit:  # the form says so first; a caller that skipped it is refused here
        raise PermissionDenied(_("Tệp lớn quá %(mb)s MB: chia thành nhiều tệp nhỏ hơn.") % {"mb": limit // 2**20})
    job = ImportJob(
        unit=unit, created_by=user, filename=upload.name[:255], size=upload.size, check_only=check_only,
        language=translation.get_language() or "vi",
    )  # fmt: skip
    job.upload.save(upload.name, upload, save=False)  # under a random name in the private storage
    job.save()
    from .tasks import import_job_run_task  # a task module imports this one: import here, not at the top

    try:
        result = import_job_run_task.enqueue(job.pk)
    except Exception as exc:  # a queue that refuses the job: say so on the job page instead of a 500
        log.exception("import job %s could not be queued", job.pk)
        _finish(job.pk, status=ImportJob.Status.FAILED, error=str(exc)[:1000])
    else:
        ImportJob.objects.filter(pk=job.pk, task_id="").update(task_id=str(result.id))
    job.refresh_from_db()
    return job


def _progress(job_id: int, percent: int, message: str) -> None:
    ImportJob.objects.filter(pk=job_id).update(progress=percent, message=message[:200])


def _finish(job_id: int, **fields) -> None:
    job = ImportJob.objects.get(pk=job_id)
    if job.upload:
        job.upload.delete(save=False)  # the uploaded file is not kept once the import has run
    fields.setdefault("progress", 100)
    ImportJob.objects.filter(pk=job_id).update(upload="", finished_at=timezone.now(), **fields)


def import_job_run(job_id: int) -> ImportJob:
    """Run a queued import (called by the task worker): authorise again, read, judge and write, record the report."""
    job = ImportJob.objects.select_related("unit", "created_by", "created_by__unit").get(pk=job_id)
    if job.status != ImportJob.Status.QUEUED:
        return job
    claimed = ImportJob.objects.filter(pk=job.pk, status=ImportJob.Status.QUEUED).update(
        status=ImportJob.Status.RUNNING, started_at=timezone.now(), progress=0
    )
    if not claimed:  # another worker took it
        return ImportJob.objects.get(pk=job.pk)
    with translation.override(job.language):
        try:
            _run(job)
        except Exception:
            log.exception("import job %s failed", job.pk)
            _finish(job.pk, status=ImportJob.Status.FAILED,
                    error=_("Lỗi hệ thống khi nhập tệp: không có số liệu nào được lưu. Hãy thử lại sau."))  # fmt: skip
    job.refresh_from_db()
    return job


def _run(job: ImportJob) -> None:
    refusal = _refusal(job.created_by, job.unit)
    if refusal is not None:
        _finish(job.pk, status=ImportJob.Status.FAILED, error=refusal)
        return
    _progress(job.pk, 5, _("Đang đọc tệp"))
    with job.upload.open("rb") as stored:
        data = stored.read()
    try:
        table = table_read(data, job.filename)
    except ImportFileError as exc:
        _finish(job.pk, status=ImportJob.Status.FAILED, error=str(exc))
        return
    rows = format_number(table.count)
    step = _("Đã đọc %(n)s dòng; đang kiểm tra") if job.check_only else _("Đã đọc %(n)s dòng; đang kiểm tra và lưu")
    _progress(job.pk, 40, step % {"n": rows})
    report = table_import(user=job.created_by, table=table, check_only=job.check_only)  # all or nothing
    _finish(job.pk, status=ImportJob.Status.DONE, report=report_data(report), message=_("Hoàn thành."))


def import_jobs_cleanup(*, stale_after: timedelta = timedelta(hours=2)) -> int:
    """Mark imports a crashed worker left running as failed and delete their uploaded files (their transaction was
    rolled back with the worker: nothing of them is saved). Returns how many. Run daily
    (`manage.py cleanup_import_jobs`)."""
    stale = ImportJob.objects.filter(status=ImportJob.Status.RUNNING, started_at__lt=timezone.now() - stale_after)
    count = 0
    for job in stale:
        with translation.override(job.language):
            message = _("Việc nhập bị dừng giữa chừng (máy chủ khởi động lại?): không có số liệu nào được lưu. "
                        "Hãy nhập lại tệp.")  # fmt: skip
            _finish(job.pk, status=ImportJob.Status.FAILED, error=message)
        count += 1
    return count
