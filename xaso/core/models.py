from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from .db_router import using_primary
from .periods import MONTH, PERIOD_TYPES, QUARTER, YEAR, PeriodSpec, parse_period


class TimeStampedModel(models.Model):
    created_at = models.DateTimeField(_("tạo lúc"), auto_now_add=True)
    updated_at = models.DateTimeField(_("cập nhật lúc"), auto_now=True)

    class Meta:
        abstract = True


class PeriodQuerySet(models.QuerySet["Period"]):
    def within(self, spec: PeriodSpec) -> PeriodQuerySet:
        return self.filter(start__gte=spec.start, end__lte=spec.end)


class Period(models.Model):
    """A stored reporting period. Created on demand by `period_get_or_create`; codes are canonical."""

    code = models.CharField(_("mã kỳ"), max_length=10, unique=True)
    type = models.CharField(_("loại kỳ"), max_length=8, choices=[(t, t) for t in PERIOD_TYPES])
    start = models.DateField(_("từ ngày"))
    end = models.DateField(_("đến ngày"))
    #: the quarter and the year this period lies in (itself for a quarter / a year); null above its type
    quarter = models.ForeignKey("self", models.PROTECT, null=True, blank=True, related_name="+")
    year = models.ForeignKey("self", models.PROTECT, null=True, blank=True, related_name="+")

    objects = PeriodQuerySet.as_manager()

    class Meta:
        ordering = ["start", "-end"]
        verbose_name = _("kỳ báo cáo")
        verbose_name_plural = pgettext_lazy("plural", "kỳ báo cáo")
        constraints = [
            models.CheckConstraint(condition=models.Q(start__lte=models.F("end")), name="period_start_le_end")
        ]
        indexes = [models.Index(fields=["type", "start"])]

    def __str__(self) -> str:
        return self.code

    @property
    def spec(self) -> PeriodSpec:
        return parse_period(self.code)


def period_get_or_create(code_or_spec: str | PeriodSpec) -> Period:
    spec = parse_period(code_or_spec) if isinstance(code_or_spec, str) else code_or_spec
    return periods_ensure([spec])[spec.code]


@using_primary()  # a read that decides a write: never a replica's possibly older copy
def periods_ensure(specs: list[PeriodSpec]) -> dict[str, Period]:
    """Make sure every period (and the periods containing it) exists; return them by code, in two queries."""
    wanted: dict[str, PeriodSpec] = {}
    for spec in specs:
        for anc in spec.ancestors():
            wanted[anc.code] = anc
    existing = {p.code: p for p in Period.objects.filter(code__in=wanted)}
    # create parents before children so that quarter/year links can be set at insert time
    for kind in (YEAR, QUARTER, MONTH):
        missing = [s for c, s in wanted.items() if c not in existing and s.type == kind]
        if not missing:
            continue
        rows = []
        for s in missing:
            links = {a.type: existing[a.code] for a in s.ancestors()[1:]}
            rows.append(
                Period(
                    code=s.code,
                    type=s.type,
                    start=s.start,
                    end=s.end,
                    year=links.get(YEAR),
                    quarter=links.get(QUARTER),
                )  # fmt: skip
            )
        Period.objects.bulk_create(rows, ignore_conflicts=True)
        if kind == YEAR:  # a new year is offered by every page's year picker (cached with the pages)
            from .versions import EVERYTHING, versions_touch

            versions_touch([EVERYTHING])
        codes = [s.code for s in missing]
        # a year is its own year, a quarter its own quarter
        Period.objects.filter(code__in=codes, type=YEAR, year__isnull=True).update(year=models.F("id"))
        Period.objects.filter(code__in=codes, type=QUARTER, quarter__isnull=True).update(quarter=models.F("id"))
        existing.update({p.code: p for p in Period.objects.filter(code__in=codes)})
    return existing


class DataVersion(models.Model):
    """A version per unit that every write changing what the unit's pages show replaces, in the writer's own
    transaction; the cached fragments of those pages are keyed on it (`xaso.core.versions`,
    docs/decisions/0024-page-cache.md). `scope` is a unit's id, or 0 for what every page shows (the catalog, the
    unit tree, a full rollup rebuild). Not a foreign key: no join and no cascade on the write path."""

    scope = models.BigIntegerField(primary_key=True)
    version = models.BigIntegerField(default=0)

    class Meta:
        verbose_name = _("phiên bản dữ liệu")
        verbose_name_plural = pgettext_lazy("plural", "phiên bản dữ liệu")

    def __str__(self) -> str:
        return f"{self.scope}: {self.version}"
