"""Read-only admin views: every change goes through the services (and their audit trail)."""

from django.contrib import admin

from tutela.core.admin import ReadOnlyAdmin

from .models import Comment, Consultation, Disposition, GuidelineDocument, GuidelineVersion, ModerationAction


@admin.register(GuidelineDocument)
class GuidelineDocumentAdmin(ReadOnlyAdmin):
    list_display = ["title", "edition", "audience", "owner_organisation", "is_published"]


@admin.register(GuidelineVersion)
class GuidelineVersionAdmin(ReadOnlyAdmin):
    list_display = ["document", "number", "label", "stage", "is_published"]


@admin.register(Consultation)
class ConsultationAdmin(ReadOnlyAdmin):
    list_display = ["title", "code", "opens_at", "closes_at", "time_zone", "is_published"]


@admin.register(Comment)
class CommentAdmin(ReadOnlyAdmin):
    list_display = ["receipt", "consultation", "target", "comment_type", "status", "received_at"]
    list_filter = ["status", "comment_type"]
    search_fields = ["receipt"]
    show_full_result_count = False


@admin.register(Disposition)
class DispositionAdmin(ReadOnlyAdmin):
    list_display = ["consultation", "decision", "decided_by", "decided_at"]


@admin.register(ModerationAction)
class ModerationActionAdmin(ReadOnlyAdmin):
    list_display = ["comment", "action", "reason", "actor", "at"]
