from django.apps import AppConfig


class SessionsApiConfig(AppConfig):
    name = "sessions_api"
    verbose_name = "Sessions"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from sessions_api import signals, snapshots  # noqa: F401
