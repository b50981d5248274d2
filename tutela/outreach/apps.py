from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OutreachConfig(AppConfig):
    name = "tutela.outreach"
    label = "outreach"
    verbose_name = _("Outreach")
    # Menu entries: (label, url name, audience "public" | "staff" | "secretariat", order)
    nav = [(_("Outreach"), "outreach:index", "public", 25), (_("Verify a certificate"), "outreach:verify", "staff", 26),
           (_("New training programme"), "outreach:programme_create", "staff", 27),
           (_("New campaign"), "outreach:campaign_create", "staff", 28)]

    # A merge of organisations repoints this app's rows through its own service (partners.services).
    organisation_replaced = "tutela.outreach.services.organisation_replaced"

    def ready(self) -> None:
        from tutela.core import jobs

        from .services import trainee_imports_sweep

        jobs.register_sweeper(trainee_imports_sweep)
