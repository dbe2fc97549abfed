"""Forms of the report-form screens."""

from __future__ import annotations

from pathlib import PurePath

from django import forms
from django.utils.translation import gettext_lazy as _

from xaso.indicators.filelimits import ImportLimits


def _xlsx(upload):
    limit = ImportLimits.current().file_bytes
    if upload.size > limit:
        raise forms.ValidationError(_("Tệp lớn quá %(mb)s MB."), params={"mb": limit // 2**20})
    if PurePath(upload.name).suffix.lower() not in {".xlsx", ".xlsm", ".xls"}:
        raise forms.ValidationError(_("Tệp “%(name)s” không phải bảng tính .xlsx."), params={"name": upload.name})
    return upload


class ReportFormCreateForm(forms.Form):
    name = forms.CharField(label=_("Tên báo cáo"), max_length=200,
                           help_text=_("Ví dụ: Báo cáo tháng tình hình chuyển đổi số"))  # fmt: skip
    period_type = forms.ChoiceField(label=_("Kỳ báo cáo"), choices=[("month", _("Tháng")), ("quarter", _("Quý")),
                                                                   ("year", _("Năm"))])  # fmt: skip
    file = forms.FileField(label=_("Một bản báo cáo đã điền (.xlsx)"),
                           widget=forms.ClearableFileInput(attrs={"accept": ".xlsx"}))  # fmt: skip

    def clean_file(self):
        return _xlsx(self.cleaned_data["file"])


class CellAddForm(forms.Form):
    cell = forms.CharField(label=_("Ô trong báo cáo"), max_length=50)  # "sheet!B12"
    element = forms.CharField(label=_("Chỉ tiêu dữ liệu"), max_length=64)


class ReportUploadForm(forms.Form):
    file = forms.FileField(
        label=_("Báo cáo đã điền (.xlsx)"), widget=forms.ClearableFileInput(attrs={"accept": ".xlsx"})
    )
    period = forms.CharField(label=_("Kỳ báo cáo"), max_length=10, required=False)
    check_only = forms.BooleanField(label=_("Chỉ kiểm tra, chưa lưu"), required=False)

    def clean_file(self):
        return _xlsx(self.cleaned_data["file"])
