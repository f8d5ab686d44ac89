"""Case-file content of a trajectory: plan and learning goals, placements, provisions, results, contacts,
bottlenecks. Results are the outcome categories of the council table.

Records people edit carry a `version` for optimistic locking; services are the only writers.
"""

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from routeplus.access.sections import DataCategory
from routeplus.conf.choices import ChoiceDisplay
from routeplus.trajectories.models import Trajectory


class ResultType(models.TextChoices):
    """The outcome categories of the council table, in its order (shared/domain.md)."""

    DAGBESTEDING = "dagbesteding", _("Uitstroom naar dagbesteding")
    DAGBESTEDING_ONTWIKKELPERSPECTIEF = (
        "dagbesteding_ontwikkelperspectief",
        _("Dagbesteding met ontwikkelperspectief via school"),
    )
    STAGE_MAATWERK = "stage_maatwerk", _("Stage maatwerk")
    ARBEID = "arbeid", _("Uitstroom naar arbeid")
    HEEFT_GEWERKT = "heeft_gewerkt", _("Heeft gewerkt")
    ENTREE = "entree", _("School, Entree")
    NIEUW_BESCHUT = "nieuw_beschut", _("Indicatie Nieuw Beschut")
    WAJONG = "wajong", _("Wajong advies/toegekend")
    UITVAL = "uitval", _("Uitval")


class Domain(models.TextChoices):
    """The legal domains a provision or a bottleneck belongs to."""

    EDUCATION = "education", _("Onderwijs")
    JEUGDWET = "jeugdwet", _("Jeugdwet")
    WMO = "wmo", _("Wmo 2015")
    PARTICIPATIEWET = "participatiewet", _("Participatiewet")
    UWV = "uwv", _("UWV")
    WLZ = "wlz", _("Wlz")
    OTHER = "other", _("Anders")


# ---------------------------------------------------------------------------------------------------------
# Development plan and learning goals


class DevelopmentPlan(models.Model):
    """The development plan of one trajectory: the perspective the team and the young person work towards."""

    trajectory = models.OneToOneField(Trajectory, on_delete=models.CASCADE, related_name="development_plan")
    perspective = models.TextField(_("perspectief"), blank=True)
    agreed_on = models.DateField(_("afgesproken op"), null=True, blank=True)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    updated_at = models.DateTimeField(auto_now=True)
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        verbose_name = _("ontwikkelplan")
        verbose_name_plural = _("ontwikkelplannen")

    def __str__(self) -> str:
        return f"DevelopmentPlan of {self.trajectory_id}"


class GoalArea(models.TextChoices):
    WORK_SKILLS = "work_skills", _("Werknemersvaardigheden")
    INDEPENDENCE = "independence", _("Zelfstandigheid")
    VOCATIONAL = "vocational", _("Vakvaardigheden")
    SOCIAL = "social", _("Sociale vaardigheden")
    OTHER = "other", _("Anders")


class GoalStatus(models.TextChoices):
    OPEN = "open", _("Loopt")
    ACHIEVED = "achieved", _("Behaald")
    STOPPED = "stopped", _("Gestopt")


class LearningGoal(ChoiceDisplay, models.Model):
    """A learning goal in the development plan; its reviews over time show the progress."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    # No index of its own: goal_trajectory_status_idx starts with it and serves the same look-ups.
    trajectory = models.ForeignKey(Trajectory, on_delete=models.CASCADE, related_name="learning_goals", db_index=False)
    area = models.CharField(_("gebied"), max_length=20, choices=GoalArea.choices)
    description = models.TextField(_("leerdoel"))
    own_words = models.TextField(_("in de woorden van de jongere"), blank=True)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("eigenaar"),
    )
    target_date = models.DateField(_("streefdatum"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=20, choices=GoalStatus.choices, default=GoalStatus.OPEN)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("leerdoel")
        verbose_name_plural = _("leerdoelen")
        indexes = [models.Index(fields=["trajectory", "status"], name="goal_trajectory_status_idx")]

    def __str__(self) -> str:
        return f"LearningGoal {self.uuid}"


class ReviewScore(models.IntegerChoices):
    """A small ordinal scale: where the young person stands on the goal at the review."""

    NOT_YET = 1, _("Nog niet")
    A_LITTLE = 2, _("Een beetje")
    MOSTLY = 3, _("Grotendeels")
    ACHIEVED = 4, _("Behaald")


class GoalReview(ChoiceDisplay, models.Model):
    """One review of a learning goal: date, score, note and who reviewed it."""

    # No index of its own: review_goal_date_idx starts with it and serves the same look-ups.
    goal = models.ForeignKey(LearningGoal, on_delete=models.CASCADE, related_name="reviews", db_index=False)
    reviewed_on = models.DateField(_("datum"))
    score = models.PositiveSmallIntegerField(_("stand"), choices=ReviewScore.choices)
    note = models.TextField(_("toelichting"), blank=True)
    reviewed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["reviewed_on", "id"]
        verbose_name = _("evaluatie van een leerdoel")
        verbose_name_plural = _("evaluaties van leerdoelen")
        indexes = [models.Index(fields=["goal", "reviewed_on"], name="review_goal_date_idx")]
        constraints = [
            models.CheckConstraint(condition=models.Q(score__gte=1, score__lte=4), name="review_score_in_scale")
        ]

    def __str__(self) -> str:
        return f"GoalReview {self.pk}"


# ---------------------------------------------------------------------------------------------------------
# Employers and placements


class EmployerKind(models.TextChoices):
    SOCIAL = "social", _("Sociale onderneming")
    REGULAR = "regular", _("Reguliere werkgever")


class Employer(ChoiceDisplay, models.Model):
    """An internship or work place, shared across trajectories."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    name = models.CharField(_("naam"), max_length=200)
    sector = models.CharField(_("sector"), max_length=100, blank=True)
    kind = models.CharField(_("soort werkgever"), max_length=10, choices=EmployerKind.choices)
    contact_name = models.CharField(_("contactpersoon"), max_length=200, blank=True)
    contact_phone = models.CharField(_("telefoon contactpersoon"), max_length=30, blank=True)
    contact_email = models.EmailField(_("e-mail contactpersoon"), blank=True)
    address = models.CharField(_("adres"), max_length=200, blank=True)
    postal_code = models.CharField(_("postcode"), max_length=7, blank=True)
    city = models.CharField(_("plaats"), max_length=100, blank=True)
    is_active = models.BooleanField(_("actief"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        ordering = ["name", "id"]
        verbose_name = _("werkgever")
        verbose_name_plural = _("werkgevers")
        constraints = [models.UniqueConstraint(fields=["name", "postal_code"], name="employer_unique_name_postal_code")]

    def __str__(self) -> str:
        return self.name

    @property
    def choice_label(self) -> str:
        """Name and place: how a list tells apart employers of the same name."""
        return f"{self.name} ({self.city})" if self.city else self.name


class PlacementKind(models.TextChoices):
    INTERNSHIP = "internship", _("Stage")
    TAILORED_INTERNSHIP = "tailored_internship", _("Stage maatwerk")
    WORKLIKE_DAY_CARE = "worklike_day_care", _("Arbeidsmatige dagbesteding")
    SHELTERED_WORK = "sheltered_work", _("Beschut werk")
    JOBS_AGREEMENT = "jobs_agreement", _("Baan in de banenafspraak")
    REGULAR_JOB = "regular_job", _("Reguliere baan")
    OTHER = "other", _("Anders")


class PlacementStatus(models.TextChoices):
    PLANNED = "planned", _("Gepland")
    RUNNING = "running", _("Loopt")
    ENDED = "ended", _("Afgerond")
    STOPPED = "stopped", _("Voortijdig gestopt")


class Placement(ChoiceDisplay, models.Model):
    """An internship or job of a participant at an employer, for a period."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    trajectory = models.ForeignKey(Trajectory, on_delete=models.CASCADE, related_name="placements")
    kind = models.CharField(_("soort plek"), max_length=30, choices=PlacementKind.choices)
    employer = models.ForeignKey(
        Employer, on_delete=models.PROTECT, related_name="placements", verbose_name=_("werkgever")
    )
    supervisor = models.CharField(_("begeleider op de werkplek"), max_length=200, blank=True)
    hours_per_week = models.DecimalField(_("uren per week"), max_digits=4, decimal_places=1, null=True, blank=True)
    start_date = models.DateField(_("startdatum"))
    end_date = models.DateField(_("einddatum"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=20, choices=PlacementStatus.choices)
    evaluation = models.TextField(_("evaluatie"), blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        ordering = ["start_date", "id"]
        verbose_name = _("stage of werkplek")
        verbose_name_plural = _("stages en werkplekken")
        indexes = [models.Index(fields=["status", "end_date"], name="placement_status_end_idx")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(end_date__isnull=True) | models.Q(end_date__gte=models.F("start_date")),
                name="placement_end_not_before_start",
            ),
            models.CheckConstraint(
                condition=models.Q(hours_per_week__isnull=True)
                | models.Q(hours_per_week__gte=0, hours_per_week__lte=60),
                name="placement_hours_in_range",
            ),
        ]

    def __str__(self) -> str:
        return f"Placement {self.uuid}"


# ---------------------------------------------------------------------------------------------------------
# Provisions


class ProvisionKind(ChoiceDisplay, models.Model):
    """A kind of provision, configurable as data: its legal domain, its data category, and the result it
    implies when granted (proposed to a person, never counted on its own)."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("naam"), max_length=120)
    domain = models.CharField(_("domein"), max_length=20, choices=Domain.choices)
    category = models.CharField(
        _("gegevenscategorie"),
        max_length=20,
        choices=DataCategory.choices,
        help_text=_("Bepaalt welke rollen deze voorziening mogen zien."),
    )
    implies_result = models.CharField(_("leidt tot resultaat"), max_length=40, choices=ResultType.choices, blank=True)
    is_active = models.BooleanField(_("actief"), default=True)
    order = models.PositiveSmallIntegerField(_("volgorde"), default=0)

    class Meta:
        ordering = ["domain", "order", "name"]
        verbose_name = _("soort voorziening")
        verbose_name_plural = _("soorten voorzieningen")

    def __str__(self) -> str:
        return self.name


class ProvisionStatus(models.TextChoices):
    APPLIED = "applied", _("Aangevraagd")
    GRANTED = "granted", _("Toegekend")
    REFUSED = "refused", _("Afgewezen")
    ENDED = "ended", _("Beëindigd")
    WITHDRAWN = "withdrawn", _("Ingetrokken")


class Provision(ChoiceDisplay, models.Model):
    """A provision from a legal domain for the participant, from application to end."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    trajectory = models.ForeignKey(Trajectory, on_delete=models.CASCADE, related_name="provisions")
    kind = models.ForeignKey(
        ProvisionKind, on_delete=models.PROTECT, related_name="provisions", verbose_name=_("voorziening")
    )
    status = models.CharField(_("status"), max_length=20, choices=ProvisionStatus.choices)
    applied_on = models.DateField(_("aangevraagd op"), null=True, blank=True)
    decided_on = models.DateField(_("besluit op"), null=True, blank=True)
    start_date = models.DateField(_("ingangsdatum"), null=True, blank=True)
    end_date = models.DateField(_("einddatum"), null=True, blank=True)
    decision_reference = models.CharField(_("kenmerk beschikking"), max_length=60, blank=True)
    note = models.TextField(_("toelichting"), blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("voorziening")
        verbose_name_plural = _("voorzieningen")
        indexes = [models.Index(fields=["status", "end_date"], name="provision_status_end_idx")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(end_date__isnull=True)
                | models.Q(start_date__isnull=True)
                | models.Q(end_date__gte=models.F("start_date")),
                name="provision_end_not_before_start",
            ),
            models.CheckConstraint(
                condition=models.Q(decided_on__isnull=True)
                | models.Q(applied_on__isnull=True)
                | models.Q(decided_on__gte=models.F("applied_on")),
                name="provision_decision_not_before_application",
            ),
        ]

    def __str__(self) -> str:
        return f"Provision {self.uuid}"


# ---------------------------------------------------------------------------------------------------------
# Results


class Result(ChoiceDisplay, models.Model):
    """What a participant realised on a trajectory; counted only once a person has confirmed it."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    # No index of its own: result_unique_per_day starts with it and serves the same look-ups.
    trajectory = models.ForeignKey(Trajectory, on_delete=models.CASCADE, related_name="results", db_index=False)
    type = models.CharField(_("soort resultaat"), max_length=40, choices=ResultType.choices)
    start_date = models.DateField(_("vanaf"))
    end_date = models.DateField(_("tot en met"), null=True, blank=True)
    note = models.TextField(_("toelichting"), blank=True)
    placement = models.ForeignKey(
        Placement,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="results",
        verbose_name=_("komt voort uit stage of werkplek"),
    )
    provision = models.ForeignKey(
        Provision,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="results",
        verbose_name=_("komt voort uit voorziening"),
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        ordering = ["start_date", "id"]
        verbose_name = _("resultaat")
        verbose_name_plural = _("resultaten")
        indexes = [models.Index(fields=["type", "start_date"], name="result_type_start_idx")]
        constraints = [
            models.UniqueConstraint(fields=["trajectory", "type", "start_date"], name="result_unique_per_day"),
            models.CheckConstraint(
                condition=models.Q(end_date__isnull=True) | models.Q(end_date__gte=models.F("start_date")),
                name="result_end_not_before_start",
            ),
        ]

    def __str__(self) -> str:
        return f"Result {self.uuid}"


class ProposalStatus(models.TextChoices):
    OPEN = "open", _("Wacht op besluit")
    CONFIRMED = "confirmed", _("Bevestigd")
    REJECTED = "rejected", _("Niet overgenomen")


class ResultProposal(ChoiceDisplay, models.Model):
    """A result that a placement or provision implies; it counts only after a person confirms it."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    trajectory = models.ForeignKey(Trajectory, on_delete=models.CASCADE, related_name="result_proposals")
    type = models.CharField(_("soort resultaat"), max_length=40, choices=ResultType.choices)
    start_date = models.DateField(_("vanaf"))
    placement = models.ForeignKey(
        Placement, on_delete=models.CASCADE, null=True, blank=True, related_name="result_proposals"
    )
    provision = models.ForeignKey(
        Provision, on_delete=models.CASCADE, null=True, blank=True, related_name="result_proposals"
    )
    status = models.CharField(_("status"), max_length=20, choices=ProposalStatus.choices, default=ProposalStatus.OPEN)
    result = models.OneToOneField(Result, on_delete=models.SET_NULL, null=True, blank=True, related_name="proposal")
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("voorstel voor een resultaat")
        verbose_name_plural = _("voorstellen voor resultaten")
        constraints = [
            models.UniqueConstraint(
                fields=["placement", "type"],
                condition=models.Q(placement__isnull=False),
                name="proposal_once_per_placement",
            ),
            models.UniqueConstraint(
                fields=["provision", "type"],
                condition=models.Q(provision__isnull=False),
                name="proposal_once_per_provision",
            ),
        ]

    def __str__(self) -> str:
        return f"ResultProposal {self.uuid}"


# ---------------------------------------------------------------------------------------------------------
# Contact moments


class ContactChannel(models.TextChoices):
    IN_PERSON = "in_person", _("Gesprek")
    HOME_VISIT = "home_visit", _("Huisbezoek")
    PHONE = "phone", _("Telefoon")
    VIDEO = "video", _("Beeldbellen")
    MESSAGE = "message", _("App of sms")
    EMAIL = "email", _("E-mail")
    LETTER = "letter", _("Brief")


class ContactWith(models.TextChoices):
    PARTICIPANT = "participant", _("Jongere")
    PARENT = "parent", _("Ouder of vertegenwoordiger")
    SCHOOL = "school", _("School")
    EMPLOYER = "employer", _("Werkgever")
    PROFESSIONAL = "professional", _("Andere professional")


class ContactMoment(ChoiceDisplay, models.Model):
    """A contact, or a failed attempt at one; failed attempts feed the dropout signals."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    # No index of its own: contact_trajectory_at_idx starts with it and serves the same look-ups.
    trajectory = models.ForeignKey(Trajectory, on_delete=models.CASCADE, related_name="contact_moments", db_index=False)
    at = models.DateTimeField(_("datum en tijd"))
    channel = models.CharField(_("manier"), max_length=20, choices=ContactChannel.choices)
    with_whom = models.CharField(_("met wie"), max_length=20, choices=ContactWith.choices)
    reached = models.BooleanField(_("bereikt"))
    summary = models.TextField(_("korte samenvatting"), blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name = _("contactmoment")
        verbose_name_plural = _("contactmomenten")
        indexes = [models.Index(fields=["trajectory", "at"], name="contact_trajectory_at_idx")]

    def __str__(self) -> str:
        return f"ContactMoment {self.uuid}"


# ---------------------------------------------------------------------------------------------------------
# Bottlenecks


class BottleneckCategory(models.TextChoices):
    RULES = "rules", _("Regels sluiten niet op elkaar aan")
    FUNDING = "funding", _("Financiering")
    WAITING = "waiting", _("Wachttijd of wachtlijst")
    NO_OFFER = "no_offer", _("Geen passend aanbod")
    INFORMATION = "information", _("Gegevens delen of informatie")
    COOPERATION = "cooperation", _("Samenwerking tussen organisaties")
    TRANSITION = "transition", _("Overgang 18-/18+")
    TRANSPORT = "transport", _("Vervoer")
    OTHER = "other", _("Anders")


class BottleneckStatus(models.TextChoices):
    OPEN = "open", _("Open")
    SOLVED = "solved", _("Opgelost")
    ESCALATED = "escalated", _("Opgeschaald")


class Bottleneck(ChoiceDisplay, models.Model):
    """A barrier across domains met in this case; the monitor aggregates them for structural solutions."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    trajectory = models.ForeignKey(Trajectory, on_delete=models.CASCADE, related_name="bottlenecks")
    category = models.CharField(_("soort knelpunt"), max_length=20, choices=BottleneckCategory.choices)
    # A list of Domain values; kept as JSON so the monitor can count per domain on SQLite and PostgreSQL.
    domains = models.JSONField(_("domeinen"), default=list)
    description = models.TextField(_("omschrijving"))
    status = models.CharField(
        _("status"), max_length=20, choices=BottleneckStatus.choices, default=BottleneckStatus.OPEN
    )
    resolution = models.TextField(_("oplossing of afspraak"), blank=True)
    noticed_on = models.DateField(_("gesignaleerd op"))
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        ordering = ["-noticed_on", "-id"]
        verbose_name = _("knelpunt")
        verbose_name_plural = _("knelpunten")
        indexes = [models.Index(fields=["status", "category"], name="bottleneck_status_cat_idx")]

    def __str__(self) -> str:
        return f"Bottleneck {self.uuid}"

    def domain_labels(self) -> list[str]:
        labels = dict(Domain.choices)
        return [str(labels.get(code, code)) for code in self.domains]
