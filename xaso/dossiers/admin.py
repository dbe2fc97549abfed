from django.contrib import admin

from .models import DossierSettings, Procedure


@admin.register(Procedure)
class ProcedureAdmin(admin.ModelAdmin):
    """The procedure list: a province adds its own procedures here (or loads a file: manage.py load_procedures).
    Dossiers are not edited here: they come from the one-stop system's exports."""

    list_display = ["code", "name", "field", "online_level", "is_active"]
    list_filter = ["online_level", "is_active", "field"]
    search_fields = ["code", "name"]


@admin.register(DossierSettings)
class DossierSettingsAdmin(admin.ModelAdmin):
    list_display = ["unit", "store_applicant", "updated_at"]
    raw_id_fields = ["unit", "updated_by"]
