from __future__ import annotations

import calendar
from datetime import date

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from xaso.core.forms import DayMonthYearDateInput
from xaso.core.limits import PLAN_YEAR_MAX, PLAN_YEAR_MIN, plan_date_validators
from xaso.geo.models import AdminUnit

from .models import BudgetLine, LegalBasis, Plan, Target, Task, TaskUpdate, TimeframeKind

DATE_WIDGET = DayMonthYearDateInput()


class PlanCreateForm(forms.Form):
    MODES = [
        ("template", _("Từ khung kế hoạch quốc gia")),
        ("previous", _("Từ kế hoạch năm trước")),
        ("parent", _("Từ kế hoạch cấp trên (chỉ tiêu tối thiểu)")),
    ]
    mode = forms.ChoiceField(label=_("Cách lập"), choices=MODES, widget=forms.RadioSelect, initial="template")
    unit = forms.ModelChoiceField(label=_("Đơn vị"), queryset=AdminUnit.objects.none(), to_field_name="code")
    year = forms.IntegerField(label=_("Năm"), min_value=PLAN_YEAR_MIN, max_value=PLAN_YEAR_MAX)
    source = forms.ModelChoiceField(label=_("Kế hoạch nguồn"), queryset=Plan.objects.none(), required=False)

    def __init__(self, *args, units=None, sources=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units if units is not None else AdminUnit.objects.none()
        if units is not None and units.count() > 50:
            # an administrator may plan for any unit: typing its code beats a list of thousands of communes
            self.fields["unit"].widget = forms.TextInput(attrs={"placeholder": "26296"})
            self.fields["unit"].help_text = _("Mã đơn vị hành chính (ví dụ 26296 cho Xã An Viễn).")
        self.fields["source"].queryset = sources if sources is not None else Plan.objects.none()

    def clean(self):
        data = super().clean()
        if data.get("mode") in ("previous", "parent") and not data.get("source"):
            self.add_error("source", _("Chọn kế hoạch nguồn."))
        return data


class PlanSectionsForm(forms.ModelForm):
    class Meta:
        model = Plan
        fields = ["title", "year_from", "year_to", "legal_bases", "general_goal", "roadmap", "budget_text"]
        widgets = {"legal_bases": forms.CheckboxSelectMultiple}

    def clean(self):
        data = super().clean()
        if data.get("year_from") and data.get("year_to") and data["year_from"] > data["year_to"]:
            self.add_error("year_to", _("Năm kết thúc phải từ năm bắt đầu trở đi."))
        return data


class LegalBasisForm(forms.ModelForm):
    class Meta:
        model = LegalBasis
        fields = ["number", "issued_on", "issuer", "title"]
        widgets = {"issued_on": DATE_WIDGET, "title": forms.Textarea(attrs={"rows": 2})}


class TargetForm(forms.ModelForm):
    class Meta:
        model = Target
        fields = ["indicator", "comparator", "value", "horizon_year", "baseline_value", "baseline_date", "stated_text",
                  "is_vague", "source"]  # fmt: skip
        widgets = {"baseline_date": DATE_WIDGET, "stated_text": forms.Textarea(attrs={"rows": 2}),
                   "value": forms.NumberInput(attrs={"inputmode": "decimal", "step": "any"})}  # fmt: skip


def quarter_end(year: int, quarter: int) -> date:
    """The last day of a quarter: a task "in Q2 2026" is due on 30/06/2026."""
    month = quarter * 3
    return date(year, month, calendar.monthrange(year, month)[1])


#: the "6 rõ" of a task as the form groups them: a plan's task and a steering committee's follow-up task
SIX_RO_FIELDSETS = [
    (_("Rõ việc"), "", False, ["area", "title"]),
    (_("Rõ người"), "", False, ["person"]),
    (_("Rõ thời gian"), _("Chọn một cách: đến một ngày, trong một quý, định kỳ hoặc thường xuyên."), False,
     ["timeframe_kind", "due_date", "quarter", "recurrence", "start_date"]),
    (_("Rõ trách nhiệm"), "", False, ["lead_unit", "coordinating_units"]),
    (_("Rõ sản phẩm"), "", False, ["deliverable"]),
    (_("Rõ thẩm quyền"), "", False, ["approver"]),
]  # fmt: skip
#: which fields belong to which way of giving the time (components/field.html shows only the chosen way's)
TIMEFRAME_REVEAL = {
    "due_date": ("timeframe_kind", "date"),
    "quarter": ("timeframe_kind", "quarter"),
    "recurrence": ("timeframe_kind", "recurring"),
    "start_date": ("timeframe_kind", "recurring"),
}
_ROMAN = {1: "I", 2: "II", 3: "III", 4: "IV"}


def quarter_choices(years) -> list[tuple[str, str]]:
    """The quarters a task's time may name, "2026Q3" → "Quý III năm 2026", for the years given."""
    return [("", _("— Chọn —"))] + [
        (f"{y}Q{q}", _("Quý %(q)s năm %(y)s") % {"q": _ROMAN[q], "y": y}) for y in years for q in range(1, 5)
    ]


def timeframe_clean(form: forms.BaseForm, data: dict) -> dict:
    """A task's time given one way, chosen first: by a date, in a quarter, or as a recurrence from a start date.
    The chosen way's fields are required (an error on the field); the fields of the other ways are cleared, so a
    task never carries two contradicting times. The quarter becomes its last day."""
    kind = data.get("timeframe_kind")
    if kind == TimeframeKind.QUARTER:
        chosen = data.get("quarter")
        if chosen:
            data["due_date"] = quarter_end(int(chosen[:4]), int(chosen[5]))
        else:
            form.add_error("quarter", _("Chọn quý phải hoàn thành."))
    elif kind == TimeframeKind.DATE and not data.get("due_date") and "due_date" not in form.errors:
        form.add_error("due_date", _("Nhập ngày phải hoàn thành, ví dụ 31/12/2026."))
    elif kind == TimeframeKind.RECURRING:
        if not data.get("recurrence"):
            form.add_error("recurrence", _("Chọn chu kỳ lặp lại."))
        if not data.get("start_date") and "start_date" not in form.errors:
            form.add_error("start_date", _("Nhập ngày bắt đầu, ví dụ 01/01/2026."))
    if kind != TimeframeKind.RECURRING:
        data["recurrence"], data["start_date"] = "", None
    if kind in (TimeframeKind.RECURRING, TimeframeKind.ONGOING, "", None):
        data["due_date"] = None
    data.pop("quarter", None)
    return data


class TaskForm(forms.ModelForm):
    """A task by the "6 rõ" (người, việc, thời gian, trách nhiệm, sản phẩm, thẩm quyền), the rest under "more".

    The time is given one way, chosen first: by a date, in a quarter of the plan's years, or as a recurrence from a
    start date; the fields of the other ways are cleared so a task never carries two contradicting times.
    """

    quarter = forms.ChoiceField(label=_("Quý"), required=False)

    fieldsets = [
        *SIX_RO_FIELDSETS,
        (_("Thêm: chỉ tiêu phục vụ, trạng thái, cách thức, hiệu quả"), "", True,
         ["targets", "status", "method", "expected_effect", "duration", "timeframe_text"]),
    ]  # fmt: skip
    reveal = TIMEFRAME_REVEAL

    class Meta:
        model = Task
        fields = ["area", "item", "title", "person", "lead_unit", "coordinating_units", "timeframe_kind", "due_date",
                  "start_date", "recurrence", "timeframe_text", "deliverable", "approver", "method",
                  "expected_effect", "duration", "status", "targets"]  # fmt: skip
        widgets = {
            "due_date": DATE_WIDGET, "start_date": DATE_WIDGET, "targets": forms.CheckboxSelectMultiple,
            "timeframe_kind": forms.RadioSelect,
            **{f: forms.Textarea(attrs={"rows": 2}) for f in ("title", "coordinating_units", "deliverable", "method",
                                                              "expected_effect")},
        }  # fmt: skip
        help_texts = {
            "due_date": _("Ngày phải hoàn thành."),
            "start_date": _("Lần đầu thực hiện; các lần sau tính theo chu kỳ."),
            "timeframe_text": _("Thời gian đúng như văn bản ghi, nếu có."),
        }

    def __init__(self, *args, plan: Plan, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["targets"].queryset = plan.targets.select_related("indicator")
        self.fields["timeframe_kind"].choices = [c for c in TimeframeKind.choices]
        self.fields["quarter"].choices = quarter_choices(range(plan.year_from, plan.year_to + 1))
        task = self.instance
        if task.pk and task.timeframe_kind == TimeframeKind.QUARTER and task.due_date:
            self.initial["quarter"] = f"{task.due_date.year}Q{(task.due_date.month - 1) // 3 + 1}"

    def clean(self):
        return timeframe_clean(self, super().clean())


class BudgetLineForm(forms.ModelForm):
    class Meta:
        model = BudgetLine
        fields = [
            "area", "item", "invest_equipment", "invest_socialised", "invest_rented", "running_maintenance",
            "running_rented", "alloc_province", "alloc_district", "alloc_commune", "alloc_self", "notes",
        ]  # fmt: skip
        widgets = {"notes": forms.Textarea(attrs={"rows": 2})}


class ResponsibilityForm(forms.Form):
    unit_name = forms.CharField(label=_("Cơ quan, đơn vị"), max_length=200)
    duties = forms.CharField(
        label=pgettext_lazy("a unit's duties", "Nhiệm vụ"), widget=forms.Textarea(attrs={"rows": 3})
    )


class ApproveForm(forms.Form):
    number = forms.CharField(label=_("Số, ký hiệu"), max_length=40, help_text=_("Ví dụ 30/KH-UBND"))
    issued_on = forms.DateField(label=_("Ngày ban hành"), widget=DATE_WIDGET, validators=plan_date_validators())
    signer_name = forms.CharField(label=_("Người ký"), max_length=150)
    signer_title = forms.CharField(label=_("Chức vụ"), max_length=150, initial="Phó Chủ tịch")
    signed_file = forms.FileField(
        label=_("Bản ký (PDF hoặc ảnh chụp)"),
        required=False,
        help_text=_("PDF, ảnh PNG, JPEG hoặc WebP; tối đa 20 MB."),
        widget=forms.ClearableFileInput(attrs={"accept": ".pdf,.png,.jpg,.jpeg,.webp"}),
    )


class CloseForm(forms.Form):
    evaluation = forms.CharField(label=_("Đánh giá kết quả cuối năm"), widget=forms.Textarea(attrs={"rows": 6}))


class TaskUpdateForm(forms.ModelForm):
    class Meta:
        model = TaskUpdate
        fields = ["on", "percent_done", "text", "evidence"]
        widgets = {
            "on": DATE_WIDGET,
            "text": forms.Textarea(attrs={"rows": 3}),
            "evidence": forms.ClearableFileInput(attrs={"accept": ".pdf,.png,.jpg,.jpeg,.webp,.docx,.xlsx,.odt,.ods"}),
        }
        help_texts = {"evidence": _("PDF, ảnh PNG/JPEG/WebP, tệp Word/Excel (docx, xlsx, odt, ods); tối đa 10 MB.")}
