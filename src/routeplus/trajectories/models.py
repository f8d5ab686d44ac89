"""Routes, trajectories (one participation in one route), status history and team members."""

import uuid
from datetime import date

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from routeplus.accounts.models import Municipality, Organisation, Role
from routeplus.conf.choices import ChoiceDisplay
from routeplus.participants.models import Participant


class Route(models.Model):
    """A route as data: Route Arbeid+, Route Arbeid, Route Entree, and any added later."""

    code = models.CharField(_("code"), max_length=30, unique=True)
    name = models.CharField(_("naam"), max_length=100)
    description = models.TextField(_("omschrijving"), blank=True)
    is_active = models.BooleanField(_("actief"), default=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("route")
        verbose_name_plural = _("routes")

    def __str__(self) -> str:
        return self.name


class RouteOffering(models.Model):
    """A route offered in a municipality for a period: which routes each municipality of the region runs."""

    # No index of its own: offering_unique_start starts with it and serves the same look-ups.
    route = models.ForeignKey(
        Route,
        on_delete=models.CASCADE,
        related_name="offerings",
        verbose_name=_("route"),
        db_index=False,
    )
    municipality = models.ForeignKey(
        Municipality, on_delete=models.CASCADE, related_name="route_offerings", verbose_name=_("gemeente")
    )
    start_date = models.DateField(_("vanaf"))
    end_date = models.DateField(_("tot en met"), null=True, blank=True)

    class Meta:
        ordering = ["municipality__name", "route__name", "start_date"]
        verbose_name = _("routeaanbod")
        verbose_name_plural = _("routeaanbod per gemeente")
        constraints = [
            models.UniqueConstraint(fields=["route", "municipality", "start_date"], name="offering_unique_start"),
            models.CheckConstraint(
                condition=models.Q(end_date__isnull=True) | models.Q(end_date__gte=models.F("start_date")),
                name="offering_end_not_before_start",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.route} in {self.municipality} vanaf {self.start_date}"


class Status(models.TextChoices):
    REGISTERED = "registered", _("Aangemeld")
    WAITING = "waiting", _("Wachtlijst")
    INTAKE = "intake", _("Intake")
    ACTIVE = "active", _("Actief")
    CLOSED = "closed", _("Afgesloten")


OPEN_STATUSES = frozenset({Status.REGISTERED, Status.WAITING, Status.INTAKE, Status.ACTIVE})

# The only moves a trajectory can make; a service checks every change against this table.
TRANSITIONS: dict[str, frozenset[str]] = {
    Status.REGISTERED: frozenset({Status.WAITING, Status.INTAKE, Status.CLOSED}),
    Status.WAITING: frozenset({Status.INTAKE, Status.CLOSED}),
    Status.INTAKE: frozenset({Status.ACTIVE, Status.WAITING, Status.CLOSED}),
    Status.ACTIVE: frozenset({Status.CLOSED}),
    # Reopening: back to active when it had started, otherwise back to registered. Always with a reason.
    Status.CLOSED: frozenset({Status.ACTIVE, Status.REGISTERED}),
}


class Trajectory(ChoiceDisplay, models.Model):
    """One participation of a participant in one route, from registration to closure."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    source_ref = models.CharField(_("kenmerk in bronregister"), max_length=64, blank=True)
    participant = models.ForeignKey(Participant, on_delete=models.PROTECT, related_name="trajectories")
    # No index of its own: trajectory_route_status_idx starts with it and serves the same look-ups.
    route = models.ForeignKey(
        Route,
        on_delete=models.PROTECT,
        related_name="trajectories",
        verbose_name=_("route"),
        db_index=False,
    )
    # No index of its own: trajectory_municipality_idx starts with it and serves the same look-ups.
    municipality = models.ForeignKey(
        Municipality,
        on_delete=models.PROTECT,
        related_name="trajectories",
        verbose_name=_("verantwoordelijke gemeente"),
        db_index=False,
    )
    registered_on = models.DateField(_("aangemeld op"))
    start_date = models.DateField(_("startdatum"), null=True, blank=True)
    end_date = models.DateField(_("einddatum"), null=True, blank=True)
    end_reason = models.CharField(_("reden einde"), max_length=200, blank=True)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.REGISTERED)
    previous = models.OneToOneField(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="next",
        verbose_name=_("vorig traject (warme overdracht)"),
    )
    version = models.PositiveIntegerField(default=1, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-registered_on"]
        verbose_name = _("traject")
        verbose_name_plural = _("trajecten")
        indexes = [
            models.Index(fields=["route", "status"], name="trajectory_route_status_idx"),
            models.Index(fields=["municipality", "status"], name="trajectory_municipality_idx"),
            models.Index(fields=["registered_on"], name="trajectory_registered_idx"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["source_ref"], condition=~models.Q(source_ref=""), name="trajectory_unique_source_ref"
            ),
            models.UniqueConstraint(
                fields=["participant", "route"],
                condition=~models.Q(status="closed"),
                name="trajectory_one_open_per_participant_route",
            ),
            models.CheckConstraint(
                condition=models.Q(start_date__isnull=True) | models.Q(start_date__gte=models.F("registered_on")),
                name="trajectory_start_not_before_registration",
            ),
            models.CheckConstraint(
                condition=models.Q(end_date__isnull=True) | models.Q(end_date__gte=models.F("registered_on")),
                name="trajectory_end_not_before_registration",
            ),
            models.CheckConstraint(
                condition=models.Q(end_date__isnull=True)
                | models.Q(start_date__isnull=True)
                | models.Q(end_date__gte=models.F("start_date")),
                name="trajectory_end_not_before_start",
            ),
            models.CheckConstraint(
                condition=~models.Q(status="closed") | models.Q(end_date__isnull=False),
                name="trajectory_closed_has_end_date",
            ),
        ]

    def __str__(self) -> str:
        return f"Trajectory {self.uuid}"

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    def allowed_transitions(self) -> list[str]:
        return sorted(TRANSITIONS[self.status])


class StatusChange(ChoiceDisplay, models.Model):
    """One move of a trajectory's status: who, when, why. Creation is a move from '' to the first status."""

    trajectory = models.ForeignKey(Trajectory, on_delete=models.CASCADE, related_name="status_changes")
    from_status = models.CharField(max_length=20, choices=Status.choices, blank=True)
    to_status = models.CharField(max_length=20, choices=Status.choices)
    effective_date = models.DateField(_("per datum"))
    reason = models.TextField(_("reden"), blank=True)
    changed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    changed_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["changed_at", "id"]
        verbose_name = _("statuswijziging")
        verbose_name_plural = _("statuswijzigingen")

    def __str__(self) -> str:
        return f"{self.from_status or '-'} -> {self.to_status} ({self.effective_date})"


class TeamMember(ChoiceDisplay, models.Model):
    """A professional with a role on a trajectory for a period; only current members see the case file."""

    trajectory = models.ForeignKey(Trajectory, on_delete=models.CASCADE, related_name="team")
    # No index of its own: teammember_user_end_idx starts with it and serves the same look-ups.
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="team_memberships",
        db_index=False,
    )
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    role = models.CharField(
        _("rol"), max_length=30, choices=[(r.value, r.label) for r in Role if r in Role.case_roles()]
    )
    start_date = models.DateField(_("vanaf"))
    end_date = models.DateField(_("tot en met"), null=True, blank=True)

    class Meta:
        ordering = ["start_date", "id"]
        verbose_name = _("teamlid")
        verbose_name_plural = _("teamleden")
        indexes = [models.Index(fields=["user", "end_date"], name="teammember_user_end_idx")]
        constraints = [
            models.UniqueConstraint(
                fields=["trajectory", "user", "role"],
                condition=models.Q(end_date__isnull=True),
                name="teammember_one_current_role_per_user",
            ),
            models.CheckConstraint(
                condition=models.Q(end_date__isnull=True) | models.Q(end_date__gte=models.F("start_date")),
                name="teammember_end_not_before_start",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.role} on {self.trajectory_id}"

    def is_current_on(self, on: date) -> bool:
        return self.start_date <= on and (self.end_date is None or self.end_date >= on)


class HandoverKind(models.TextChoices):
    ROUTE = "route", _("Naar een andere route")
    MOVE = "move", _("Verhuizing naar een andere gemeente")


class Handover(ChoiceDisplay, models.Model):
    """A warm handover: the new trajectory continues the previous one without a gap in coaching.

    Until overlap_until the previous team keeps read access to the new case file; then it ends by itself.
    """

    from_trajectory = models.OneToOneField(Trajectory, on_delete=models.CASCADE, related_name="handover_out")
    to_trajectory = models.OneToOneField(Trajectory, on_delete=models.CASCADE, related_name="handover_in")
    kind = models.CharField(_("soort overdracht"), max_length=10, choices=HandoverKind.choices)
    handover_date = models.DateField(_("overdracht per"))
    overlap_until = models.DateField(_("beide teams zien het dossier tot en met"))
    what_to_know = models.TextField(_("wat het nieuwe team moet weten"))
    introductions = models.TextField(_("wie heeft wie voorgesteld"), blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("warme overdracht")
        verbose_name_plural = _("warme overdrachten")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(overlap_until__gte=models.F("handover_date")), name="handover_overlap_after_date"
            )
        ]

    def __str__(self) -> str:
        return f"Handover {self.from_trajectory_id} -> {self.to_trajectory_id}"
