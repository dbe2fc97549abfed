"""Reads of the steering committee: its members on a day, its reviews, and the content a review is generated from
(the operations centre's summary of the commune's plans, the index's change). Every read takes the user."""

from __future__ import annotations

from datetime import date

from django.core.exceptions import PermissionDenied
from django.db.models import Case, IntegerField, Prefetch, Q, QuerySet, Value, When
from django.http import Http404
from django.utils.translation import gettext as _

from xaso.accounts.permissions import can_read_unit, can_write_commune, is_admin
from xaso.core.formatting import format_date, format_number
from xaso.geo.models import AdminUnit
from xaso.plans.models import Plan, PlanStatus
from xaso.plans.status import AT_RISK, NO_DATA, OFF_TRACK, STATUS_LABELS

from .models import ROLE_ORDER, Committee, Leadership, Member, MemberRole, Review, ReviewEvent

#: the statuses a review lists as needing the committee's attention, most urgent first
ATTENTION = (OFF_TRACK, AT_RISK)


def check_readable(user, commune: AdminUnit) -> None:
    if not can_read_unit(user, commune):
        raise PermissionDenied(_("Bạn không có quyền xem Ban Chỉ đạo của %(u)s.") % {"u": commune.name})


def can_see_phones(user, commune: AdminUnit) -> bool:
    """Members' phones stay inside the commune: its own users (and an administrator), not the province."""
    return bool(user.is_authenticated and (is_admin(user) or user.unit_id == commune.id))


def committee_of(*, user, commune: AdminUnit) -> Committee | None:
    check_readable(user, commune)
    return Committee.objects.filter(commune=commune).select_related("commune").first()


def _role_rank():
    return Case(*[When(role=r, then=Value(i)) for i, r in enumerate(ROLE_ORDER)], output_field=IntegerField())


def members_on(committee: Committee, day: date) -> QuerySet[Member]:
    """Who serves on `day`, the head first."""
    return (
        committee.members.filter(Q(valid_to__isnull=True) | Q(valid_to__gte=day), valid_from__lte=day)
        .select_related("user")
        .order_by(_role_rank(), "valid_from", "id")
    )


def members_current(committee: Committee) -> QuerySet[Member]:
    """Who serves now, whatever day it is: the rows not ended (a member added from a later day included)."""
    return committee.members.filter(valid_to__isnull=True).select_related("user").order_by(_role_rank(), "id")


def members_past(committee: Committee) -> QuerySet[Member]:
    return committee.members.filter(valid_to__isnull=False).order_by("-valid_to", "-id")


def head_on(commune: AdminUnit, day: date) -> Member | None:
    """The head of the commune's committee serving on `day`, if any."""
    return (
        Member.objects.filter(committee__commune=commune, role=MemberRole.HEAD, valid_from__lte=day)
        .filter(Q(valid_to__isnull=True) | Q(valid_to__gte=day))
        .order_by("-valid_from", "-id")
        .first()
    )


#: the option codes of the index's fact "who heads the steering committee" (xaso/dti/data/dti-922-example.yaml, 1.2):
#: a fact leaf with exactly these options is answered from this register (docs/decisions/0043)
HEAD_FACT_CODES = frozenset({"chairman", "deputy", "none"})


def head_fact(commune: AdminUnit, day: date) -> str | None:
    """What the index's fact "who heads the steering committee" reads from the register on `day`: `chairman`,
    `deputy` (a vice-chairman heads it) or `none` (no head that day, or a head outside the commune's leadership);
    None when the commune has not entered its committee (the register cannot answer: the commune states it)."""
    if not Committee.objects.filter(commune=commune).exists():
        return None
    head = head_on(commune, day)
    if head is None:
        return "none"
    if head.leadership == Leadership.CHAIRMAN:
        return "chairman"
    if head.leadership == Leadership.VICE_CHAIRMAN:
        return "deputy"
    return "none"


def committees_for_user(user) -> QuerySet[Committee]:
    """The committees of the communes the user reads (an analyst: the communes of their province)."""
    qs = Committee.objects.select_related("commune").order_by("commune__name")
    if is_admin(user):
        return qs
    if not user.is_authenticated or user.unit_id is None:
        return qs.none()
    return qs.filter(commune__path__startswith=user.unit.path)


def reviews_for(*, user, commune: AdminUnit) -> QuerySet[Review]:
    check_readable(user, commune)
    return Review.objects.filter(committee__commune=commune).order_by("-year", "-meeting_date", "-id")


def review_for_user(*, user, pk: int) -> Review:
    review = (
        Review.objects.select_related("committee__commune", "plan")
        .prefetch_related(Prefetch("follow_ups"), Prefetch("events", queryset=ReviewEvent.objects.select_related("by")))
        .filter(pk=pk)
        .first()
    )
    if review is None:
        raise Http404
    if not can_read_unit(user, review.committee.commune):
        raise Http404  # another province's review: not told it exists
    return review


def can_write_steering(user, commune: AdminUnit) -> bool:
    return can_write_commune(user, commune)


# --- the plan a review's follow-up tasks enter ---------------------------------------------------------------------

_STATUS_RANK = Case(
    When(status=PlanStatus.IN_EXECUTION, then=Value(0)),
    When(status=PlanStatus.APPROVED, then=Value(1)),
    When(status=PlanStatus.SUBMITTED, then=Value(2)),
    When(status=PlanStatus.DRAFT, then=Value(3)),
    default=Value(9),
    output_field=IntegerField(),
)


def plan_for_year(commune: AdminUnit, year: int) -> Plan | None:
    """The commune's plan covering `year` that a follow-up task enters: the one in execution, else issued, else
    submitted, else the draft; of several, the latest version. A closed plan takes no new task."""
    return (
        Plan.objects.filter(unit=commune, year_from__lte=year, year_to__gte=year)
        .exclude(status=PlanStatus.CLOSED)
        .annotate(rank=_STATUS_RANK)
        .order_by("rank", "-version", "-id")
        .first()
    )


# --- the generated content -----------------------------------------------------------------------------------------


def _points(value: float | None) -> str:
    if value is None:
        return ""
    text = format_number(value, 2)
    return text.rstrip("0").rstrip(",") if "," in text else text


def _dti(user, commune: AdminUnit, year: int) -> dict | None:
    """The commune's index: its latest published assessment up to `year`, total, rank and change on the year
    before (None without a published assessment)."""
    from xaso.dti.models import Assessment, AssessmentStatus
    from xaso.dti.selectors import commune_position

    assessment = (
        Assessment.objects.filter(commune=commune, year__lte=year, status=AssessmentStatus.PUBLISHED)
        .select_related("commune__province", "index")
        .order_by("-year", "-id")
        .first()
    )
    if assessment is None:
        return None
    row, count = commune_position(user=user, assessment=assessment)
    if row is None:
        return None
    return {
        "year": assessment.year,
        "index": assessment.index.title,
        "total": _points(row.total),
        "rank": row.rank,
        "count": count,
        "previous": _points(row.previous_total) if row.previous_total is not None else "",
        "change": row.change,
        "change_text": ("+" if (row.change or 0) > 0 else "") + _points(row.change) if row.change is not None else "",
    }


def review_content(*, user, commune: AdminUnit, year: int, as_of: date) -> dict:
    """What a review lists, computed by the operations centre's selectors as of `as_of`: how the targets of the
    commune's plans in execution stand, those off track or at risk with their figures, the overdue tasks, the
    indicators without a figure, the index's change. Plain data, kept with the review as generated."""
    from xaso.coc.selectors import commune_plan_summary
    from xaso.reports.documents import target_text, value_text

    check_readable(user, commune)
    summary = commune_plan_summary(user=user, unit=commune, today=as_of)
    urgency = {code: n for n, code in enumerate(ATTENTION)}
    attention = [p for pillar in summary.pillars for p in pillar.progress if p.status.code in urgency]
    attention.sort(key=lambda p: urgency[p.status.code])  # stable: the pillars' order within a status
    targets = [
        {
            "indicator": p.target.indicator.name,
            "target": target_text(p.target),
            "horizon": p.target.horizon_year,
            "latest": value_text(p.target.indicator, p.latest),
            "period": p.period.code if p.period else "",
            "status": p.status.code,
            "status_label": str(STATUS_LABELS[p.status.code]),
            "plan": p.target.plan.title,
        }
        for p in attention
    ]
    overdue = [
        {
            "title": t.title,
            "person": t.person,
            "lead_unit": t.lead_unit,
            "due": format_date(t.due_date),
            "days_late": (as_of - t.due_date).days,
            "plan": t.plan.title,
        }
        for t in summary.late
    ]
    gaps = [{"indicator": g.indicator.name, "horizons": ", ".join(str(h) for h in g.horizons)} for g in summary.gaps]
    counts = summary.totals
    return {
        "as_of": as_of.isoformat(),
        "plans": [{"title": p.title, "number": p.number} for p in summary.plans],
        "target_count": summary.target_count,
        "counts": counts,
        "count_cells": [[code, str(label), counts.get(code, 0)] for code, label in _count_labels()],
        "targets": targets,
        "overdue": overdue,
        "gaps": gaps,
        "dti": _dti(user, commune, year),
    }


def _count_labels():
    from xaso.plans.status import ACHIEVED, ON_TRACK

    return [(code, STATUS_LABELS[code]) for code in (ACHIEVED, ON_TRACK, AT_RISK, OFF_TRACK, NO_DATA)]
