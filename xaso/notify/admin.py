from django.contrib import admin

from .models import Announcement, Delivery, DeliveryAttempt


class AttemptInline(admin.TabularInline):
    model = DeliveryAttempt
    extra = 0
    can_delete = False
    readonly_fields = ["number", "at", "outcome", "error", "next_attempt_at"]


@admin.register(Delivery)
class DeliveryAdmin(admin.ModelAdmin):
    list_display = ["id", "channel", "purpose", "unit", "status", "attempts", "created_at", "delivered_at"]
    list_filter = ["channel", "status", "purpose"]
    readonly_fields = [f.name for f in Delivery._meta.fields]
    inlines = [AttemptInline]

    def has_add_permission(self, request):
        return False


@admin.register(Announcement)
class AnnouncementAdmin(admin.ModelAdmin):
    list_display = ["title", "unit", "level", "created_at", "sent_at"]
    list_filter = ["level"]
    raw_id_fields = ["unit", "villages", "created_by"]
