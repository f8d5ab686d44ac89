"""App configuration of ui."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class UiConfig(AppConfig):
    name = "routeplus.ui"
    verbose_name = _("Gebruikersinterface")
