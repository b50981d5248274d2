from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    name = "tutela.reports"
    label = "reports"
    verbose_name = _("Reports")
    nav = [(_("Reports"), "reports:report_list", "public", 60),
           (_("Progress reports and drafts"), "reports:report_list", "secretariat", 5)]
