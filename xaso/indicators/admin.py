from django.contrib import admin

from .models import DataElement, DataValueChange, Indicator, ValidationRule


@admin.register(DataElement)
class DataElementAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "unit_label", "value_type", "aggregation", "period_type", "area"]
    list_filter = ["area", "value_type", "aggregation", "period_type"]
    search_fields = ["code", "name", "name_en"]


@admin.register(Indicator)
class IndicatorAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "formula", "unit_label", "area", "direction"]
    list_filter = ["area", "direction"]
    search_fields = ["code", "name", "name_en", "formula"]
    raw_id_fields = ["stated_rate_element"]


@admin.register(ValidationRule)
class ValidationRuleAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "left", "operator", "right", "is_active"]
    list_filter = ["is_active"]


@admin.register(DataValueChange)
class DataValueChangeAdmin(admin.ModelAdmin):
    """Read-only: the history is written by the services, never edited by hand."""

    list_display = ["changed_at", "data_element", "unit", "period", "old_value", "new_value", "changed_by", "source"]
    list_filter = ["source"]
    raw_id_fields = ["data_element", "unit", "period", "changed_by"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
