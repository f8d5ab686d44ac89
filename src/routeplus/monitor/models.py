"""Established (vastgestelde) reports, kept as they were, and the result dates the council table counts from."""

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from routeplus.accounts.models import Municipality
from routeplus.casefile.models import ResultType
from routeplus.participants.models import Participant
from routeplus.trajectories.models import Route


class EstablishedReport(models.Model):
    """The council table for one reference date and scope, fixed with its definitions, by whom and when.

    Later corrections in the data never change these figures; the monitor shows them as differences.
    """

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    peildatum = models.DateField(_("peildatum"))
    route_code = models.CharField(_("route"), max_length=30)
    municipality_codes = models.JSONField(_("gemeenten"), default=list, blank=True)
    scope_key = models.CharField(max_length=300, editable=False)
    figures = models.JSONField(_("cijfers"))
    definitions_version = models.CharField(_("versie definities"), max_length=20)
    definitions = models.JSONField(_("definities"))
    note = models.TextField(_("toelichting"), blank=True)
    established_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    established_at = models.DateTimeField(_("vastgesteld op"), auto_now_add=True)

    class Meta:
        ordering = ["-peildatum", "-established_at"]
        verbose_name = _("vastgestelde rapportage")
        verbose_name_plural = _("vastgestelde rapportages")
        constraints = [
            models.UniqueConstraint(fields=["peildatum", "scope_key"], name="established_report_once_per_scope")
        ]

    def __str__(self) -> str:
        return f"EstablishedReport {self.peildatum.isoformat()} {self.scope_key}"


class ResultDate(models.Model):
    """Derived, never edited by hand: from which date a participant counts for a result type in a route and a
    responsible municipality, the earliest date on which a result of that type and its trajectory had both begun.

    The council table counts participants from these rows instead of joining every result to its trajectory
    (at 150,000 results that join was three quarters of the table's time). Every service that writes a result,
    or a trajectory's start date, route, municipality or participant, calls `monitor.derived.result_dates_refresh`
    in its own transaction, so the rows are always as current as the results.
    """

    # No index of its own: result_date_once_per_participant starts with it and serves the same look-ups.
    participant = models.ForeignKey(Participant, on_delete=models.CASCADE, related_name="+", db_index=False)
    route = models.ForeignKey(Route, on_delete=models.CASCADE, related_name="+")
    municipality = models.ForeignKey(Municipality, on_delete=models.CASCADE, related_name="+")
    type = models.CharField(max_length=40, choices=ResultType.choices)
    counts_from = models.DateField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["participant", "route", "municipality", "type"], name="result_date_once_per_participant"
            )
        ]

    def __str__(self) -> str:
        return f"ResultDate {self.type} from {self.counts_from.isoformat()}"
