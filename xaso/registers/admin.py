from django.contrib import admin

from .models import ImportLayout, PersonalDataAccess, RegisterImport


@admin.register(ImportLayout)
class ImportLayoutAdmin(admin.ModelAdmin):
    list_display = ["name", "register", "unit", "updated_at"]
    list_filter = ["register"]
    raw_id_fields = ["unit", "created_by"]


@admin.register(RegisterImport)
class RegisterImportAdmin(admin.ModelAdmin):
    """Read-only: the imports are written by the services."""

    list_display = ["filename", "register", "unit", "status", "rows", "created", "updated", "unchanged", "created_at"]
    list_filter = ["register", "status"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(PersonalDataAccess)
class PersonalDataAccessAdmin(admin.ModelAdmin):
    """Read-only: the access log of personal data kept in registers."""

    list_display = ["at", "user", "unit", "register", "what", "row_count"]
    list_filter = ["register"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
