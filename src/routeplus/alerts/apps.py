"""App configuration of alerts."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AlertsConfig(AppConfig):
    name = "routeplus.alerts"
    verbose_name = _("Signaleringen")
