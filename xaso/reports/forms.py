from __future__ import annotations

from datetime import date

from django import forms
from django.utils.translation import gettext_lazy as _

from xaso.core.limits import PLAN_YEAR_MAX, PLAN_YEAR_MIN
from xaso.core.periods import PeriodError, parse_period
from xaso.geo.models import AdminUnit, Level
from xaso.plans.models import Plan

from .models import JobKind

FORMATS = [("docx", _("Word (.docx)")), ("pdf", _("PDF"))]
ROMAN = ["I", "II", "III", "IV"]


def plan_years(plan: Plan) -> range:
    """The plan's years, newest first, within 2000–2100 (`xaso.core.limits`): a plan stored with the years 0–32767
    before the bounds offers those, not 32,768 years of which most have no calendar."""
    return range(min(plan.year_to, PLAN_YEAR_MAX), max(plan.year_from, PLAN_YEAR_MIN) - 1, -1)


def period_choices(plan: Plan) -> list[tuple[str, str]]:
    """The months, quarters and years of the plan, newest first."""
    choices: list[tuple[str, str]] = []
    for y in plan_years(plan):
        choices.append((str(y), _("Năm %(y)s") % {"y": y}))
        choices += [(f"{y}Q{q}", _("Quý %(q)s năm %(y)s") % {"q": ROMAN[q - 1], "y": y}) for q in range(4, 0, -1)]
        choices += [(f"{y}-{m:02d}", _("Tháng %(m)s năm %(y)s") % {"m": m, "y": y}) for m in range(12, 0, -1)]
    return choices


class ProgressReportForm(forms.Form):
    period = forms.ChoiceField(label=_("Kỳ báo cáo"))
    difficulties = forms.CharField(label=_("Khó khăn, vướng mắc"), required=False,
                                   widget=forms.Textarea(attrs={"rows": 5}),
                                   help_text=_("Mỗi dòng là một đoạn trong báo cáo."))  # fmt: skip
    proposals = forms.CharField(label=_("Đề xuất, kiến nghị"), required=False, widget=forms.Textarea(attrs={"rows": 5}))
    format = forms.ChoiceField(label=_("Định dạng"), choices=FORMATS, initial="docx")

    def __init__(self, *args, plan: Plan, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["period"].choices = period_choices(plan)

    def clean_period(self) -> str:
        try:
            return parse_period(self.cleaned_data["period"]).code
        except PeriodError as exc:
            raise forms.ValidationError(str(exc)) from exc


class EvaluationForm(forms.Form):
    year = forms.TypedChoiceField(label=_("Năm đánh giá"), coerce=int)
    format = forms.ChoiceField(label=_("Định dạng"), choices=FORMATS, initial="docx")

    def __init__(self, *args, plan: Plan, **kwargs):
        super().__init__(*args, **kwargs)
        years = plan_years(plan)
        self.fields["year"].choices = [(y, str(y)) for y in years]
        self.fields["year"].initial = years[0] if years else None


class ReportJobForm(forms.Form):
    kind = forms.ChoiceField(label=_("Loại báo cáo"), choices=JobKind.choices)
    unit = forms.ModelChoiceField(label=_("Đơn vị"), queryset=AdminUnit.objects.none())
    year = forms.IntegerField(label=_("Năm"), min_value=PLAN_YEAR_MIN, max_value=PLAN_YEAR_MAX)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        units = AdminUnit.objects.for_user(user).filter(level__in=[Level.PROVINCE, Level.DISTRICT, Level.COMMUNE])
        self.fields["unit"].queryset = units.order_by("level", "name")
        self.fields["unit"].initial = user.unit_id
        self.fields["year"].initial = date.today().year
