from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _

from .forms import AdminLoginForm
from .models import ApiKey, User

# the admin login says when sign-in is locked after too many failures (xaso.accounts.lockout)
admin.site.login_form = AdminLoginForm


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    list_display = ["username", "full_name", "role", "unit", "is_active"]
    list_filter = ["role", "is_active"]
    search_fields = ["username", "full_name", "unit__name"]
    raw_id_fields = ["unit"]
    fieldsets = (*BaseUserAdmin.fieldsets, (_("Phạm vi"), {"fields": ("full_name", "role", "unit")}))
    add_fieldsets = (*BaseUserAdmin.add_fieldsets, (_("Phạm vi"), {"fields": ("full_name", "role", "unit")}))


@admin.register(ApiKey)
class ApiKeyAdmin(admin.ModelAdmin):
    """Keys are issued by POST /api/v1/auth/token/ and shown once: here an administrator sees who holds which
    (by its first characters) and deletes a key to revoke it."""

    list_display = ["prefix", "user", "created_at", "last_used_at"]
    list_select_related = ["user"]
    search_fields = ["prefix", "user__username"]
    readonly_fields = ["prefix", "user", "created_at", "last_used_at"]
    exclude = ["digest"]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False
