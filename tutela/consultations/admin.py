"""Read-only admin views: every change goes through the services (and their audit trail)."""

from django.contrib import admin

from .models import Comment, Consultation, Disposition, GuidelineDocument, GuidelineVersion, ModerationAction


class ReadOnly(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(GuidelineDocument)
class GuidelineDocumentAdmin(ReadOnly):
    list_display = ["title", "edition", "audience", "owner_organisation", "is_published"]


@admin.register(GuidelineVersion)
class GuidelineVersionAdmin(ReadOnly):
    list_display = ["document", "number", "label", "stage", "is_published"]


@admin.register(Consultation)
class ConsultationAdmin(ReadOnly):
    list_display = ["title", "code", "opens_at", "closes_at", "time_zone", "is_published"]


@admin.register(Comment)
class CommentAdmin(ReadOnly):
    list_display = ["receipt", "consultation", "target", "comment_type", "status", "received_at"]
    list_filter = ["status", "comment_type"]
    search_fields = ["receipt"]
    show_full_result_count = False


@admin.register(Disposition)
class DispositionAdmin(ReadOnly):
    list_display = ["consultation", "decision", "decided_by", "decided_at"]


@admin.register(ModerationAction)
class ModerationActionAdmin(ReadOnly):
    list_display = ["comment", "action", "reason", "actor", "at"]
