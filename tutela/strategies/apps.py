from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class StrategiesConfig(AppConfig):
    name = "tutela.strategies"
    label = "strategies"
    verbose_name = _("National strategies")
    nav = [
        (_("Countries"), "strategies:country_list", "public", 70),
        (_("National strategy frameworks"), "strategies:framework_list", "explore", 70),
        (_("Country assessments"), "strategies:assessment_list", "staff", 70),
    ]

    # A merge of organisations repoints this app's rows through its own service (partners.services).
    organisation_replaced = "tutela.strategies.services.organisation_replaced"
    # Validated rounds and the workshops serving action plans in a progress report (reports.drafting).
    report_paragraphs = "tutela.strategies.reporting.report_paragraphs"
