from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ExchangeConfig(AppConfig):
    """Import and export of activities, organisations and figures (CSV, XLSX)."""

    name = "tutela.exchange"
    label = "exchange"
    verbose_name = _("Import and export")
    nav = [(_("Import / export"), "exchange:index", "staff", 80)]

    def ready(self) -> None:
        from tutela.core import jobs

        from .services import import_jobs_sweep

        jobs.register_sweeper(import_jobs_sweep)
