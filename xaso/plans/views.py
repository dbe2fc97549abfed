"""Plan screens: list, create three ways, the plan page with its eight sections, edits, lifecycle."""

from __future__ import annotations

from datetime import date

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from xaso.accounts.permissions import can_approve, can_write_unit, is_admin
from xaso.core.forms import add_service_errors
from xaso.geo.models import AdminUnit, Level

from . import selectors, services
from .forms import (
    ApproveForm,
    BudgetLineForm,
    CloseForm,
    LegalBasisForm,
    PlanCreateForm,
    PlanSectionsForm,
    ResponsibilityForm,
    TargetForm,
    TaskForm,
    TaskUpdateForm,
)
from .legal_bases import legal_bases_ordered
from .models import BudgetLine, Plan, Target, Task
from .six import task_missing_six


def _plan_for(request, pk: int) -> Plan:
    try:
        return selectors.plans_for_user(request.user).get(pk=pk)
    except Plan.DoesNotExist as exc:
        raise Http404(_("Không tìm thấy kế hoạch.")) from exc


def _plan_to_write(request, pk: int) -> Plan:
    """A plan the user is about to change: 404 outside their read scope, 403 if they may only read it (an analyst,
    an old commune their commune absorbed), before any form. The services check again, with the plan's status."""
    plan = _plan_for(request, pk)
    if not can_write_unit(request.user, plan.unit):
        raise PermissionDenied(_("Bạn không có quyền lập hoặc sửa kế hoạch của %(unit)s.") % {"unit": plan.unit.name})
    return plan


@login_required
def plan_list(request):
    plans = selectors.plans_for_user(request.user).order_by("-year_from", "unit__name", "-version")
    return render(request, "plans/plan_list.html", {"plans": plans})


@login_required
def plan_create(request):
    units = AdminUnit.objects.for_user(request.user).filter(level__in=[Level.COMMUNE, Level.DISTRICT, Level.PROVINCE])
    if not is_admin(request.user):
        units = units.filter(pk=request.user.unit_id)
    own = request.user.unit.code if request.user.unit_id else None
    form = PlanCreateForm(request.POST or None, units=units, sources=selectors.plan_sources_for(request.user),
                          initial={"year": date.today().year, "unit": own})  # fmt: skip
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            if d["mode"] == "template":
                plan = services.plan_create_from_template(user=request.user, unit=d["unit"], year=d["year"])
            elif d["mode"] == "previous":
                plan = services.plan_create_from_previous(user=request.user, previous=d["source"], year=d["year"])
            else:
                plan = services.plan_create_from_parent(
                    user=request.user, parent=d["source"], unit=d["unit"], year=d["year"]
                )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Đã tạo dự thảo kế hoạch."))
            return redirect("plans:detail", pk=plan.pk)
    return render(request, "plans/plan_create.html", {"form": form})


@login_required
def plan_detail(request, pk: int):
    plan = _plan_for(request, pk)
    targets = list(plan.targets.select_related("indicator", "plan__unit", "plan__parent_plan"))
    progress = selectors.target_progress(user=request.user, targets=targets, stated=True) if targets else []
    tasks = list(plan.tasks.prefetch_related("targets__indicator", "updates"))
    today = date.today()
    for task in tasks:
        task.missing = task_missing_six(task)
        task.is_overdue = selectors.task_is_overdue(task, today=today)
        task.next_due = selectors.task_next_due(task, today=today)
    context = {
        "plan": plan,
        "legal_bases": legal_bases_ordered(plan.legal_bases.all()),
        "covered_units": list(plan.covered_unit_links.select_related("unit")),
        "progress": progress,
        "tasks": tasks,
        "budget_lines": plan.budget_lines.all(),
        "budget": selectors.budget_totals(plan),
        "responsibilities": plan.responsibilities.all(),
        "can_edit": plan.is_editable and can_write_unit(request.user, plan.unit),
        "can_write": can_write_unit(request.user, plan.unit),
        "can_approve": can_approve(request.user, plan.unit),
        "approve_form": ApproveForm(),
        "close_form": CloseForm(),
    }
    return render(request, "plans/plan_detail.html", context)


@login_required
def plan_edit(request, pk: int):
    plan = _plan_to_write(request, pk)
    form = PlanSectionsForm(request.POST or None, instance=plan)
    if request.method == "POST" and form.is_valid():
        try:
            services.plan_sections_save(user=request.user, plan=plan, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Đã lưu nội dung kế hoạch."))
            return redirect("plans:detail", pk=plan.pk)
    return render(request, "plans/form.html", {"plan": plan, "form": form, "heading": _("Sửa nội dung kế hoạch")})


@login_required
def legal_basis_add(request, pk: int):
    plan = _plan_to_write(request, pk)
    form = LegalBasisForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.legal_basis_add(user=request.user, plan=plan, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Đã thêm căn cứ."))
            return redirect(reverse("plans:detail", args=[plan.pk]) + "#section-bases")
    return render(request, "plans/form.html", {"plan": plan, "form": form, "heading": _("Thêm căn cứ")})


def _child_edit(request, plan: Plan, *, form, save, heading: str, saved: str, anchor):
    """Save a part of the plan; after a save, say so and land on that part of the plan page (anchor(obj) → id)."""
    if request.method == "POST" and form.is_valid():
        try:
            obj = save(form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, saved)
            return redirect(reverse("plans:detail", args=[plan.pk]) + "#" + anchor(obj))
    return render(request, "plans/form.html", {"plan": plan, "form": form, "heading": heading})


@login_required
def target_edit(request, pk: int, target_id: int | None = None):
    plan = _plan_to_write(request, pk)
    target = get_object_or_404(Target, pk=target_id, plan=plan) if target_id else None
    form = TargetForm(request.POST or None, instance=target)
    return _child_edit(
        request, plan, form=form, heading=_("Chỉ tiêu"), saved=_("Đã lưu chỉ tiêu."),
        save=lambda d: services.target_save(user=request.user, plan=plan, target=target, **d),
        anchor=lambda t: f"target-{t.pk}",
    )  # fmt: skip


@login_required
def task_edit(request, pk: int, task_id: int | None = None):
    plan = _plan_to_write(request, pk)
    task = get_object_or_404(Task, pk=task_id, plan=plan) if task_id else None
    form = TaskForm(request.POST or None, instance=task, plan=plan)

    def save(d):
        targets = d.pop("targets")
        return services.task_save(user=request.user, plan=plan, task=task, targets=list(targets), **d)

    return _child_edit(
        request, plan, form=form, heading=_("Nhiệm vụ"), save=save, saved=_("Đã lưu nhiệm vụ."),
        anchor=lambda t: f"task-{t.pk}",
    )  # fmt: skip


@login_required
def budget_line_edit(request, pk: int, line_id: int | None = None):
    plan = _plan_to_write(request, pk)
    line = get_object_or_404(BudgetLine, pk=line_id, plan=plan) if line_id else None
    form = BudgetLineForm(request.POST or None, instance=line)
    return _child_edit(
        request, plan, form=form, heading=_("Dòng kinh phí"), saved=_("Đã lưu dòng kinh phí."),
        save=lambda d: services.budget_line_save(user=request.user, plan=plan, line=line, **d),
        anchor=lambda b: f"budget-{b.pk}",
    )  # fmt: skip


@login_required
def responsibility_add(request, pk: int):
    plan = _plan_to_write(request, pk)
    form = ResponsibilityForm(request.POST or None)
    return _child_edit(
        request, plan, form=form, heading=_("Trách nhiệm của đơn vị"), saved=_("Đã lưu trách nhiệm của đơn vị."),
        save=lambda d: services.responsibility_save(user=request.user, plan=plan, **d),
        anchor=lambda r: "section-organisation",
    )  # fmt: skip


@login_required
def task_update_add(request, pk: int, task_id: int):
    plan = _plan_to_write(request, pk)
    task = get_object_or_404(Task, pk=task_id, plan=plan)
    form = TaskUpdateForm(request.POST or None, request.FILES or None, initial={"on": date.today()})
    return _child_edit(
        request, plan, form=form, heading=_("Cập nhật tiến độ: %(t)s") % {"t": task.title[:60]},
        saved=_("Đã lưu cập nhật tiến độ."),
        save=lambda d: services.task_update_add(task=task, user=request.user, **d),
        anchor=lambda u: f"task-{task.pk}",
    )  # fmt: skip


@login_required
@require_POST
def plan_transition(request, pk: int, action: str):
    plan = _plan_to_write(request, pk)
    try:
        if action == "submit":
            services.plan_submit(plan=plan, user=request.user)
        elif action == "approve":
            form = ApproveForm(request.POST, request.FILES)
            if not form.is_valid():
                raise ValidationError([f"{form.fields[f].label}: {' '.join(e)}" for f, e in form.errors.items()])
            services.plan_approve(plan=plan, user=request.user, **form.cleaned_data)
        elif action == "start":
            services.plan_start_execution(plan=plan, user=request.user)
        elif action == "close":
            services.plan_close(plan=plan, user=request.user, evaluation=request.POST.get("evaluation", ""))
        elif action == "new_version":
            plan = services.plan_new_version(plan=plan, user=request.user)
        else:
            raise Http404
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("Đã cập nhật trạng thái kế hoạch: %(s)s.") % {"s": plan.get_status_display()})
    return redirect("plans:detail", pk=plan.pk)


@login_required
def plan_diff(request, pk: int):
    plan = _plan_for(request, pk)
    if not plan.supersedes_id:
        raise Http404(_("Kế hoạch này không có phiên bản trước."))
    old = _plan_for(request, plan.supersedes_id)
    return render(request, "plans/plan_diff.html", {"plan": plan, "old": old, "diff": selectors.plan_diff(old, plan)})
