from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from xaso.core.forms import DayMonthYearDateInput
from xaso.geo.models import AdminUnit, Level

from .announcements import BODY_MAX, TITLE_MAX
from .models import AnnouncementLevel, Channel, Slot


class AnnouncementForm(forms.Form):
    title = forms.CharField(label=_("Tiêu đề"), max_length=TITLE_MAX)
    body = forms.CharField(
        label=_("Nội dung"),
        max_length=BODY_MAX,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("Tin nhắn SMS tối đa 280 ký tự. Loa đọc tiêu đề rồi nội dung bằng giọng tiếng Việt."),
    )
    level = forms.ChoiceField(
        label=_("Mức độ"),
        choices=AnnouncementLevel.choices,
        initial=AnnouncementLevel.NORMAL,
        widget=forms.RadioSelect,
        help_text=_("Khẩn cấp: loa phát ngay, ngắt chương trình đang phát."),
    )
    channels = forms.MultipleChoiceField(
        label=_("Kênh gửi"), choices=Channel.choices, widget=forms.CheckboxSelectMultiple, initial=[Channel.WEB]
    )
    villages = forms.ModelMultipleChoiceField(
        label=_("Thôn nhận"),
        queryset=AdminUnit.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Không chọn thôn nào: gửi cả xã."),
    )
    day = forms.DateField(
        label=_("Ngày phát trên loa"), required=False, input_formats=["%d/%m/%Y", "%Y-%m-%d"],
        widget=DayMonthYearDateInput(),
    )  # fmt: skip
    slots = forms.MultipleChoiceField(
        label=_("Khung giờ phát trên loa"),
        choices=[(Slot.MORNING, _("Buổi sáng")), (Slot.EVENING, _("Buổi chiều"))],
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, unit: AdminUnit, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["villages"].queryset = AdminUnit.objects.filter(parent=unit, level=Level.VILLAGE).order_by("name")


class SubscribeForm(forms.Form):
    channel = forms.ChoiceField(
        label=_("Nhận qua"),
        choices=[(Channel.SMS, _("Tin nhắn SMS")), (Channel.EMAIL, _("Thư điện tử"))],
        widget=forms.RadioSelect,
        initial=Channel.SMS,
    )
    address = forms.CharField(
        label=_("Số điện thoại hoặc thư điện tử"),
        max_length=254,
        help_text=_("Chỉ dùng để gửi thông báo của xã; ngừng nhận bất cứ lúc nào bằng đường dẫn trong tin."),
    )
    village = forms.ModelChoiceField(
        label=_("Thôn của bạn"), queryset=AdminUnit.objects.none(), required=False, empty_label=_("— cả xã —")
    )

    def __init__(self, *args, unit: AdminUnit, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["village"].queryset = AdminUnit.objects.filter(parent=unit, level=Level.VILLAGE).order_by("name")


class PointForm(forms.Form):
    village = forms.ModelChoiceField(label=_("Thôn"), queryset=AdminUnit.objects.none())
    name = forms.CharField(label=_("Vị trí"), max_length=120, help_text=_("Ví dụ: Nhà văn hóa ấp 1"))
    clusters = forms.CharField(
        label=_("Mã các cụm loa"), max_length=400, help_text=_("Cách nhau bằng dấu phẩy, ví dụ: C01, C02")
    )

    def __init__(self, *args, unit: AdminUnit, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["village"].queryset = AdminUnit.objects.filter(parent=unit, level=Level.VILLAGE).order_by("name")
