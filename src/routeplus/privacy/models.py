"""Legal basis and consent per data category and partner organisation."""

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from routeplus.access.sections import DataCategory
from routeplus.accounts.models import Organisation, OrganisationKind
from routeplus.conf.choices import ChoiceDisplay
from routeplus.participants.models import Participant


class Basis(models.TextChoices):
    STATUTORY = "statutory", _("Wettelijke taak of plicht")
    CONSENT = "consent", _("Toestemming")
    NONE = "none", _("Geen grondslag: niet delen")


class SharingBasis(ChoiceDisplay, models.Model):
    """Configuration: on which basis a kind of partner organisation may see a data category.

    A participant-specific row (participant and organisation set) overrides the default for that partner.
    """

    category = models.CharField(_("gegevenscategorie"), max_length=20, choices=DataCategory.choices)
    organisation_kind = models.CharField(_("soort organisatie"), max_length=20, choices=OrganisationKind.choices)
    participant = models.ForeignKey(
        Participant, on_delete=models.CASCADE, null=True, blank=True, related_name="sharing_bases"
    )
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    basis = models.CharField(_("grondslag"), max_length=20, choices=Basis.choices)
    article = models.CharField(_("wetsartikel of toelichting"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("grondslag voor delen")
        verbose_name_plural = _("grondslagen voor delen")
        constraints = [
            models.UniqueConstraint(
                fields=["category", "organisation_kind"],
                condition=models.Q(participant__isnull=True),
                name="sharing_basis_one_default_per_kind",
            ),
            models.UniqueConstraint(
                fields=["category", "participant", "organisation"],
                condition=models.Q(participant__isnull=False),
                name="sharing_basis_one_override_per_partner",
            ),
            models.CheckConstraint(
                condition=models.Q(participant__isnull=True, organisation__isnull=True)
                | models.Q(participant__isnull=False, organisation__isnull=False),
                name="sharing_basis_override_names_participant_and_partner",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.category} / {self.organisation_kind}: {self.basis}"


class ConsentGiver(models.TextChoices):
    PARTICIPANT = "participant", _("De jongere zelf")
    PARENT = "parent", _("Ouder met gezag")
    LEGAL_REPRESENTATIVE = "legal_representative", _("Wettelijk vertegenwoordiger")
    GUARDIAN = "guardian", _("Curator")
    MENTOR = "mentor", _("Mentor")


class ConsentStatus(models.TextChoices):
    GIVEN = "given", _("Gegeven")
    WITHDRAWN = "withdrawn", _("Ingetrokken")


class Consent(ChoiceDisplay, models.Model):
    """One statement of consent or its withdrawal. Rows are never changed: the newest one counts."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    # No index of its own: consent_lookup_idx starts with it and serves the same look-ups.
    participant = models.ForeignKey(Participant, on_delete=models.CASCADE, related_name="consents", db_index=False)
    category = models.CharField(_("gegevenscategorie"), max_length=20, choices=DataCategory.choices)
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="+", verbose_name=_("partnerorganisatie")
    )
    status = models.CharField(_("status"), max_length=10, choices=ConsentStatus.choices)
    given_by = models.CharField(_("gegeven door"), max_length=30, choices=ConsentGiver.choices)
    stated_on = models.DateField(_("datum"))
    form_reference = models.CharField(_("kenmerk ondertekend formulier"), max_length=100, blank=True)
    valid_until = models.DateField(_("geldig tot en met"), null=True, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        # A total order, ending in the id: the newest statement is one row (privacy.selectors reads it twice).
        ordering = ["-stated_on", "-recorded_at", "-id"]
        verbose_name = _("toestemming")
        verbose_name_plural = _("toestemmingen")
        indexes = [models.Index(fields=["participant", "category", "organisation"], name="consent_lookup_idx")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(valid_until__isnull=True) | models.Q(valid_until__gte=models.F("stated_on")),
                name="consent_valid_until_after_statement",
            )
        ]

    def __str__(self) -> str:
        return f"Consent {self.uuid}"


class RequestKind(models.TextChoices):
    ACCESS = "access", _("Inzage (art. 15 AVG)")
    ERASURE = "erasure", _("Verwijdering (art. 17 AVG)")
    RESTRICTION = "restriction", _("Beperking van de verwerking (art. 18 AVG)")


class RequestStatus(models.TextChoices):
    OPEN = "open", _("In behandeling")
    APPROVED = "approved", _("Goedgekeurd (vier ogen)")
    DONE = "done", _("Uitgevoerd")
    REFUSED = "refused", _("Afgewezen")


class SubjectRequest(ChoiceDisplay, models.Model):
    """A data subject's request, handled by privacy officers: inzage, erasure or restriction."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    participant = models.ForeignKey(Participant, on_delete=models.PROTECT, related_name="subject_requests")
    kind = models.CharField(_("soort verzoek"), max_length=20, choices=RequestKind.choices)
    received_on = models.DateField(_("ontvangen op"))
    reference = models.CharField(_("kenmerk"), max_length=100)
    status = models.CharField(_("status"), max_length=10, choices=RequestStatus.choices, default=RequestStatus.OPEN)
    outcome = models.TextField(_("uitkomst"), blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    done_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-received_on", "-id"]
        verbose_name = _("verzoek van betrokkene")
        verbose_name_plural = _("verzoeken van betrokkenen")

    def __str__(self) -> str:
        return f"Request {self.uuid}"


class RequestApproval(models.Model):
    """One approval of an erasure or restriction; two different privacy officers must approve (four eyes)."""

    # No index of its own: approval_once_per_approver starts with it and serves the same look-ups.
    request = models.ForeignKey(SubjectRequest, on_delete=models.CASCADE, related_name="approvals", db_index=False)
    approver = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    approved_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["request", "approver"], name="approval_once_per_approver")]

    def __str__(self) -> str:
        return f"Approval of {self.request_id}"


class Restriction(models.Model):
    """While active, the participant's case file is closed to everyone (art. 18 AVG)."""

    participant = models.OneToOneField(Participant, on_delete=models.CASCADE, related_name="restriction")
    request = models.ForeignKey(SubjectRequest, on_delete=models.PROTECT, related_name="+")
    since = models.DateField(_("sinds"))
    is_active = models.BooleanField(default=True)

    def __str__(self) -> str:
        return f"Restriction {self.participant_id}"
