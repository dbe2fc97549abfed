"""Load the official list of administrative units from the pinned `vietnam-provinces` package.

Idempotent: units are upserted by code, level by level (provinces, districts, communes), so running
it again refreshes names and types without duplicating anything. The whole country (about 14,000
units and 10,500 successions) loads in a few seconds because every level is one bulk statement.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import vietnam_provinces
from django.db import transaction
from vietnam_provinces import Province, Ward
from vietnam_provinces import legacy as vp_legacy
from vietnam_provinces._ward_conversion_2025 import OLD_TO_NEW

from xaso.core.versions import EVERYTHING, versions_touch

from .models import LEGACY_PREFIX, AdminUnit, Level, UnitSuccession

DATA_VERSION = f"vietnam-provinces {vietnam_provinces.__version__} (dữ liệu {vietnam_provinces.__data_version__})"
REORGANISED_ON = date(2025, 7, 1)
LEGACY_UNTIL = date(2025, 6, 30)
_UPDATE_FIELDS = [
    "official_code", "name", "division_type", "level", "parent", "path", "province", "district", "commune",
    "is_legacy", "valid_from", "valid_to", "data_version",
]  # fmt: skip


@dataclass
class LoadResult:
    units: int
    successions: int
    data_version: str


def _code(raw: int, width: int, legacy: bool) -> str:
    official = f"{raw:0{width}d}"
    return f"{LEGACY_PREFIX}{official}" if legacy else official


def _upsert(rows: list[AdminUnit]) -> dict[str, AdminUnit]:
    AdminUnit.objects.bulk_create(
        rows, batch_size=2000, update_conflicts=True, unique_fields=["code"], update_fields=_UPDATE_FIELDS
    )
    return {u.code: u for u in AdminUnit.objects.filter(code__in=[r.code for r in rows]).only("id", "code", "path")}


def _unit(code: str, raw: int, width: int, name: str, kind: str, level: str, legacy: bool, parent=None, **anc):
    return AdminUnit(
        code=code,
        official_code=f"{raw:0{width}d}",
        name=name,
        division_type=str(kind),
        level=level,
        parent=parent,
        path=(parent.path if parent else "/") + code + "/",
        is_legacy=legacy,
        valid_from=REORGANISED_ON if not legacy else None,
        valid_to=LEGACY_UNTIL if legacy else None,
        data_version=DATA_VERSION,
        **anc,
    )


def _load_provinces(provinces, legacy: bool) -> dict[str, AdminUnit]:
    return _upsert(
        [
            _unit(_code(p.code.value, 2, legacy), p.code.value, 2, p.name, p.division_type, Level.PROVINCE, legacy)
            for p in provinces
        ]
    )


def _load_current() -> dict[int, AdminUnit]:
    provinces = _load_provinces(Province.iter_all(), legacy=False)
    rows = []
    for w in Ward.iter_all():
        prov = provinces[_code(w.province_code.value, 2, False)]
        rows.append(
            _unit(_code(w.code.value, 5, False), w.code.value, 5, w.name, w.division_type, Level.COMMUNE, False,
                  parent=prov, province=prov)
        )  # fmt: skip
    communes = _upsert(rows)
    # a commune is its own commune ancestor, a province its own province ancestor: set in one UPDATE each
    _self_ancestors()
    return {int(c.code): c for c in communes.values()}


def _load_legacy() -> dict[int, AdminUnit]:
    provinces = _load_provinces(vp_legacy.Province.iter_all(), legacy=True)
    district_rows = []
    for d in vp_legacy.District.iter_all():
        prov = provinces[_code(d.province_code.value, 2, True)]
        district_rows.append(
            _unit(_code(d.code.value, 3, True), d.code.value, 3, d.name, d.division_type, Level.DISTRICT, True,
                  parent=prov, province=prov)
        )  # fmt: skip
    districts = _upsert(district_rows)
    district_province = {d.code: d.province for d in district_rows}
    ward_rows = []
    for w in vp_legacy.Ward.iter_all():
        dist_code = _code(w.district_code.value, 3, True)
        dist = districts[dist_code]
        ward_rows.append(
            _unit(_code(w.code.value, 5, True), w.code.value, 5, w.name, w.division_type, Level.COMMUNE, True,
                  parent=dist, province=district_province[dist_code], district=dist)
        )  # fmt: skip
    communes = _upsert(ward_rows)
    return {int(c.code.removeprefix(LEGACY_PREFIX)): c for c in communes.values()}


def _self_ancestors() -> None:
    from django.db.models import F

    AdminUnit.objects.filter(level=Level.PROVINCE, province__isnull=True).update(province=F("id"))
    AdminUnit.objects.filter(level=Level.DISTRICT, district__isnull=True).update(district=F("id"))
    AdminUnit.objects.filter(level=Level.COMMUNE, commune__isnull=True).update(commune=F("id"))


def _load_successions(current: dict[int, AdminUnit], old: dict[int, AdminUnit]) -> int:
    """Record every old commune → new commune pair of the official conversion table.

    "Partly merged" is the table's own flag for the old commune, never inferred from how many successors it
    has: some old communes are recorded as partly merged with a single successor listed, and a count
    would call them wholly merged. The package exposes that flag only in
    its conversion table module, so it is read there.
    """
    rows = [
        UnitSuccession(
            old_unit=old[o],
            new_unit=current[new.code],
            is_partial=entry.old_ward.is_partly_merged,
            effective_date=REORGANISED_ON,
            data_version=DATA_VERSION,
        )
        for o, entry in OLD_TO_NEW.items()
        for new in entry.new_wards
        if o in old and new.code in current
    ]
    UnitSuccession.objects.bulk_create(
        rows, batch_size=2000, update_conflicts=True, unique_fields=["old_unit", "new_unit"],
        update_fields=["is_partial", "effective_date", "data_version"],
    )  # fmt: skip
    return len(rows)


@transaction.atomic
def units_load_official(*, include_legacy: bool = True) -> LoadResult:
    """Load or refresh every province and commune (and, with legacy, the pre-2025 tree and its successions)."""
    current = _load_current()
    successions = 0
    if include_legacy:
        old = _load_legacy()
        _self_ancestors()
        successions = _load_successions(current, old)
    versions_touch([EVERYTHING])  # names and the tree show on every page; the rows above were written in bulk
    return LoadResult(units=AdminUnit.objects.exclude(level=Level.VILLAGE).count(), successions=successions,
                      data_version=DATA_VERSION)  # fmt: skip
