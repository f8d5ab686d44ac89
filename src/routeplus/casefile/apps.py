"""App configuration of casefile."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CasefileConfig(AppConfig):
    name = "routeplus.casefile"
    verbose_name = _("Dossier")
