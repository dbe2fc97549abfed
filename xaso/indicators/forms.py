"""Forms of the data screens: the import upload and one cell of the entry grid."""

from __future__ import annotations

from pathlib import PurePath

from django import forms
from django.utils.translation import gettext_lazy as _

from .filelimits import ImportLimits
from .importexport import MAX_COMMENT


class ImportForm(forms.Form):
    file = forms.FileField(
        label=_("Tệp số liệu (.csv hoặc .xlsx)"),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.xlsx,.txt,.tsv,text/csv"}),
    )
    check_only = forms.BooleanField(
        label=_("Chỉ kiểm tra, chưa lưu"),
        required=False,
        help_text=_("Đọc và kiểm tra toàn bộ tệp, báo lỗi từng dòng, nhưng không lưu số liệu nào."),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        limit = ImportLimits.current().file_bytes
        if upload.size > limit:
            raise forms.ValidationError(
                _("Tệp lớn quá %(mb)s MB: chia thành nhiều tệp nhỏ hơn."), params={"mb": limit // 2**20}
            )
        if PurePath(upload.name).suffix.lower() not in {".csv", ".xlsx", ".xlsm", ".txt", ".tsv", ".xls"}:
            raise forms.ValidationError(
                _("Tệp “%(name)s” không phải CSV hay XLSX: chọn tệp .csv hoặc .xlsx."), params={"name": upload.name}
            )
        return upload


class CellForm(forms.Form):
    """One value posted from the entry grid; a blank value deletes the stored one."""

    element = forms.CharField(max_length=64)
    unit = forms.CharField(max_length=40)
    period = forms.CharField(max_length=10)
    value = forms.CharField(required=False, max_length=50, strip=True)
    comment = forms.CharField(
        required=False,
        max_length=MAX_COMMENT,
        strip=True,
        error_messages={"max_length": _("Ghi chú dài quá %(limit_value)d ký tự.")},
    )
