"""Writes of the exchange: importing figures received (JSON or ADX) and configuring push endpoints.

An import is all-or-nothing through `values_write` (source EXCHANGE): one bad value and nothing is saved, every
problem named by its position. The conflict rule (docs/decisions/0029-exchange.md): a received figure that carries
the time it was last written at its source (`updated_at`, ADX `xaso:updated`) and is older than the figure stored
here is not applied; the stored figure stays and the receipt lists it under `conflicts`. A figure without that time
is applied as any write (the sender asserts it).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from xaso.accounts.permissions import can_exchange_write
from xaso.core.periods import PeriodError
from xaso.indicators.errors import BulkValueError, RowError
from xaso.indicators.models import ChangeSource, DataValue
from xaso.indicators.services import ValueInput, values_check, values_write

from .models import PushEndpoint, ReceivedBatch
from .periods import period_read
from .transport import url_refusal


@dataclass
class Incoming:
    """One received figure: codes as sent, where it was in the document, and its time at the source if given."""

    element: str
    unit: str
    period: str
    value: object
    position: str  # `values[3]` (JSON) or `group[2]/dataValue[5]` (ADX)
    updated: datetime | None = None
    comment: str = ""


@dataclass
class Receipt:
    status: str = "success"
    batch_id: str = ""
    dry_run: bool = False
    duplicate: bool = False
    imported: int = 0
    updated: int = 0
    deleted: int = 0
    ignored: int = 0
    conflicts: list[dict] = field(default_factory=list)

    def as_dict(self) -> dict:
        return {
            "status": self.status, "batch_id": self.batch_id, "dry_run": self.dry_run, "duplicate": self.duplicate,
            "imported": self.imported, "updated": self.updated, "deleted": self.deleted, "ignored": self.ignored,
            "conflicts": self.conflicts,
        }  # fmt: skip


class ExchangeImportError(BulkValueError):
    """Nothing was saved: `errors` name each problem by position (RowError.column holds the position)."""


def _stored_times(items: Sequence[tuple[int, Incoming, str]]) -> dict[tuple[str, str, str], datetime]:
    """updated_at of the stored figures at the places of these items (codes), in one query."""
    if not items:
        return {}
    found = DataValue.objects.filter(
        data_element__code__in={i.element for _n, i, _p in items},
        unit__code__in={i.unit for _n, i, _p in items},
        period__code__in={p for _n, _i, p in items},
    ).values_list("data_element__code", "unit__code", "period__code", "updated_at")
    return {(e, u, p): at for e, u, p, at in found}


@transaction.atomic
def exchange_import(*, user, values: Sequence[Incoming], batch_id: str = "", dry_run: bool = False) -> Receipt:
    """Apply received figures all-or-nothing; the receipt counts what was imported, updated, deleted and ignored
    (same value) and lists the conflicts (a newer figure here). A batch id seen before from the same user applies
    nothing and returns the first receipt, marked duplicate."""
    batch_id = (batch_id or "").strip()[:64]
    if batch_id and not dry_run:
        seen = ReceivedBatch.objects.filter(received_by=user, batch_id=batch_id).first()
        if seen is not None:
            return Receipt(**{**seen.receipt, "duplicate": True})
    rows: list[ValueInput] = []
    positions: dict[int, str] = {}
    errors: list[RowError] = []
    timed: list[tuple[int, Incoming, str]] = []
    for number, item in enumerate(values, start=1):
        positions[number] = item.position
        try:
            period = period_read(str(item.period)).code
        except PeriodError as exc:
            errors.append(RowError(number, f"{item.position}/period", str(exc), "bad_period"))
            continue
        if item.updated is not None:
            timed.append((number, item, period))
        rows.append(ValueInput(
            element=str(item.element), unit=str(item.unit), period=period, value=item.value, comment=item.comment,
            row=number, columns={k: f"{item.position}/{k}" for k in ("element", "unit", "period", "value")},
        ))  # fmt: skip
    stored = _stored_times(timed)
    stale = {
        number for number, item, period in timed
        if (at := stored.get((item.element, item.unit, period))) is not None and item.updated < at
    }  # fmt: skip
    receipt = Receipt(batch_id=batch_id, dry_run=dry_run)
    for number, item, period in timed:
        if number in stale:
            receipt.conflicts.append({
                "position": item.position, "element": item.element, "unit": item.unit, "period": period,
                "code": "newer_at_receiver",
                "message": _("Số liệu ở đây mới hơn (sửa lúc %(here)s, số liệu gửi đến sửa lúc %(there)s): giữ số "
                             "liệu ở đây.") % {"here": stored[(item.element, item.unit, period)].isoformat(),
                                              "there": item.updated.isoformat()},
            })  # fmt: skip
    rows = [r for r in rows if r.row not in stale]
    try:
        with transaction.atomic():
            write = values_check if dry_run else values_write
            kwargs = {} if dry_run else {"source": ChangeSource.EXCHANGE}
            result = write(user=user, rows=rows, allow_delete=True, may_write=can_exchange_write, **kwargs)
            if errors:
                raise BulkValueError(errors)
    except BulkValueError as exc:
        found = exc.errors if exc.errors is errors else errors + exc.errors
        raise ExchangeImportError(sorted(found, key=lambda e: (e.row or 0, e.column))) from None
    receipt.imported, receipt.updated = result.created, result.updated
    receipt.deleted, receipt.ignored = result.deleted, result.unchanged
    if batch_id and not dry_run:
        try:
            with transaction.atomic():
                ReceivedBatch.objects.create(received_by=user, batch_id=batch_id, receipt=receipt.as_dict())
        except IntegrityError:  # the same batch, received twice at once: the other one applied it
            raise ExchangeImportError(
                [
                    RowError(
                        None,
                        "batch_id",
                        _("Lô %(b)s đang được nhận ở một yêu cầu khác.") % {"b": batch_id},
                        "duplicate_batch",
                    )
                ]  # fmt: skip
            ) from None
    return receipt


# push endpoints


@transaction.atomic
def endpoint_save(*, user, endpoint: PushEndpoint, elements=None) -> PushEndpoint:
    """Create or change a push endpoint after checking its address (scheme, host, no private address unless
    allowed); the caller has checked the user manages the endpoint's unit."""
    refusal = url_refusal(endpoint.url, resolve=True)
    if refusal:
        raise ValidationError({"url": refusal})
    if endpoint.pk is None:
        endpoint.created_by = user
    endpoint.full_clean()
    endpoint.save()
    if elements is not None:
        endpoint.elements.set(elements)
    return endpoint


@transaction.atomic
def endpoint_resync(*, endpoint: PushEndpoint) -> int:
    """Queue every figure the endpoint's scope holds now (after a full queue dropped some, or for a new receiver),
    within the queue's bound; returns how many were queued. One INSERT … SELECT."""
    from django.conf import settings
    from django.db import connection
    from django.utils import timezone

    from xaso.geo.models import AdminUnit
    from xaso.geo.querysets import subtree_q

    from .models import PushItem

    room = settings.XASO_EXCHANGE_QUEUE_MAX - PushItem.objects.filter(endpoint=endpoint).count()
    if room <= 0:
        return 0
    values = DataValue.objects.filter(unit__in=AdminUnit.objects.filter(subtree_q(endpoint.unit)))
    element_ids = list(endpoint.elements.values_list("pk", flat=True))
    if element_ids:
        values = values.filter(data_element_id__in=element_ids)
    select, params = (
        values.order_by("id").values_list("data_element_id", "unit_id", "period_id")[:room].query.sql_with_params()
    )
    with connection.cursor() as cursor:
        cursor.execute(
            f"""INSERT INTO {PushItem._meta.db_table} (endpoint_id, data_element_id, unit_id, period_id, queued_at)
            SELECT %s, q.*, %s FROM ({select}) AS q WHERE true
            ON CONFLICT (endpoint_id, unit_id, period_id, data_element_id) DO NOTHING""",
            [endpoint.pk, connection.ops.adapt_datetimefield_value(timezone.now()), *params],
        )
        queued = cursor.rowcount
    PushEndpoint.objects.filter(pk=endpoint.pk).update(dropped=0)
    if queued:
        from .push import push_schedule

        transaction.on_commit(lambda: push_schedule([endpoint.pk]))
    return queued
