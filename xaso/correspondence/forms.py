"""The register import upload."""

from __future__ import annotations

from pathlib import PurePath

from django import forms
from django.utils.translation import gettext_lazy as _

from xaso.indicators.filelimits import ImportLimits

from .models import Direction


class RegisterImportForm(forms.Form):
    direction = forms.ChoiceField(
        label=_("Loại sổ"),
        choices=[("", _("Tự nhận biết theo dòng tiêu đề")), *Direction.choices],
        required=False,
    )
    file = forms.FileField(
        label=_("Tệp xuất từ hệ thống quản lý văn bản (.xlsx hoặc .csv)"),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.xlsx,text/csv"}),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        limit = ImportLimits.current().file_bytes
        if upload.size > limit:
            raise forms.ValidationError(_("Tệp lớn quá %(mb)s MB."), params={"mb": limit // 2**20})
        if PurePath(upload.name).suffix.lower() not in {".csv", ".xlsx", ".xlsm", ".txt", ".tsv", ".xls"}:
            raise forms.ValidationError(
                _("Tệp “%(name)s” không phải CSV hay XLSX: chọn tệp .csv hoặc .xlsx."), params={"name": upload.name}
            )
        return upload
