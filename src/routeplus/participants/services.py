"""Writing participants: the only place that creates or changes a participant."""

from datetime import date
from typing import Any

from django.db import transaction

from routeplus.accounts.models import Municipality, Organisation
from routeplus.audit.models import Action
from routeplus.audit.services import change_log_record, snapshot
from routeplus.participants.models import Participant

PARTICIPANT_FIELDS = [
    "given_name",
    "family_name",
    "birth_date",
    "bsn",
    "school",
    "school_type",
    "outflow_profile",
    "municipality",
    "phone",
    "email",
]


@transaction.atomic
def participant_create(
    *,
    actor: Any,
    given_name: str,
    family_name: str,
    birth_date: date,
    outflow_profile: str,
    municipality: Municipality,
    school: Organisation | None = None,
    school_type: str = "",
    bsn: str = "",
    phone: str = "",
    email: str = "",
) -> Participant:
    participant = Participant(
        given_name=given_name.strip(),
        family_name=family_name.strip(),
        birth_date=birth_date,
        bsn=bsn.strip(),
        school=school,
        school_type=school_type or (school.school_type if school else ""),
        outflow_profile=outflow_profile,
        municipality=municipality,
        phone=phone.strip(),
        email=email.strip(),
    )
    participant.full_clean()
    participant.save()
    change_log_record(
        actor=actor,
        action=Action.CREATE,
        instance=participant,
        participant_ref=str(participant.uuid),
        after=snapshot(participant, PARTICIPANT_FIELDS),
    )
    return participant


@transaction.atomic
def participant_update(*, actor: Any, participant: Participant, **changes: Any) -> Participant:
    """Change some of a participant's fields, validated, with old and new values in the change log."""
    unknown = set(changes) - set(PARTICIPANT_FIELDS)
    if unknown:
        raise ValueError(f"participant_update cannot change {sorted(unknown)}")
    before = snapshot(participant, PARTICIPANT_FIELDS)
    for name, value in changes.items():
        setattr(participant, name, value.strip() if isinstance(value, str) else value)
    participant.full_clean()
    participant.save(update_fields=[*changes, "updated_at"])
    change_log_record(
        actor=actor,
        action=Action.UPDATE,
        instance=participant,
        participant_ref=str(participant.uuid),
        before=before,
        after=snapshot(participant, PARTICIPANT_FIELDS),
    )
    return participant
