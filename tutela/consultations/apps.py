from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ConsultationsConfig(AppConfig):
    name = "tutela.consultations"
    label = "consultations"
    verbose_name = _("Consultations")
    # Menu entries: (label, url name, audience "public" | "staff" | "secretariat", order)
    nav: list = []
