"""Units as the API names them: by official code, within what the user may read."""

from __future__ import annotations

from collections.abc import Iterable

from django.utils.translation import gettext as _
from rest_framework.exceptions import PermissionDenied, ValidationError

from xaso.accounts.permissions import can_read_unit
from xaso.geo.models import AdminUnit
from xaso.geo.querysets import AdminUnitQuerySet


def units_readable(user) -> AdminUnitQuerySet:
    """The user's subtree; every unit for administrators."""
    return AdminUnit.objects.for_user(user)


def units_by_code(codes: Iterable[str], *, field: str) -> list[AdminUnit]:
    """The units with these codes, in the order given; 400 naming every unknown code under `field`."""
    codes = list(dict.fromkeys(c.strip() for c in codes if c.strip()))
    found = {u.code: u for u in AdminUnit.objects.filter(code__in=codes)}
    unknown = [c for c in codes if c not in found]
    if unknown:
        raise ValidationError(
            {field: [_("Không có đơn vị hành chính mã “%(code)s”.") % {"code": code} for code in unknown]},
            code="unknown_unit",
        )
    return [found[c] for c in codes]


def unit_by_code(code: str, *, field: str) -> AdminUnit:
    return units_by_code([code], field=field)[0]


def check_units_readable(user, units: Iterable[AdminUnit]) -> None:
    """403 naming every unit outside the user's scope (never silently dropped)."""
    refused = [u for u in units if not can_read_unit(user, u)]
    if refused:
        raise PermissionDenied(
            _("Ngoài phạm vi của bạn: %(units)s.") % {"units": ", ".join(f"{u.name} ({u.code})" for u in refused)},
            code="out_of_scope",
        )
