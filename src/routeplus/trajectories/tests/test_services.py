"""Services of trajectories: the transition table, reasons, dates, optimistic locking and the team."""

from datetime import date

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from routeplus.accounts.models import Role
from routeplus.audit.models import ChangeLogEntry
from routeplus.testing.factories import (
    ParticipantFactory,
    TrajectoryFactory,
    municipality,
    on_team,
    professional,
    route,
)
from routeplus.trajectories.models import TRANSITIONS, Status, StatusChange, TeamMember, Trajectory
from routeplus.trajectories.services import (
    StaleVersionError,
    team_member_add,
    team_member_end,
    trajectory_change_status,
    trajectory_register,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def frozen_today():
    with time_machine.travel(date(2025, 6, 1), tick=False):
        yield


def register(actor, participant=None, **overrides):
    fields = {
        "actor": actor,
        "participant": participant or ParticipantFactory(),
        "route": route(),
        "municipality": municipality(),
        "registered_on": date(2025, 5, 1),
        "actor_role": Role.SCHOOL_COORDINATOR,
    }
    return trajectory_register(**(fields | overrides))


def move(trajectory, actor, to_status, on=date(2025, 5, 20), reason=""):
    trajectory.refresh_from_db()
    return trajectory_change_status(
        actor=actor,
        trajectory=trajectory,
        to_status=to_status,
        effective_date=on,
        reason=reason,
        expected_version=trajectory.version,
    )


def test_register_creates_history_team_and_change_log():
    coordinator = professional(Role.SCHOOL_COORDINATOR)
    trajectory = register(coordinator)

    assert trajectory.status == Status.REGISTERED
    assert list(trajectory.status_changes.values_list("from_status", "to_status")) == [("", Status.REGISTERED)]
    assert TeamMember.objects.get(trajectory=trajectory).user == coordinator
    assert ChangeLogEntry.objects.filter(object_ref=str(trajectory.uuid), action="create").exists()


def test_register_refuses_a_second_open_trajectory_in_the_same_route():
    coordinator = professional(Role.SCHOOL_COORDINATOR)
    participant = ParticipantFactory()
    register(coordinator, participant)
    with pytest.raises(ValidationError) as error:
        register(coordinator, participant)
    assert "route" in error.value.error_dict


def test_database_enforces_one_open_trajectory_per_participant_and_route():
    existing = TrajectoryFactory(status=Status.ACTIVE)
    with pytest.raises(IntegrityError), transaction.atomic():
        TrajectoryFactory(participant=existing.participant, status=Status.WAITING, start_date=None)


def test_register_refuses_a_date_in_the_future():
    with pytest.raises(ValidationError) as error:
        register(professional(Role.SCHOOL_COORDINATOR), registered_on=date(2025, 6, 2))
    assert "registered_on" in error.value.error_dict


def test_full_course_sets_start_and_end_dates_and_keeps_every_move():
    lead = professional(Role.CASE_LEAD)
    trajectory = register(lead, actor_role=Role.CASE_LEAD)
    move(trajectory, lead, Status.INTAKE, date(2025, 5, 2))
    move(trajectory, lead, Status.ACTIVE, date(2025, 5, 10))
    closed = move(trajectory, lead, Status.CLOSED, date(2025, 5, 30), reason="Uitstroom naar werk")

    assert (closed.start_date, closed.end_date, closed.end_reason) == (
        date(2025, 5, 10),
        date(2025, 5, 30),
        "Uitstroom naar werk",
    )
    moves = list(StatusChange.objects.filter(trajectory=trajectory).values_list("to_status", flat=True))
    assert moves == [Status.REGISTERED, Status.INTAKE, Status.ACTIVE, Status.CLOSED]
    assert all(change.changed_by == lead for change in StatusChange.objects.filter(trajectory=trajectory)[1:])


@pytest.mark.parametrize(
    ("from_status", "to_status"),
    [(f, t) for f in Status for t in Status if t not in TRANSITIONS[f]],
)
def test_moves_outside_the_transition_table_are_refused(from_status, to_status):
    lead = professional(Role.CASE_LEAD)
    trajectory = TrajectoryFactory(
        status=from_status,
        registered_on=date(2025, 1, 1),
        start_date=date(2025, 2, 1) if from_status in (Status.ACTIVE, Status.CLOSED) else None,
        end_date=date(2025, 3, 1) if from_status == Status.CLOSED else None,
    )
    with pytest.raises(ValidationError) as error:
        move(trajectory, lead, to_status, reason="reden")
    assert "to_status" in error.value.error_dict
    trajectory.refresh_from_db()
    assert trajectory.status == from_status


def test_closing_and_reopening_need_a_reason():
    lead = professional(Role.CASE_LEAD)
    trajectory = TrajectoryFactory(status=Status.ACTIVE, registered_on=date(2025, 1, 1), start_date=date(2025, 2, 1))
    with pytest.raises(ValidationError) as error:
        move(trajectory, lead, Status.CLOSED)
    assert "reason" in error.value.error_dict

    move(trajectory, lead, Status.CLOSED, reason="Verhuisd")
    with pytest.raises(ValidationError) as error:
        move(trajectory, lead, Status.ACTIVE)
    assert "reason" in error.value.error_dict

    reopened = move(trajectory, lead, Status.ACTIVE, reason="Toch weer bereikbaar")
    assert (reopened.status, reopened.end_date, reopened.end_reason) == (Status.ACTIVE, None, "")


def test_reopening_a_never_started_trajectory_as_active_is_refused():
    lead = professional(Role.CASE_LEAD)
    trajectory = TrajectoryFactory(
        status=Status.CLOSED, registered_on=date(2025, 1, 1), start_date=None, end_date=date(2025, 2, 1)
    )
    with pytest.raises(ValidationError):
        move(trajectory, lead, Status.ACTIVE, reason="heropend")
    assert move(trajectory, lead, Status.REGISTERED, reason="heropend").status == Status.REGISTERED


def test_status_dates_must_fit_the_trajectory():
    lead = professional(Role.CASE_LEAD)
    trajectory = TrajectoryFactory(status=Status.INTAKE, registered_on=date(2025, 3, 1), start_date=None)
    with pytest.raises(ValidationError) as before_registration:
        move(trajectory, lead, Status.ACTIVE, on=date(2025, 2, 1))
    with pytest.raises(ValidationError) as in_future:
        move(trajectory, lead, Status.ACTIVE, on=date(2025, 7, 1))
    assert "effective_date" in before_registration.value.error_dict
    assert "effective_date" in in_future.value.error_dict


def test_a_stale_version_is_refused_and_nothing_is_overwritten():
    lead = professional(Role.CASE_LEAD)
    trajectory = TrajectoryFactory(status=Status.INTAKE, registered_on=date(2025, 1, 1), start_date=None)
    loaded_version = trajectory.version
    trajectory_change_status(
        actor=lead,
        trajectory=trajectory,
        to_status=Status.ACTIVE,
        effective_date=date(2025, 5, 1),
        reason="",
        expected_version=loaded_version,
    )
    stale_copy = Trajectory.objects.get(pk=trajectory.pk)
    stale_copy.status = Status.INTAKE  # what the second person still sees
    with pytest.raises(StaleVersionError):
        trajectory_change_status(
            actor=lead,
            trajectory=stale_copy,
            to_status=Status.WAITING,
            effective_date=date(2025, 5, 2),
            reason="",
            expected_version=loaded_version,
        )
    trajectory.refresh_from_db()
    assert trajectory.status == Status.ACTIVE
    assert trajectory.status_changes.count() == 1


def test_team_member_needs_an_active_membership_in_that_role():
    lead = professional(Role.CASE_LEAD)
    coach = professional(Role.JOB_COACH)
    trajectory = TrajectoryFactory()
    with pytest.raises(ValidationError) as error:
        team_member_add(actor=lead, trajectory=trajectory, user=coach, role=Role.CASE_LEAD, start_date=date(2025, 5, 1))
    assert "user" in error.value.error_dict

    member = team_member_add(
        actor=lead, trajectory=trajectory, user=coach, role=Role.JOB_COACH, start_date=date(2025, 5, 1)
    )
    assert member.organisation == coach.memberships.get().organisation
    with pytest.raises(ValidationError):
        team_member_add(actor=lead, trajectory=trajectory, user=coach, role=Role.JOB_COACH, start_date=date(2025, 5, 2))


def test_policy_roles_cannot_join_a_team():
    policy = professional(Role.POLICY)
    with pytest.raises(ValidationError) as error:
        team_member_add(
            actor=policy,
            trajectory=TrajectoryFactory(),
            user=policy,
            role=Role.POLICY,
            start_date=date(2025, 5, 1),
        )
    assert "role" in error.value.error_dict


def test_the_last_case_lead_of_an_open_trajectory_cannot_leave():
    lead = professional(Role.CASE_LEAD)
    trajectory = TrajectoryFactory()
    member = on_team(lead, trajectory)
    with pytest.raises(ValidationError):
        team_member_end(actor=lead, member=member, end_date=date(2025, 5, 1))

    successor = professional(Role.CASE_LEAD)
    team_member_add(actor=lead, trajectory=trajectory, user=successor, role=Role.CASE_LEAD, start_date=date(2025, 5, 1))
    ended = team_member_end(actor=lead, member=member, end_date=date(2025, 5, 1))
    assert ended.end_date == date(2025, 5, 1)
