from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ConsultationsConfig(AppConfig):
    name = "tutela.consultations"
    label = "consultations"
    verbose_name = _("Consultations")
    # Menu entries: (label, url name, audience "public" | "staff" | "secretariat", order)
    nav: list = [
        (_("Consultations"), "consultations:consultation_list", "public", 30),
        (_("Consultation work: moderation and decisions"), "consultations:dashboard", "staff", 30),
    ]
    # A merge of organisations repoints this app's rows through its own service (partners.services).
    organisation_replaced = "tutela.consultations.services.organisation_replaced"

    def ready(self) -> None:
        from tutela.core import jobs

        from .services import guideline_imports_sweep

        jobs.register_sweeper(guideline_imports_sweep)
