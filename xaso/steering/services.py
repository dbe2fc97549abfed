"""Writes of the steering committee: the committee and its members (never deleted: ended), its reviews (generated,
concluded, locked) and the follow-up tasks that enter the commune's plan. Each is atomic and authorised against the
stored row's commune: only the commune's officers and leaders write; the province reads."""

from __future__ import annotations

import re
from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from xaso.accounts.permissions import can_write_commune
from xaso.core.formatting import format_date
from xaso.core.i18n import in_vietnamese
from xaso.core.limits import PLAN_DATE_MAX, PLAN_DATE_MIN, PLAN_YEAR_MAX, PLAN_YEAR_MIN
from xaso.files.uploads import SIGNED, upload_accept
from xaso.geo.models import AdminUnit
from xaso.plans.services import task_add_directed
from xaso.plans.six import task_missing_six

from . import selectors
from .models import Committee, FollowUp, Leadership, Member, MemberRole, Review, ReviewEvent, ReviewKind, ReviewStatus
from .periods import PARTS, bounds, review_title

MAX_CONCLUSIONS = 10_000
MAX_TEXT = 2_000
MAX_FOLLOW_UPS = 30
MAX_MEMBERS = 60
PHONE = re.compile(r"^\+?[0-9 .]{8,15}$")


def _require_writer(user, commune: AdminUnit) -> None:
    if not can_write_commune(user, commune):
        raise PermissionDenied(_("Bạn không có quyền sửa Ban Chỉ đạo của %(u)s.") % {"u": commune.name})


def _require_date(value: object, field: str) -> None:
    if not isinstance(value, date) or not PLAN_DATE_MIN <= value <= PLAN_DATE_MAX:
        raise ValidationError(
            {
                field: _("Ngày phải từ %(lo)s đến %(hi)s.")
                % {"lo": format_date(PLAN_DATE_MIN), "hi": format_date(PLAN_DATE_MAX)}
            }
        )


def _text(value: object, field: str, label: str, *, max_length: int, required: bool = True) -> str:
    text = str(value or "").strip()
    if required and not text:
        raise ValidationError({field: _("Nhập %(f)s.") % {"f": label}})
    if len(text) > max_length:
        raise ValidationError({field: _("%(f)s dài quá %(n)s ký tự.") % {"f": label, "n": max_length}})
    return text


# --- the committee and its members ---------------------------------------------------------------------------------


@in_vietnamese
@transaction.atomic
def committee_save(*, user, commune: AdminUnit, name: str = "", decision_number: str = "", decision_date=None,
                   decision_signer: str = "", decision_file=None) -> Committee:  # fmt: skip
    """Establish the commune's committee, or record its new decision (kiện toàn): one committee per commune."""
    _require_writer(user, commune)
    if decision_date is not None:
        _require_date(decision_date, "decision_date")
    committee = Committee.objects.select_for_update().filter(commune=commune).first() or Committee(
        commune=commune, created_by=user
    )
    committee.name = _text(name, "name", _("tên Ban"), max_length=200, required=False) or committee.name
    committee.decision_number = _text(decision_number, "decision_number", _("số quyết định"), max_length=60,
                                      required=False)  # fmt: skip
    committee.decision_date = decision_date
    committee.decision_signer = _text(decision_signer, "decision_signer", _("người ký"), max_length=150,
                                      required=False)  # fmt: skip
    if decision_file:
        accepted = upload_accept(decision_file, policy=SIGNED, field="decision_file")
        committee.decision_file, committee.decision_file_name = accepted.content, accepted.download_name
    committee.full_clean()
    committee.save()
    return committee


def _locked_committee(committee: Committee) -> Committee:
    return Committee.objects.select_for_update().select_related("commune").get(pk=committee.pk)


@transaction.atomic
def member_add(*, user, committee: Committee, full_name: str, position: str, role: str, valid_from: date,
               leadership: str = "", duties: str = "", phone: str = "", account=None) -> Member:  # fmt: skip
    """A member from `valid_from`. One head at a time: a new head comes after the former one's term is ended."""
    committee = _locked_committee(committee)
    commune = committee.commune
    _require_writer(user, commune)
    if role not in MemberRole.values:
        raise ValidationError({"role": _("Chọn vai trò trong Ban.")})
    if leadership not in Leadership.values:
        raise ValidationError({"leadership": _("Chọn chức danh lãnh đạo UBND xã.")})
    _require_date(valid_from, "valid_from")
    phone = _text(phone, "phone", _("số điện thoại"), max_length=20, required=False)
    if phone and not PHONE.match(phone):
        raise ValidationError({"phone": _("Số điện thoại chỉ gồm chữ số (8–15 số).")})
    if account is not None and (account.unit_id != commune.id or not account.is_active):
        raise ValidationError({"account": _("Chỉ liên kết tài khoản của %(u)s.") % {"u": commune.name}})
    if committee.members.filter(valid_to__isnull=True).count() >= MAX_MEMBERS:
        raise ValidationError(_("Ban đã có %(n)s thành viên.") % {"n": MAX_MEMBERS})
    if role == MemberRole.HEAD:
        current = committee.members.filter(role=MemberRole.HEAD, valid_to__isnull=True).first()
        if current is not None:
            raise ValidationError({"role": _("Ban đã có Trưởng ban (%(n)s): kết thúc nhiệm vụ của người này trước.")
                                   % {"n": current.full_name}})  # fmt: skip
    member = Member(
        committee=committee, role=role, leadership=leadership, valid_from=valid_from, phone=phone, user=account,
        full_name=_text(full_name, "full_name", _("họ và tên"), max_length=150),
        position=_text(position, "position", _("chức vụ"), max_length=200),
        duties=_text(duties, "duties", _("nhiệm vụ được phân công"), max_length=300, required=False),
    )  # fmt: skip
    member.full_clean(validate_constraints=False)
    try:
        with transaction.atomic():
            member.save()
    except IntegrityError:  # a head added at the same moment by someone else
        raise ValidationError({"role": _("Ban đã có Trưởng ban: kết thúc nhiệm vụ của người này trước.")}) from None
    return member


@transaction.atomic
def member_end(*, user, member: Member, valid_to: date, reason: str = "") -> Member:
    """A member leaves on `valid_to`: the row stays, so the committee of an earlier day reads back."""
    member = Member.objects.select_for_update().select_related("committee__commune").get(pk=member.pk)
    _require_writer(user, member.committee.commune)
    if member.valid_to is not None:
        raise ValidationError(_("%(n)s đã thôi nhiệm vụ từ %(d)s.") % {"n": member.full_name,
                                                                     "d": format_date(member.valid_to)})  # fmt: skip
    _require_date(valid_to, "valid_to")
    if valid_to < member.valid_from:
        raise ValidationError({"valid_to": _("Ngày thôi nhiệm vụ phải từ %(d)s trở đi.")
                               % {"d": format_date(member.valid_from)}})  # fmt: skip
    member.valid_to = valid_to
    member.end_reason = _text(reason, "reason", _("lý do"), max_length=300, required=False)
    member.save(update_fields=["valid_to", "end_reason", "updated_at"])
    return member


# --- reviews -------------------------------------------------------------------------------------------------------


def _log(review: Review, user, action: str, note: str = "") -> None:
    ReviewEvent.objects.create(review=review, action=action, note=note[:300], by=user)


def _as_of(kind: str, year: int, part: int, today: date) -> date:
    """The figures a review reads: up to the end of its period, or today while the period runs."""
    return min(bounds(kind, year, part)[1], today)


@in_vietnamese
@transaction.atomic
def review_create(*, user, commune: AdminUnit, kind: str, year: int, part: int, meeting_date: date,
                  today: date | None = None) -> Review:  # fmt: skip
    """Open a review of a quarter, half-year or year and generate its content from the operations centre."""
    _require_writer(user, commune)
    committee = Committee.objects.filter(commune=commune).first()
    if committee is None:
        raise ValidationError(_("%(u)s chưa có Ban Chỉ đạo: nhập quyết định thành lập và thành viên trước.")
                              % {"u": commune.name})  # fmt: skip
    if kind not in ReviewKind.values:
        raise ValidationError({"kind": _("Chọn kỳ sơ kết, tổng kết.")})
    if isinstance(year, bool) or not isinstance(year, int) or not PLAN_YEAR_MIN <= year <= PLAN_YEAR_MAX:
        raise ValidationError(
            {"year": _("Năm phải từ %(lo)s đến %(hi)s.") % {"lo": PLAN_YEAR_MIN, "hi": PLAN_YEAR_MAX}}
        )
    if kind == ReviewKind.YEAR:
        part = 0
    if part not in PARTS[kind]:
        raise ValidationError({"part": _("Chọn quý (1–4) hoặc nửa năm (1–2).")})
    _require_date(meeting_date, "meeting_date")
    start = bounds(kind, year, part)[0]
    if meeting_date < start:
        raise ValidationError({"meeting_date": _("Ngày họp phải từ %(d)s trở đi.") % {"d": format_date(start)}})
    if Review.objects.filter(committee=committee, kind=kind, year=year, part=part).exists():
        raise ValidationError(_("Đã có phiên “%(t)s”.") % {"t": review_title(kind, year, part)})
    today = today or timezone.localdate()
    as_of = _as_of(kind, year, part, today)
    review = Review.objects.create(
        committee=committee, kind=kind, year=year, part=part, meeting_date=meeting_date, as_of=as_of,
        content=selectors.review_content(user=user, commune=commune, year=year, as_of=as_of),
        generated_at=timezone.now(), created_by=user,
    )  # fmt: skip
    _log(review, user, "create")
    return review


def _locked_review(review: Review) -> Review:
    return Review.objects.select_for_update().select_related("committee__commune").get(pk=review.pk)


def _require_draft(user, review: Review) -> None:
    _require_writer(user, review.committee.commune)
    if review.status != ReviewStatus.DRAFT:
        raise ValidationError(_("Phiên “%(t)s” đã kết luận: chỉ đọc.") % {"t": review.title})


@in_vietnamese
@transaction.atomic
def review_regenerate(*, user, review: Review, today: date | None = None) -> Review:
    """Generate the content again from today's figures (a draft only)."""
    review = _locked_review(review)
    _require_draft(user, review)
    review.as_of = _as_of(review.kind, review.year, review.part, today or timezone.localdate())
    review.content = selectors.review_content(user=user, commune=review.committee.commune, year=review.year,
                                              as_of=review.as_of)  # fmt: skip
    review.generated_at = timezone.now()
    review.save(update_fields=["as_of", "content", "generated_at", "updated_at"])
    _log(review, user, "regenerate")
    return review


@transaction.atomic
def review_conclusions_save(*, user, review: Review, conclusions: str, number: str = "") -> Review:
    review = _locked_review(review)
    _require_draft(user, review)
    review.conclusions = _text(conclusions, "conclusions", _("kết luận"), max_length=MAX_CONCLUSIONS, required=False)
    review.number = _text(number, "number", _("số, ký hiệu"), max_length=40, required=False)
    review.save(update_fields=["conclusions", "number", "updated_at"])
    _log(review, user, "conclusions")
    return review


def _six_error(follow_up: FollowUp, n: int | None = None) -> ValidationError | None:
    missing = task_missing_six(follow_up.as_task())
    if not missing:
        return None
    if n is None:
        return ValidationError(_("Nhiệm vụ còn thiếu: %(fields)s.") % {"fields": ", ".join(missing)})
    return ValidationError(_("Nhiệm vụ %(n)s “%(t)s” còn thiếu: %(fields)s.")
                           % {"n": n, "t": follow_up.title[:80], "fields": ", ".join(missing)})  # fmt: skip


@transaction.atomic
def follow_up_add(*, user, review: Review, **fields) -> FollowUp:
    """A follow-up task with its "6 rõ" in full: one missing is refused, naming it, and nothing is saved."""
    review = _locked_review(review)
    _require_draft(user, review)
    if review.follow_ups.count() >= MAX_FOLLOW_UPS:
        raise ValidationError(_("Một phiên giao tối đa %(n)s nhiệm vụ.") % {"n": MAX_FOLLOW_UPS})
    bad = set(fields) - set(FollowUp.TASK_FIELDS)
    if bad:
        raise TypeError(f"FollowUp: not assignable here: {', '.join(sorted(bad))}")
    follow_up = FollowUp(review=review, **fields)
    for name in ("title", "person", "lead_unit", "deliverable", "approver", "coordinating_units"):
        setattr(follow_up, name, str(getattr(follow_up, name) or "").strip())
    if len(follow_up.title) > MAX_TEXT or len(follow_up.deliverable) > MAX_TEXT:
        raise ValidationError(_("Nội dung hoặc sản phẩm dài quá %(n)s ký tự.") % {"n": MAX_TEXT})
    error = _six_error(follow_up)
    if error:
        raise error
    follow_up.full_clean(exclude=["task"])
    follow_up.save()
    _log(review, user, "follow_up_add", follow_up.title)
    return follow_up


@transaction.atomic
def follow_up_remove(*, user, follow_up: FollowUp) -> None:
    review = _locked_review(follow_up.review)
    follow_up = FollowUp.objects.get(pk=follow_up.pk, review=review)
    _require_draft(user, review)
    _log(review, user, "follow_up_remove", follow_up.title)
    follow_up.delete()


@in_vietnamese
@transaction.atomic
def review_conclude(*, user, review: Review) -> Review:
    """Conclude: the follow-up tasks enter the commune's plan of the review's year through the plans' service, the
    head serving on the meeting day signs, and the review locks. All or nothing: one task refused (a "rõ"
    missing, no plan to enter) and nothing changes — no task in the plan, the review still a draft."""
    review = _locked_review(review)
    _require_draft(user, review)
    commune = review.committee.commune
    if not review.conclusions.strip():
        raise ValidationError({"conclusions": _("Nhập kết luận của Ban Chỉ đạo trước khi kết luận phiên.")})
    head = selectors.head_on(commune, review.meeting_date)
    if head is None:
        raise ValidationError(_("Ban Chỉ đạo chưa có Trưởng ban vào ngày họp %(d)s: không có người ký báo cáo.")
                              % {"d": format_date(review.meeting_date)})  # fmt: skip
    follow_ups = list(review.follow_ups.all())
    problems = [e.messages[0] for n, f in enumerate(follow_ups, start=1) if (e := _six_error(f, n))]
    if problems:
        raise ValidationError(problems)
    plan = selectors.plan_for_year(commune, review.year) if follow_ups else None
    if follow_ups and plan is None:
        raise ValidationError(_("%(u)s chưa có kế hoạch chuyển đổi số năm %(y)s để nhận nhiệm vụ.")
                              % {"u": commune.name, "y": review.year})  # fmt: skip
    for n, follow_up in enumerate(follow_ups, start=1):
        try:
            follow_up.task = task_add_directed(user=user, plan=plan, **follow_up.task_fields())
        except ValidationError as exc:
            raise ValidationError(_("Nhiệm vụ %(n)s: %(e)s") % {"n": n, "e": " ".join(exc.messages)}) from None
        follow_up.save(update_fields=["task"])
    review.plan = plan
    review.signer_name, review.signer_role = head.full_name, head.role
    review.status = ReviewStatus.CONCLUDED
    review.concluded_at, review.concluded_by = timezone.now(), user
    review.save()
    _log(review, user, "conclude", plan.title if plan else "")
    return review
