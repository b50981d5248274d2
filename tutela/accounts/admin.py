from django.contrib import admin

from tutela.core.admin import ReadOnlyAdmin

from .models import ApiToken, User


@admin.register(User)
class UserAdmin(ReadOnlyAdmin):
    """Read-only: accounts change through ``accounts.services`` (user_invite, user_role_change,
    user_organisation_change, user_deactivate, user_reactivate), which check and audit."""

    list_display = ["email", "full_name", "role", "organisation", "is_active"]
    list_filter = ["role", "is_active"]
    search_fields = ["email", "full_name"]
    exclude = ["password"]


@admin.register(ApiToken)
class ApiTokenAdmin(ReadOnlyAdmin):
    """Read-only: tokens are created and revoked by their owner (``api_token_create``/``api_token_revoke``)."""

    list_display = ["name", "user", "prefix", "created_at", "revoked_at"]
    exclude = ["key_hash"]
