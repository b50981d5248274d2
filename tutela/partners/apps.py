from django.apps import AppConfig


class PartnersConfig(AppConfig):
    name = "tutela.partners"
    label = "partners"
    verbose_name = "Partners"
