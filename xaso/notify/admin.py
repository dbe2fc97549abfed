from django.contrib import admin

from .models import Announcement, Delivery, DeliveryAttempt, LoudspeakerCluster, LoudspeakerPoint, Subscriber


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


@admin.register(Subscriber)
class SubscriberAdmin(admin.ModelAdmin):
    """Zalo followers are added here from the OA's follower list (their Zalo user id as the address); SMS and
    e-mail subscribers confirm themselves on the public page. The list does not show addresses."""

    list_display = ["id", "unit", "village", "channel", "confirmed_at"]
    list_filter = ["channel"]
    raw_id_fields = ["unit", "village"]


class ClusterInline(admin.TabularInline):
    model = LoudspeakerCluster
    extra = 0
    fields = ["code", "name", "is_active"]


@admin.register(LoudspeakerPoint)
class LoudspeakerPointAdmin(admin.ModelAdmin):
    list_display = ["name", "village", "unit", "is_active"]
    raw_id_fields = ["unit", "village"]
    inlines = [ClusterInline]

    def save_formset(self, request, form, formset, change):
        for cluster in formset.save(commit=False):
            cluster.unit = form.instance.unit  # a cluster belongs to its point's commune
            cluster.save()
        for cluster in formset.deleted_objects:
            cluster.delete()
