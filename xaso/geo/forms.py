"""Forms for the villages a commune keeps (thôn, ấp, bản, tổ dân phố...)."""

from __future__ import annotations

import unicodedata

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import AdminUnit, Level

#: what communes call their villages and residential groups
DIVISION_TYPES = [
    ("thôn", _("Thôn")),
    ("ấp", _("Ấp")),
    ("bản", _("Bản")),
    ("buôn", _("Buôn")),
    ("làng", _("Làng")),
    ("xóm", _("Xóm")),
    ("sóc", _("Sóc")),
    ("tổ dân phố", _("Tổ dân phố")),
    ("khu phố", _("Khu phố")),
    ("khóm", _("Khóm")),
]


def _same_name(a: str, b: str) -> bool:
    return unicodedata.normalize("NFC", a).casefold() == unicodedata.normalize("NFC", b).casefold()


class _VillageNameMixin:
    """Refuses a name another village of the commune already has, whatever the case (Ấp 1 = ấp 1).

    `village_create` checks too, but with the database's `iexact`, which SQLite applies to ASCII letters only.
    """

    commune: AdminUnit
    village: AdminUnit | None = None

    def clean_name(self):
        name = " ".join(self.cleaned_data["name"].split())
        if not name:
            raise forms.ValidationError(_("Tên thôn/ấp không được để trống."))
        siblings = AdminUnit.objects.filter(parent=self.commune, level=Level.VILLAGE)
        if self.village is not None:
            siblings = siblings.exclude(pk=self.village.pk)
        if any(_same_name(name, other) for other in siblings.values_list("name", flat=True)):
            raise forms.ValidationError(
                _("%(unit)s đã có thôn/ấp tên “%(name)s”."), params={"unit": self.commune.name, "name": name}
            )
        return name


class VillageForm(_VillageNameMixin, forms.Form):
    name = forms.CharField(
        label=_("Tên thôn/ấp"), max_length=150, widget=forms.TextInput(attrs={"autocomplete": "off"})
    )
    division_type = forms.ChoiceField(label=_("Loại"), choices=DIVISION_TYPES, initial="thôn")

    def __init__(self, *args, commune: AdminUnit, **kwargs):
        super().__init__(*args, **kwargs)
        self.commune = commune


class VillageRenameForm(_VillageNameMixin, forms.Form):
    name = forms.CharField(label=_("Tên mới"), max_length=150, widget=forms.TextInput(attrs={"autocomplete": "off"}))

    def __init__(self, *args, village: AdminUnit, **kwargs):
        super().__init__(*args, **kwargs)
        self.village = village
        self.commune = village.parent
