"""Reads of the announcements: each with its deliveries counted by channel and state (one query)."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime

from django.db.models import Count, Q

from .models import Announcement, BulletinPlay, Channel, Delivery, DeliveryStatus, Slot

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


@dataclass
class ScheduleRow:
    play_at: datetime
    slot: str
    clusters: int
    played: int  # the controller's receipt said it played
    waiting: int  # on the playlist (or queued for it), not played yet
    failed: int

    @property
    def slot_label(self) -> str:
        return Slot(self.slot).label


def bulletin_schedule(*, bulletin) -> list[ScheduleRow]:
    """A bulletin's plays grouped by time and slot, each with how many clusters played it, wait or failed (one
    query, whatever the number of clusters): what a chairman reads instead of one line per cluster."""
    failed = [DeliveryStatus.PERMANENT_FAILURE, DeliveryStatus.TECHNICAL_FAILURE]
    rows = (
        BulletinPlay.objects.filter(bulletin=bulletin)
        .values("play_at", "slot")
        .annotate(
            clusters=Count("id"),
            played=Count("id", filter=Q(delivery__status=DeliveryStatus.DELIVERED)),
            failed=Count("id", filter=Q(delivery__status__in=failed)),
        )
        .order_by("play_at", "slot")
    )
    return [
        ScheduleRow(r["play_at"], r["slot"], r["clusters"], r["played"], r["clusters"] - r["played"] - r["failed"],
                    r["failed"])
        for r in rows
    ]  # fmt: skip
