"""Retention: after the periods in settings, personal data is removed or anonymised; council figures stay.

What stays after a purge is exactly what the monitor counts (tagged Retention.MONITOR): the trajectory's
route, municipality, dates and status, and each result's type and dates, tied to a participant whose
identity is gone. The council figures for past reference dates are therefore the same before and after.
"""

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.apps import apps
from django.conf import settings
from django.db import models, transaction
from django.db.models import Max

from routeplus.audit.models import Action, ChangeLogEntry
from routeplus.audit.services import change_log_record
from routeplus.participants.models import Participant
from routeplus.privacy.personal_data import DEFAULT_RETENTION_YEARS, PERSONAL_MODELS, Retention
from routeplus.trajectories.models import OPEN_STATUSES

ANONYMISED = "Geanonimiseerd"


def retention_years() -> dict[str, int]:
    return DEFAULT_RETENTION_YEARS | getattr(settings, "ROUTEPLUS_RETENTION_YEARS", {})


def _years_before(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)


@dataclass
class PurgePlan:
    """What a purge would do (dry run) or did: per participant, what goes."""

    on: date
    participants: dict[str, list[str]] = field(default_factory=dict)  # participant uuid -> retention rules applied

    @property
    def count(self) -> int:
        return len(self.participants)


def participants_due(*, on: date, rule: str) -> models.QuerySet[Participant]:
    """Participants without an open trajectory whose last trajectory ended more than the rule's period ago."""
    cutoff = _years_before(on, retention_years()[rule])
    return (
        Participant.objects.exclude(trajectories__status__in=OPEN_STATUSES)
        .annotate(last_end=Max("trajectories__end_date"))
        .filter(last_end__isnull=False, last_end__lt=cutoff)
    )


def _blank(model_field: models.Field) -> Any:
    if model_field.null:
        return None
    if isinstance(model_field, models.JSONField):
        return model_field.get_default()
    if isinstance(model_field, models.BooleanField):
        return False
    if isinstance(model_field, models.CharField | models.TextField):
        return ""
    raise TypeError(f"{model_field.model._meta.label}.{model_field.name} has no empty value to anonymise with")


# Evidence of how a data subject's request was handled is kept (GDPR art. 5(2), accountability).
KEPT_FOR_ACCOUNTABILITY = frozenset({"privacy.subjectrequest", "privacy.requestapproval", "privacy.restriction"})


def _apply(participant: Participant, rule: str) -> None:
    """Blank the fields that follow the rule in rows that also hold other data, then delete the rows whose
    every personal field follows it. Blanking first releases references to rows that are about to go."""
    to_delete = []
    for personal in PERSONAL_MODELS:
        if personal.label == "participants.participant" or personal.label in KEPT_FOR_ACCOUNTABILITY:
            continue
        own = [name for name, tag in personal.fields.items() if tag.retention == rule]
        if not own:
            continue
        model = apps.get_model(personal.label)
        rows = model._default_manager.filter(**{personal.participant_path: participant.pk})
        if len(own) == len(personal.fields):
            to_delete.append(rows)
        else:
            rows.update(**{name: _blank(model._meta.get_field(name)) for name in own})
    for rows in to_delete:
        rows.delete()


def _anonymise_identity(participant: Participant) -> None:
    Participant.objects.filter(pk=participant.pk).update(
        given_name=ANONYMISED,
        family_name=ANONYMISED,
        # The birth year stays: age groups in the monitor; the exact date is identifying.
        birth_date=participant.birth_date.replace(month=1, day=1),
        bsn="",
        phone="",
        email="",
        source_ref="",
    )
    # Old and new values in the change log are personal data of the same participant.
    ChangeLogEntry.objects.filter(participant_ref=str(participant.uuid)).delete()


@transaction.atomic
def purge_participant(*, participant: Participant, rules: list[str], actor: Any = None) -> None:
    for rule in rules:
        if rule == Retention.IDENTITY:
            _apply(participant, Retention.CASE_CONTENT)
            _anonymise_identity(participant)
        else:
            _apply(participant, rule)
    change_log_record(
        actor=actor,
        action=Action.DELETE,
        instance=participant,
        participant_ref=str(participant.uuid),
        after={"retention_applied": sorted(rules)},
    )


def retention_purge(*, on: date, dry_run: bool, actor: Any = None) -> PurgePlan:
    """Apply every retention rule that is due on the given day. A dry run only lists what would go."""
    plan = PurgePlan(on=on)
    for participant in participants_due(on=on, rule=Retention.IDENTITY).exclude(given_name=ANONYMISED).only("uuid"):
        plan.participants.setdefault(str(participant.uuid), []).append(Retention.IDENTITY)
    decisions = apps.get_model("casefile.provision")._default_manager.values("trajectory__participant_id")
    for participant in participants_due(on=on, rule=Retention.DECISIONS).filter(id__in=decisions).only("uuid"):
        plan.participants.setdefault(str(participant.uuid), []).append(Retention.DECISIONS)
    if not dry_run:
        for participant in Participant.objects.filter(uuid__in=list(plan.participants)):
            purge_participant(participant=participant, rules=plan.participants[str(participant.uuid)], actor=actor)
    return plan
