"""Retention purge (monitor figures unchanged, no personal data left) and four-eyes erasure and restriction."""

from datetime import date

import pytest
import time_machine
from django.apps import apps
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.db import models

from routeplus.accounts.models import Role
from routeplus.audit.services import Origin
from routeplus.monitor.selectors import council_table
from routeplus.participants.models import Participant
from routeplus.privacy.models import RequestKind, RequestStatus, Restriction
from routeplus.privacy.personal_data import PERSONAL_MODELS, Retention
from routeplus.privacy.retention import ANONYMISED, retention_purge
from routeplus.privacy.services import subject_request_approve, subject_request_create, subject_request_execute
from routeplus.privacy.tests.filler import fully_filled_participant
from routeplus.testing.factories import professional
from routeplus.trajectories.models import Status, Trajectory

pytestmark = pytest.mark.django_db
ORIGIN = Origin(ip_address="127.0.0.1", user_agent="pytest")
SECRETS = ("111222333", "0612345678", "jongere@example.nl")


def closed_participant(end: date) -> dict:
    made = fully_filled_participant()
    Trajectory.objects.filter(pk=made["trajectories.trajectory"].pk).update(
        status=Status.CLOSED,
        registered_on=date(2023, 1, 5),
        start_date=date(2023, 2, 1),
        end_date=end,
        end_reason="Uitstroom naar werk",
    )
    return made


def text_anywhere(needle: str) -> list[str]:
    """Every project table and text column that still holds needle."""
    hits = []
    for model in apps.get_models():
        if not model.__module__.startswith("routeplus."):
            continue
        for field in model._meta.concrete_fields:
            searchable = isinstance(field, models.CharField | models.TextField) and not field.choices
            if searchable and model._default_manager.filter(**{f"{field.name}__contains": needle}).exists():
                hits.append(f"{model._meta.label}.{field.name}")
    return hits


def test_purge_leaves_no_personal_data_and_the_council_figures_unchanged():
    made = closed_participant(end=date(2023, 12, 31))
    participant = made["participants.participant"]
    names = (participant.given_name, participant.family_name)
    peildata = [date(2023, 12, 31), date(2024, 12, 31)]
    before = [council_table(peildatum=p).figures() for p in peildata]

    with time_machine.travel(date(2026, 6, 1), tick=False):
        dry = retention_purge(on=date(2026, 6, 1), dry_run=True)
        assert str(participant.uuid) in dry.participants
        assert Participant.objects.get(pk=participant.pk).given_name == names[0]  # a dry run changes nothing
        call_command("purge_retention", verbosity=0)

    after = [council_table(peildatum=p).figures() for p in peildata]
    assert after == before
    participant.refresh_from_db()
    assert participant.given_name == ANONYMISED
    assert participant.birth_date == date(participant.birth_date.year, 1, 1)
    for secret in (*SECRETS, *names, "waarde-contactmoment-summary", "waarde-learninggoal-description"):
        assert text_anywhere(secret) == [], secret
    kept_for_accountability = {"privacy.subjectrequest", "privacy.requestapproval", "privacy.restriction"}
    for personal in PERSONAL_MODELS[1:]:
        if personal.label in kept_for_accountability:
            continue
        model = apps.get_model(personal.label)
        for row in model._default_manager.filter(**{personal.participant_path: participant.pk}):
            for name, tag in personal.fields.items():
                if tag.retention == Retention.CASE_CONTENT:
                    assert getattr(row, name) in ("", None, {}), f"{personal.label}.{name} survived the purge"


def test_nothing_is_purged_before_the_period_ends():
    made = closed_participant(end=date(2025, 1, 10))
    with time_machine.travel(date(2026, 6, 1), tick=False):
        plan = retention_purge(on=date(2026, 6, 1), dry_run=False)
    assert str(made["participants.participant"].uuid) not in plan.participants
    made["participants.participant"].refresh_from_db()
    assert made["participants.participant"].given_name != ANONYMISED


def test_erasure_needs_two_different_approvers_then_anonymises():
    made = closed_participant(end=date(2025, 1, 10))
    participant = made["participants.participant"]
    first, second = professional(Role.PRIVACY_OFFICER), professional(Role.PRIVACY_OFFICER)
    request = subject_request_create(
        actor=first,
        participant=participant,
        kind=RequestKind.ERASURE,
        received_on=date(2025, 2, 1),
        reference="AVG-1",
        origin=ORIGIN,
    )
    subject_request_approve(actor=first, request=request, origin=ORIGIN)
    with pytest.raises(ValidationError):
        subject_request_approve(actor=first, request=request, origin=ORIGIN)
    with pytest.raises(ValidationError):
        subject_request_execute(actor=first, request=request, origin=ORIGIN)
    request.refresh_from_db()
    assert request.status == RequestStatus.OPEN

    subject_request_approve(actor=second, request=request, origin=ORIGIN)
    subject_request_execute(actor=second, request=request, origin=ORIGIN)

    participant.refresh_from_db()
    request.refresh_from_db()
    assert participant.given_name == ANONYMISED
    assert request.status == RequestStatus.DONE
    assert text_anywhere("111222333") == []


def test_erasure_is_refused_while_a_trajectory_is_open():
    made = fully_filled_participant()  # its trajectory is open
    participant = made["participants.participant"]
    Trajectory.objects.filter(pk=made["trajectories.trajectory"].pk).update(status=Status.ACTIVE, end_date=None)
    officers = [professional(Role.PRIVACY_OFFICER) for _ in range(2)]
    request = subject_request_create(
        actor=officers[0],
        participant=participant,
        kind=RequestKind.ERASURE,
        received_on=date(2025, 2, 1),
        reference="AVG-2",
        origin=ORIGIN,
    )
    for officer in officers:
        subject_request_approve(actor=officer, request=request, origin=ORIGIN)
    with pytest.raises(ValidationError, match="loopt nog een traject"):
        subject_request_execute(actor=officers[1], request=request, origin=ORIGIN)
    participant.refresh_from_db()
    assert participant.given_name != ANONYMISED


def test_restriction_after_four_eyes_marks_the_participant():
    made = fully_filled_participant()
    participant = made["participants.participant"]
    officers = [professional(Role.PRIVACY_OFFICER) for _ in range(2)]
    request = subject_request_create(
        actor=officers[0],
        participant=participant,
        kind=RequestKind.RESTRICTION,
        received_on=date(2025, 2, 1),
        reference="AVG-3",
        origin=ORIGIN,
    )
    for officer in officers:
        subject_request_approve(actor=officer, request=request, origin=ORIGIN)
    subject_request_execute(actor=officers[0], request=request, origin=ORIGIN)
    assert Restriction.objects.get(participant=participant, request=request).is_active
