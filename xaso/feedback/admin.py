from django.contrib import admin

from .models import Category, CategoryOfficer, Feedback


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "deadline_days", "is_active", "order"]


@admin.register(CategoryOfficer)
class CategoryOfficerAdmin(admin.ModelAdmin):
    list_display = ["unit", "category", "officer"]
    raw_id_fields = ["unit", "officer"]


@admin.register(Feedback)
class FeedbackAdmin(admin.ModelAdmin):
    """Without the sender's contact: an officer reads it on the item's page, where the read is logged."""

    list_display = ["tracking_code", "unit", "category", "status", "received_at", "due_at", "is_published"]
    list_filter = ["status", "is_published", "category"]
    search_fields = ["tracking_code"]
    exclude = ["contact", "contact_digest", "ip_digest"]
    raw_id_fields = ["unit", "village", "assigned_to"]
