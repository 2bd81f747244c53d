from importlib import import_module

from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = "Accounts"

    def ready(self) -> None:
        # The registry's receivers connect first: the login's audit line then has the new session's id.
        import_module("sessions_api.signals")
        import_module("accounts.signals")
