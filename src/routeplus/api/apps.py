from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "routeplus.api"
    label = "api"
    verbose_name = "API"

    def ready(self) -> None:
        from routeplus.api import schema  # noqa: F401  (registers the authentication schemes)
