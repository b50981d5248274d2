from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InitiativesConfig(AppConfig):
    name = "tutela.initiatives"
    label = "initiatives"
    verbose_name = _("Initiatives")
    nav = [
        (_("The initiative"), "initiatives:home", "public", 8),
        (_("Deliverables"), "initiatives:deliverable_list", "explore", 20),
        (_("People"), "initiatives:person_list", "explore", 41),
    ]
