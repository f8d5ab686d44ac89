"""Saved business-case scenarios: a name and the choices that differ from the versioned defaults."""

import uuid
from decimal import Decimal

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from routeplus.conf.choices import ChoiceDisplay
from routeplus.trajectories.models import Route

MAX_HORIZON = 40


class OutcomeMode(models.TextChoices):
    OBSERVED = "observed", _("Geschat uit de resultaten in routeplus")
    MANUAL = "manual", _("Zelf ingesteld")


class Scenario(ChoiceDisplay, models.Model):
    """A named scenario. Parameters are stored as overrides of the parameter file's version named here."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    name = models.CharField(_("naam"), max_length=120, unique=True)
    description = models.TextField(_("toelichting"), blank=True)
    parameter_version = models.CharField(_("versie van de standaardwaarden"), max_length=20)
    overrides = models.JSONField(_("eigen waarden"), default=dict, blank=True)
    outcome_mode = models.CharField(
        _("kansen op uitkomsten"), max_length=10, choices=OutcomeMode.choices, default=OutcomeMode.OBSERVED
    )
    route = models.ForeignKey(
        Route, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("route")
    )
    cohorts = models.JSONField(_("cohorten"), default=list, blank=True)
    manual_chances = models.JSONField(_("eigen kansen"), default=dict, blank=True)
    timing = models.JSONField(_("jaren tot de uitkomst"), default=dict, blank=True)
    manual_weight = models.FloatField(_("zekerheid van de eigen kansen (aantal waarnemingen)"), default=20.0)
    horizon = models.PositiveSmallIntegerField(_("horizon in jaren"), default=10)
    start_year = models.PositiveSmallIntegerField(_("eerste jaar"), default=2026)
    budget = models.DecimalField(_("budget per jaar"), max_digits=12, decimal_places=2, default=Decimal("350000"))
    seed = models.PositiveIntegerField(_("startgetal van de simulatie"), default=20260101)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        ordering = ["name"]
        verbose_name = _("scenario")
        verbose_name_plural = _("scenario's")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(horizon__gte=1, horizon__lte=MAX_HORIZON), name="scenario_horizon_in_range"
            ),
            models.CheckConstraint(condition=models.Q(budget__gte=0), name="scenario_budget_not_negative"),
            models.CheckConstraint(condition=models.Q(manual_weight__gt=0), name="scenario_weight_positive"),
        ]

    def __str__(self) -> str:
        return self.name
