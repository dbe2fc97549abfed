"""Reads of the feedback: the public list (published items, no personal data), the officer's list and counts
(scoped to the units the user may read), what the operations centre flags."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, Prefetch, Q, QuerySet
from django.utils import timezone

from xaso.accounts.permissions import can_read_unit

from .models import DONE_STATUSES, OPEN_STATUSES, Category, Feedback, FeedbackPhoto, Status

#: most items on one page of a list
PAGE = 50


def categories() -> QuerySet[Category]:
    return Category.objects.filter(is_active=True)


def public_feedback(*, unit, limit: int = PAGE) -> list[Feedback]:
    """The commune's published items, newest first, with only their public photos (the template shows only the
    moderated text, the answer, the category, the village and the dates)."""
    return list(
        Feedback.objects.filter(unit=unit, is_published=True)
        .select_related("category", "village")
        .prefetch_related(
            Prefetch("photos", queryset=FeedbackPhoto.objects.filter(is_public=True), to_attr="public_photos")
        )
        .only(
            "id",
            "tracking_code",
            "status",
            "public_text",
            "answer",
            "received_at",
            "answered_at",
            "confirmed_at",
            "category__name",
            "category__name_en",
            "village__name",
            "refusal_reason",
            "unit_id",
        )[:limit]
    )


@dataclass
class FeedbackCounts:
    waiting: int  # confirmed, assigned or in progress
    overdue: int
    answered: int
    unconfirmed: int


def feedback_counts(*, user, unit, now=None) -> FeedbackCounts:
    if not can_read_unit(user, unit):
        return FeedbackCounts(0, 0, 0, 0)
    now = now or timezone.now()
    row = Feedback.objects.filter(unit=unit).aggregate(
        waiting=Count("id", filter=Q(status__in=OPEN_STATUSES)),
        overdue=Count("id", filter=Q(status__in=OPEN_STATUSES, due_at__lt=now)),
        answered=Count("id", filter=Q(status__in=DONE_STATUSES)),
        unconfirmed=Count("id", filter=Q(status=Status.RECEIVED)),
    )
    return FeedbackCounts(**row)


FILTERS = {
    "open": Q(status__in=OPEN_STATUSES),
    "overdue": Q(status__in=OPEN_STATUSES),  # and due_at < now, added below
    "done": Q(status__in=DONE_STATUSES),
    "unconfirmed": Q(status=Status.RECEIVED),
    "all": Q(),
}


def feedback_list(*, user, unit, show: str = "open", now=None) -> QuerySet[Feedback]:
    """The commune's items for an officer: open first by deadline; none when the user may not read the unit."""
    if not can_read_unit(user, unit):
        return Feedback.objects.none()
    now = now or timezone.now()
    rows = Feedback.objects.filter(unit=unit).filter(FILTERS.get(show, FILTERS["open"]))
    if show == "overdue":
        rows = rows.filter(due_at__lt=now)
    order = ["due_at", "id"] if show in ("open", "overdue") else ["-received_at", "-id"]
    return rows.select_related("category", "village", "assigned_to").order_by(*order)


def feedback_track(*, unit, tracking: str) -> Feedback | None:
    """The item a tracking code names (upper-cased, bounded), for its public tracking page."""
    code = (tracking or "").strip().upper()[:12]
    if not code.startswith("PA-"):
        code = "PA-" + code
    return (
        Feedback.objects.filter(unit=unit, tracking_code=code)
        .exclude(status=Status.RECEIVED)
        .select_related("category", "village", "unit")
        .first()
    )
