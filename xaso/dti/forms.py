from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import Criterion, IndexVersion, RuleKind
from .services import MAX_EXPLANATION, MAX_YEAR, MIN_YEAR


class StartForm(forms.Form):
    index = forms.ModelChoiceField(label=_("Bộ chỉ số"), queryset=IndexVersion.objects.none())
    year = forms.IntegerField(label=_("Năm đánh giá"), min_value=MIN_YEAR, max_value=MAX_YEAR)

    def __init__(self, *args, indexes, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["index"].queryset = indexes


class SelfAssessForm(forms.Form):
    points = forms.FloatField(label=_("Điểm tự chấm"), required=False, min_value=0)
    fact = forms.ChoiceField(label=_("Tình trạng"), required=False, widget=forms.RadioSelect)
    explanation = forms.CharField(label=_("Giải trình"), required=False, max_length=MAX_EXPLANATION,
                                  widget=forms.Textarea(attrs={"rows": 3}))  # fmt: skip
    evidence = forms.FileField(label=_("Tệp minh chứng (PDF, ảnh, Word/Excel; tối đa 10 MB)"), required=False)

    def __init__(self, *args, criterion: Criterion, **kwargs):
        super().__init__(*args, **kwargs)
        if criterion.rule_kind == RuleKind.FACT:
            del self.fields["points"]
            self.fields["fact"].choices = [(o["code"], o["label"]) for o in criterion.params.get("options", [])]
            self.fields["fact"].required = True
        else:
            del self.fields["fact"]
            self.fields["points"].required = True
            self.fields["points"].max_value = criterion.points
            self.fields["points"].help_text = _("Từ 0 đến %(max)s điểm.") % {"max": f"{criterion.points:g}"}


class ReviewForm(forms.Form):
    decision = forms.ChoiceField(label=_("Thẩm định"), widget=forms.RadioSelect,
                                 choices=[("accept", _("Chấp nhận")), ("adjust", _("Điều chỉnh điểm"))])  # fmt: skip
    points = forms.FloatField(label=_("Điểm sau điều chỉnh"), required=False, min_value=0)
    reason = forms.CharField(label=_("Lý do điều chỉnh"), required=False, max_length=MAX_EXPLANATION,
                             widget=forms.Textarea(attrs={"rows": 2}))  # fmt: skip

    def clean(self):
        data = super().clean()
        if data.get("decision") == "adjust" and data.get("points") is None:
            self.add_error("points", _("Nhập điểm sau điều chỉnh."))
        return data


class IndexUploadForm(forms.Form):
    file = forms.FileField(label=_("Tệp bộ chỉ số (YAML hoặc JSON, tối đa 2 MB)"))


#: the annex's usual column titles (Nghệ An 1082/QĐ-UBND style); the province changes them to its own
SHEET_DEFAULTS = {"code": "Mã", "parent": "Thuộc", "name": "Tiêu chí", "points": "Điểm", "kind": "Cách chấm",
                  "indicator": "Chỉ số", "min": "Tối thiểu", "max": "Tối đa", "thresholds": "Ngưỡng",
                  "mandatory": "Bắt buộc"}  # fmt: skip


class IndexSheetForm(forms.Form):
    """The spreadsheet annex of the province's decision, the decision's particulars, and the column mapping."""

    sheet = forms.FileField(label=_("Phụ lục Excel (.xlsx, tối đa 2 MB)"))
    code = forms.SlugField(label=_("Mã bộ chỉ số"), max_length=64)
    title = forms.CharField(label=_("Tên bộ chỉ số"), max_length=255)
    decision_number = forms.CharField(label=_("Số quyết định"), max_length=60)
    decision_date = forms.DateField(label=_("Ngày quyết định"))
    issuer = forms.CharField(label=_("Cơ quan ban hành"), max_length=255)
    total_points = forms.FloatField(label=_("Tổng điểm"), min_value=0, max_value=100_000)
    completion_min_points = forms.FloatField(label=_("Điểm tối thiểu để hoàn thành chuyển đổi số"), required=False,
                                             min_value=0, max_value=100_000)  # fmt: skip
    col_code = forms.CharField(label=_("Cột mã tiêu chí"), max_length=100, initial=SHEET_DEFAULTS["code"])
    col_parent = forms.CharField(label=_("Cột mã tiêu chí cha"), max_length=100, initial=SHEET_DEFAULTS["parent"])
    col_name = forms.CharField(label=_("Cột tên tiêu chí"), max_length=100, initial=SHEET_DEFAULTS["name"])
    col_points = forms.CharField(label=_("Cột điểm"), max_length=100, initial=SHEET_DEFAULTS["points"])
    col_kind = forms.CharField(label=_("Cột cách chấm"), max_length=100, initial=SHEET_DEFAULTS["kind"])
    col_indicator = forms.CharField(label=_("Cột mã chỉ số"), max_length=100, initial=SHEET_DEFAULTS["indicator"])
    col_min = forms.CharField(label=_("Cột giá trị tối thiểu"), max_length=100, required=False,
                              initial=SHEET_DEFAULTS["min"])  # fmt: skip
    col_max = forms.CharField(label=_("Cột giá trị tối đa"), max_length=100, required=False,
                              initial=SHEET_DEFAULTS["max"])  # fmt: skip
    col_thresholds = forms.CharField(label=_("Cột ngưỡng (giá trị:tỷ lệ; …)"), max_length=100, required=False,
                                     initial=SHEET_DEFAULTS["thresholds"])  # fmt: skip
    col_mandatory = forms.CharField(label=_("Cột bắt buộc"), max_length=100, required=False,
                                    initial=SHEET_DEFAULTS["mandatory"])  # fmt: skip

    def mapping(self) -> dict[str, str]:
        data = self.cleaned_data
        return {key: data[f"col_{key}"].strip() for key in SHEET_DEFAULTS if data.get(f"col_{key}", "").strip()}

    def head(self) -> dict:
        data = self.cleaned_data
        head = {"code": data["code"], "title": data["title"], "total_points": data["total_points"],
                "decision": {"number": data["decision_number"], "date": data["decision_date"].isoformat(),
                             "issuer": data["issuer"]}}  # fmt: skip
        if data.get("completion_min_points") is not None:
            head["completion"] = {"min_points": data["completion_min_points"]}
        return head
