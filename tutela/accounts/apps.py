from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "tutela.accounts"
    label = "accounts"
    verbose_name = "Accounts"
