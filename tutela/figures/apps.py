from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FiguresConfig(AppConfig):
    name = "tutela.figures"
    label = "figures"
    verbose_name = _("Figures")
    nav = [(_("Dashboard"), "figures:dashboard", "public", 5)]
