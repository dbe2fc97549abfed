"""Reads of the dossier register: the dossiers behind an indicator's figure (late first), their summary.

Only readers of the commune see its dossiers (`can_read_unit`: its officials, and the province above, read
only). Applicants' names and ID numbers, when the commune keeps them, are shown to the commune's own
officials only, and each list that shows them is written to the access log.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.core.exceptions import PermissionDenied
from django.db.models import Case, Count, F, IntegerField, Q, QuerySet, Value, When
from django.utils import timezone
from django.utils.translation import gettext as _

from xaso.accounts.permissions import can_read_unit, can_write_unit
from xaso.indicators.models import Indicator
from xaso.registers.models import PersonalDataAccess

from .models import Dossier
from .register import DRILL_ONLY, ELEMENTS, INDICATORS

#: dossiers per page of the list
PAGE_SIZE = 50


@dataclass
class DossierList:
    indicator: Indicator | None
    year: int
    month: int | None
    numerator: int
    denominator: int
    dossiers: list[Dossier]
    total: int
    page: int
    pages: int
    shows_personal: bool
    quarter: int | None = None
    has_ratio: bool = False

    @property
    def rate(self) -> float | None:
        return self.numerator / self.denominator * 100 if self.denominator else None


def _basis(element: str) -> tuple[str, Q]:
    return ELEMENTS.get(element) or DRILL_ONLY[element]


def dossier_list(
    *,
    user,
    unit,
    year: int,
    indicator: Indicator | None = None,
    month: int | None = None,
    page: int = 1,
    quarter: int | None = None,
    ratio: tuple[str, str] | None = None,
) -> DossierList:
    """The dossiers behind `indicator` for the commune, year (and month): the denominator's dossiers, those in the
    numerator flagged `in_numerator`; late ones first (resolved after the due date, or past it and still open),
    then by due date. Without an indicator: every dossier received in the period, late first."""
    if not can_read_unit(user, unit):
        raise PermissionDenied(_("Bạn không có quyền xem hồ sơ của %(u)s.") % {"u": unit.name})
    numerator_q, basis, denominator_q = Q(pk__isnull=False), "received_on", Q()
    if ratio is None and indicator is not None and indicator.code in INDICATORS:
        ratio = INDICATORS[indicator.code]
    if ratio is not None:  # an indicator's, or a sub-criterion's of the service index (xaso/dossiers/service_index.py)
        numerator, denominator = ratio
        basis, denominator_q = _basis(denominator)
        numerator_q = _basis(numerator)[1]
    period = {f"{basis}__year": year}
    if month:
        period[f"{basis}__month"] = month
    elif quarter:
        period[f"{basis}__month__in"] = [3 * quarter - 2, 3 * quarter - 1, 3 * quarter]
    today = timezone.localdate()
    late = Q(finished_on__gt=F("due_on")) | Q(finished_on__isnull=True, due_on__lt=today, result="pending")
    rows: QuerySet[Dossier] = Dossier.objects.filter(denominator_q, unit=unit, **period).annotate(
        is_late=Case(When(late, then=Value(1)), default=Value(0), output_field=IntegerField()),
        in_numerator=Case(When(numerator_q, then=Value(1)), default=Value(0), output_field=IntegerField()),
    )
    counts = rows.aggregate(total=Count("id"), numerator=Count("id", filter=numerator_q))
    total = counts["total"]
    pages = max(1, -(-total // PAGE_SIZE))
    page = min(max(1, page), pages)
    ordered = rows.select_related("procedure").order_by("-is_late", F("due_on").asc(nulls_last=True), "-received_on",
                                                        "code")  # fmt: skip
    dossiers = list(ordered[(page - 1) * PAGE_SIZE : page * PAGE_SIZE])
    shows_personal = can_write_unit(user, unit) and any(d.applicant_name or d.applicant_id for d in dossiers)
    if shows_personal:
        PersonalDataAccess.objects.create(
            register="dossiers", unit=unit, user=user, row_count=sum(1 for d in dossiers if d.applicant_name or
                                                                    d.applicant_id),
            what=(f"dossiers {year}" + (f"-{month:02d}" if month else "") + (f" {indicator.code}" if indicator else
                                                                              ""))[:255],
        )  # fmt: skip
    return DossierList(indicator, year, month, counts["numerator"] if ratio else total, total, dossiers, total,
                       page, pages, shows_personal, quarter, ratio is not None)  # fmt: skip


def drill_indicators() -> list[Indicator]:
    """The indicators a dossier list can be filtered by, in catalog order."""
    return list(Indicator.objects.filter(code__in=INDICATORS).order_by("sort_order", "code"))


def register_years(*, unit) -> list[int]:
    """Years with dossiers received, newest first (one query)."""
    return sorted({d.year for d in Dossier.objects.filter(unit=unit).dates("received_on", "year")}, reverse=True) or [
        date.today().year
    ]
