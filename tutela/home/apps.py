from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class HomeConfig(AppConfig):
    """The top layer: the home page, the workspace with the work waiting per role, and site search."""

    name = "tutela.home"
    label = "home"
    verbose_name = _("Home")
    nav = [(_("Search"), "home:search", "public", 99)]
