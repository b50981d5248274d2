from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoordinationConfig(AppConfig):
    name = "tutela.coordination"
    label = "coordination"
    verbose_name = _("Coordination")
    # Menu entries: (label, url name, audience "public" | "staff" | "secretariat", order)
    nav = [
        (_("Coordination"), "coordination:body_list", "public", 50),
        (_("Document registry"), "coordination:registry", "explore", 51),
        (_("Chair's dashboard"), "coordination:dashboard", "staff", 50),
    ]
    # A merge of organisations repoints this app's rows through its own service (partners.services).
    organisation_replaced = "tutela.coordination.services.organisation_replaced"

    def ready(self) -> None:
        from tutela.core import jobs

        from .services import deliveries_sweep

        jobs.register_sweeper(deliveries_sweep)  # liaison e-mails whose next try is due
