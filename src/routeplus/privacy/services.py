"""Recording consent and its withdrawal; every statement is kept and logged."""

from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from routeplus.access.sections import DataCategory
from routeplus.accounts.models import Organisation
from routeplus.audit.models import Action, Result
from routeplus.audit.services import Origin, access_log_append, change_log_record, snapshot
from routeplus.participants.models import Participant
from routeplus.privacy.export import subject_export_zip
from routeplus.privacy.models import (
    Consent,
    ConsentGiver,
    ConsentStatus,
    RequestApproval,
    RequestKind,
    RequestStatus,
    Restriction,
    SubjectRequest,
)
from routeplus.privacy.personal_data import Retention
from routeplus.privacy.retention import purge_participant
from routeplus.trajectories.models import OPEN_STATUSES

CONSENT_FIELDS = ["category", "organisation", "status", "given_by", "stated_on", "form_reference", "valid_until"]
# The Dutch age of digital consent is 16 (UAVG art. 5): below it a parent or representative decides.
CONSENT_AGE = 16
ADULT_AGE = 18


def allowed_givers(*, age: int) -> frozenset[str]:
    """Who can give or withdraw consent for a participant of this age."""
    if age < CONSENT_AGE:
        return frozenset({ConsentGiver.PARENT, ConsentGiver.LEGAL_REPRESENTATIVE, ConsentGiver.GUARDIAN})
    if age < ADULT_AGE:
        return frozenset({ConsentGiver.PARTICIPANT, ConsentGiver.LEGAL_REPRESENTATIVE})
    # Adults decide themselves, or through a guardian (curatele) or mentor (mentorschap).
    return frozenset({ConsentGiver.PARTICIPANT, ConsentGiver.GUARDIAN, ConsentGiver.MENTOR})


@transaction.atomic
def consent_record(
    *,
    actor: Any,
    participant: Participant,
    category: str,
    organisation: Organisation,
    status: str,
    given_by: str,
    stated_on: date,
    form_reference: str = "",
    valid_until: date | None = None,
) -> Consent:
    """Record a consent or a withdrawal; it takes effect on the very next request."""
    errors: dict[str, str] = {}
    if category not in DataCategory.values:
        errors["category"] = _("Kies een gegevenscategorie.")
    if status not in ConsentStatus.values:
        errors["status"] = _("Kies gegeven of ingetrokken.")
    if stated_on > timezone.localdate():
        errors["stated_on"] = _("De datum kan niet in de toekomst liggen.")
    age = participant.age_on(stated_on)
    if given_by not in allowed_givers(age=age):
        errors["given_by"] = (
            _("Onder de 16 jaar beslist een ouder met gezag of wettelijk vertegenwoordiger.")
            if age < CONSENT_AGE
            else _("Vanaf 16 jaar beslist de jongere zelf (of een vertegenwoordiger, curator of mentor).")
        )
    if status == ConsentStatus.GIVEN and not form_reference.strip():
        errors["form_reference"] = _("Vermeld het kenmerk van het ondertekende toestemmingsformulier.")
    if valid_until is not None and valid_until < stated_on:
        errors["valid_until"] = _("De einddatum ligt vóór de datum van de toestemming.")
    if errors:
        raise ValidationError(errors)
    consent = Consent.objects.create(
        participant=participant,
        category=category,
        organisation=organisation,
        status=status,
        given_by=given_by,
        stated_on=stated_on,
        form_reference=form_reference.strip(),
        valid_until=valid_until if status == ConsentStatus.GIVEN else None,
        recorded_by=actor,
    )
    change_log_record(
        actor=actor,
        action=Action.CREATE,
        instance=consent,
        participant_ref=str(participant.uuid),
        after=snapshot(consent, CONSENT_FIELDS),
    )
    return consent


REQUEST_FIELDS = ["kind", "received_on", "reference", "status", "outcome"]
FOUR_EYES = 2


def _log_request(*, actor: Any, request: SubjectRequest, action: str, origin: Origin, purpose: str) -> None:
    access_log_append(
        actor=actor,
        action=action,
        result=Result.ALLOWED,
        origin=origin,
        object_type="subject_request",
        object_ref=str(request.uuid),
        participant_ref=str(request.participant.uuid),
        section="privacy",
        purpose=purpose,
    )


@transaction.atomic
def subject_request_create(
    *, actor: Any, participant: Participant, kind: str, received_on: date, reference: str, origin: Origin
) -> SubjectRequest:
    if kind not in RequestKind.values:
        raise ValidationError({"kind": _("Kies het soort verzoek.")})
    if not reference.strip():
        raise ValidationError({"reference": _("Vermeld het kenmerk van het verzoek (zaaknummer of brief).")})
    if received_on > timezone.localdate():
        raise ValidationError({"received_on": _("De datum kan niet in de toekomst liggen.")})
    request = SubjectRequest.objects.create(
        participant=participant, kind=kind, received_on=received_on, reference=reference.strip(), created_by=actor
    )
    change_log_record(
        actor=actor,
        action=Action.CREATE,
        instance=request,
        participant_ref=str(participant.uuid),
        after=snapshot(request, REQUEST_FIELDS),
    )
    _log_request(actor=actor, request=request, action=Action.CREATE, origin=origin, purpose=f"verzoek {kind}")
    return request


def subject_request_deliver_access(*, actor: Any, request: SubjectRequest, origin: Origin) -> bytes:
    """Build the inzage export, mark the request done and log the export."""
    if request.kind != RequestKind.ACCESS:
        raise ValidationError({"kind": _("Alleen een inzageverzoek levert een export op.")})
    archive = subject_export_zip(participant=request.participant)
    with transaction.atomic():
        SubjectRequest.objects.filter(pk=request.pk).update(
            status=RequestStatus.DONE, done_at=timezone.now(), outcome=_("Inzage verstrekt")
        )
        _log_request(actor=actor, request=request, action=Action.EXPORT, origin=origin, purpose="inzage (art. 15)")
    return archive


@transaction.atomic
def subject_request_approve(*, actor: Any, request: SubjectRequest, origin: Origin) -> SubjectRequest:
    """Erasure and restriction need two approvals by two different privacy officers."""
    if request.kind == RequestKind.ACCESS:
        raise ValidationError({"kind": _("Een inzageverzoek hoeft niet goedgekeurd te worden.")})
    if request.status != RequestStatus.OPEN:
        raise ValidationError({"status": _("Dit verzoek is al afgehandeld.")})
    if request.approvals.filter(approver=actor).exists():
        raise ValidationError(
            {"approver": _("U heeft dit verzoek al goedgekeurd. Een tweede privacyfunctionaris moet meekijken.")}
        )
    RequestApproval.objects.create(request=request, approver=actor)
    if request.approvals.count() >= FOUR_EYES:
        request.status = RequestStatus.APPROVED
        request.save(update_fields=["status"])
    _log_request(actor=actor, request=request, action=Action.UPDATE, origin=origin, purpose="goedkeuring (vier ogen)")
    return request


@transaction.atomic
def subject_request_execute(*, actor: Any, request: SubjectRequest, origin: Origin) -> SubjectRequest:
    """Carry out an approved erasure or restriction, within the legal duties to keep data."""
    if request.status != RequestStatus.APPROVED:
        raise ValidationError({"status": _("Eerst moeten twee verschillende privacyfunctionarissen goedkeuren.")})
    participant = request.participant
    if request.kind == RequestKind.RESTRICTION:
        Restriction.objects.update_or_create(
            participant=participant, defaults={"request": request, "since": timezone.localdate(), "is_active": True}
        )
        outcome = _("Verwerking beperkt: het dossier is voor iedereen afgesloten.")
    else:
        if participant.trajectories.filter(status__in=OPEN_STATUSES).exists():
            raise ValidationError(
                {"status": _("Er loopt nog een traject. Sluit het traject eerst af of wijs het verzoek af met uitleg.")}
            )
        # Decisions on provisions fall under a legal retention duty and stay until their own period ends.
        purge_participant(participant=participant, rules=[Retention.IDENTITY], actor=actor)
        outcome = _("Persoonsgegevens verwijderd of geanonimiseerd; beschikkingen blijven tot hun bewaartermijn.")
    request.status = RequestStatus.DONE
    request.done_at = timezone.now()
    request.outcome = outcome
    request.save(update_fields=["status", "done_at", "outcome"])
    _log_request(
        actor=actor, request=request, action=Action.DELETE, origin=origin, purpose=f"uitgevoerd: {request.kind}"
    )
    return request
