"""Users (e-mail login), municipalities, organisations and the roles users hold in them."""

import uuid

from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.contrib.auth.models import PermissionsMixin
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from routeplus.conf.choices import ChoiceDisplay


class Municipality(models.Model):
    """A Dutch municipality, identified by its CBS code (GM0014 is Groningen)."""

    cbs_code = models.CharField(_("CBS-code"), max_length=6, unique=True)
    name = models.CharField(_("naam"), max_length=100, unique=True)
    province = models.CharField(_("provincie"), max_length=50, blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("gemeente")
        verbose_name_plural = _("gemeenten")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(cbs_code__regex=r"^GM[0-9]{4}$"), name="municipality_cbs_code_format"
            )
        ]

    def __str__(self) -> str:
        return self.name


class OrganisationKind(models.TextChoices):
    SCHOOL = "school", _("School")
    SOCIAL_TEAM = "social_team", _("Sociaal team")
    WORK_COMPANY = "work_company", _("Werkbedrijf")
    MUNICIPALITY = "municipality", _("Gemeente")
    OTHER = "other", _("Anders")


class SchoolType(models.TextChoices):
    PRO = "PRO", _("Praktijkonderwijs")
    VSO = "VSO", _("Voortgezet speciaal onderwijs")


class Organisation(ChoiceDisplay, models.Model):
    """A school, social team, work company, municipality or other partner in the route."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    name = models.CharField(_("naam"), max_length=200, unique=True)
    kind = models.CharField(_("soort"), max_length=20, choices=OrganisationKind.choices)
    school_type = models.CharField(_("schoolsoort"), max_length=3, choices=SchoolType.choices, blank=True)
    municipalities = models.ManyToManyField(
        Municipality, related_name="organisations", verbose_name=_("werkgebied"), blank=True
    )

    class Meta:
        ordering = ["name"]
        verbose_name = _("organisatie")
        verbose_name_plural = _("organisaties")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(kind="school") | models.Q(school_type=""),
                name="organisation_school_type_only_for_schools",
            )
        ]

    def __str__(self) -> str:
        return self.name


class Role(models.TextChoices):
    CASE_LEAD = "case_lead", _("Regie (VO-WIJ)")
    SCHOOL_COORDINATOR = "school_coordinator", _("Stagecoördinator")
    JOB_COACH = "job_coach", _("Jobcoach")
    POLICY = "policy", _("Beleid")
    FUNCTIONAL_ADMIN = "functional_admin", _("Functioneel beheer")
    RESEARCHER = "researcher", _("Onderzoeker")
    PRIVACY_OFFICER = "privacy_officer", _("Privacyfunctionaris")

    @classmethod
    def case_roles(cls) -> frozenset[str]:
        """Roles that can be on the team of a trajectory and so see case files."""
        return frozenset({cls.CASE_LEAD, cls.SCHOOL_COORDINATOR, cls.JOB_COACH})


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def create_user(self, email: str, password: str | None = None, **extra: object) -> "User":
        if not email:
            raise ValueError("An e-mail address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_superuser(self, email: str, password: str | None = None, **extra: object) -> "User":
        extra.setdefault("is_staff", True)
        extra.setdefault("is_superuser", True)
        return self.create_user(email, password, **extra)


class User(AbstractBaseUser, PermissionsMixin):
    """A professional who logs in with an e-mail address."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    email = models.EmailField(_("e-mailadres"), unique=True)
    full_name = models.CharField(_("naam"), max_length=200)
    is_active = models.BooleanField(_("actief"), default=True)
    is_staff = models.BooleanField(_("toegang tot beheer"), default=False)
    date_joined = models.DateTimeField(_("aangemaakt"), default=timezone.now)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = ["full_name"]

    class Meta:
        ordering = ["full_name"]
        verbose_name = _("gebruiker")
        verbose_name_plural = _("gebruikers")

    def __str__(self) -> str:
        return self.full_name or self.email

    def get_full_name(self) -> str:
        return self.full_name

    def get_short_name(self) -> str:
        return self.full_name.split(" ")[0] if self.full_name else self.email


class Membership(ChoiceDisplay, models.Model):
    """A user's role within an organisation; a user can hold several."""

    # No index of its own: membership_unique_role_per_organisation starts with it and serves the same look-ups.
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="memberships", db_index=False)
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="memberships")
    role = models.CharField(_("rol"), max_length=30, choices=Role.choices)
    is_active = models.BooleanField(_("actief"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("lidmaatschap")
        verbose_name_plural = _("lidmaatschappen")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "organisation", "role"], name="membership_unique_role_per_organisation"
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} – {self.get_role_display()} – {self.organisation}"


class UserSession(models.Model):
    """One logged-in session of a user, so that it can be listed and ended (by the user or on disable).

    The session itself lives in Django's session store; this row only knows its key, never its content.
    """

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="login_sessions")
    session_key = models.CharField(max_length=40, unique=True)
    created_at = models.DateTimeField(_("ingelogd om"))
    last_seen_at = models.DateTimeField(_("laatst actief"))
    ip_address = models.CharField(_("adres"), max_length=45, blank=True)
    user_agent = models.CharField(_("browser"), max_length=200, blank=True)
    method = models.CharField(_("manier van inloggen"), max_length=20, blank=True)

    class Meta:
        ordering = ["-last_seen_at"]
        verbose_name = _("sessie")
        verbose_name_plural = _("sessies")

    def __str__(self) -> str:
        return f"{self.user_id} @ {self.created_at:%Y-%m-%d %H:%M}"
