"""Reads of the announcements: each with its deliveries counted by channel and state (one query)."""

from __future__ import annotations

from collections import defaultdict

from django.db.models import Count

from .models import Announcement, Channel, Delivery, DeliveryStatus

PAGE = 50


def delivery_counts(*, announcement: Announcement) -> list[tuple[str, dict[str, int]]]:
    """[(channel's name, {status: n})] of one announcement, in the channels' order."""
    counts: dict[str, dict[str, int]] = defaultdict(dict)
    for channel, status, n in (
        Delivery.objects.filter(announcement=announcement).values_list("channel", "status").annotate(n=Count("id"))
    ):
        counts[channel][status] = n
    return [
        (label, {s: counts[channel].get(s, 0) for s in DeliveryStatus.values})
        for channel, label in Channel.choices
        if channel in counts
    ]


def announcements_with_counts(*, unit) -> list[Announcement]:
    """The commune's latest announcements, each with `.delivered` and `.total` of its deliveries (two queries)."""
    rows = list(Announcement.objects.filter(unit=unit).order_by("-created_at", "-id")[:PAGE])
    totals = defaultdict(lambda: [0, 0])
    for pk, status, n in (
        Delivery.objects.filter(announcement__in=rows).values_list("announcement_id", "status").annotate(n=Count("id"))
    ):
        totals[pk][1] += n
        if status == DeliveryStatus.DELIVERED:
            totals[pk][0] += n
    for row in rows:
        row.delivered, row.total = totals[row.pk]
    return rows
