"""What the citizens' screens (feedback, announcements) share: the commune named in the address, the commune of
the signed-in user."""

from __future__ import annotations

from django.http import Http404
from django.utils.translation import gettext as _

from xaso.geo.models import AdminUnit, Level


def commune_or_404(code: str) -> AdminUnit:
    unit = AdminUnit.objects.filter(code=code[:64], level=Level.COMMUNE).first()
    if unit is None:
        raise Http404(_("Không tìm thấy xã."))
    return unit


def user_commune(user) -> AdminUnit | None:
    """The commune a user works in (a village's user: its commune); None for a province's or national user."""
    unit = user.unit
    return unit.commune if unit is not None and unit.commune_id else None
