"""The door's two forms of one rule: the list query (trajectories_readable_by) and the question asked of one
trajectory at hand (readable), which the door uses because it is cheaper. They must agree on every way of
being, or not being, a reader of a case file."""

from collections.abc import Callable
from datetime import date, timedelta

import pytest
import time_machine

from routeplus.access.door import current_team_places, readable, readable_trajectory, trajectories_readable_by
from routeplus.accounts.models import Role, User
from routeplus.privacy.models import RequestKind, Restriction, SubjectRequest
from routeplus.testing.factories import (
    MembershipFactory,
    SchoolFactory,
    TrajectoryFactory,
    on_team,
    professional,
    route,
)
from routeplus.trajectories.models import Status, Trajectory
from routeplus.trajectories.services import trajectory_handover

pytestmark = pytest.mark.django_db
TODAY = date(2025, 6, 1)
HANDED_OVER = date(2025, 5, 20)


@pytest.fixture(autouse=True)
def frozen_today():
    with time_machine.travel(TODAY, tick=False):
        yield


def _handed_over(*, overlap_days: int, previous_member_start: date = date(2024, 2, 1)) -> tuple[User, Trajectory]:
    """A reader from the previous team of a trajectory handed over on HANDED_OVER, and the new trajectory."""
    lead = professional(Role.CASE_LEAD)
    reader = professional(Role.JOB_COACH)
    old = TrajectoryFactory(registered_on=date(2024, 1, 1), start_date=date(2024, 2, 1))
    on_team(lead, old)
    on_team(reader, old, role=Role.JOB_COACH, start_date=previous_member_start)
    new = trajectory_handover(
        actor=lead,
        trajectory=old,
        to_route=route("ROUTE_ARBEID"),
        to_municipality=old.municipality,
        handover_date=HANDED_OVER,
        new_case_lead=professional(Role.CASE_LEAD),
        what_to_know="Reist zelfstandig met de bus.",
        overlap_days=overlap_days,
    )
    return reader, new


def _on_team(**fields: object) -> tuple[User, Trajectory]:
    user, trajectory = professional(Role.CASE_LEAD), TrajectoryFactory()
    on_team(user, trajectory, **fields)
    return user, trajectory


def _restricted(*, active: bool) -> tuple[User, Trajectory]:
    user, trajectory = _on_team()
    request = SubjectRequest.objects.create(
        participant=trajectory.participant,
        kind=RequestKind.RESTRICTION,
        received_on=TODAY,
        reference="AVG-2025-001",
        created_by=user,
    )
    Restriction.objects.create(participant=trajectory.participant, request=request, since=TODAY, is_active=active)
    return user, trajectory


def _role_taken_away() -> tuple[User, Trajectory]:
    """Still on the team as job coach, but that membership ended; a case lead elsewhere."""
    user, trajectory = professional(Role.CASE_LEAD), TrajectoryFactory()
    MembershipFactory(user=user, role=Role.JOB_COACH, is_active=False)
    on_team(user, trajectory, role=Role.JOB_COACH)
    return user, trajectory


def _school_coordinator(*, status: str, own_school: bool) -> tuple[User, Trajectory]:
    school = SchoolFactory()
    user = professional(Role.SCHOOL_COORDINATOR, organisation=school)
    trajectory = TrajectoryFactory(status=status, participant__school=school if own_school else SchoolFactory())
    return user, trajectory


def _without_case_role() -> tuple[User, Trajectory]:
    user, trajectory = professional(Role.POLICY), TrajectoryFactory()
    on_team(user, trajectory, role=Role.POLICY)
    return user, trajectory


SITUATIONS: dict[str, tuple[Callable[[], tuple[User, Trajectory]], bool]] = {
    "on the team": (_on_team, True),
    "on the team, left yesterday": (lambda: _on_team(end_date=TODAY - timedelta(days=1)), False),
    "on the team, leaves today": (lambda: _on_team(end_date=TODAY), True),
    "on the team from tomorrow": (lambda: _on_team(start_date=TODAY + timedelta(days=1)), False),
    "not on the team": (
        lambda: (professional(Role.CASE_LEAD), Trajectory.objects.get(pk=TrajectoryFactory().pk)),
        False,
    ),
    "on the team in a role no longer held": (_role_taken_away, True),
    "without a case role": (_without_case_role, False),
    "previous team, overlap lasts": (lambda: _handed_over(overlap_days=30), True),
    "previous team, overlap ended": (lambda: _handed_over(overlap_days=5), False),
    "joined the old team after the handover": (
        lambda: _handed_over(overlap_days=30, previous_member_start=HANDED_OVER + timedelta(days=1)),
        False,
    ),
    "school coordinator, own pupil registered": (
        lambda: _school_coordinator(status=Status.REGISTERED, own_school=True),
        True,
    ),
    "school coordinator, own pupil waiting": (
        lambda: _school_coordinator(status=Status.WAITING, own_school=True),
        True,
    ),
    "school coordinator, own pupil active": (lambda: _school_coordinator(status=Status.ACTIVE, own_school=True), False),
    "school coordinator, other school's pupil": (
        lambda: _school_coordinator(status=Status.REGISTERED, own_school=False),
        False,
    ),
    "on the team, restriction active": (lambda: _restricted(active=True), False),
    "on the team, restriction lifted": (lambda: _restricted(active=False), True),
}


@pytest.mark.parametrize("situation", SITUATIONS)
def test_the_one_trajectory_form_agrees_with_the_list_query(situation):
    make, expected = SITUATIONS[situation]
    user, trajectory = make()
    listed = trajectories_readable_by(User.objects.get(pk=user.pk)).filter(pk=trajectory.pk).exists()
    asked = readable(User.objects.get(pk=user.pk), Trajectory.objects.get(pk=trajectory.pk))
    assert (listed, asked) == (expected, expected)
    found = readable_trajectory(User.objects.get(pk=user.pk), trajectory.uuid)
    assert (found is not None) == expected


def test_a_team_member_is_admitted_with_two_queries(django_assert_num_queries):
    """The user's memberships (read with the user on a request), and the trajectory with what the page shows of it
    together with the user's places on its team (which the policy relation and the page then reuse)."""
    user, trajectory = _on_team()
    user = User.objects.get(pk=user.pk)  # a fresh user, as each request has: no cached roles or places
    place = (Role.CASE_LEAD, user.memberships.get().organisation_id)
    with django_assert_num_queries(2):
        found = readable_trajectory(user, trajectory.uuid)
    assert found == trajectory
    with django_assert_num_queries(0):
        assert found.participant.municipality.cbs_code and found.route.code and found.municipality.cbs_code
        assert current_team_places(user, found) == {place}
    assert current_team_places(User.objects.get(pk=user.pk), found) == {place}


def test_the_door_keeps_every_place_of_a_user_with_two_on_one_team():
    user, trajectory = _on_team()
    MembershipFactory(user=user, role=Role.JOB_COACH)
    on_team(user, trajectory, role=Role.JOB_COACH)
    on_team(user, trajectory, role=Role.SCHOOL_COORDINATOR)  # a role the user does not hold: no place
    door_user = User.objects.get(pk=user.pk)
    assert readable_trajectory(door_user, trajectory.uuid) == trajectory
    kept = door_user.__dict__["_team_places_cache"][trajectory.pk]
    assert {role for role, _organisation in kept} == {Role.CASE_LEAD, Role.JOB_COACH}
    assert kept == current_team_places(User.objects.get(pk=user.pk), Trajectory.objects.get(pk=trajectory.pk))


@pytest.mark.parametrize("situation", SITUATIONS)
def test_the_door_keeps_the_places_it_read_as_current_team_places_reads_them(situation):
    make, _expected = SITUATIONS[situation]
    user, trajectory = make()
    door_user = User.objects.get(pk=user.pk)
    found = readable_trajectory(door_user, trajectory.uuid)
    kept = door_user.__dict__.get("_team_places_cache", {})
    fresh = current_team_places(User.objects.get(pk=user.pk), Trajectory.objects.get(pk=trajectory.pk))
    if found is not None or kept:
        assert kept == {trajectory.pk: fresh}
