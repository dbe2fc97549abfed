"""Who may read and write what: every rule is a question about the user's unit subtree and role."""

from __future__ import annotations

from typing import TYPE_CHECKING

from .models import Role

if TYPE_CHECKING:
    from xaso.geo.models import AdminUnit

WRITER_ROLES = {Role.COMMUNE_OFFICER, Role.COMMUNE_LEADER}


def is_admin(user) -> bool:
    return bool(user.is_authenticated and (user.is_superuser or user.role == Role.ADMIN))


def can_read_unit(user, unit: AdminUnit) -> bool:
    if not user.is_authenticated:
        return False
    if is_admin(user):
        return True
    return user.unit_id is not None and unit.path.startswith(user.unit.path)


def can_write_unit(user, unit: AdminUnit) -> bool:
    """Commune officers and leaders write their own commune and its villages; analysts only read."""
    if not user.is_authenticated:
        return False
    if is_admin(user):
        return True
    return user.role in WRITER_ROLES and user.unit_id is not None and unit.path.startswith(user.unit.path)


def can_approve(user, unit: AdminUnit) -> bool:
    return can_write_unit(user, unit) and (is_admin(user) or user.role == Role.COMMUNE_LEADER)
