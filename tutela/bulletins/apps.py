from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BulletinsConfig(AppConfig):
    """Mailing lists, consent, bulletins sent through the worker, bounces and the public archive."""

    name = "tutela.bulletins"
    label = "bulletins"
    verbose_name = _("Bulletins")
    nav = [(_("Bulletins"), "bulletins:archive_index", "public", 70),
           (_("Mailing"), "bulletins:index", "secretariat", 71)]
    organisation_replaced = "tutela.bulletins.services.organisation_replaced"
    # Each commitment's cadence against what was delivered, on its agreement's page (partners sits below).
    panels = [("partners:agreement_detail", "tutela.bulletins.panels.commitment_deliveries")]

    def ready(self) -> None:
        from tutela.core import jobs

        from .services import imports_sweep, sending_sweep

        jobs.register_sweeper(imports_sweep)
        jobs.register_sweeper(sending_sweep)
