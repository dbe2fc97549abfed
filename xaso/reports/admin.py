from django.contrib import admin

from .models import ReportJob, ReportNarrative


@admin.register(ReportJob)
class ReportJobAdmin(admin.ModelAdmin):
    list_display = ["id", "kind", "unit", "year", "status", "progress", "created_by", "created_at", "finished_at"]
    list_filter = ["kind", "status"]
    readonly_fields = [f.name for f in ReportJob._meta.fields]


@admin.register(ReportNarrative)
class ReportNarrativeAdmin(admin.ModelAdmin):
    list_display = ["plan", "kind", "period_code", "updated_by", "updated_at"]
    list_filter = ["kind"]
    search_fields = ["plan__title", "period_code"]
