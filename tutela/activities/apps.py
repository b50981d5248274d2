from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ActivitiesConfig(AppConfig):
    name = "tutela.activities"
    label = "activities"
    verbose_name = _("Activities")
    nav = [
        (_("Activities"), "activities:activity_list", "public", 10),
        (_("Occasions"), "activities:occasion_list", "explore", 40),
        (_("Projects"), "activities:project_list", "explore", 45),
        (_("Activities you can edit"), "activities:activity_editable", "staff", 10),
    ]
    # Activities on the pages of apps below (core.panels), which cannot import activities.
    panels = [
        ("partners:organisation_detail", "tutela.activities.panels.organisation_activities"),
        ("initiatives:deliverable_detail", "tutela.activities.panels.deliverable_evidence"),
        ("initiatives:pillar_detail", "tutela.activities.panels.pillar_activities"),
    ]

    # A merge of organisations repoints this app's rows through its own service (partners.services).
    organisation_replaced = "tutela.activities.services.organisation_replaced"

    def ready(self) -> None:
        # The partners list's "in activities" filter asks activities which organisations take part.
        from tutela.partners import selectors as partners_selectors

        from .selectors import organisation_ids_taking_part

        partners_selectors.organisations_taking_part = organisation_ids_taking_part
