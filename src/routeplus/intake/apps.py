"""App configuration of intake."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IntakeConfig(AppConfig):
    name = "routeplus.intake"
    verbose_name = _("Aanmelding en capaciteit")
