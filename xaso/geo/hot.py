"""A unit by its code, with the version of its pages, in one query when nothing changed since this process last
loaded it (docs/decisions/0037-per-request-reads.md).

Every page of a unit (the commune operations centre, an area's table, the province page, the scorecard…) starts
with the unit named in its address, with its parent, district and province for the breadcrumbs, and the commune
page then reads the unit's version (`xaso.core.versions.unit_version`) to find its cached body. Both were ORM
queries whose building cost more than their running. Here a process keeps the units it has loaded, each with the
scopes whose versions describe it (`EVERYTHING`, the unit, its parent, district, province and commune, and the
pre-2025 units it absorbed), and one plain SQL statement reads, in one go, the page version and a stamp of those
scopes. Any write that could change what the entry holds bumps one of those scopes (a unit saved bumps itself and
its parent, `load_units` bumps `EVERYTHING`, a succession bumps the unit that absorbed), so a changed stamp means
"load again": the entry is never stale, it is only reloaded more often than needed (after every figure written in
the commune, which bumps the commune too).
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from dataclasses import dataclass

from django.db import connections, router

from xaso.core.models import DataVersion
from xaso.core.versions import EVERYTHING

from .models import AdminUnit, UnitSuccession

#: units kept per process (the country has about 14,000; a server mostly serves a few provinces)
MAX_ENTRIES = 4096


@dataclass(frozen=True)
class _Entry:
    unit: AdminUnit
    page_scopes: tuple[int, ...]  # what `unit_version` sums: EVERYTHING, the unit, its commune, what it absorbed
    check_scopes: tuple[int, ...]  # page_scopes and the ancestors shown around the page (breadcrumbs)
    stamp: int


_entries: OrderedDict[tuple[str, str], _Entry] = OrderedDict()
_lock = threading.Lock()


def _load(code: str) -> AdminUnit | None:
    try:  # get(), not first(): no ORDER BY to build and run for a unique code
        return AdminUnit.objects.select_related("parent", "province", "district").get(code=code)
    except AdminUnit.DoesNotExist:
        return None


def _scopes(unit: AdminUnit) -> tuple[tuple[int, ...], tuple[int, ...]]:
    absorbed = UnitSuccession.objects.filter(new_unit_id=unit.id).values_list("old_unit_id", flat=True)
    page = {EVERYTHING, unit.id, unit.commune_id or unit.id, *absorbed}
    check = page | {s for s in (unit.parent_id, unit.district_id, unit.province_id) if s is not None}
    return tuple(sorted(page)), tuple(sorted(check))


def _versions(alias: str, page: tuple[int, ...], check: tuple[int, ...]) -> tuple[int, int]:
    """(the page version, the stamp of `check`): one statement, portable SQL."""
    table = DataVersion._meta.db_table
    marks = ", ".join(["%s"] * len(page))
    in_check = ", ".join(["%s"] * len(check))
    with connections[alias].cursor() as cursor:
        cursor.execute(
            f"SELECT COALESCE(SUM(CASE WHEN scope IN ({marks}) THEN version ELSE 0 END), 0), "
            f"COALESCE(SUM(version), 0) FROM {table} WHERE scope IN ({in_check})",
            [*page, *check],
        )
        row = cursor.fetchone()
    return int(row[0]), int(row[1])


def unit_and_version(code: str) -> tuple[AdminUnit | None, int]:
    """The unit of `code` (its parent, district and province loaded), or None; and its page version, equal to
    `unit_version(unit)`. Read through the caller's routing (inside `using_replica()`: the replica), as
    `unit_version` is. The unit returned is shared by the requests of this process: read it, never change it."""
    alias = router.db_for_read(DataVersion)
    key = (alias, code)
    entry = _entries.get(key)
    if entry is not None:
        version, stamp = _versions(alias, entry.page_scopes, entry.check_scopes)
        if stamp == entry.stamp:
            with _lock:
                if key in _entries:
                    _entries.move_to_end(key)
            return entry.unit, version
    unit = _load(code)
    if unit is None:
        return None, 0
    page, check = _scopes(unit)
    # the stamp first, then the unit that is kept: a write committed in between makes the unit newer than its
    # stamp (the next request reloads once more), never older (it would be kept until the next write)
    version, stamp = _versions(alias, page, check)
    kept = _load(code)
    if kept is None or _scopes(kept) != (page, check):  # moved in the tree meanwhile: serve, keep nothing
        return unit, version
    with _lock:
        _entries[key] = _Entry(unit=kept, page_scopes=page, check_scopes=check, stamp=stamp)
        _entries.move_to_end(key)
        while len(_entries) > MAX_ENTRIES:
            _entries.popitem(last=False)
    return kept, version


def forget_all() -> None:
    """Empty this process's entries (tests)."""
    with _lock:
        _entries.clear()
