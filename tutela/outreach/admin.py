"""Read-only admin views: every change goes through the services (and the audit trail)."""

from django.contrib import admin

from tutela.core.admin import ReadOnlyAdmin

from .models import Campaign, Certificate, Institution, ReachParameter, Trainee, TrainingProgramme


@admin.register(TrainingProgramme)
class ProgrammeAdmin(ReadOnlyAdmin):
    list_display = ["name", "country", "starts_on", "ends_on", "is_published"]


@admin.register(Trainee)
class TraineeAdmin(ReadOnlyAdmin):
    list_display = ["label", "programme", "sector", "status", "generation"]
    list_filter = ["sector", "status"]
    list_select_related = ["programme"]


@admin.register(Institution)
class InstitutionAdmin(ReadOnlyAdmin):
    list_display = ["name", "city", "country", "kind", "is_illustrative"]
    search_fields = ["name"]


@admin.register(Campaign)
class CampaignAdmin(ReadOnlyAdmin):
    list_display = ["banner", "owner_organisation", "starts_on", "ends_on"]


@admin.register(ReachParameter)
class ReachParameterAdmin(ReadOnlyAdmin):
    list_display = ["__str__", "programme", "campaign", "is_assumption", "source"]


@admin.register(Certificate)
class CertificateAdmin(ReadOnlyAdmin):
    list_display = ["code", "trainee", "completed_on", "issued_at", "revoked_at"]
    search_fields = ["code"]
