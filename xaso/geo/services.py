from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from xaso.accounts.permissions import can_write_unit
from xaso.core.i18n import in_vietnamese

from .models import AdminUnit, Level


def _check_unique_name(commune: AdminUnit, name: str, exclude: AdminUnit | None = None) -> None:
    """Compared in Python: SQLite's case-insensitive match ignores case for ASCII letters only ("Ấp" vs "ấp")."""
    siblings = AdminUnit.objects.filter(parent=commune, level=Level.VILLAGE)
    if exclude is not None:
        siblings = siblings.exclude(pk=exclude.pk)
    if any(n.casefold() == name.casefold() for n in siblings.values_list("name", flat=True)):
        raise ValidationError(
            {"name": _("%(unit)s đã có thôn/ấp tên “%(name)s”.") % {"unit": commune.name, "name": name}}
        )


@in_vietnamese
@transaction.atomic
def village_create(
    *, commune: AdminUnit, name: str, user, division_type: str = "thôn", is_sample: bool = False
) -> AdminUnit:
    """Add a village (thôn/ấp/bản/tổ dân phố) to a commune; the code is the commune's code and a number."""
    if commune.level != Level.COMMUNE:
        raise ValidationError(_("Chỉ thêm thôn/ấp vào một xã, phường hoặc đặc khu."))
    # no user is no right: a script adds villages as a user that may write the commune (the demo loader as admin)
    if user is None or not can_write_unit(user, commune):
        raise PermissionDenied(_("Bạn không có quyền thêm thôn/ấp cho %(unit)s.") % {"unit": commune.name})
    name = (name or "").strip()
    if not name:
        raise ValidationError({"name": _("Tên thôn/ấp không được để trống.")})
    _check_unique_name(commune, name)
    siblings = AdminUnit.objects.filter(parent=commune, level=Level.VILLAGE)
    last = siblings.aggregate(m=Max("official_code"))["m"]
    number = int(last) + 1 if last else 1
    official = f"{number:03d}"
    code = f"{commune.code}-{official}"
    return AdminUnit.objects.create(
        code=code,
        official_code=official,
        name=name,
        division_type=division_type,
        level=Level.VILLAGE,
        parent=commune,
        path=f"{commune.path}{code}/",
        province_id=commune.province_id,
        district_id=commune.district_id,
        commune=commune,
        is_legacy=commune.is_legacy,
        valid_from=commune.valid_from,
        valid_to=commune.valid_to,
        data_version=_("do xã quản lý"),
        is_sample=is_sample,
    )


@transaction.atomic
def village_rename(*, village: AdminUnit, name: str, user) -> AdminUnit:
    if village.level != Level.VILLAGE:
        raise ValidationError(_("Chỉ đổi tên thôn/ấp; tên xã theo danh mục chính thức."))
    if not can_write_unit(user, village):
        raise PermissionDenied(_("Bạn không có quyền sửa thôn/ấp này."))
    name = (name or "").strip()
    if not name:
        raise ValidationError({"name": _("Tên thôn/ấp không được để trống.")})
    _check_unique_name(village.parent, name, exclude=village)
    village.name = name
    village.save(update_fields=["name"])
    return village
