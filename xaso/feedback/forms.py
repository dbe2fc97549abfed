from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from xaso.geo.models import AdminUnit, Level
from xaso.notify.models import Channel

from .models import Category, RefusalReason
from .services import PHOTOS_MAX, TEXT_MAX


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": "image/jpeg,image/png,image/webp"}))
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        if not data:
            return []
        files = data if isinstance(data, list | tuple) else [data]
        return [super(MultipleFileField, self).clean(f, initial) for f in files]


class FeedbackForm(forms.Form):
    category = forms.ModelChoiceField(
        label=_("Lĩnh vực"), queryset=Category.objects.filter(is_active=True), empty_label=_("— chọn lĩnh vực —")
    )
    text = forms.CharField(
        label=_("Nội dung phản ánh"),
        max_length=TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("Việc gì, ở đâu, từ khi nào. Không ghi họ tên, số điện thoại của người khác."),
    )
    village = forms.ModelChoiceField(
        label=_("Thôn, tổ dân phố"), queryset=AdminUnit.objects.none(), required=False, empty_label=_("— chọn thôn —")
    )
    latitude = forms.CharField(
        label=_("Vĩ độ"),
        required=False,
        max_length=20,
        help_text=_("Độ Bắc, số thập phân, ví dụ 11.09271."),
        widget=forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off", "spellcheck": "false"}),
    )
    longitude = forms.CharField(
        label=_("Kinh độ"),
        required=False,
        max_length=20,
        help_text=_("Độ Đông, số thập phân, ví dụ 107.17031."),
        widget=forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off", "spellcheck": "false"}),
    )
    photos = MultipleFileField(
        label=_("Ảnh"),
        required=False,
        help_text=_(
            "Tối đa %(n)s ảnh JPEG, PNG hoặc WebP, mỗi ảnh đến 5 MB. Vị trí và thông tin máy chụp trong ảnh được "
            "xóa khi tải lên."
        )
        % {"n": PHOTOS_MAX},
    )
    contact_channel = forms.ChoiceField(
        label=_("Nhận mã xác nhận qua"),
        choices=[(Channel.SMS, _("Tin nhắn SMS")), (Channel.EMAIL, _("Thư điện tử"))],
        widget=forms.RadioSelect,
        initial=Channel.SMS,
    )
    contact = forms.CharField(
        label=_("Số điện thoại hoặc thư điện tử"),
        max_length=254,
        help_text=_("Chỉ dùng để gửi mã xác nhận và báo khi có trả lời; không bao giờ công khai."),
    )
    #: a field people never see (hidden by CSS, not by type): a robot that fills every field fills it too
    website = forms.CharField(label=_("Để trống ô này"), required=False, max_length=200)

    fieldsets = [
        (_("Nội dung"), "", False, ["category", "text"]),
        (
            _("Nơi xảy ra"),
            _(
                "Chọn thôn; nếu muốn chỉ rõ hơn, chạm vào bản đồ, dùng vị trí hiện tại của điện thoại hoặc nhập vĩ độ, "
                "kinh độ. Vị trí chính xác chỉ cán bộ xã xem; trang công khai chỉ ghi tên thôn."
            ),
            False,
            ["village", "latitude", "longitude"],
        ),
        (_("Ảnh và liên hệ"), "", False, ["photos", "contact_channel", "contact", "website"]),
    ]

    def __init__(self, *args, unit: AdminUnit, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["village"].queryset = AdminUnit.objects.filter(parent=unit, level=Level.VILLAGE).order_by("name")
        self.fields["contact"].widget.attrs.update({"autocomplete": "tel", "inputmode": "text"})
        self.fields["website"].widget.attrs.update({"tabindex": "-1", "autocomplete": "off"})


class CodeForm(forms.Form):
    code = forms.CharField(
        label=_("Mã xác nhận (6 chữ số)"),
        max_length=6,
        min_length=6,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "one-time-code", "pattern": "[0-9]{6}"}),
    )


class TrackForm(forms.Form):
    tracking = forms.CharField(label=_("Mã theo dõi"), max_length=12, help_text=_("Ví dụ PA-7K3Q9X"))


class RateForm(forms.Form):
    rating = forms.TypedChoiceField(
        label=_("Mức hài lòng với câu trả lời"),
        coerce=int,
        choices=[
            (5, _("5 — Rất hài lòng")),
            (4, _("4 — Hài lòng")),
            (3, _("3 — Bình thường")),
            (2, _("2 — Không hài lòng")),
            (1, _("1 — Rất không hài lòng")),
        ],
        widget=forms.RadioSelect,
    )
    comment = forms.CharField(
        label=_("Ý kiến thêm"), required=False, max_length=500, widget=forms.Textarea(attrs={"rows": 3})
    )


class AnswerForm(forms.Form):
    answer = forms.CharField(label=_("Trả lời người dân"), max_length=3000, widget=forms.Textarea(attrs={"rows": 6}))


class RefuseForm(forms.Form):
    reason = forms.ChoiceField(label=_("Lý do không tiếp nhận"), choices=RefusalReason.choices)
    note = forms.CharField(
        label=_("Giải thích cho người dân"), max_length=500, widget=forms.Textarea(attrs={"rows": 3})
    )


class PublishForm(forms.Form):
    public_text = forms.CharField(
        label=_("Nội dung công khai"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("Xóa họ tên, số điện thoại, địa chỉ nhà của bất kỳ ai trước khi công khai."),
    )
    photos = forms.MultipleChoiceField(
        label=_("Ảnh công khai (đã kiểm tra không lộ mặt người)"), required=False, widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args, photos=(), **kwargs):
        super().__init__(*args, **kwargs)
        if not photos:  # nothing to choose: no empty "public photos" question
            del self.fields["photos"]
            return
        self.fields["photos"].choices = [
            (str(p.pk), p.name or _("Ảnh %(n)s") % {"n": i}) for i, p in enumerate(photos, 1)
        ]
