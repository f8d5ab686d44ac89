"""App configuration of ops."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OpsConfig(AppConfig):
    name = "routeplus.ops"
    verbose_name = _("Beheer en bedrijfsvoering")

    def ready(self) -> None:
        from routeplus.ops import checks, middleware  # noqa: F401  (registers the checks and the signal receiver)
