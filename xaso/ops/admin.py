from django.contrib import admin

from .models import WorkerHeartbeat


@admin.register(WorkerHeartbeat)
class WorkerHeartbeatAdmin(admin.ModelAdmin):
    """Which job workers run, where, since when, and whether one is busy (written only by the workers)."""

    list_display = ["hostname", "pid", "queues", "started_at", "last_seen_at", "tasks_run", "running_since"]
    ordering = ["-last_seen_at"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
