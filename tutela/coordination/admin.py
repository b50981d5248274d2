"""Read-only admin views: every change goes through the services (and the audit trail)."""

from django.contrib import admin

from tutela.core.admin import ReadOnlyAdmin

from .models import Body, Document, LiaisonStatement, Meeting


@admin.register(Body)
class BodyAdmin(ReadOnlyAdmin):
    list_display = ["short_name", "name", "kind", "parent", "status", "ends_on"]
    search_fields = ["short_name", "name"]


@admin.register(Meeting)
class MeetingAdmin(ReadOnlyAdmin):
    list_display = ["__str__", "starts_on", "status"]
    list_filter = ["body"]


@admin.register(Document)
class DocumentAdmin(ReadOnlyAdmin):
    list_display = ["number", "revision", "title", "source", "access", "is_withdrawn"]
    search_fields = ["number", "title", "source"]
    list_filter = ["body", "access"]


@admin.register(LiaisonStatement)
class LiaisonAdmin(ReadOnlyAdmin):
    list_display = ["subject", "from_body", "status", "sent_on"]
