from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PartnersConfig(AppConfig):
    name = "tutela.partners"
    label = "partners"
    verbose_name = _("Partners")
    nav = [
        (_("Partners"), "partners:organisation_list", "public", 30),
        (_("Agreements"), "partners:agreement_list", "explore", 35),
        (_("Records I can edit"), "partners:my_records", "staff", 30),
    ]
