from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

# What the dashboard's summary rolls up: a write to any of these queues its refresh.
DASHBOARD_SOURCES = ("figures.figure", "figures.indicator", "activities.activity", "activities.participation",
                     "activities.activitypartner", "initiatives.pillar", "partners.organisation")


class FiguresConfig(AppConfig):
    name = "tutela.figures"
    label = "figures"
    verbose_name = _("Figures")
    nav = [(_("Dashboard"), "figures:dashboard", "public", 5), (_("Indicators"), "figures:indicator_list", "secretariat", 55)]
    # Figures about a record are shown on its page (core.panels): activities sits below figures.
    panels = [("activities:activity_detail", "tutela.figures.panels.activity_figures"),
              ("activities:project_detail", "tutela.figures.panels.project_figures")]
    # A merge of organisations repoints this app's rows through its own service (partners.services).
    organisation_replaced = "tutela.figures.services.organisation_replaced"

    def ready(self) -> None:
        from tutela.core import summaries

        from .services import dashboard_stale

        summaries.watch(DASHBOARD_SOURCES, dashboard_stale)
