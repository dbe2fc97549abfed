from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from xaso.accounts.models import User
from xaso.core.forms import DayMonthYearDateInput
from xaso.core.limits import PLAN_YEAR_MAX, PLAN_YEAR_MIN, plan_date_validators
from xaso.plans.forms import SIX_RO_FIELDSETS, TIMEFRAME_REVEAL, quarter_choices, timeframe_clean
from xaso.plans.models import TimeframeKind

from .models import FollowUp, Leadership, MemberRole, ReviewKind

DATE_WIDGET = DayMonthYearDateInput()


class CommitteeForm(forms.Form):
    name = forms.CharField(label=_("Tên Ban"), max_length=200, initial=_("Ban Chỉ đạo chuyển đổi số"))
    decision_number = forms.CharField(
        label=_("Số quyết định thành lập"), max_length=60, required=False, help_text=_("Ví dụ 15/QĐ-UBND")
    )
    decision_date = forms.DateField(
        label=_("Ngày quyết định"), widget=DATE_WIDGET, required=False, validators=plan_date_validators()
    )
    decision_signer = forms.CharField(label=_("Người ký quyết định"), max_length=150, required=False)
    decision_file = forms.FileField(
        label=_("Tệp quyết định (PDF hoặc ảnh chụp)"),
        required=False,
        help_text=_("PDF, ảnh PNG, JPEG hoặc WebP; tối đa 20 MB."),
        widget=forms.ClearableFileInput(attrs={"accept": ".pdf,.png,.jpg,.jpeg,.webp"}),
    )


class MemberForm(forms.Form):
    full_name = forms.CharField(label=_("Họ và tên"), max_length=150)
    position = forms.CharField(label=_("Chức vụ"), max_length=200, help_text=_("Ví dụ: Chủ tịch UBND xã."))
    role = forms.ChoiceField(label=_("Vai trò trong Ban"), choices=MemberRole.choices)
    leadership = forms.ChoiceField(
        label=_("Chức danh lãnh đạo UBND xã"), choices=Leadership.choices, required=False,
        help_text=_("Bộ chỉ số chấm điểm theo người đứng đầu Ban: Chủ tịch hay Phó Chủ tịch UBND."),
    )  # fmt: skip
    duties = forms.CharField(label=_("Nhiệm vụ được phân công"), max_length=300, required=False)
    phone = forms.CharField(label=_("Số điện thoại"), max_length=20, required=False,
                            help_text=_("Chỉ người dùng của xã xem được."))  # fmt: skip
    account = forms.ModelChoiceField(label=_("Tài khoản xaso"), queryset=User.objects.none(), required=False)
    valid_from = forms.DateField(label=_("Từ ngày"), widget=DATE_WIDGET, validators=plan_date_validators())

    def __init__(self, *args, commune, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["account"].queryset = User.objects.filter(unit=commune, is_active=True).order_by("username")


class MemberEndForm(forms.Form):
    valid_to = forms.DateField(label=_("Thôi nhiệm vụ từ ngày"), widget=DATE_WIDGET, validators=plan_date_validators())
    reason = forms.CharField(label=_("Lý do"), max_length=300, required=False)


class ReviewCreateForm(forms.Form):
    PART_CHOICES = [(1, _("Quý I / 6 tháng đầu năm")), (2, _("Quý II / 6 tháng cuối năm")), (3, _("Quý III")),
                    (4, _("Quý IV"))]  # fmt: skip
    kind = forms.ChoiceField(label=_("Kỳ"), choices=ReviewKind.choices)
    year = forms.IntegerField(label=_("Năm"), min_value=PLAN_YEAR_MIN, max_value=PLAN_YEAR_MAX)
    part = forms.TypedChoiceField(
        label=_("Quý hoặc nửa năm"), choices=PART_CHOICES, coerce=int, required=False,
        help_text=_("Không cần chọn với tổng kết năm."),
    )  # fmt: skip
    meeting_date = forms.DateField(label=_("Ngày họp"), widget=DATE_WIDGET, validators=plan_date_validators())

    def clean(self):
        data = super().clean()
        if data.get("kind") != ReviewKind.YEAR and not data.get("part"):
            self.add_error("part", _("Chọn quý (1–4) hoặc nửa năm (1–2)."))
        data["part"] = data.get("part") or 0
        return data


class ConclusionsForm(forms.Form):
    number = forms.CharField(label=_("Số, ký hiệu báo cáo"), max_length=40, required=False,
                             help_text=_("Ví dụ 12/BC-BCĐ; để trống nếu văn thư cấp số khi ký."))  # fmt: skip
    conclusions = forms.CharField(
        label=_("Kết luận của Ban Chỉ đạo"), max_length=10_000, required=False,
        widget=forms.Textarea(attrs={"rows": 6}), help_text=_("Mỗi ý một đoạn."),
    )  # fmt: skip


class FollowUpForm(forms.ModelForm):
    """A follow-up task by the "6 rõ", given the same way as a plan's task (xaso.plans.forms.TaskForm)."""

    quarter = forms.ChoiceField(label=_("Quý"), required=False)

    fieldsets = SIX_RO_FIELDSETS
    reveal = TIMEFRAME_REVEAL

    class Meta:
        model = FollowUp
        fields = ["area", "title", "person", "lead_unit", "coordinating_units", "timeframe_kind", "due_date",
                  "start_date", "recurrence", "deliverable", "approver"]  # fmt: skip
        widgets = {
            "due_date": DATE_WIDGET, "start_date": DATE_WIDGET, "timeframe_kind": forms.RadioSelect,
            **{f: forms.Textarea(attrs={"rows": 2}) for f in ("title", "coordinating_units", "deliverable")},
        }  # fmt: skip

    def __init__(self, *args, year: int, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["timeframe_kind"].choices = list(TimeframeKind.choices)
        self.fields["quarter"].choices = quarter_choices((year, year + 1))

    def clean(self):
        return timeframe_clean(self, super().clean())
