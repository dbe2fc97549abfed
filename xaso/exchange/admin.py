from django import forms
from django.contrib import admin

from .models import PushAttempt, PushBatch, PushEndpoint, ReceivedBatch


class PushAttemptInline(admin.TabularInline):
    model = PushAttempt
    extra = 0
    can_delete = False
    readonly_fields = ["number", "started_at", "duration_ms", "status_code", "ok", "error", "next_attempt_at"]

    def has_add_permission(self, request, obj=None):
        return False


class PushEndpointAdminForm(forms.ModelForm):
    class Meta:
        model = PushEndpoint
        fields = ["name", "unit", "url", "format", "secret", "auth_header", "elements", "is_active"]

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
