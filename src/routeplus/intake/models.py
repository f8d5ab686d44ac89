"""Intake configuration (eligibility per route), capacity areas with budget lines, registrations, priority."""

import uuid
from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from routeplus.accounts.models import Municipality, Organisation, SchoolType
from routeplus.conf.choices import ChoiceDisplay
from routeplus.participants.models import OutflowProfile
from routeplus.trajectories.models import Route, Trajectory


class IntakeSettings(models.Model):
    """The eligibility rules of one route: each can be switched off and has its own parameters.

    Where a route runs is not kept here: the municipality rule reads trajectories.RouteOffering.
    """

    route = models.OneToOneField(
        Route, on_delete=models.CASCADE, related_name="intake_settings", verbose_name=_("route")
    )
    age_rule = models.BooleanField(_("leeftijd toetsen"), default=True)
    min_age = models.PositiveSmallIntegerField(_("minimumleeftijd"), default=16)
    max_age = models.PositiveSmallIntegerField(
        _("maximumleeftijd"), default=27, help_text=_("Tot en met deze leeftijd, op de aanmelddatum.")
    )
    school_rule = models.BooleanField(_("Pro of VSO toetsen"), default=True)
    recent_leaver_months = models.PositiveSmallIntegerField(
        _("schoolverlaters tot (maanden)"),
        default=24,
        validators=[MaxValueValidator(120)],
        help_text=_("Hoe lang na het verlaten van school een oud-leerling nog kan worden aangemeld."),
    )
    profile_rule = models.BooleanField(_("uitstroomprofiel dagbesteding toetsen"), default=True)
    municipality_rule = models.BooleanField(
        _("woongemeente toetsen"),
        default=True,
        help_text=_(
            "Of de route loopt in de woongemeente op de aanmelddatum; dat staat in het routeaanbod per gemeente."
        ),
    )
    expected_duration_months = models.PositiveSmallIntegerField(
        _("verwachte duur van een traject (maanden)"),
        default=24,
        validators=[MinValueValidator(1), MaxValueValidator(120)],
        help_text=_("Voor de prognose van vrije plekken als er geen verwachte einddatum is."),
    )

    class Meta:
        verbose_name = _("aanmeldregels van een route")
        verbose_name_plural = _("aanmeldregels per route")
        constraints = [
            models.CheckConstraint(condition=models.Q(min_age__lte=models.F("max_age")), name="intake_age_range")
        ]

    def __str__(self) -> str:
        return str(self.route)


class CapacityArea(models.Model):
    """The municipalities that share the funded places of a route (one municipality or a group).

    The row is also the lock that serialises admissions to its places.
    """

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    # No index of its own: capacity_area_unique_name starts with it and serves the same look-ups.
    route = models.ForeignKey(
        Route,
        on_delete=models.PROTECT,
        related_name="capacity_areas",
        verbose_name=_("route"),
        db_index=False,
    )
    name = models.CharField(_("naam"), max_length=100)
    municipalities = models.ManyToManyField(Municipality, related_name="+", verbose_name=_("gemeenten"))
    is_active = models.BooleanField(_("actief"), default=True)

    class Meta:
        ordering = ["route__name", "name"]
        verbose_name = _("capaciteitsgebied")
        verbose_name_plural = _("capaciteitsgebieden")
        constraints = [models.UniqueConstraint(fields=["route", "name"], name="capacity_area_unique_name")]

    def __str__(self) -> str:
        return f"{self.route} – {self.name}"


class TrajectoryCost(models.Model):
    """What one trajectory-year costs in a route and year: turns a budget into places."""

    # No index of its own: trajectory_cost_unique_route_year starts with it and serves the same look-ups.
    route = models.ForeignKey(
        Route,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("route"),
        db_index=False,
    )
    year = models.PositiveSmallIntegerField(_("jaar"), validators=[MinValueValidator(2000), MaxValueValidator(2100)])
    amount = models.DecimalField(
        _("kosten per trajectjaar (euro)"),
        max_digits=10,
        decimal_places=2,
        validators=[MinValueValidator(Decimal("0.01"))],
    )
    source = models.CharField(_("bron of onderbouwing"), max_length=300, blank=True)

    class Meta:
        ordering = ["route__name", "-year"]
        verbose_name = _("kosten per trajectjaar")
        verbose_name_plural = _("kosten per trajectjaar")
        constraints = [
            models.UniqueConstraint(fields=["route", "year"], name="trajectory_cost_unique_route_year"),
            models.CheckConstraint(condition=models.Q(amount__gt=0), name="trajectory_cost_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.route} {self.year}"


class BudgetKind(models.TextChoices):
    STRUCTURAL = "structural", _("Structureel")
    INCIDENTAL = "incidental", _("Incidenteel")


class BudgetLine(ChoiceDisplay, models.Model):
    """Money for places in one capacity area and year. Places follow from the cost, or are set directly."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    # No index of its own: budget_line_area_year_idx starts with it and serves the same look-ups.
    area = models.ForeignKey(
        CapacityArea,
        on_delete=models.PROTECT,
        related_name="budget_lines",
        verbose_name=_("capaciteitsgebied"),
        db_index=False,
    )
    year = models.PositiveSmallIntegerField(_("jaar"), validators=[MinValueValidator(2000), MaxValueValidator(2100)])
    amount = models.DecimalField(
        _("bedrag (euro)"), max_digits=12, decimal_places=2, validators=[MinValueValidator(Decimal("0"))]
    )
    kind = models.CharField(_("soort"), max_length=12, choices=BudgetKind.choices)
    source = models.CharField(_("bron"), max_length=200, help_text=_("Bijvoorbeeld: gemeentebegroting, rijksregeling."))
    decision_reference = models.CharField(
        _("kenmerk besluit"), max_length=100, help_text=_("Bijvoorbeeld het kenmerk van de raadsbrief.")
    )
    places = models.PositiveIntegerField(
        _("plekken (direct vastgesteld)"),
        null=True,
        blank=True,
        help_text=_("Leeg laten: plekken = bedrag gedeeld door de kosten per trajectjaar."),
    )
    note = models.TextField(_("toelichting"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-year", "area__name", "id"]
        verbose_name = _("budgetregel")
        verbose_name_plural = _("budgetregels")
        indexes = [models.Index(fields=["area", "year"], name="budget_line_area_year_idx")]
        constraints = [
            models.CheckConstraint(condition=models.Q(amount__gte=0), name="budget_line_amount_not_negative")
        ]

    def __str__(self) -> str:
        return f"{self.area} {self.year}: {self.get_kind_display()}"


class Registration(ChoiceDisplay, models.Model):
    """What was known and decided when a trajectory was registered: the facts, eligibility and outcome."""

    class Outcome(models.TextChoices):
        ADMITTED = "admitted", _("Toegelaten tot intake")
        WAITING = "waiting", _("Op de wachtlijst")

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    trajectory = models.OneToOneField(Trajectory, on_delete=models.CASCADE, related_name="registration")
    school = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("school")
    )
    school_type = models.CharField(_("schoolsoort"), max_length=3, choices=SchoolType.choices, blank=True)
    left_school_on = models.DateField(_("van school af op"), null=True, blank=True)
    outflow_profile = models.CharField(_("uitstroomprofiel"), max_length=20, choices=OutflowProfile.choices)
    municipality = models.ForeignKey(Municipality, on_delete=models.PROTECT, related_name="+")
    reason = models.TextField(_("reden van aanmelding"))
    expected_start = models.DateField(_("verwachte start"), null=True, blank=True)
    expected_end = models.DateField(_("verwachte einddatum"), null=True, blank=True)
    eligibility = models.JSONField(_("toetsing"), default=list)
    exception_rules = models.JSONField(_("uitzondering op regels"), default=list, blank=True)
    has_exception = models.BooleanField(_("met uitzondering"), default=False)
    exception_reason = models.TextField(_("onderbouwing uitzondering"), blank=True)
    exception_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    outcome = models.CharField(_("uitkomst"), max_length=10, choices=Outcome.choices)
    registered_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    admitted_at = models.DateTimeField(_("toegelaten op"), null=True, blank=True)
    admitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("aanmelding")
        verbose_name_plural = _("aanmeldingen")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(has_exception=False) | ~models.Q(exception_reason=""),
                name="registration_exception_has_reason",
            ),
        ]
        indexes = [models.Index(fields=["has_exception", "created_at"], name="registration_exception_idx")]

    def __str__(self) -> str:
        return f"Registration {self.uuid}"


class PriorityMove(models.Model):
    """A case lead moved someone to the front of the waiting list, with a written reason."""

    trajectory = models.ForeignKey(Trajectory, on_delete=models.CASCADE, related_name="priority_moves")
    reason = models.TextField(_("reden"))
    position_before = models.PositiveIntegerField(_("plaats daarvoor"))
    moved_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    moved_at = models.DateTimeField(_("op"), auto_now_add=True)

    class Meta:
        ordering = ["moved_at", "id"]
        verbose_name = _("voorrang op de wachtlijst")
        verbose_name_plural = _("voorrang op de wachtlijst")
        constraints = [models.CheckConstraint(condition=~models.Q(reason=""), name="priority_move_has_reason")]

    def __str__(self) -> str:
        return f"PriorityMove {self.pk}"


class SchoolListUpload(ChoiceDisplay, models.Model):
    """A school list as it was checked and shown in the preview, kept until it is confirmed (then emptied).

    The confirmation writes exactly these rows; the uuid is a random token, so no personal data is in a URL.
    """

    class State(models.TextChoices):
        PREVIEW = "preview", _("Voorbeeld")
        IMPORTED = "imported", _("Ingelezen")

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    school = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+", verbose_name=_("school"))
    route = models.ForeignKey(Route, on_delete=models.PROTECT, related_name="+", verbose_name=_("route"))
    case_lead = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("regisseur")
    )
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    file_name = models.CharField(_("bestand"), max_length=200)
    rows = models.JSONField(_("rijen"), default=list)
    problems = models.JSONField(_("problemen"), default=list)
    state = models.CharField(_("stand"), max_length=10, choices=State.choices, default=State.PREVIEW)
    imported_count = models.PositiveIntegerField(_("aantal aanmeldingen"), default=0)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("schoollijst")
        verbose_name_plural = _("schoollijsten")

    def __str__(self) -> str:
        return f"SchoolListUpload {self.uuid}"
