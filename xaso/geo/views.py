"""The villages screen: a commune lists, adds and renames its villages (thôn, ấp, bản, tổ dân phố)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from xaso.accounts.permissions import can_write_unit
from xaso.core.forms import add_service_errors

from . import services
from .forms import VillageForm, VillageRenameForm
from .models import AdminUnit, Level


def _commune_in_scope(user, code: str) -> AdminUnit:
    commune = AdminUnit.objects.for_user(user).filter(code=code, level=Level.COMMUNE).first()
    if commune is None:
        raise Http404(_("Không có xã/phường mã “%(code)s” trong phạm vi của bạn.") % {"code": code})
    return commune


def _page(request, commune: AdminUnit, *, form=None, rename_forms=None, status: int = 200):
    can_write = can_write_unit(request.user, commune)
    villages = list(AdminUnit.objects.filter(parent=commune, level=Level.VILLAGE).order_by("official_code"))
    rename_forms = rename_forms or {}
    rows = [(v, rename_forms.get(v.pk) or VillageRenameForm(initial={"name": v.name}, village=v)) for v in villages]
    return render(request, "geo/villages.html", {
        "commune": commune, "rows": rows, "can_write": can_write,
        "form": form or VillageForm(commune=commune),
    }, status=status)  # fmt: skip


@login_required
@require_http_methods(["GET", "POST"])
def village_list(request, code: str):
    commune = _commune_in_scope(request.user, code)
    if request.method != "POST":
        return _page(request, commune)
    if not can_write_unit(request.user, commune):
        raise PermissionDenied(_("Bạn không có quyền thêm thôn/ấp cho %(unit)s.") % {"unit": commune.name})
    form = VillageForm(request.POST, commune=commune)
    if form.is_valid():
        try:
            village = services.village_create(commune=commune, user=request.user, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Đã thêm %(name)s.") % {"name": village.name})
            return redirect("geo:villages", code=commune.code)
    return _page(request, commune, form=form, status=400)


@login_required
@require_POST
def village_rename(request, code: str, village_code: str):
    commune = _commune_in_scope(request.user, code)
    village = AdminUnit.objects.filter(parent=commune, level=Level.VILLAGE, code=village_code).first()
    if village is None:
        raise Http404(
            _("Không có thôn/ấp mã “%(code)s” trong %(unit)s.") % {"code": village_code, "unit": commune.name}
        )
    if not can_write_unit(request.user, village):
        raise PermissionDenied(_("Bạn không có quyền sửa thôn/ấp này."))
    old_name = village.name
    form = VillageRenameForm(request.POST, village=village)
    if form.is_valid():
        try:
            services.village_rename(village=village, name=form.cleaned_data["name"], user=request.user)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Đã đổi tên %(old)s thành %(new)s.") % {"old": old_name, "new": village.name})
            return redirect("geo:villages", code=commune.code)
    return _page(request, commune, rename_forms={village.pk: form}, status=400)
