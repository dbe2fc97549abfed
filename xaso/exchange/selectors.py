"""Reads for the exchange: the figures a partner pulls, in the caller's scope; the push endpoints a user manages."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from itertools import groupby

from django.db.models import Q, QuerySet

from xaso.accounts.permissions import is_admin
from xaso.core.periods import PeriodSpec
from xaso.geo.models import AdminUnit, Level
from xaso.geo.querysets import subtree_q
from xaso.indicators.models import DataElement, DataValue

from .models import PushEndpoint

#: rows read from the database at a time while a document streams out
STREAM_CHUNK = 2000


def figures_for_pull(
    *, user, elements: Sequence[DataElement], units: Sequence[AdminUnit], subtree: bool, periods: Sequence[PeriodSpec]
) -> QuerySet[DataValue]:
    """The stored figures the caller asked for, never beyond what the caller may read.

    `units` (checked readable by the caller) and, with `subtree`, every unit below them (a province's communes and
    villages); none given: everything the caller reads. A period selects every figure whose period lies within it
    (2026 gives the year's figures and its quarters' and months'). Ordered unit, period, element: the ADX groups.
    """
    values = DataValue.objects.all()
    if units:
        where = Q()
        for unit in units:
            where |= Q(unit__in=AdminUnit.objects.filter(subtree_q(unit))) if subtree else Q(unit=unit)
        values = values.filter(where)
    if not is_admin(user):
        values = values.filter(unit__in=AdminUnit.objects.for_user(user))
    if elements:
        values = values.filter(data_element__in=elements)
    if periods:
        where = Q()
        for spec in periods:
            where |= Q(period__start__gte=spec.start, period__end__lte=spec.end)
        # the partition key: a figure's year is its period's first day's, so within the periods' years
        years = sorted({y for spec in periods for y in range(spec.start.year, spec.end.year + 1)})
        values = values.filter(where, year__in=years)
    return values.order_by("unit__path", "period__start", "-period__end", "data_element__code").values_list(
        "unit__code", "period__code", "data_element__code", "value", "comment", "updated_at", "id"
    )


def figures_count(values: QuerySet) -> int:
    return values.count()


def figures_grouped(values: QuerySet) -> Iterator[tuple[tuple[str, str], list[tuple]]]:
    """The figures read in chunks (never the whole result in memory), grouped by (unit, period)."""
    rows = values.iterator(chunk_size=STREAM_CHUNK)
    for key, group in groupby(rows, key=lambda r: (r[0], r[1])):
        yield key, list(group)


def endpoints_for(user) -> QuerySet[PushEndpoint]:
    """The push endpoints a user manages: an administrator's all, a province's own (manager_units)."""
    endpoints = PushEndpoint.objects.select_related("unit")
    if is_admin(user):
        return endpoints
    return endpoints.filter(unit__in=manager_units(user))


def manager_units(user) -> QuerySet[AdminUnit]:
    """Units whose push endpoints the user may configure: every unit for an administrator; for a province's (or a
    district's) analyst the unit they work in and the units below it; nobody else (a commune officer's figures
    are pushed by the province, docs/decisions/0029-exchange.md)."""
    if is_admin(user):
        return AdminUnit.objects.all()
    if not user.is_authenticated or user.unit_id is None or user.role != "analyst":
        return AdminUnit.objects.none()
    if user.unit.level not in (Level.PROVINCE, Level.DISTRICT):
        return AdminUnit.objects.none()
    return AdminUnit.objects.in_subtree(user.unit).current()


def can_manage_endpoint(user, endpoint: PushEndpoint) -> bool:
    return manager_units(user).filter(pk=endpoint.unit_id).exists()


def endpoint_summaries(endpoints) -> list[dict]:
    """Each endpoint with what waits and how the last sends went: figures queued, batches waiting or failed, the
    last attempt and the last success — counted in SQL, one query whatever the log's length."""
    from django.db.models import Count, IntegerField, OuterRef, Subquery
    from django.db.models.functions import Coalesce

    from .models import PushAttempt, PushBatch, PushItem

    def count(model, **where):
        rows = model.objects.filter(endpoint=OuterRef("pk"), **where).order_by().values("endpoint")
        return Coalesce(Subquery(rows.annotate(n=Count("pk")).values("n")[:1], output_field=IntegerField()), 0)

    last = PushAttempt.objects.filter(batch__endpoint=OuterRef("pk")).order_by("-id")
    ok = last.filter(ok=True)
    rows = (
        PushEndpoint.objects.filter(pk__in=[e.pk for e in endpoints])
        .annotate(
            queued=count(PushItem),
            waiting=count(PushBatch, status=PushBatch.Status.PENDING),
            failed=count(PushBatch, status=PushBatch.Status.FAILED),
            last_at=Subquery(last.values("started_at")[:1]),
            last_ok=Subquery(last.values("ok")[:1]),
            last_error=Subquery(last.values("error")[:1]),
            last_success=Subquery(ok.values("started_at")[:1]),
        )
        .select_related("unit")
        .order_by("unit__path", "name", "id")
    )
    return [
        {"endpoint": e, "queued": e.queued, "waiting": e.waiting, "failed": e.failed, "last_at": e.last_at,
         "last_ok": e.last_ok, "last_error": e.last_error, "last_success": e.last_success}
        for e in rows
    ]  # fmt: skip
