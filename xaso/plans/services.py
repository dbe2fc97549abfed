"""Writes on plans: create (template, last year, higher unit), edit while draft, lifecycle, versions."""

from __future__ import annotations

from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from xaso.accounts.permissions import can_approve, can_write_unit
from xaso.core.formatting import format_date
from xaso.core.i18n import in_vietnamese
from xaso.core.limits import PLAN_DATE_MAX, PLAN_DATE_MIN, PLAN_YEAR_MAX, PLAN_YEAR_MIN
from xaso.core.models import Period
from xaso.correspondence.services import document_register_plan
from xaso.files.uploads import EVIDENCE, SIGNED, upload_accept
from xaso.geo.models import AdminUnit
from xaso.indicators.selectors import indicator_values

from .models import BudgetLine, LegalBasis, Plan, PlanStatus, Responsibility, Target, Task, TaskUpdate
from .six import task_missing_six

FRAMEWORK_GOAL = _(
    "Chuyển đổi số toàn diện trên ba trụ cột chính quyền số, kinh tế số, xã hội số; nâng cao hiệu lực, hiệu quả "
    "quản lý, điều hành của chính quyền xã; phục vụ người dân và doanh nghiệp ngày càng tốt hơn."
)
FRAMEWORK_ROADMAP = _(
    "Giai đoạn 1: hoàn thiện nền tảng chính quyền số. Giai đoạn 2: phát triển kinh tế số và xã hội số cơ bản. "
    "Giai đoạn 3: chuyển đổi số nâng cao."
)


def _require_writer(user, unit: AdminUnit) -> None:
    if not can_write_unit(user, unit):
        raise PermissionDenied(_("Bạn không có quyền lập hoặc sửa kế hoạch của %(unit)s.") % {"unit": unit.name})


def _require_year(year: object, field: str = "year") -> None:
    """A plan year within 2000–2100 (`xaso.core.limits`): a year 0 or 32767 would break every screen showing it."""
    if isinstance(year, bool) or not isinstance(year, int) or not PLAN_YEAR_MIN <= year <= PLAN_YEAR_MAX:
        raise ValidationError(
            {field: _("Năm kế hoạch phải từ %(lo)s đến %(hi)s.") % {"lo": PLAN_YEAR_MIN, "hi": PLAN_YEAR_MAX}}
        )


def _require_date(value: object, field: str) -> None:
    """A plan date (issue, update) within 01/01/2000–31/12/2100."""
    if not isinstance(value, date) or not PLAN_DATE_MIN <= value <= PLAN_DATE_MAX:
        raise ValidationError(
            {
                field: _("Ngày phải từ %(lo)s đến %(hi)s.")
                % {"lo": format_date(PLAN_DATE_MIN), "hi": format_date(PLAN_DATE_MAX)}
            }
        )


def _clean_copy(obj, what: str) -> None:
    """A child copied from another plan is checked like a new one: rows stored before the bounds are not copied on."""
    try:
        obj.full_clean(exclude=["plan"], validate_unique=False, validate_constraints=False)
    except ValidationError as exc:
        problems = "; ".join(f"{k}: {' '.join(v)}" for k, v in exc.message_dict.items())
        raise ValidationError(
            _("%(what)s “%(obj)s” của kế hoạch nguồn không hợp lệ (%(problems)s): sửa kế hoạch nguồn trước.")
            % {"what": what, "obj": str(obj)[:80], "problems": problems}
        ) from None


def _require_editable(plan: Plan) -> None:
    if not plan.is_editable:
        raise ValidationError(
            _("Kế hoạch “%(p)s” đã ban hành: chỉ đọc. Tạo phiên bản mới để điều chỉnh.") % {"p": plan.title}
        )


#: what no caller may set on a row through `**fields`: its identity and the plan that owns it
_NOT_ASSIGNABLE = frozenset({"id", "pk", "plan", "plan_id"})
#: the plan's own sections (`plan_sections_save`); status, unit, issuance and versions change only by lifecycle actions
PLAN_SECTION_FIELDS = frozenset({"title", "year_from", "year_to", "general_goal", "roadmap", "budget_text"})


def _assign(obj, fields: dict, *, allowed: frozenset[str] | None = None) -> None:
    """Set `fields` on `obj`; naming the owner or identity (or a field outside `allowed`) is a programming error."""
    bad = set(fields) & _NOT_ASSIGNABLE if allowed is None else set(fields) - allowed
    if bad:
        raise TypeError(f"{type(obj).__name__}: not assignable here: {', '.join(sorted(bad))}")
    for key, value in fields.items():
        setattr(obj, key, value)


def _stored(plan: Plan) -> Plan:
    """`plan` as stored, locked until the transaction ends: its stored unit and status decide, not the object in
    memory (a bound form changes it) — and an approval cannot slip in between the check and the write."""
    plan.refresh_from_db(from_queryset=_locked_plans())
    return plan


def _locked_plans():
    return Plan.objects.select_for_update(of=("self",)).select_related("unit")


def _child_plan(*, user, plan: Plan | None, obj) -> Plan:
    """The plan a write on a target, task, budget line or responsibility is authorised against.

    A new row is checked against `plan`, where it will be created. An existing row is checked against the plan that
    owns it in the database — never against a plan named by the request or set on the object in memory, which
    is how an officer could once change rows of an approved plan or of another commune by naming a plan of their
    own. Naming another plan for an existing row would move it: xaso does not move rows between plans (tasks link
    targets of their own plan, and an approved plan is read-only), so the move is refused on the field `plan`.
    """
    if obj is None or obj.pk is None:
        if plan is None:
            raise TypeError("a new row needs the plan it belongs to")
        plan = _stored(plan)
        _require_writer(user, plan.unit)
        _require_editable(plan)
        return plan
    owner = _locked_plans().get(pk=type(obj).objects.filter(pk=obj.pk).values("plan_id")[:1])
    obj.plan = owner  # saved with the owner it has in the database, whatever was set in memory
    _require_writer(user, owner.unit)
    _require_editable(owner)
    if plan is not None and plan.pk != owner.pk:
        raise ValidationError(
            {
                "plan": _(
                    "Không chuyển %(row)s sang kế hoạch khác: %(row)s thuộc kế hoạch “%(p)s”. Muốn đưa sang kế "
                    "hoạch khác, thêm mới ở kế hoạch đó rồi xóa ở kế hoạch này."
                )
                % {"row": obj._meta.verbose_name, "p": owner.title}
            }
        )
    return owner


@in_vietnamese
@transaction.atomic
def plan_create_from_template(*, user, unit: AdminUnit, year: int, title: str = "") -> Plan:
    """A new draft on the national framework (seed 001, Part I): the eight sections ready to fill."""
    _require_writer(user, unit)
    _require_year(year)
    return Plan.objects.create(
        unit=unit,
        year_from=year,
        year_to=year,
        title=title or _("Kế hoạch chuyển đổi số năm %(y)s của %(u)s") % {"y": year, "u": unit.name},
        general_goal=str(FRAMEWORK_GOAL),
        roadmap=str(FRAMEWORK_ROADMAP),
        created_by=user,
    )


def _copy_children(source: Plan, plan: Plan, *, carry_targets: bool) -> None:
    target_map: dict[int, Target] = {}
    for t in source.targets.select_related("indicator"):
        old_id = t.id
        t.pk = None
        t.plan = plan
        t.carried_from_id = old_id if carry_targets else t.carried_from_id
        if carry_targets and isinstance(t.horizon_year, int) and t.horizon_year < plan.year_from:
            t.horizon_year = plan.year_from  # a horizon already passed moves to the new year
        _clean_copy(t, _("Chỉ tiêu"))
        t.save()
        target_map[old_id] = t
    for task in source.tasks.prefetch_related("targets"):
        linked = [target_map[t.id] for t in task.targets.all() if t.id in target_map]
        task.pk = None
        task.plan = plan
        task.status = "not_started" if carry_targets else task.status
        _clean_copy(task, _("Nhiệm vụ"))
        task.save()
        task.targets.set(linked)
    for line in source.budget_lines.all():
        line.pk = None
        line.plan = plan
        _clean_copy(line, _("Dòng kinh phí"))
        line.save()
    for resp in source.responsibilities.all():
        resp.pk = None
        resp.plan = plan
        resp.save()
    plan.legal_bases.set(source.legal_bases.all())


@in_vietnamese
@transaction.atomic
def plan_create_from_previous(*, user, previous: Plan, year: int | None = None) -> Plan:
    """Next year's draft: same structure, targets carried forward (linked for year-on-year comparison)."""
    _require_writer(user, previous.unit)
    year = year or previous.year_to + 1
    _require_year(year)
    plan = Plan.objects.create(
        unit=previous.unit, year_from=year, year_to=year, previous_plan=previous, created_by=user,
        title=_("Kế hoạch chuyển đổi số năm %(y)s của %(u)s") % {"y": year, "u": previous.unit.name},
        general_goal=previous.general_goal, roadmap=previous.roadmap, budget_text=previous.budget_text,
    )  # fmt: skip
    _copy_children(previous, plan, carry_targets=True)
    return plan


@in_vietnamese
@transaction.atomic
def plan_create_from_parent(*, user, parent: Plan, unit: AdminUnit, year: int | None = None) -> Plan:
    """A commune's draft from a higher unit's plan: the higher unit's targets become its minimums."""
    _require_writer(user, unit)
    if not unit.path.startswith(parent.unit.path):
        raise ValidationError(_("%(u)s không thuộc %(p)s.") % {"u": unit.name, "p": parent.unit.name})
    year = year or parent.year_from
    _require_year(year)
    _require_year(parent.year_to, "source")
    plan = Plan.objects.create(
        unit=unit, year_from=year, year_to=max(year, parent.year_to), parent_plan=parent, created_by=user,
        title=_("Kế hoạch chuyển đổi số năm %(y)s của %(u)s") % {"y": year, "u": unit.name},
        general_goal=parent.general_goal, roadmap=parent.roadmap,
    )  # fmt: skip
    source = _("Chỉ tiêu tối thiểu của %(p)s") % {"p": parent.unit.name}
    for t in parent.targets.select_related("indicator"):
        target = Target(
            plan=plan, indicator=t.indicator, comparator=t.comparator, value=t.value, horizon_year=t.horizon_year,
            stated_text=t.stated_text, is_vague=t.is_vague, source=source, sort_order=t.sort_order,
        )  # fmt: skip
        _clean_copy(target, _("Chỉ tiêu"))
        target.save()
    plan.legal_bases.set(parent.legal_bases.all())
    return plan


@transaction.atomic
def plan_sections_save(*, user, plan: Plan, legal_bases=None, **fields) -> Plan:
    """Edit the plan's own sections (title, years, general goal, roadmap, budget text) while it is a draft.

    Checked against the plan as stored: an object changed in memory (a bound form) cannot lift the rules."""
    plan = _stored(plan)
    _require_writer(user, plan.unit)
    _require_editable(plan)
    _assign(plan, fields, allowed=PLAN_SECTION_FIELDS)
    _require_year(plan.year_from, "year_from")
    _require_year(plan.year_to, "year_to")
    if plan.year_from > plan.year_to:
        raise ValidationError({"year_to": _("Năm kết thúc phải từ năm bắt đầu trở đi.")})
    plan.full_clean()
    plan.save()
    if legal_bases is not None:
        plan.legal_bases.set(legal_bases)
    return plan


@transaction.atomic
def legal_basis_add(*, user, plan: Plan, number: str, issuer: str, title: str, issued_on=None) -> LegalBasis:
    """Attach a legal basis, reusing the shared entry when the same number and issuer already exist."""
    plan = _stored(plan)
    _require_writer(user, plan.unit)
    _require_editable(plan)
    LegalBasis(number=number.strip(), issuer=issuer.strip(), title=title.strip(), issued_on=issued_on).full_clean(
        validate_unique=False, validate_constraints=False
    )
    basis, _created = LegalBasis.objects.get_or_create(
        number=number.strip(), issuer=issuer.strip(), defaults={"title": title.strip(), "issued_on": issued_on}
    )
    plan.legal_bases.add(basis)
    return basis


@transaction.atomic
def target_save(*, user, plan: Plan | None = None, target: Target | None = None, **fields) -> Target:
    """Add a target to `plan`, or change `target` (authorised against its own plan; `plan`, if given, must be it)."""
    plan = _child_plan(user=user, plan=plan, obj=target)
    if fields.get("horizon_year") and fields["horizon_year"] < plan.year_from:
        raise ValidationError({"horizon_year": _("Mốc chỉ tiêu phải từ năm %(y)s trở đi.") % {"y": plan.year_from}})
    target = target or Target(plan=plan)
    _assign(target, fields)
    if target.baseline_value is None and "baseline_value" not in fields and target.indicator_id:
        target.baseline_value, target.baseline_date = _baseline_from_data(user=user, plan=plan, target=target)
    target.full_clean()
    target.save()
    return target


def _baseline_from_data(*, user, plan: Plan, target: Target) -> tuple[float | None, date | None]:
    """The indicator's value for the year before the plan starts (the plan's starting point), when there is one."""
    year = Period.objects.filter(code=str(plan.year_from - 1)).first()
    if year is None:
        return None, None
    cell = indicator_values(user=user, indicators=[target.indicator], units=[plan.unit], periods=[year]).get(
        (plan.unit_id, target.indicator_id, year.id)
    )
    if cell is None or cell.value is None:
        return None, None
    return round(cell.value, 4), year.end


@transaction.atomic
def task_save(*, user, plan: Plan | None = None, task: Task | None = None, targets=None, **fields) -> Task:
    """Add a task to `plan`, or change `task` (authorised against its own plan; `plan`, if given, must be it).

    `targets` replaces the task's links: only targets of the task's own plan, as stored in the database."""
    plan = _child_plan(user=user, plan=plan, obj=task)
    if targets is not None:
        ids = {t.pk for t in targets}
        if set(plan.targets.filter(pk__in=ids).values_list("pk", flat=True)) != ids:
            raise ValidationError({"targets": _("Chỉ gắn nhiệm vụ với chỉ tiêu của cùng kế hoạch.")})
    task = task or Task(plan=plan)
    _assign(task, fields)
    task.full_clean()
    task.save()
    if targets is not None:
        task.targets.set(ids)
    return task


#: the plans a steering committee's follow-up task may enter: any but a closed one (docs/decisions/0043)
DIRECTED_STATUSES = (PlanStatus.DRAFT, PlanStatus.SUBMITTED, PlanStatus.APPROVED, PlanStatus.IN_EXECUTION)


@transaction.atomic
def task_add_directed(*, user, plan: Plan, **fields) -> Task:
    """A task the commune's steering committee assigns in a concluded review (xaso.steering).

    It enters the plan even once the plan is issued: the committee's signed conclusion is its authority, as the
    issued plan is for the others (docs/decisions/0043-steering-committee.md). So it must carry the "6 rõ" in full
    whatever the plan's status; a closed plan takes no new task. Authorised against the plan as stored."""
    plan = _stored(plan)
    _require_writer(user, plan.unit)
    if plan.status not in DIRECTED_STATUSES:
        raise ValidationError(_("Kế hoạch “%(p)s” đã tổng kết: không nhận thêm nhiệm vụ.") % {"p": plan.title})
    task = Task(plan=plan)
    _assign(task, fields)
    missing = task_missing_six(task)
    if missing:
        raise ValidationError(
            _("Nhiệm vụ “%(task)s” còn thiếu: %(fields)s.") % {"task": task.title[:80], "fields": ", ".join(missing)}
        )
    task.full_clean()
    task.save()
    return task


@transaction.atomic
def budget_line_save(*, user, plan: Plan | None = None, line: BudgetLine | None = None, **fields) -> BudgetLine:
    """Add a line to `plan`, or change `line` (authorised against its own plan; `plan`, if given, must be it)."""
    plan = _child_plan(user=user, plan=plan, obj=line)
    line = line or BudgetLine(plan=plan)
    _assign(line, fields)
    for name in ("invest_equipment", "invest_socialised", "invest_rented", "running_maintenance", "running_rented",
                 "alloc_province", "alloc_district", "alloc_commune", "alloc_self"):  # fmt: skip
        if (getattr(line, name) or 0) < 0:
            raise ValidationError({name: _("Số tiền không được âm.")})
    line.full_clean()
    line.save()
    return line


@transaction.atomic
def responsibility_save(*, user, plan: Plan, unit_name: str, duties: str, sort_order: int = 0) -> Responsibility:
    plan = _child_plan(user=user, plan=plan, obj=None)
    return Responsibility.objects.create(plan=plan, unit_name=unit_name, duties=duties, sort_order=sort_order)


@transaction.atomic
def plan_child_delete(*, user, obj) -> None:
    """Remove a target, task or budget line of a draft plan: checked against the plan stored as its owner."""
    _child_plan(user=user, plan=None, obj=obj)
    obj.delete()


@transaction.atomic
def plan_submit(*, plan: Plan, user) -> Plan:
    """Draft → submitted: every task must satisfy the "6 rõ"; the message names what is missing."""
    plan = _stored(plan)
    _require_writer(user, plan.unit)
    if plan.status != PlanStatus.DRAFT:
        raise ValidationError(_("Chỉ trình kế hoạch đang ở trạng thái dự thảo."))
    problems = []
    for task in plan.tasks.all():
        missing = task_missing_six(task)
        if missing:
            problems.append(
                _("Nhiệm vụ “%(task)s” còn thiếu: %(fields)s.")
                % {"task": task.title[:80], "fields": ", ".join(missing)}
            )
    if not plan.targets.exists():
        problems.append(_("Kế hoạch chưa có chỉ tiêu nào."))
    if problems:
        raise ValidationError(problems)
    plan.status = PlanStatus.SUBMITTED
    plan.save(update_fields=["status", "updated_at"])
    return plan


@transaction.atomic
def plan_approve(*, plan: Plan, user, number: str, issued_on: date, signer_name: str, signer_title: str,
                 signed_file=None) -> Plan:  # fmt: skip
    """Submitted → approved and issued (number such as 30/KH-UBND, date, signer, signed file)."""
    plan = _stored(plan)
    if not can_approve(user, plan.unit):
        raise PermissionDenied(_("Chỉ lãnh đạo UBND có thẩm quyền phê duyệt kế hoạch."))
    if plan.status != PlanStatus.SUBMITTED:
        raise ValidationError(_("Chỉ phê duyệt kế hoạch đã trình."))
    errors = {}
    if not (number or "").strip():
        errors["number"] = _("Nhập số, ký hiệu văn bản (ví dụ 30/KH-UBND).")
    if not (signer_name or "").strip():
        errors["signer_name"] = _("Nhập họ tên người ký.")
    if not isinstance(issued_on, date) or not PLAN_DATE_MIN <= issued_on <= PLAN_DATE_MAX:
        errors["issued_on"] = _("Ngày ban hành phải từ %(lo)s đến %(hi)s.") % {
            "lo": format_date(PLAN_DATE_MIN),
            "hi": format_date(PLAN_DATE_MAX),
        }
    if errors:
        raise ValidationError(errors)
    plan.number, plan.issued_on = number.strip(), issued_on
    plan.signer_name, plan.signer_title = signer_name.strip(), (signer_title or "").strip()
    if signed_file:
        accepted = upload_accept(signed_file, policy=SIGNED, field="signed_file")  # before anything is stored
        plan.signed_file, plan.signed_file_name = accepted.content, accepted.download_name
    plan.status = PlanStatus.APPROVED
    plan.save()
    document_register_plan(plan=plan, user=user)  # the issued plan is an outgoing document of the commune
    return plan


@transaction.atomic
def plan_start_execution(*, plan: Plan, user) -> Plan:
    plan = _stored(plan)
    _require_writer(user, plan.unit)
    if plan.status != PlanStatus.APPROVED:
        raise ValidationError(_("Chỉ đưa vào thực hiện kế hoạch đã ban hành."))
    plan.status = PlanStatus.IN_EXECUTION
    plan.save(update_fields=["status", "updated_at"])
    return plan


@transaction.atomic
def plan_close(*, plan: Plan, user, evaluation: str) -> Plan:
    plan = _stored(plan)
    _require_writer(user, plan.unit)
    if plan.status != PlanStatus.IN_EXECUTION:
        raise ValidationError(_("Chỉ tổng kết kế hoạch đang thực hiện."))
    if not (evaluation or "").strip():
        raise ValidationError({"evaluation": _("Nhập đánh giá kết quả cuối năm trước khi tổng kết.")})
    plan.evaluation = evaluation.strip()
    plan.status = PlanStatus.CLOSED
    plan.save(update_fields=["evaluation", "status", "updated_at"])
    return plan


@transaction.atomic
def plan_new_version(*, plan: Plan, user) -> Plan:
    """An approved plan is read-only: changes go through a new draft version that supersedes it."""
    plan = _stored(plan)
    _require_writer(user, plan.unit)
    if plan.is_editable:
        raise ValidationError(_("Kế hoạch đang là dự thảo: sửa trực tiếp, không cần phiên bản mới."))
    draft = Plan.objects.create(
        unit=plan.unit, title=plan.title, year_from=plan.year_from, year_to=plan.year_to, version=plan.version + 1,
        supersedes=plan, previous_plan=plan.previous_plan, parent_plan=plan.parent_plan, general_goal=plan.general_goal,
        roadmap=plan.roadmap, budget_text=plan.budget_text, created_by=user,
    )  # fmt: skip
    _copy_children(plan, draft, carry_targets=False)
    return draft


@transaction.atomic
def task_update_add(*, task: Task, user, on: date, percent_done: int, text: str, evidence=None) -> TaskUpdate:
    """Report progress on a task: written by those who write the unit of the plan that owns the task as stored."""
    task.refresh_from_db()  # the plan that owns it as stored, not as set in memory
    task.plan = _locked_plans().get(pk=task.plan_id)
    _require_writer(user, task.plan.unit)
    if task.plan.status == PlanStatus.CLOSED:
        raise ValidationError(
            _("Kế hoạch “%(p)s” đã tổng kết: không nhận thêm cập nhật tiến độ nhiệm vụ.") % {"p": task.plan.title}
        )
    if not 0 <= percent_done <= 100:
        raise ValidationError({"percent_done": _("Phần trăm hoàn thành phải từ 0 đến 100.")})
    if not (text or "").strip():
        raise ValidationError({"text": _("Nhập nội dung cập nhật.")})
    _require_date(on, "on")
    accepted = upload_accept(evidence, policy=EVIDENCE, field="evidence") if evidence else None
    update = TaskUpdate.objects.create(task=task, on=on, percent_done=percent_done, text=text.strip(),
                                       evidence=accepted.content if accepted else "",
                                       evidence_name=accepted.download_name if accepted else "",
                                       created_by=user)  # fmt: skip
    new_status = "done" if percent_done == 100 else "in_progress"
    if task.status != new_status and task.status != "cancelled":
        task.status = new_status
        task.save(update_fields=["status", "updated_at"])
    return update
