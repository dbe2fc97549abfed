"""Who may read and write what: every rule is a question about the user's unit subtree and role.

Reading also reaches the pre-2025 communes that the user's unit, or a unit below it, absorbed on 1 July 2025
(`UnitSuccession` old → new, whole or partial): their figures, plans and history, never to write.
See docs/decisions/0007-absorbed-units.md.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .models import Role

if TYPE_CHECKING:
    from django.db.models import QuerySet

    from xaso.geo.models import AdminUnit

WRITER_ROLES = {Role.COMMUNE_OFFICER, Role.COMMUNE_LEADER}


def is_admin(user) -> bool:
    return bool(user.is_authenticated and (user.is_superuser or user.role == Role.ADMIN))


def absorbed_unit_ids(user) -> QuerySet:
    """Ids of the pre-2025 communes absorbed, wholly or partly, by the user's unit or a unit below it.

    A query, usable as a subquery: `AdminUnit.objects.for_user` reads these communes and their villages
    (`commune__in=`) besides the user's subtree; `can_read_unit` asks the same of one unit. Nobody writes them.
    """
    from xaso.geo.models import AdminUnit, UnitSuccession

    return UnitSuccession.objects.filter(new_unit__in=AdminUnit.objects.in_subtree(user.unit)).values_list(
        "old_unit_id", flat=True
    )


def _absorbed_commune_ids(user) -> frozenset[int]:
    """`absorbed_unit_ids`, read once per user object (one request), as Django caches a user's permissions."""
    cached = getattr(user, "_absorbed_commune_ids", None)
    if cached is None or cached[0] != user.unit_id:
        cached = (user.unit_id, frozenset(absorbed_unit_ids(user)))
        user._absorbed_commune_ids = cached
    return cached[1]


def can_read_unit(user, unit: AdminUnit) -> bool:
    """The user's subtree; also an old commune (or one of its villages) that the user's unit absorbed."""
    if not user.is_authenticated:
        return False
    if is_admin(user):
        return True
    if user.unit_id is None:
        return False
    if unit.path.startswith(user.unit.path):
        return True
    return unit.is_legacy and unit.commune_id is not None and unit.commune_id in _absorbed_commune_ids(user)


def can_write_unit(user, unit: AdminUnit) -> bool:
    """Commune officers and leaders write their own commune and its villages; analysts only read.

    Only the subtree: the old communes a commune absorbed are read, never written (0007).
    """
    if not user.is_authenticated:
        return False
    if is_admin(user):
        return True
    return user.role in WRITER_ROLES and user.unit_id is not None and unit.path.startswith(user.unit.path)


def can_exchange_write(user, unit: AdminUnit) -> bool:
    """Who may send figures through the exchange import (docs/decisions/0029, 0032): whoever writes the unit, and
    a province's analyst for the units of their own province (not another's, not an absorbed old commune): the
    province operations centre sends back what it collected for its communes."""
    if can_write_unit(user, unit):
        return True
    from xaso.geo.models import Level

    mine = user.unit if user.is_authenticated else None
    return bool(
        user.is_active and user.role == Role.ANALYST and mine is not None and mine.level == Level.PROVINCE
        and not unit.is_legacy and unit.path.startswith(mine.path)
    )  # fmt: skip


def can_approve(user, unit: AdminUnit) -> bool:
    return can_write_unit(user, unit) and (is_admin(user) or user.role == Role.COMMUNE_LEADER)


def is_current_commune(unit: AdminUnit) -> bool:
    """A commune of today's map: what a commune's own records (registers, report forms) belong to. An old commune
    absorbed on 1 July 2025 keeps its history but gets no new records (0007)."""
    from xaso.geo.models import Level

    return unit.level == Level.COMMUNE and not unit.is_legacy


def can_write_commune(user, unit: AdminUnit) -> bool:
    """Whether the user may keep a commune's own records (its document and dossier registers, its report forms):
    an active writer of that commune (officer or leader) or an administrator, and a commune of today's map."""
    return bool(user.is_active) and is_current_commune(unit) and can_write_unit(user, unit)
