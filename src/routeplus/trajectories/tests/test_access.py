"""Who may open which case file through the pages: every role, allowed and refused, each read logged."""

import uuid
from datetime import date

import pytest
from django.urls import reverse

from routeplus.accounts.models import Role
from routeplus.audit.models import AccessLogEntry
from routeplus.testing.factories import (
    MembershipFactory,
    ParticipantFactory,
    SchoolFactory,
    TrajectoryFactory,
    on_team,
    professional,
)
from routeplus.testing.http import logged_in
from routeplus.trajectories.models import Status

pytestmark = pytest.mark.django_db


def case_file_url(trajectory):
    return reverse("trajectories:case_file", kwargs={"trajectory_uuid": trajectory.uuid})


def last_entry():
    return AccessLogEntry.objects.order_by("-id").first()


@pytest.mark.parametrize("role", sorted(Role.case_roles()))
def test_team_member_opens_the_case_file_and_the_read_is_logged(role):
    user = professional(role)
    trajectory = TrajectoryFactory()
    on_team(user, trajectory, role=role)

    response = logged_in(user).get(case_file_url(trajectory), REMOTE_ADDR="10.1.2.3", HTTP_USER_AGENT="pytest")

    assert response.status_code == 200
    assert trajectory.participant.family_name in response.text
    entry = last_entry()
    assert (entry.actor, entry.action, entry.result) == (user, "read", "allowed")
    assert entry.participant_ref == str(trajectory.participant.uuid)
    assert entry.object_ref == str(trajectory.uuid)
    assert entry.ip_address == "10.1.2.3" and entry.user_agent == "pytest"
    assert role in entry.actor_roles and entry.actor_organisations


@pytest.mark.parametrize("role", [r.value for r in Role])
def test_nobody_off_the_team_opens_a_case_file_and_the_refusal_is_logged(role):
    user = professional(role)
    trajectory = TrajectoryFactory()

    response = logged_in(user).get(case_file_url(trajectory))

    assert response.status_code == 404
    entry = last_entry()
    assert (entry.actor, entry.result, entry.object_ref) == (user, "refused", str(trajectory.uuid))
    assert trajectory.participant.family_name not in response.text


@pytest.mark.parametrize("role", [Role.POLICY, Role.RESEARCHER, Role.FUNCTIONAL_ADMIN])
def test_roles_without_case_access_are_refused_even_when_put_on_a_team(role):
    user = professional(role)
    trajectory = TrajectoryFactory()
    on_team(user, trajectory, role=Role.CASE_LEAD)  # bypassing the service, as a bad import might

    assert logged_in(user).get(case_file_url(trajectory)).status_code == 404


def test_not_existing_and_not_yours_look_the_same():
    user = professional(Role.CASE_LEAD)
    someone_elses = TrajectoryFactory()
    client = logged_in(user)

    missing = client.get(reverse("trajectories:case_file", kwargs={"trajectory_uuid": uuid.uuid4()}))
    forbidden = client.get(case_file_url(someone_elses))

    assert missing.status_code == forbidden.status_code == 404
    assert missing.text == forbidden.text


def test_ended_team_membership_ends_access():
    user = professional(Role.JOB_COACH)
    trajectory = TrajectoryFactory()
    on_team(user, trajectory, role=Role.JOB_COACH, start_date=date(2024, 1, 1), end_date=date(2024, 12, 31))

    assert logged_in(user).get(case_file_url(trajectory)).status_code == 404


def test_inactive_membership_ends_access():
    user = professional(Role.CASE_LEAD)
    trajectory = TrajectoryFactory()
    on_team(user, trajectory)
    user.memberships.update(is_active=False)

    assert logged_in(user).get(case_file_url(trajectory)).status_code == 404


def test_school_coordinator_sees_registrations_of_own_pupils_only():
    school = SchoolFactory()
    coordinator = professional(Role.SCHOOL_COORDINATOR, organisation=school)
    own_registration = TrajectoryFactory(
        participant=ParticipantFactory(school=school), status=Status.REGISTERED, start_date=None
    )
    own_waiting = TrajectoryFactory(
        participant=ParticipantFactory(school=school), status=Status.WAITING, start_date=None
    )
    own_active_not_on_team = TrajectoryFactory(participant=ParticipantFactory(school=school), status=Status.ACTIVE)
    other_school_registration = TrajectoryFactory(status=Status.REGISTERED, start_date=None)
    client = logged_in(coordinator)

    assert client.get(case_file_url(own_registration)).status_code == 200
    assert client.get(case_file_url(own_waiting)).status_code == 200
    assert client.get(case_file_url(own_active_not_on_team)).status_code == 404
    assert client.get(case_file_url(other_school_registration)).status_code == 404


def test_a_case_lead_of_one_organisation_cannot_use_a_school_role_elsewhere():
    lead = professional(Role.CASE_LEAD)
    registration = TrajectoryFactory(status=Status.REGISTERED, start_date=None)
    # A membership at the pupil's school but in another role gives no school access.
    MembershipFactory(user=lead, organisation=registration.participant.school, role=Role.JOB_COACH)

    assert logged_in(lead).get(case_file_url(registration)).status_code == 404


def test_only_the_case_lead_on_the_team_changes_status_or_team():
    lead = professional(Role.CASE_LEAD)
    coach = professional(Role.JOB_COACH)
    trajectory = TrajectoryFactory(status=Status.INTAKE, start_date=None)
    on_team(lead, trajectory)
    on_team(coach, trajectory, role=Role.JOB_COACH)
    data = {
        "to_status": Status.ACTIVE,
        "effective_date": "2024-03-01",
        "reason": "",
        "version": trajectory.version,
    }
    url = reverse("trajectories:change_status", kwargs={"trajectory_uuid": trajectory.uuid})

    refused = logged_in(coach).post(url, data)
    assert refused.status_code == 404
    assert last_entry().result == "refused"
    trajectory.refresh_from_db()
    assert trajectory.status == Status.INTAKE

    allowed = logged_in(lead).post(url, data)
    assert allowed.status_code == 302
    trajectory.refresh_from_db()
    assert trajectory.status == Status.ACTIVE


def test_caseload_lists_only_visible_trajectories():
    lead = professional(Role.CASE_LEAD)
    mine = TrajectoryFactory(participant__family_name="Eigenaar")
    on_team(lead, mine)
    TrajectoryFactory(participant__family_name="Vreemde")

    response = logged_in(lead).get(reverse("trajectories:caseload"))

    assert "Eigenaar" in response.text
    assert "Vreemde" not in response.text


@pytest.mark.parametrize("role", [Role.POLICY, Role.RESEARCHER, Role.FUNCTIONAL_ADMIN])
def test_roles_without_case_access_have_no_caseload(role):
    assert logged_in(professional(role)).get(reverse("trajectories:caseload")).status_code == 403


def test_anonymous_users_are_sent_to_the_login_page():
    trajectory = TrajectoryFactory()
    from django.test import Client

    response = Client().get(case_file_url(trajectory))
    assert response.status_code == 302
    assert response.headers["Location"].startswith(reverse("accounts:login"))
