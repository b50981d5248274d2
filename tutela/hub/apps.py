from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class HubConfig(AppConfig):
    """The public hub's read-only doors over many apps: events calendar, iCalendar and Atom feeds,
    IATI 2.03 export and open data downloads. It writes nothing and nothing below it uses it."""

    name = "tutela.hub"
    label = "hub"
    verbose_name = _("Public hub")
    nav = [(_("Events"), "hub:calendar_month", "public", 37),
           (_("Open data"), "hub:open_data", "explore", 38),
           (_("Feeds"), "hub:feeds", "explore", 39)]
