"""Census pages for the commune (phone first): progress per village, a village's households, a household (read,
edit, correct on request, consent withdrawn, conflicts seen), the personal-data export with its stated reason.

Who sees what is decided by xaso.census.permissions; every page that shows names logs the read (xaso.privacy).
Anybody who reads the commune but may not see names (a province analyst) gets the progress page with counts
under 5 shown as "<5", and a 404 on every page that would show a household.
"""

from __future__ import annotations

import csv
import uuid

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from xaso.accounts.permissions import can_read_unit
from xaso.core.spreadsheet import csv_value
from xaso.geo.models import AdminUnit, Level
from xaso.indicators.models import DataElement
from xaso.privacy.models import AccessAction, ConsentMethod
from xaso.privacy.services import PrivacyError, log_access, reason_clean
from xaso.registers.selectors import imports_recent

from . import questions as q
from . import selectors, services
from .figures import cell_rules
from .models import Household, VillageCensus
from .permissions import can_see_names, is_commune_officer_of, team_member_of
from .register import HOUSEHOLDS

PAGE_SIZE = 25
#: a search term at most this long
SEARCH_MAX = 60


def _commune(request, code: str) -> AdminUnit:
    unit = get_object_or_404(AdminUnit, code=code, level=Level.COMMUNE)
    if not can_read_unit(request.user, unit):
        raise Http404
    return unit


def _village_with_names(request, code: str) -> AdminUnit:
    village = get_object_or_404(AdminUnit.objects.select_related("parent"), code=code, level=Level.VILLAGE)
    if not can_see_names(request.user, village):
        raise Http404  # a village's households do not exist for whoever may not see names
    return village


@login_required
def home(request):
    """The census entry of the menu: the user's commune, or their team's village."""
    member = team_member_of(request.user)
    if member is not None:
        return redirect("census:village", code=member.team.village.code)
    unit = request.user.unit
    if unit is None or unit.level != Level.COMMUNE:
        raise Http404
    return redirect("census:progress", code=unit.code)


@login_required
def progress(request, code: str):
    commune = _commune(request, code)
    year = timezone.localdate().year
    summary = selectors.census_summary(request.user, commune, year)
    officer = is_commune_officer_of(request.user, commune)
    return render(
        request,
        "census/progress.html",
        {
            "unit": commune,
            "year": year,
            "summary": summary,
            "officer": officer,
            "register": HOUSEHOLDS,
            "imports": imports_recent(user=request.user, unit=commune, register=HOUSEHOLDS) if officer else [],
            "purpose": q.PURPOSE,
        },
    )


@login_required
def village(request, code: str):
    village = _village_with_names(request, code)
    search = " ".join((request.GET.get("q") or "").split())[:SEARCH_MAX]
    qs = selectors.households_for_user(request.user, village).order_by("head_name", "id")
    if search:
        qs = qs.filter(head_name__icontains=search)
    if request.GET.get("conflicts") == "1":
        qs = qs.filter(has_conflict=True)
    paginator = Paginator(qs, PAGE_SIZE)
    page = paginator.get_page(request.GET.get("page"))
    rows = list(page.object_list)
    selectors.households_read_log(
        user=request.user, unit=village, count=len(rows), reason=_("Xem danh sách hộ của thôn")
    )
    year = timezone.localdate().year
    status = VillageCensus.objects.filter(village=village, year=year).first()
    names = dict(DataElement.objects.filter(code__in=q.counted_elements()).values_list("code", "name"))
    rules = [(names.get(rule.element, rule.element), rule) for rule in cell_rules([village.id], year)[village.id]]
    return render(
        request,
        "census/village.html",
        {
            "village": village,
            "unit": village.parent,
            "page_obj": page,
            "households": rows,
            "search": search,
            "officer": is_commune_officer_of(request.user, village),
            "status": status,
            "rules": rules,
            "year": year,
        },
    )


def _household(request, uid) -> Household:
    household = selectors.household_for_user(request.user, uid, reason=request.GET.get("why", "")[:300])
    if household is None:
        raise Http404
    return household


@login_required
def household(request, uid: uuid.UUID):
    household = _household(request, uid)
    form = q.version_get(household.form_version)
    answer_rows = [(question, household.answers.get(question.key)) for question in q.all_questions("household")]
    person_questions = q.all_questions("person")
    members = [
        (person, [(question, person.answers.get(question.key)) for question in person_questions])
        for person in household.members.all()
    ]
    history = list(selectors.household_history(request.user, household)[:50])
    labels = _field_labels(household)
    for change in history:
        change.conflict_rows = [
            (labels(key), _shown(conflict.get("kept")), _shown(conflict.get("lost")))
            for key, conflict in change.conflicts.items()
        ]
    officer = is_commune_officer_of(request.user, household.village)
    team_members = []
    if officer:
        from xaso.teams.models import TeamMember

        team_members = list(
            TeamMember.objects.filter(team__village=household.village, active=True).order_by("full_name")
        )
    return render(
        request,
        "census/household.html",
        {
            "household": household,
            "village": household.village,
            "form": form,
            "answer_rows": answer_rows,
            "members": members,
            "person_questions": person_questions,
            "history": history,
            "officer": officer,
            "team_members": team_members,
        },
    )


def _field_labels(household: Household):
    """The label an officer reads for a field key of the history ("answers.fibre" → the question,
    "members.<uid>.answers.vneid" → "<the person's name>: <the question>"), never the key itself."""
    by_key = {question.key: str(question.label) for question in q.HOUSEHOLD_FIELDS + q.PERSON_FIELDS}
    by_key |= {question.key: str(question.label) for scope in ("household", "person") for question in
               q.all_questions(scope)}  # fmt: skip
    names = {str(person.uid): person.full_name for person in household.members.all()}

    def label(key: str) -> str:
        parts = key.split(".")
        if parts[0] == "members" and len(parts) >= 3:
            who = names.get(parts[1]) or _("Người đã bỏ khỏi hộ")
            return f"{who}: {by_key.get(parts[-1], parts[-1])}"
        return by_key.get(parts[-1], parts[-1])

    return label


def _shown(value) -> str:
    """A value of the history as an officer reads it: Có / Không, a dash for none."""
    if value is True:
        return _("Có")
    if value is False:
        return _("Không")
    return "—" if value in (None, "") else str(value)


def _answer_value(text: str | None):
    return {"1": True, "0": False}.get(text or "")


def _record_from_post(post, *, village, household: Household | None) -> tuple[dict, list]:
    """The submission a household form posts (the same record the offline form sends)."""
    form = q.version_get()
    fields = {
        "head_name": post.get("head_name", ""),
        "address": post.get("address", ""),
        "phone": post.get("phone", ""),
        "answers": {question.key: _answer_value(post.get("h-" + question.key)) for question in form.household},
    }
    if household is None:
        fields["consent_method"] = post.get("consent_method") or None
    members = []
    uids = [u for u in post.getlist("member") if u][: services.MAX_MEMBERS]
    for member_uid in uids:
        if post.get(f"m-{member_uid}-removed") == "1":
            members.append({"uid": member_uid, "removed": True})
            continue
        members.append(
            {
                "uid": member_uid,
                "fields": {
                    "full_name": post.get(f"m-{member_uid}-full_name", ""),
                    "birth_year": post.get(f"m-{member_uid}-birth_year", "").strip() or None,
                    "answers": {
                        question.key: _answer_value(post.get(f"m-{member_uid}-{question.key}"))
                        for question in form.person
                    },
                },
            }
        )
    if (post.get("m-new-full_name") or "").strip():
        members.append(
            {
                "uid": str(uuid.uuid4()),
                "fields": {
                    "full_name": post.get("m-new-full_name", ""),
                    "birth_year": post.get("m-new-birth_year", "").strip() or None,
                    "answers": {
                        question.key: _answer_value(post.get(f"m-new-{question.key}")) for question in form.person
                    },
                },
            }
        )
    for member in members:  # a blank year is "not given", refused by the checks with the field named
        if "fields" in member and member["fields"]["birth_year"] is None:
            del member["fields"]["birth_year"]
    return {
        "client_id": post.get("client_id") or str(uuid.uuid4()),
        "uid": str(household.uid) if household else post.get("uid") or str(uuid.uuid4()),
        "village": village.code,
        "form_version": form.version,
        "base_version": household.version if household else None,
        "fields": fields,
        "members": members,
        "recorded_at": timezone.now().isoformat(),
    }, uids


@login_required
@require_http_methods(["GET", "POST"])
def household_edit(request, code: str, uid: uuid.UUID | None = None):
    """Record a new household of the village (uid None) or change one: officers and the village's team."""
    village = _village_with_names(request, code)
    household = None
    if uid is not None:
        household = _household(request, uid)
        if household.village_id != village.id:
            raise Http404
    error = ""
    officer = is_commune_officer_of(request.user, village)
    if request.method == "POST":
        record, _uids = _record_from_post(request.POST, village=village, household=household)
        reason = (request.POST.get("reason") or "").strip()
        try:
            if household is not None and request.POST.get("correction") == "1":
                services.household_correct(
                    user=request.user,
                    household=household,
                    fields=record["fields"],
                    members=record["members"],
                    reason=reason,
                )
                result_uid = household.uid
            else:
                result = services.household_submit(user=request.user, record=record)
                result_uid = result.uid
        except services.CensusError as exc:
            error = exc.message
        else:
            messages.success(request, _("Đã lưu phiếu hộ."))
            return redirect("census:household", uid=result_uid)
    form = q.version_get()
    members = []
    if household is not None:
        for person in household.members.all():
            members.append((person, [(question, person.answers.get(question.key)) for question in form.person]))
    return render(
        request,
        "census/household_form.html",
        {
            "village": village,
            "household": household,
            "form": form,
            "household_answers": [
                (question, (household.answers if household else {}).get(question.key)) for question in form.household
            ],
            "members": members,
            "consent_choices": [c for c in ConsentMethod.choices if c[0] != ConsentMethod.PENDING],
            "purpose": q.PURPOSE,
            "error": error,
            "officer": officer,
            "post": request.POST if request.method == "POST" else {},
            "new_uid": request.POST.get("uid") or str(uuid.uuid4()),
            "client_id": request.POST.get("client_id") or str(uuid.uuid4()),
        },
        status=400 if error else 200,
    )


@login_required
@require_POST
def household_withdraw(request, uid: uuid.UUID):
    household = _household(request, uid)
    village = household.village
    try:
        services.household_withdraw(user=request.user, household=household, reason=request.POST.get("reason", ""))
    except services.CensusError as exc:
        messages.error(request, exc.message)
        return redirect("census:household", uid=uid)
    messages.success(request, _("Đã xóa thông tin của hộ theo yêu cầu rút lại đồng ý."))
    return redirect("census:village", code=village.code)


@login_required
@require_POST
def household_conflict_seen(request, uid: uuid.UUID):
    household = _household(request, uid)
    try:
        services.household_conflict_resolve(user=request.user, household=household)
    except services.CensusError as exc:
        messages.error(request, exc.message)
    return redirect("census:household", uid=uid)


@login_required
@require_POST
def household_assign(request, uid: uuid.UUID):
    household = _household(request, uid)
    member = None
    member_id = (request.POST.get("member") or "").strip()
    if member_id.isdigit():
        from xaso.teams.models import TeamMember

        member = TeamMember.objects.select_related("team").filter(pk=int(member_id)).first()
    try:
        services.household_assign(user=request.user, household=household, member=member)
    except services.CensusError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Đã phân công thành viên phụ trách."))
    return redirect("census:household", uid=uid)


@login_required
@require_POST
def village_complete(request, code: str):
    village = _village_with_names(request, code)
    try:
        services.village_census_mark(user=request.user, village=village, complete=request.POST.get("complete") == "1")
    except services.CensusError as exc:
        messages.error(request, exc.message)
    return redirect("census:village", code=village.code)


class _Echo:
    def write(self, value):
        return value


@login_required
@require_http_methods(["GET", "POST"])
def export(request, code: str):
    """The households of the commune with names, as CSV: officers only, with a stated reason, logged."""
    commune = _commune(request, code)
    if not is_commune_officer_of(request.user, commune):
        raise Http404
    error = ""
    if request.method == "POST":
        try:
            reason = reason_clean(request.POST.get("reason"))
        except PrivacyError as exc:
            error = str(exc)
        else:
            households = (
                selectors.households_for_user(request.user)
                .filter(commune=commune)
                .order_by("village__name", "head_name", "id")
            )
            log_access(
                user=request.user,
                action=AccessAction.EXPORT,
                subject_type="household",
                unit=commune,
                count=households.count(),
                reason=reason,
            )
            response = StreamingHttpResponse(_export_rows(households), content_type="text/csv; charset=utf-8")
            filename = f"ho-gia-dinh-{commune.code}-{timezone.localdate():%Y%m%d}.csv"
            response["Content-Disposition"] = f'attachment; filename="{filename}"'
            response["Cache-Control"] = "no-store"
            return response
    return render(request, "census/export.html", {"unit": commune, "error": error}, status=400 if error else 200)


def _export_rows(households):
    writer = csv.writer(_Echo())
    house_q = q.all_questions("household")
    person_q = q.all_questions("person")
    yield "\ufeff"
    yield writer.writerow(
        ["uid", "village", "head_name", "address", "phone", "form_version", "consent_method", "consent_at"]
        + ["h_" + question.key for question in house_q]
        + ["person_uid", "full_name", "birth_year"]
        + ["p_" + question.key for question in person_q]
    )
    for household in households.prefetch_related("members").iterator(chunk_size=500):
        head = [
            str(household.uid),
            household.village.name,
            household.head_name,
            household.address,
            household.phone,
            household.form_version,
            household.consent_method,
            household.consent_at.isoformat(),
        ] + [_cell(household.answers.get(question.key)) for question in house_q]
        people = list(household.members.all()) or [None]
        for person in people:
            tail = (
                [str(person.uid), person.full_name, person.birth_year]
                + [_cell(person.answers.get(question.key)) for question in person_q]
                if person
                else [""] * (3 + len(person_q))
            )
            yield writer.writerow([csv_value(v) for v in head + tail])


def _cell(value):
    if value is True:
        return 1
    if value is False:
        return 0
    return "" if value is None else value


@login_required
def access_log(request, code: str):
    """Who read the commune's personal data: officers of the commune (to answer a data subject's request)."""
    commune = _commune(request, code)
    if not is_commune_officer_of(request.user, commune):
        raise Http404
    from xaso.privacy.models import AccessLog

    subject = (request.GET.get("uid") or "").strip()[:64]
    qs = AccessLog.objects.filter(unit__path__startswith=commune.path).select_related("unit")
    if subject:
        qs = qs.filter(subject_id=subject)
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    return render(request, "census/access_log.html", {"unit": commune, "page_obj": page, "subject": subject})
