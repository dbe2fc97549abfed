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
