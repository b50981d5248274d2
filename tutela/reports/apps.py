from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    name = "tutela.reports"
    label = "reports"
    verbose_name = _("Reports")
    # Menu entries: (label, url name, audience "public" | "staff" | "secretariat", order)
    nav: list = []
