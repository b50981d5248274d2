from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoordinationConfig(AppConfig):
    name = "tutela.coordination"
    label = "coordination"
    verbose_name = _("Coordination")
    # Menu entries: (label, url name, audience "public" | "staff" | "secretariat", order)
    nav: list = []
