from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "tutela.core"
    label = "core"
    verbose_name = "Tutela core"
    nav = [(_("Audit trail"), "core:audit_log", "secretariat", 900),
           (_("Waiting for review"), "core:review_queue", "secretariat", 890)]

    def ready(self) -> None:
        from .forms import install_text_checks

        install_text_checks()
