"""App configuration of participants."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ParticipantsConfig(AppConfig):
    name = "routeplus.participants"
    verbose_name = _("Jongeren")
