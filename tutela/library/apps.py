from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LibraryConfig(AppConfig):
    """The public hub: resource library (guidelines, kits, leaflets, videos, courses) and education kits."""

    name = "tutela.library"
    label = "library"
    verbose_name = _("Library")
    nav = [(_("Resources"), "library:resource_list", "public", 35),
           (_("Education kits"), "library:plan_list", "explore", 36)]
    # An educational session's page (activities, below) shows the plan and materials it used.
    panels = [("activities:activity_detail", "tutela.library.panels.activity_session_plans"),
              ("strategies:country_profile", "tutela.library.panels.country_resources")]
    # consultations (below) calls this in the transaction that publishes a guideline version.
    guideline_version_published = "tutela.library.services.guideline_version_published"
