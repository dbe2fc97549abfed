from django.contrib import admin

from .models import AdminUnit, UnitSuccession


@admin.register(AdminUnit)
class AdminUnitAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "level", "division_type", "is_legacy", "data_version"]
    list_filter = ["level", "is_legacy", "is_sample"]
    search_fields = ["code", "name"]
    raw_id_fields = ["parent", "province", "district", "commune"]
    readonly_fields = ["path"]


@admin.register(UnitSuccession)
class UnitSuccessionAdmin(admin.ModelAdmin):
    list_display = ["old_unit", "new_unit", "is_partial", "effective_date"]
    raw_id_fields = ["old_unit", "new_unit"]
    search_fields = ["old_unit__name", "new_unit__name"]
