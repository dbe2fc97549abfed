"""Screens of the steering committee: the committee (members, add, end), its reviews, a review (generated sections,
conclusions, follow-up tasks, conclusion, the report). Thin: parse, call a selector or a service, render."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from xaso.core.forms import add_service_errors
from xaso.geo.models import AdminUnit, Level
from xaso.privacy.models import AccessAction
from xaso.privacy.services import log_access
from xaso.reports.render import PdfUnavailable
from xaso.reports.views import _pdf_unavailable, download

from . import selectors, services
from .document import review_docx, review_filename, review_pdf
from .forms import CommitteeForm, ConclusionsForm, FollowUpForm, MemberEndForm, MemberForm, ReviewCreateForm
from .models import FollowUp, Member, ReviewKind


def _commune(request, unit_id: int) -> AdminUnit:
    commune = get_object_or_404(AdminUnit, pk=unit_id, level=Level.COMMUNE)
    try:
        selectors.check_readable(request.user, commune)
    except PermissionDenied:
        raise Http404 from None  # another province's commune: not told it exists
    return commune


@login_required
def home(request):
    user = request.user
    if user.unit_id and user.unit.level == Level.COMMUNE:
        return redirect("steering:committee", unit_id=user.unit_id)
    committees = selectors.committees_for_user(user)[:500]
    return render(request, "steering/home.html", {"committees": committees})


@login_required
def committee(request, unit_id: int):
    commune = _commune(request, unit_id)
    user = request.user
    can_write = selectors.can_write_steering(user, commune)
    found = selectors.committee_of(user=user, commune=commune)
    committee_form = member_form = None
    if can_write:
        posted = request.POST.get("form") if request.method == "POST" else None
        initial = {}
        if found:
            initial = {"name": found.name, "decision_number": found.decision_number,
                       "decision_date": found.decision_date, "decision_signer": found.decision_signer}  # fmt: skip
        committee_form = CommitteeForm(request.POST if posted == "committee" else None,
                                       request.FILES if posted == "committee" else None, initial=initial)  # fmt: skip
        member_form = MemberForm(request.POST if posted == "member" else None, commune=commune,
                                 initial={"valid_from": timezone.localdate()})  # fmt: skip
        if posted == "committee" and committee_form.is_valid():
            try:
                services.committee_save(user=user, commune=commune, **committee_form.cleaned_data)
            except ValidationError as exc:
                add_service_errors(committee_form, exc)
            else:
                messages.success(request, _("Đã lưu quyết định thành lập Ban Chỉ đạo."))
                return redirect("steering:committee", unit_id=commune.pk)
        elif posted == "member" and member_form.is_valid() and found:
            try:
                services.member_add(user=user, committee=found, **member_form.cleaned_data)
            except ValidationError as exc:
                add_service_errors(member_form, exc)
            else:
                messages.success(request, _("Đã thêm thành viên."))
                return redirect("steering:committee", unit_id=commune.pk)
    elif request.method == "POST":
        raise PermissionDenied(_("Bạn không có quyền sửa Ban Chỉ đạo của %(u)s.") % {"u": commune.name})
    current = list(selectors.members_current(found)) if found else []
    if can_write:  # one small form per member, with ids of its own (one page, no repeated id)
        for m in current:
            m.end_form = MemberEndForm(auto_id=f"end-{m.pk}-%s", initial={"valid_to": timezone.localdate()})
    past = list(selectors.members_past(found)[:100]) if found else []
    show_phones = selectors.can_see_phones(user, commune)
    with_phone = sum(1 for m in current if m.phone)
    if show_phones and with_phone:  # a phone is personal data: its read is logged (docs/decisions/0034)
        log_access(user=user, action=AccessAction.LIST, subject_type="steering_member", unit=commune, count=with_phone)
    return render(request, "steering/committee.html", {
        "commune": commune, "committee": found, "current": current, "past": past, "can_write": can_write,
        "show_phones": show_phones, "committee_form": committee_form,
        "member_form": member_form,
    })  # fmt: skip


@login_required
@require_POST
def member_end(request, pk: int):
    member = get_object_or_404(Member.objects.select_related("committee__commune"), pk=pk)
    commune = _commune(request, member.committee.commune_id)
    form = MemberEndForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(e for errors in form.errors.values() for e in errors))
        return redirect("steering:committee", unit_id=commune.pk)
    try:
        services.member_end(user=request.user, member=member, valid_to=form.cleaned_data["valid_to"],
                            reason=form.cleaned_data["reason"])  # fmt: skip
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("%(n)s đã thôi nhiệm vụ trong Ban.") % {"n": member.full_name})
    return redirect("steering:committee", unit_id=commune.pk)


@login_required
def reviews(request, unit_id: int):
    commune = _commune(request, unit_id)
    user = request.user
    can_write = selectors.can_write_steering(user, commune)
    today = timezone.localdate()
    form = None
    if can_write:
        form = ReviewCreateForm(request.POST or None, initial={"year": today.year, "kind": ReviewKind.QUARTER,
                                                               "part": (today.month - 1) // 3 + 1,
                                                               "meeting_date": today})  # fmt: skip
        if request.method == "POST" and form.is_valid():
            try:
                review = services.review_create(user=user, commune=commune, **form.cleaned_data)
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                return redirect("steering:review", pk=review.pk)
    elif request.method == "POST":
        raise PermissionDenied(_("Bạn không có quyền sửa Ban Chỉ đạo của %(u)s.") % {"u": commune.name})
    rows = selectors.reviews_for(user=user, commune=commune)[:200]
    return render(request, "steering/reviews.html", {"commune": commune, "reviews": rows, "form": form,
                                                     "can_write": can_write})  # fmt: skip


@login_required
def review_detail(request, pk: int):
    review = selectors.review_for_user(user=request.user, pk=pk)
    commune = review.committee.commune
    can_write = review.is_draft and selectors.can_write_steering(request.user, commune)
    conclusions_form = follow_up_form = None
    if can_write:
        posted = request.POST.get("form") if request.method == "POST" else None
        conclusions_form = ConclusionsForm(
            request.POST if posted == "conclusions" else None,
            initial={"conclusions": review.conclusions, "number": review.number},
        )
        follow_up_form = FollowUpForm(request.POST if posted == "follow_up" else None, year=review.year)
        if posted == "conclusions" and conclusions_form.is_valid():
            try:
                services.review_conclusions_save(user=request.user, review=review, **conclusions_form.cleaned_data)
            except ValidationError as exc:
                add_service_errors(conclusions_form, exc)
            else:
                messages.success(request, _("Đã lưu kết luận."))
                return redirect("steering:review", pk=review.pk)
        elif posted == "follow_up" and follow_up_form.is_valid():
            try:
                services.follow_up_add(user=request.user, review=review, **follow_up_form.cleaned_data)
            except ValidationError as exc:
                add_service_errors(follow_up_form, exc)
            else:
                messages.success(request, _("Đã thêm nhiệm vụ."))
                return redirect("steering:review", pk=review.pk)
    elif request.method == "POST":
        raise PermissionDenied(_("Phiên này chỉ đọc."))
    plan = review.plan or (selectors.plan_for_year(commune, review.year) if review.is_draft else None)
    return render(request, "steering/review.html", {
        "review": review, "commune": commune, "content": review.content, "can_write": can_write, "plan": plan,
        "follow_ups": list(review.follow_ups.all()), "events": list(review.events.all()),
        "conclusions_form": conclusions_form, "follow_up_form": follow_up_form,
    })  # fmt: skip


@login_required
@require_POST
def review_action(request, pk: int, action: str):
    review = selectors.review_for_user(user=request.user, pk=pk)
    actions = {"regenerate": services.review_regenerate, "conclude": services.review_conclude}
    if run := actions.get(action):
        try:
            run(user=request.user, review=review)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("Đã cập nhật phiên."))
        return redirect("steering:review", pk=review.pk)
    raise Http404


@login_required
@require_POST
def follow_up_remove(request, pk: int):
    follow_up = get_object_or_404(FollowUp.objects.select_related("review"), pk=pk)
    review = selectors.review_for_user(user=request.user, pk=follow_up.review_id)
    try:
        services.follow_up_remove(user=request.user, follow_up=follow_up)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    return redirect("steering:review", pk=review.pk)


@login_required
@require_GET
def review_document(request, pk: int, fmt: str):
    review = selectors.review_for_user(user=request.user, pk=pk)
    if fmt == "docx":
        return download(review_docx(review), review_filename(review, "docx"), "docx")
    if fmt == "pdf":
        try:
            content = review_pdf(review)
        except PdfUnavailable as exc:
            return _pdf_unavailable(request, exc)
        return download(content, review_filename(review, "pdf"), "pdf")
    raise Http404
