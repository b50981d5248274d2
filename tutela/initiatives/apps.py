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
    # Deliverables and people on the pages of partners, which cannot import initiatives (core.panels).
    panels = [
        ("partners:organisation_detail", "tutela.initiatives.panels.organisation_involvement"),
        ("partners:my_records", "tutela.initiatives.panels.editable_records"),
    ]
    # A merge of organisations repoints this app's rows through its own service (partners.services).
    organisation_replaced = "tutela.initiatives.services.organisation_replaced"
