from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils.translation import gettext as _

from xaso.accounts.permissions import can_write_unit
from xaso.geo.models import AdminUnit, Level

from .models import Publication


@transaction.atomic
def publication_save(*, user, unit: AdminUnit, is_published: bool, indicators, show_targets: bool) -> Publication:
    """Choose what the commune's public page shows: aggregate indicators only."""
    if unit.level != Level.COMMUNE or not can_write_unit(user, unit):
        raise PermissionDenied(_("Bạn không có quyền thay đổi trang công khai của %(u)s.") % {"u": unit.name})
    publication, _created = Publication.objects.get_or_create(unit=unit)
    publication.is_published = is_published
    publication.show_targets = show_targets
    publication.updated_by = user
    publication.save()
    publication.indicators.set(indicators)
    return publication
