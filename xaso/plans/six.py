"""The "6 rõ" of seed 004 (Kế hoạch An Viễn 2026, mục I.1): rõ người, rõ việc, rõ thời gian,
rõ trách nhiệm, rõ sản phẩm, rõ thẩm quyền."""

from __future__ import annotations

from django.utils.translation import gettext as _

from .models import Task, TimeframeKind


def task_missing_six(task: Task) -> list[str]:
    missing = []
    if not task.person.strip():
        missing.append(_("rõ người (người chịu trách nhiệm)"))
    if not task.title.strip():
        missing.append(_("rõ việc (nội dung)"))
    if not _has_time(task):
        missing.append(_("rõ thời gian (hạn, quý hoặc định kỳ)"))
    if not task.lead_unit.strip():
        missing.append(_("rõ trách nhiệm (đơn vị chủ trì)"))
    if not task.deliverable.strip():
        missing.append(_("rõ sản phẩm (kết quả)"))
    if not task.approver.strip():
        missing.append(_("rõ thẩm quyền (người phê duyệt)"))
    return missing


def _has_time(task: Task) -> bool:
    kind = task.timeframe_kind
    if kind == TimeframeKind.ONGOING:
        return True
    if kind in (TimeframeKind.DATE, TimeframeKind.QUARTER):
        return task.due_date is not None
    if kind == TimeframeKind.RECURRING:
        return bool(task.recurrence) and task.start_date is not None
    return False
