from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ActivitiesConfig(AppConfig):
    name = "tutela.activities"
    label = "activities"
    verbose_name = _("Activities")
    nav = [
        (_("Activities"), "activities:activity_list", "public", 10),
        (_("Occasions"), "activities:occasion_list", "explore", 40),
        (_("Projects"), "activities:project_list", "explore", 45),
        (_("Activities you can edit"), "activities:activity_editable", "staff", 10),
    ]
