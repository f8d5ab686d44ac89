"""App configuration of guide."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class GuideConfig(AppConfig):
    name = "routeplus.guide"
    verbose_name = _("Wegwijzer")
