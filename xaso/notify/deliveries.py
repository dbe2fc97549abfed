"""Deliveries: queued in the writer's transaction, sent by the worker, retried, confirmed by receipts.

- `deliveries_create`: one row per address, refused as a whole beyond the channel's daily cap of the commune;
  addresses that unsubscribed from the channel are left out. The worker is asked to send after the commit.
- `deliveries_run`: sends the channel's due deliveries. Each is claimed by one conditional UPDATE (created or
  temporary failure, same attempt count → sending), so two workers never send one delivery twice. At most
  `rate_per_minute` sends a minute per channel: beyond, the run stops and asks to be run again a minute later.
- Retry: a temporary failure is tried again after `base × 2^(n−1)` seconds (capped), with "equal jitter" (half
  of the wait fixed, half random) so a gateway that came back is not hit by every waiting message at once; after
  `max_attempts` tries it stays a temporary failure, final. A permanent or technical failure is not retried.
- Receipts: a provider's callback moves an accepted (sending) delivery to delivered or a failure.

docs/decisions/0039-deliveries.md.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import random
from collections.abc import Callable, Iterable
from datetime import datetime, timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.tasks import task_backends
from django.utils import timezone
from django.utils.translation import gettext as _

from . import providers
from .models import Channel, Delivery, DeliveryAttempt, DeliveryStatus, Unsubscription

logger = logging.getLogger(__name__)

S = DeliveryStatus
#: most deliveries one run sends (the rest wait for the next run)
MAX_PER_RUN = 500


def address_digest(channel: str, address: str) -> str:
    """A keyed digest of an address: lets xaso recognise an unsubscribed address without keeping it."""
    key = settings.SECRET_KEY.encode()
    return hmac.new(key, f"{channel}:{address.strip().lower()}".encode(), hashlib.sha256).hexdigest()


def _policy(channel: str) -> dict:
    return {**settings.XASO_NOTIFY_DEFAULTS, **settings.XASO_NOTIFY_LIMITS.get(channel, {})}


def retry_delay(failures: int, *, channel: str, rng: random.Random | None = None) -> timedelta:
    """Wait after the `failures`-th failure: d = min(base × 2^(failures−1), max), then d/2 + random(0, d/2)."""
    policy = _policy(channel)
    ceiling = min(policy["retry_base_seconds"] * 2 ** (failures - 1), policy["retry_max_seconds"])
    return timedelta(seconds=ceiling / 2 + (rng or random).uniform(0, ceiling / 2))


def daily_count(*, channel: str, unit) -> int:
    start = timezone.localtime().replace(hour=0, minute=0, second=0, microsecond=0)
    return Delivery.objects.filter(channel=channel, unit=unit, created_at__gte=start).count()


@transaction.atomic
def deliveries_create(
    *,
    channel: str,
    unit,
    addresses: Iterable[str],
    body: str,
    purpose: str,
    subject: str = "",
    announcement=None,
    body_for: Callable[[str], str] | None = None,
) -> list[Delivery]:
    """Queue one message per address (duplicates once; `body_for(address)` when each has its own text, such as
    its unsubscribe link); ValidationError beyond the daily cap, nothing queued."""
    if channel not in Channel.values:
        raise ValidationError(_("Kênh gửi không hợp lệ."))
    wanted = list(dict.fromkeys(a.strip() for a in addresses if a and a.strip()))
    refused = set(
        Unsubscription.objects.filter(
            channel=channel, address_digest__in=[address_digest(channel, a) for a in wanted]
        ).values_list("address_digest", flat=True)
    )
    wanted = [a for a in wanted if address_digest(channel, a) not in refused]
    cap = _policy(channel)["daily_cap"]
    if wanted and daily_count(channel=channel, unit=unit) + len(wanted) > cap:
        raise ValidationError(
            _("Kênh %(channel)s đã tới giới hạn %(cap)s tin một ngày của xã: gửi lại vào ngày mai.")
            % {"channel": Channel(channel).label, "cap": cap}
        )
    now = timezone.now()
    rows = Delivery.objects.bulk_create(
        [
            Delivery(
                channel=channel,
                unit=unit,
                address=a[:254],
                body=(body_for(a) if body_for else body)[:2000],
                subject=subject[:200],
                purpose=purpose,
                announcement=announcement,
                next_attempt_at=now,
            )
            for a in wanted
        ]
    )
    if rows:
        after_commit(lambda: deliveries_schedule(channel))
    return rows


def after_commit(callback) -> None:
    """Run `callback` once the writer's transaction commits (tests whose transaction never commits run it at once)."""
    transaction.on_commit(callback)


def deliveries_schedule(channel: str, *, when: datetime | None = None) -> None:
    """Ask the worker to send the channel's due deliveries, now or at `when`."""
    from .tasks import deliveries_run_task

    if when is not None and not task_backends["default"].supports_defer:
        return  # the tests' immediate backend cannot wait: a test runs `deliveries_run` at the time it wants
    try:
        (deliveries_run_task.using(run_after=when) if when else deliveries_run_task).enqueue(channel)
    except Exception:  # the deliveries are saved; the next run sends them
        logger.exception("Could not enqueue the deliveries of %s", channel)


def _claim(delivery: Delivery, now: datetime) -> bool:
    """Move one due delivery to `sending`; False when another worker took it first."""
    return bool(
        Delivery.objects.filter(
            pk=delivery.pk, attempts=delivery.attempts, status__in=[S.CREATED, S.TEMPORARY_FAILURE]
        ).update(status=S.SENDING, last_attempt_at=now, next_attempt_at=None)
    )


def delivery_send(delivery: Delivery, *, now: datetime, provider=None, rng: random.Random | None = None) -> bool:
    """One try of one delivery (claimed first); False when it was not ours to send."""
    if not _claim(delivery, now):
        return False
    provider = provider or providers.provider_for(delivery.channel)
    try:
        outcome = provider.send(delivery)
    except Exception as exc:  # a provider bug must not stop the run nor leave the row "sending" forever
        logger.exception("Provider of %s failed on delivery %s", delivery.channel, delivery.pk)
        outcome = providers.Outcome(providers.TECHNICAL, error=f"{type(exc).__name__}: {exc}"[:500])
    attempts = delivery.attempts + 1
    fields = {"attempts": attempts, "error": outcome.error[:500], "next_attempt_at": None}
    if outcome.reference:
        fields["reference"] = outcome.reference[:100]
    next_at = None
    if outcome.result == providers.DELIVERED:
        fields.update(status=S.DELIVERED, delivered_at=now)
    elif outcome.result == providers.ACCEPTED:
        fields.update(status=S.SENDING)
    elif outcome.result == providers.TEMPORARY:
        fields.update(status=S.TEMPORARY_FAILURE)
        if attempts < _policy(delivery.channel)["max_attempts"]:
            wait = retry_delay(attempts, channel=delivery.channel, rng=rng)
            if outcome.retry_after:
                cap = _policy(delivery.channel)["retry_max_seconds"]
                wait = max(wait, timedelta(seconds=min(outcome.retry_after, cap)))
            next_at = now + wait
            fields["next_attempt_at"] = next_at
    elif outcome.result == providers.PERMANENT:
        fields.update(status=S.PERMANENT_FAILURE)
    else:
        fields.update(status=S.TECHNICAL_FAILURE)
    Delivery.objects.filter(pk=delivery.pk).update(**fields)
    DeliveryAttempt.objects.create(
        delivery_id=delivery.pk,
        number=attempts,
        at=now,
        outcome=fields["status"],
        error=outcome.error[:500],
        next_attempt_at=next_at,
    )
    for name, value in fields.items():
        setattr(delivery, name, value)
    return True


def deliveries_run(channel: str, *, now: datetime | None = None, rng: random.Random | None = None) -> datetime | None:
    """Send the channel's due deliveries within its rate; returns (and schedules) when the next run is due."""
    now = now or timezone.now()
    policy = _policy(channel)
    sent_last_minute = Delivery.objects.filter(channel=channel, last_attempt_at__gt=now - timedelta(minutes=1)).count()
    budget = max(0, policy["rate_per_minute"] - sent_last_minute)
    due = Delivery.objects.filter(channel=channel, status__in=[S.CREATED, S.TEMPORARY_FAILURE]).filter(
        next_attempt_at__lte=now
    )
    provider = providers.provider_for(channel)
    sent = 0
    for delivery in due.order_by("next_attempt_at", "id")[: min(budget, MAX_PER_RUN)]:
        if delivery_send(delivery, now=now, provider=provider, rng=rng):
            sent += 1
    waiting = Delivery.objects.filter(channel=channel, status__in=[S.CREATED, S.TEMPORARY_FAILURE]).filter(
        next_attempt_at__isnull=False
    )
    next_due = None
    if waiting.filter(next_attempt_at__lte=now).exists():
        next_due = now + timedelta(minutes=1)  # the rate stopped this run
    else:
        first = waiting.order_by("next_attempt_at").values_list("next_attempt_at", flat=True).first()
        next_due = first
    if next_due is not None:
        deliveries_schedule(channel, when=next_due)
    return next_due


#: receipt states a gateway reports → the delivery's state
RECEIPT_STATUSES = {
    "delivered": S.DELIVERED,
    "temporary_failure": S.TEMPORARY_FAILURE,
    "permanent_failure": S.PERMANENT_FAILURE,
    "technical_failure": S.TECHNICAL_FAILURE,
}


@transaction.atomic
def delivery_receipt(*, channel: str, reference: str, status: str, error: str = "", now=None) -> Delivery:
    """A provider's delivery receipt for an accepted message: delivered or failed. A final state never changes
    again (a late or repeated receipt does nothing)."""
    if status not in RECEIPT_STATUSES:
        raise ValidationError(_("Trạng thái “%(s)s” không hợp lệ.") % {"s": status[:40]})
    delivery = (
        Delivery.objects.select_for_update().filter(channel=channel, reference=reference).first() if reference else None
    )
    if delivery is None:
        raise ValidationError(_("Không có tin nào mang mã “%(r)s”.") % {"r": reference[:100]})
    if delivery.is_final:
        return delivery
    delivery.status = RECEIPT_STATUSES[status]
    delivery.error = error[:500]
    now = now or timezone.now()
    if delivery.status == S.DELIVERED:
        delivery.delivered_at = now
    elif delivery.status == S.TEMPORARY_FAILURE and delivery.attempts < _policy(channel)["max_attempts"]:
        delivery.next_attempt_at = now + retry_delay(delivery.attempts, channel=channel)
        after_commit(lambda: deliveries_schedule(channel, when=delivery.next_attempt_at))
    delivery.save(update_fields=["status", "error", "delivered_at", "next_attempt_at"])
    return delivery
