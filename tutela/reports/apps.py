import logging

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    name = "tutela.reports"
    label = "reports"
    verbose_name = _("Reports")
    nav = [(_("Reports"), "reports:report_list", "public", 60),
           (_("Progress reports and drafts"), "reports:report_list", "secretariat", 5)]

    def ready(self) -> None:
        from . import checks  # noqa: F401  (registers the font check)

        # WeasyPrint reports its steps (each page laid out) on this logger: read by the PDF progress
        # bar (rendering.to_pdf), not written to the server's log.
        progress = logging.getLogger("weasyprint.progress")
        progress.setLevel(logging.INFO)
        progress.propagate = False
