from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "tutela.accounts"
    label = "accounts"
    verbose_name = "Accounts"
    nav = [(_("API tokens"), "accounts:tokens", "account", 90), (_("Users"), "accounts:user_list", "secretariat", 880)]

    # A merge of organisations repoints this app's rows through its own service (partners.services).
    organisation_replaced = "tutela.accounts.services.organisation_replaced"

    def ready(self) -> None:
        # core's API authentication asks accounts for the token's user (core sits below accounts).
        from tutela.core.api import TokenAuth

        from .services import api_token_authenticate

        TokenAuth.lookup = api_token_authenticate
