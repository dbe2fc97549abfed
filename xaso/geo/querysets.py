from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import models

if TYPE_CHECKING:
    from .models import AdminUnit


class AdminUnitQuerySet(models.QuerySet["AdminUnit"]):
    def in_subtree(self, unit: AdminUnit) -> AdminUnitQuerySet:
        """The unit and every unit below it (materialised path prefix)."""
        return self.filter(path__startswith=unit.path)

    def for_user(self, user) -> AdminUnitQuerySet:
        """Units the user may read: the subtree of their unit and the old communes (with their villages) it
        absorbed in July 2025, as `can_read_unit` says of one unit; everything for administrators."""
        from xaso.accounts.permissions import absorbed_unit_ids, is_admin

        if is_admin(user):
            return self
        if not user.is_authenticated or user.unit_id is None:
            return self.none()
        return self.filter(models.Q(path__startswith=user.unit.path) | models.Q(commune__in=absorbed_unit_ids(user)))

    def current(self) -> AdminUnitQuerySet:
        return self.filter(is_legacy=False)

    def communes(self) -> AdminUnitQuerySet:
        return self.filter(level="commune")
