from django.contrib import admin

from .models import Assessment, Framework


@admin.register(Framework)
class FrameworkAdmin(admin.ModelAdmin):
    """Read-only: versions are imported through strategies.services.framework_import."""

    list_display = ["name", "code", "version", "created_at"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Assessment)
class AssessmentAdmin(FrameworkAdmin):
    """Read-only: rounds change only through strategies.services."""

    list_display = ["country", "held_on", "status", "framework"]
    list_filter = ["status"]
