"""A participant: the young person a case file is about."""

import uuid
from datetime import date

from django.db import models
from django.utils.translation import gettext_lazy as _

from routeplus.accounts.models import Municipality, Organisation, SchoolType
from routeplus.conf.choices import ChoiceDisplay
from routeplus.participants.bsn import mask_bsn, validate_bsn


class OutflowProfile(models.TextChoices):
    DAGBESTEDING = "dagbesteding", _("Dagbesteding")
    ARBEIDSMARKT = "arbeidsmarkt", _("Arbeidsmarkt")
    VERVOLGONDERWIJS = "vervolgonderwijs", _("Vervolgonderwijs")


def age_on(birth_date: date, on: date) -> int:
    """Age in whole years on a date (a 29 February birthday counts from 1 March in non-leap years)."""
    return on.year - birth_date.year - ((on.month, on.day) < (birth_date.month, birth_date.day))


class Participant(ChoiceDisplay, models.Model):
    """A young person in (or registered for) a route. Identified in URLs by an opaque UUID only."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    source_ref = models.CharField(
        _("kenmerk in bronregister"), max_length=64, blank=True, help_text=_("Id uit een geïmporteerd register.")
    )
    given_name = models.CharField(_("voornaam"), max_length=100)
    family_name = models.CharField(_("achternaam"), max_length=150)
    birth_date = models.DateField(_("geboortedatum"))
    bsn = models.CharField(_("BSN"), max_length=9, blank=True, validators=[validate_bsn])
    school = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="pupils",
        null=True,
        blank=True,
        limit_choices_to={"kind": "school"},
        verbose_name=_("school"),
    )
    school_type = models.CharField(_("schoolsoort"), max_length=3, choices=SchoolType.choices, blank=True)
    outflow_profile = models.CharField(_("uitstroomprofiel"), max_length=20, choices=OutflowProfile.choices)
    municipality = models.ForeignKey(
        Municipality, on_delete=models.PROTECT, related_name="residents", verbose_name=_("woongemeente")
    )
    phone = models.CharField(_("telefoon"), max_length=30, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["family_name", "given_name"]
        verbose_name = _("jongere")
        verbose_name_plural = _("jongeren")
        indexes = [
            models.Index(fields=["family_name", "given_name"], name="participant_name_idx"),
            models.Index(fields=["birth_date"], name="participant_birth_date_idx"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["bsn"], condition=~models.Q(bsn=""), name="participant_unique_bsn_when_given"
            ),
            models.UniqueConstraint(
                fields=["source_ref"], condition=~models.Q(source_ref=""), name="participant_unique_source_ref"
            ),
        ]

    def __str__(self) -> str:
        # Deliberately not the name: str() ends up in logs and admin messages.
        return f"Participant {self.uuid}"

    @property
    def full_name(self) -> str:
        return f"{self.given_name} {self.family_name}"

    @property
    def bsn_masked(self) -> str:
        return mask_bsn(self.bsn)

    def age_on(self, on: date) -> int:
        return age_on(self.birth_date, on)
