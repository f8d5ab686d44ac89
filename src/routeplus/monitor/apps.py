"""App configuration of monitor."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MonitorConfig(AppConfig):
    name = "routeplus.monitor"
    verbose_name = _("Monitor")
