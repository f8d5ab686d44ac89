"""App configuration of finance."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FinanceConfig(AppConfig):
    name = "routeplus.finance"
    verbose_name = _("Business case")
