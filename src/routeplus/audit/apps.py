"""App configuration of audit."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AuditConfig(AppConfig):
    name = "routeplus.audit"
    verbose_name = _("Logboeken")

    def ready(self) -> None:
        from routeplus.audit.commands import install_command_logging

        install_command_logging()
