from django.apps import AppConfig
from django.db.backends.signals import connection_created


class AccountsConfig(AppConfig):
    name = "tutela.accounts"
    label = "accounts"
    verbose_name = "Accounts"

    def ready(self) -> None:
        from . import token_cache

        connection_created.connect(token_cache.listen, dispatch_uid="tutela.accounts.token_cache.listen")
