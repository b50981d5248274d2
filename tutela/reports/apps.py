from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    name = "tutela.reports"
    label = "reports"
    verbose_name = _("Reports")
    nav = [(_("Progress reports"), "reports:report_list", "staff", 60)]
