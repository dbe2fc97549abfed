"""Writes of the notifications that are not deliveries themselves: unsubscribing."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.core import signing
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from .deliveries import address_digest
from .models import Delivery, OutboxMessage, Unsubscription, Verification

UNSUBSCRIBE_SALT = "xaso.notify.unsubscribe"


def unsubscribe_link(*, channel: str, address: str) -> str:
    token = signing.dumps([channel, address], salt=UNSUBSCRIBE_SALT, compress=True)
    return settings.XASO_PUBLIC_BASE_URL.rstrip("/") + reverse("notify:unsubscribe", kwargs={"token": token})


def unsubscribe(*, channel: str, address: str) -> None:
    """Record that an address refuses a channel (idempotent): no delivery is created for it again."""
    try:
        with transaction.atomic():
            Unsubscription.objects.create(channel=channel, address_digest=address_digest(channel, address))
    except IntegrityError:
        pass


def notify_records_cleanup(*, now=None) -> int:
    """Delete what holds addresses once it has served: one-time codes after a day, the local outbox and finished
    deliveries (with their attempts) after `XASO_NOTIFY_RECORD_DAYS` days; how many rows were deleted."""
    now = now or timezone.now()
    cutoff = now - timedelta(days=settings.XASO_NOTIFY_RECORD_DAYS)
    done = Verification.objects.filter(created_at__lt=now - timedelta(days=1)).delete()[0]
    done += OutboxMessage.objects.filter(sent_at__lt=cutoff).delete()[0]
    finished = Delivery.objects.filter(created_at__lt=cutoff).exclude(status__in=["created", "sending"])
    done += finished.filter(play__isnull=True).delete()[0]
    return done
