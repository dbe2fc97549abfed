"""Forms of the register screens: the upload, and the mapping of a new layout's columns."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from xaso.indicators.forms import ImportForm

from .cells import header_key
from .spec import Register


class RegisterUploadForm(ImportForm):
    """The data import's upload (size and type checked the same way), without "check only"."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        del self.fields["check_only"]
        self.fields["file"].label = _("Tệp xuất từ hệ thống (.xlsx hoặc .csv)")


class MappingForm(forms.Form):
    """One choice per column of the file: which field of the register it fills (or none)."""

    name = forms.CharField(
        label=_("Tên mẫu tệp (để lần sau nhận ra)"), max_length=120, required=False,
        help_text=_("Ví dụ: Xuất từ một cửa điện tử tỉnh, mẫu 2025."),
    )  # fmt: skip

    def __init__(self, *args, register: Register, headers: list[str], initial_columns: dict[str, str], **kwargs):
        super().__init__(*args, **kwargs)
        choices = [("", _("— Không dùng —"))] + [
            (f.key, f"{f.label}{' *' if f.required else ''}") for f in register.fields
        ]
        self.column_fields: list[tuple[str, str]] = []
        seen: set[str] = set()
        for index, header in enumerate(headers):
            key = header_key(header)
            if not key or key in seen:
                continue
            seen.add(key)
            name = f"col_{index}"
            self.fields[name] = forms.ChoiceField(
                label=header, choices=choices, required=False, initial=initial_columns.get(key, "")
            )
            self.column_fields.append((name, key))

    def columns(self) -> dict[str, str]:
        return {key: self.cleaned_data.get(name) or "" for name, key in self.column_fields}
