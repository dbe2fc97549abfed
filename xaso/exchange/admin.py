import secrets

from django import forms
from django.contrib import admin, messages
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .models import PushAttempt, PushBatch, PushEndpoint, ReceivedBatch


class PushAttemptInline(admin.TabularInline):
    model = PushAttempt
    extra = 0
    can_delete = False
    readonly_fields = ["number", "started_at", "duration_ms", "status_code", "ok", "error", "next_attempt_at"]

    def has_add_permission(self, request, obj=None):
        return False


class PushEndpointAdminForm(forms.ModelForm):
    """The secret is never shown again once made (decision 0032): the form takes a new one, or keeps the stored one."""

    new_secret = forms.CharField(
        label=gettext_lazy("Khóa ký HMAC mới"), required=False, min_length=16, max_length=128, strip=True,
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "new-password"}),
        help_text=gettext_lazy("Để trống: giữ khóa đang dùng (không hiện lại); điểm nhận mới thì xaso tạo khóa và "
                               "hiện một lần."),
    )  # fmt: skip

    class Meta:
        model = PushEndpoint
        fields = ["name", "unit", "url", "format", "new_secret", "auth_header", "elements", "is_active"]

    def clean_url(self):
        from .transport import url_refusal

        refusal = url_refusal(self.cleaned_data["url"], resolve=True)
        if refusal:
            raise forms.ValidationError(refusal)
        return self.cleaned_data["url"]


@admin.register(PushEndpoint)
class PushEndpointAdmin(admin.ModelAdmin):
    form = PushEndpointAdminForm
    list_display = ["name", "unit", "url", "format", "is_active", "dropped"]
    list_filter = ["is_active", "format"]
    search_fields = ["name", "url", "unit__name", "unit__code"]
    autocomplete_fields = ["unit"]
    filter_horizontal = ["elements"]
    readonly_fields = ["dropped", "created_at", "updated_at"]

    def save_model(self, request, obj, form, change):
        made = ""
        if form.cleaned_data.get("new_secret"):
            obj.secret = form.cleaned_data["new_secret"]
        elif not obj.secret:
            obj.secret = made = secrets.token_urlsafe(32)
        super().save_model(request, obj, form, change)
        if made:
            messages.warning(request, _("Khóa ký HMAC (chỉ hiện lần này, hãy gửi cho bên nhận): %(s)s") % {"s": made})


@admin.register(PushBatch)
class PushBatchAdmin(admin.ModelAdmin):
    list_display = ["batch_id", "endpoint", "status", "value_count", "attempts", "next_attempt_at", "created_at"]
    list_filter = ["status"]
    readonly_fields = ["batch_id", "endpoint", "status", "value_count", "content_type", "attempts", "next_attempt_at",
                       "created_at", "sent_at"]  # fmt: skip
    exclude = ["body"]
    inlines = [PushAttemptInline]

    def has_add_permission(self, request):
        return False


@admin.register(ReceivedBatch)
class ReceivedBatchAdmin(admin.ModelAdmin):
    list_display = ["batch_id", "received_by", "received_at"]
    search_fields = ["batch_id"]
    readonly_fields = ["batch_id", "received_by", "received_at", "receipt"]

    def has_add_permission(self, request):
        return False
