from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from xaso.geo.models import Level
from xaso.indicators.models import DataElement

from .models import PushEndpoint
from .selectors import manager_units


class EndpointForm(forms.ModelForm):
    """A push endpoint as a province's administrator sets it: where, which unit's figures, which elements, the
    secret the receiver checks signatures with (left empty: kept, or made up on creation)."""

    secret = forms.CharField(
        label=_("Khóa ký HMAC"), required=False, max_length=128, min_length=16,
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "new-password"}),
        help_text=_("Ít nhất 16 ký tự. Để trống: giữ khóa cũ; điểm nhận mới thì xaso tạo khóa và hiện một lần."),
    )  # fmt: skip
    auth_header = forms.CharField(
        label=_("Tiêu đề Authorization (nếu bên nhận cần)"), required=False, max_length=300,
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "off"}),
        help_text=_("Ví dụ “Token …” khi bên nhận là một xaso khác. Để trống: giữ như cũ."),
    )  # fmt: skip
    clear_auth_header = forms.BooleanField(label=_("Bỏ tiêu đề Authorization đã lưu"), required=False)
    elements = forms.ModelMultipleChoiceField(
        label=_("Chỉ tiêu gửi"), queryset=DataElement.objects.order_by("area", "code"), required=False,
        widget=forms.CheckboxSelectMultiple, help_text=_("Không chọn chỉ tiêu nào: gửi mọi chỉ tiêu."),
    )  # fmt: skip

    fieldsets = [
        (_("Gửi đi đâu"), "", False, ["name", "url", "format", "is_active"]),
        (_("Gửi số liệu nào"), "", False, ["unit"]),
        (_("Chỉ tiêu gửi"), "", True, ["elements"]),
        (_("Bảo mật"), "", False, ["secret", "auth_header", "clear_auth_header"]),
    ]  # fmt: skip

    class Meta:
        model = PushEndpoint
        fields = ["name", "url", "format", "is_active", "unit"]

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        units = manager_units(user).filter(level__in=[Level.PROVINCE, Level.DISTRICT, Level.COMMUNE])
        self.fields["unit"].queryset = units.order_by("path")
        if self.instance.pk is None:
            self.fields["unit"].initial = user.unit_id
        else:
            self.fields["elements"].initial = list(self.instance.elements.values_list("pk", flat=True))
        if not self.instance.auth_header:
            del self.fields["clear_auth_header"]
        self.fields["url"].widget.attrs["placeholder"] = "https://ioc.example.gov.vn/xaso/push"

    def clean_auth_header(self) -> str:
        value = self.cleaned_data["auth_header"]
        if any(ord(c) < 32 or ord(c) == 127 for c in value) or not value.isascii():
            raise forms.ValidationError(
                _("Tiêu đề Authorization phải viết trên một dòng, chỉ gồm ký tự không dấu (ví dụ “Token abc123…”).")
            )
        return value
