from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import models

if TYPE_CHECKING:
    from .models import AdminUnit


#: the ancestor column naming every unit of a subtree rooted at a unit of this level (a province is its own
#: province, a district its own district, a commune its own commune; docs/decisions/0001-unit-tree.md)
_SUBTREE_COLUMN = {"province": "province_id", "district": "district_id", "commune": "commune_id"}


def subtree_q(unit: AdminUnit) -> models.Q:
    """The unit and every unit below it — the units whose path starts with the unit's path — through the indexed
    ancestor column of its level: the path prefix is a `LIKE` that SQLite cannot answer from an index (its
    `LIKE` ignores case), so every scoped query scanned the country's 14,000 units; a village has nothing below."""
    column = _SUBTREE_COLUMN.get(unit.level)
    return models.Q(**{column: unit.pk}) if column else models.Q(pk=unit.pk)


class AdminUnitQuerySet(models.QuerySet["AdminUnit"]):
    def in_subtree(self, unit: AdminUnit) -> AdminUnitQuerySet:
        """The unit and every unit below it (the materialised path's subtree, read by the ancestor columns)."""
        return self.filter(subtree_q(unit))

    def for_user(self, user) -> AdminUnitQuerySet:
        """Units the user may read: the subtree of their unit and the old communes (with their villages) it
        absorbed in July 2025, as `can_read_unit` says of one unit; everything for administrators."""
        from xaso.accounts.permissions import absorbed_unit_ids, is_admin

        if is_admin(user):
            return self
        if not user.is_authenticated or user.unit_id is None:
            return self.none()
        return self.filter(subtree_q(user.unit) | models.Q(commune__in=absorbed_unit_ids(user)))

    def current(self) -> AdminUnitQuerySet:
        return self.filter(is_legacy=False)

    def communes(self) -> AdminUnitQuerySet:
        return self.filter(level="commune")
