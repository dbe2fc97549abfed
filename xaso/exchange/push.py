"""Push: the figures a write changed are queued for every endpoint whose scope holds them, in the writer's
transaction; after the commit the background worker makes batches and sends them, in order, retrying with
exponential backoff. No request waits on the network (docs/decisions/0029-exchange.md).

- Queue: `PushItem`, one row per endpoint × figure place (a second change before the send updates nothing: the
  value is read when the batch is made), at most `XASO_EXCHANGE_QUEUE_MAX` rows per endpoint; a write that would
  pass it is counted in `PushEndpoint.dropped` instead (the province sees it and asks for a full resend).
- Batch: up to `XASO_EXCHANGE_BATCH_SIZE` figures, its body frozen with its id, so every retry sends the same bytes
  under the same `X-Xaso-Batch-Id` and the receiver can apply it once.
- Order: an endpoint's batches go one after another; while the oldest waits for a retry, the newer ones wait.
- Retry: after failure n the next try is `base × 2^(n−1)` seconds later (capped at `max_seconds`, or a longer
  Retry-After of the receiver's within the cap); after `max_attempts` failures, or an answer that a retry cannot
  change (4xx but 408, 425, 429), the batch is failed, logged, and the next batch goes.
"""

from __future__ import annotations

import json
import logging
from datetime import datetime, timedelta

from django.conf import settings
from django.db import connection, transaction
from django.db.models import F, Q
from django.tasks import task_backends
from django.utils import timezone
from django.utils.translation import gettext as _

from xaso.indicators.models import DataValue, DataValueChange

from .adx import ADX_MEDIA_TYPE, adx_stream
from .models import PayloadFormat, PushAttempt, PushBatch, PushEndpoint, PushItem
from .periods import period_read
from .transport import deliver, sign

logger = logging.getLogger(__name__)

#: answers a retry may change: a timeout, "too early", "too many requests"; other 4xx are final
RETRYABLE_4XX = {408, 425, 429}
#: how long a worker holds an endpoint while it sends (renewed before each batch)
LEASE = timedelta(minutes=5)
#: most batches made in one run: the rest wait for the next run
MAX_BATCHES_PER_RUN = 50

_SUBTREE_COLUMN = {"province": "province_id", "district": "district_id", "commune": "commune_id"}


def retry_delay(failures: int, retry_after: int | None = None) -> timedelta:
    """Wait after the `failures`-th failure: base × 2^(failures−1), at most max_seconds; a receiver's Retry-After
    is honoured when longer, within the same cap."""
    policy = settings.XASO_EXCHANGE_RETRY
    seconds = min(policy["base_seconds"] * 2 ** (failures - 1), policy["max_seconds"])
    if retry_after:
        seconds = min(max(seconds, retry_after), policy["max_seconds"])
    return timedelta(seconds=seconds)


# queueing (in the writer's transaction)


def queue_changed(sender, *, element_ids, unit_ids, period_ids, stamp, source, **kwargs) -> None:
    """Receiver of `values_changed`: queue the places this write changed for each active endpoint whose unit
    contains them (and whose elements list them), one INSERT … SELECT from the history rows the write just wrote."""
    endpoints = list(PushEndpoint.objects.filter(is_active=True).values_list("id", "unit_id", "unit__level"))
    if not endpoints:
        return
    woken = []
    change, item = DataValueChange._meta.db_table, PushItem._meta.db_table
    m2m = PushEndpoint.elements.through._meta.db_table
    stamp_db = connection.ops.adapt_datetimefield_value(stamp)
    limit = settings.XASO_EXCHANGE_QUEUE_MAX

    def marks(ids):
        return ", ".join(["%s"] * len(ids))

    units, periods, elements = sorted(unit_ids), sorted(period_ids), sorted(element_ids)
    with connection.cursor() as cursor:
        for endpoint_id, unit_id, level in endpoints:
            column = _SUBTREE_COLUMN.get(level, "id")
            select = f"""SELECT DISTINCT %s, c.data_element_id, c.unit_id, c.period_id, %s
                FROM {change} c JOIN geo_adminunit u ON u.id = c.unit_id
                WHERE c.unit_id IN ({marks(units)}) AND c.period_id IN ({marks(periods)})
                  AND c.data_element_id IN ({marks(elements)}) AND c.changed_at = %s AND u.{column} = %s
                  AND (NOT EXISTS (SELECT 1 FROM {m2m} WHERE pushendpoint_id = %s)
                       OR c.data_element_id IN (SELECT dataelement_id FROM {m2m} WHERE pushendpoint_id = %s))"""
            params = [endpoint_id, stamp_db, *units, *periods, *elements, stamp_db, unit_id, endpoint_id, endpoint_id]
            cursor.execute(f"SELECT COUNT(*) FROM {item} WHERE endpoint_id = %s", [endpoint_id])
            if cursor.fetchone()[0] >= limit:
                cursor.execute(f"SELECT COUNT(*) FROM ({select}) AS q", params)
                missed = cursor.fetchone()[0]
                if missed:
                    PushEndpoint.objects.filter(pk=endpoint_id).update(dropped=F("dropped") + missed)
                    logger.warning("Push queue of endpoint %s is full: %s figures not queued", endpoint_id, missed)
                continue
            cursor.execute(
                f"""INSERT INTO {item} (endpoint_id, data_element_id, unit_id, period_id, queued_at) {select}
                ON CONFLICT (endpoint_id, unit_id, period_id, data_element_id) DO NOTHING""",
                params,
            )
            if cursor.rowcount:
                woken.append(endpoint_id)
    if woken:
        transaction.on_commit(lambda: push_schedule(woken))


def push_schedule(endpoint_ids, *, when: datetime | None = None, again: bool = False) -> None:
    """Ask the worker to run these endpoints' push, now or at `when` (a retry): one pending run per endpoint.

    A run already asked for and not overdue (`PushEndpoint.run_due_at`) sends whatever was queued before it
    starts, so the thousand writes of a busy hour ask for one run, not a thousand tasks. A run asked for and
    lost (a worker that died) is overdue after `LEASE`: the next write asks again. `again`: a run that ended with
    changes queued while it worked asks for the next one whatever the mark says (the run the mark stands for may
    have found the endpoint busy and done nothing)."""
    from .tasks import push_run_task

    if when is not None and not task_backends["default"].supports_defer:
        return  # a backend that cannot wait (tests' immediate one): the next write or run sends it
    now = timezone.now()
    for endpoint_id in endpoint_ids:
        asked = PushEndpoint.objects.filter(pk=endpoint_id)
        if not again:
            asked = asked.filter(Q(run_due_at__isnull=True) | Q(run_due_at__lt=now - LEASE))
        if not asked.update(run_due_at=when or now):
            continue  # a run is already asked for: it will send these changes too
        try:
            (push_run_task.using(run_after=when) if when is not None else push_run_task).enqueue(endpoint_id)
        except Exception:  # the figures are saved and queued; the next write or run sends them
            PushEndpoint.objects.filter(pk=endpoint_id).update(run_due_at=None)
            logger.exception("Could not enqueue the push of endpoint %s", endpoint_id)


# batching and sending (in the worker)


def _payload(endpoint: PushEndpoint, batch_id: str, rows: list[tuple], now: datetime) -> tuple[bytes, str, int]:
    """The frozen body of a batch, its media type and how many figures it carries.

    rows: (element code, unit code, period code, value or None when deleted, updated_at, comment)."""
    if endpoint.format == PayloadFormat.ADX:
        kept = [r for r in rows if r[3] is not None]  # ADX has no deletion
        groups: dict[tuple[str, str], list] = {}
        for element, unit, period, value, updated, _comment in sorted(kept, key=lambda r: (r[1], r[2], r[0])):
            groups.setdefault((unit, period), []).append((element, value, updated))
        from .periods import period_adx

        body = "".join(adx_stream(
            ((unit, period_adx(period_read(period)), settings.XASO_EXCHANGE_ADX_DATASET, values)
             for (unit, period), values in groups.items()),
            exported=now, batch_id=batch_id,
        ))  # fmt: skip
        return body.encode(), ADX_MEDIA_TYPE, len(kept)
    values = [
        {"element": e, "unit": u, "period": p, "value": v, "updated_at": at.isoformat(), "comment": c}
        for e, u, p, v, at, c in rows
    ]
    body = {"batch_id": batch_id, "exported": now.isoformat(), "values": values}
    return json.dumps(body, ensure_ascii=False, separators=(",", ":")).encode(), "application/json", len(values)


def batches_make(endpoint: PushEndpoint, *, now: datetime) -> int:
    """Turn the endpoint's queue into batches (values read now); returns how many batches were made."""
    made = 0
    while made < MAX_BATCHES_PER_RUN:
        with transaction.atomic():
            items = list(
                PushItem.objects.filter(endpoint=endpoint).order_by("id")[: settings.XASO_EXCHANGE_BATCH_SIZE]
                .values_list("id", "data_element_id", "data_element__code", "unit_id", "unit__code", "period_id",
                             "period__code", "queued_at")
            )  # fmt: skip
            if not items:
                break
            # removed first: a write committing after this reads as a new item, sent in a later batch
            PushItem.objects.filter(id__in=[i[0] for i in items]).delete()
            stored = {
                (e, u, p): (v, at, c)
                for e, u, p, v, at, c in DataValue.objects.filter(
                    unit_id__in={i[3] for i in items}, period_id__in={i[5] for i in items},
                    data_element_id__in={i[1] for i in items},
                ).values_list("data_element_id", "unit_id", "period_id", "value", "updated_at", "comment")
            }  # fmt: skip
            rows = []
            for _id, e, e_code, u, u_code, p, p_code, queued in items:
                value, at, comment = stored.get((e, u, p), (None, queued, ""))
                rows.append((e_code, u_code, p_code, value, at, comment))
            batch = PushBatch(endpoint=endpoint, created_at=now)
            body, content_type, count = _payload(endpoint, str(batch.batch_id), rows, now)
            if count:
                batch.body, batch.content_type, batch.value_count = body, content_type, count
                batch.save()
            made += 1
    return made


def batch_send(batch: PushBatch, *, now: datetime) -> PushAttempt:
    """One attempt to deliver a batch, logged; the batch is then sent, waiting for a retry, or failed."""
    endpoint = batch.endpoint
    body = bytes(batch.body)
    number = batch.attempt_log.count() + 1
    headers = {
        "Content-Type": batch.content_type,
        "X-Xaso-Batch-Id": str(batch.batch_id),
        "Idempotency-Key": str(batch.batch_id),
        "X-Xaso-Attempt": str(number),
        "X-Xaso-Signature": sign(endpoint.secret, int(now.timestamp()), body),
    }
    if endpoint.auth_header:
        headers["Authorization"] = endpoint.auth_header
    delivery = deliver(url=endpoint.url, body=body, headers=headers, timeout=settings.XASO_EXCHANGE_TIMEOUT_SECONDS)
    batch.attempts += 1
    next_at = None
    if delivery.ok:
        batch.status, batch.sent_at, batch.next_attempt_at = PushBatch.Status.SENT, now, None
    else:
        final = delivery.status_code is not None and 400 <= delivery.status_code < 500 and (
            delivery.status_code not in RETRYABLE_4XX)  # fmt: skip
        if final or batch.attempts >= settings.XASO_EXCHANGE_RETRY["max_attempts"]:
            batch.status, batch.next_attempt_at = PushBatch.Status.FAILED, None
        else:
            next_at = now + retry_delay(batch.attempts, delivery.retry_after)
            batch.next_attempt_at = next_at
    batch.save(update_fields=["status", "attempts", "next_attempt_at", "sent_at"])
    return PushAttempt.objects.create(
        batch=batch, number=number, started_at=now, duration_ms=delivery.duration_ms,
        status_code=delivery.status_code, ok=delivery.ok, error=delivery.error, next_attempt_at=next_at,
    )  # fmt: skip


def push_run(endpoint_id: int) -> datetime | None:
    """Make the endpoint's batches and send those due, oldest first; returns when the next retry is due (and asks
    the worker to run then), or None when nothing waits. Another worker holding the endpoint: does nothing."""
    now = timezone.now()
    claimed = (
        PushEndpoint.objects.filter(pk=endpoint_id, is_active=True)
        .filter(Q(lease_until__isnull=True) | Q(lease_until__lt=now))
        .update(lease_until=now + LEASE)
    )
    if not claimed:
        return None  # another worker sends: it asks for a next run if changes are left when it ends
    # from now on a write asks for a new run: what it queues may come after the batches made here
    PushEndpoint.objects.filter(pk=endpoint_id).update(run_due_at=None)
    endpoint = PushEndpoint.objects.get(pk=endpoint_id)
    next_due = None
    try:
        batches_make(endpoint, now=now)
        while True:
            batch = endpoint.batches.filter(status=PushBatch.Status.PENDING).order_by("id").first()
            if batch is None:
                break
            if batch.next_attempt_at is not None and batch.next_attempt_at > now:
                next_due = batch.next_attempt_at
                break
            PushEndpoint.objects.filter(pk=endpoint_id).update(lease_until=now + LEASE)
            batch_send(batch, now=now)
            if batch.status == PushBatch.Status.PENDING:
                next_due = batch.next_attempt_at
                break
            now = timezone.now()
    finally:
        PushEndpoint.objects.filter(pk=endpoint_id).update(lease_until=None)
    if next_due is not None:
        push_schedule([endpoint_id], when=next_due)
    elif PushItem.objects.filter(endpoint_id=endpoint_id).exists():  # queued while this run worked
        push_schedule([endpoint_id], again=True)
    return next_due


@transaction.atomic
def batch_retry(*, batch: PushBatch) -> PushBatch:
    """Send a failed batch again (same id, same body), from a fresh count of attempts."""
    if batch.status != PushBatch.Status.FAILED:
        from django.core.exceptions import ValidationError

        raise ValidationError(_("Chỉ gửi lại được lô đã gửi không được."))
    batch.status, batch.attempts, batch.next_attempt_at = PushBatch.Status.PENDING, 0, None
    batch.save(update_fields=["status", "attempts", "next_attempt_at"])
    transaction.on_commit(lambda: push_schedule([batch.endpoint_id]))
    return batch
