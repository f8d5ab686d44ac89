"""The section pages: they render for the team, refuse others, keep input on errors, and keep query counts flat."""

from datetime import date

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from routeplus.accounts.models import Role
from routeplus.audit.models import AccessLogEntry
from routeplus.casefile.models import Bottleneck, ContactMoment, LearningGoal, Placement, Provision, Result
from routeplus.casefile.tests.factories import (
    BottleneckFactory,
    ContactMomentFactory,
    EmployerFactory,
    GoalReviewFactory,
    LearningGoalFactory,
    PlacementFactory,
    ProvisionFactory,
    provision_kind,
)
from routeplus.testing.factories import TrajectoryFactory, on_team, professional
from routeplus.testing.http import logged_in

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def frozen_clock():
    with time_machine.travel(date(2025, 3, 3), tick=False):
        yield


SECTION_PAGES = ["plan", "placements", "provisions", "results", "contacts", "bottlenecks", "timeline"]


@pytest.mark.parametrize("name", SECTION_PAGES)
def test_team_member_opens_every_section(lead_on_team, trajectory, name):
    response = logged_in(lead_on_team).get(reverse(f"casefile:{name}", args=[trajectory.uuid]))
    assert response.status_code == 200
    assert trajectory.participant.family_name not in response.request["PATH_INFO"]


@pytest.mark.parametrize("name", SECTION_PAGES)
def test_professional_not_on_team_gets_404_and_a_refusal_in_the_log(case_lead, trajectory, name):
    response = logged_in(case_lead).get(reverse(f"casefile:{name}", args=[trajectory.uuid]))
    assert response.status_code == 404
    entry = AccessLogEntry.objects.latest("id")
    assert entry.result == "refused"
    assert entry.object_ref == str(trajectory.uuid)


def test_school_coordinator_does_not_see_provisions_of_youth_care(trajectory):
    coordinator = professional(Role.SCHOOL_COORDINATOR)
    on_team(coordinator, trajectory, role=Role.SCHOOL_COORDINATOR)
    ProvisionFactory(trajectory=trajectory, kind=provision_kind("youth_support"))
    ProvisionFactory(trajectory=trajectory, kind=provision_kind("entree_enrolment"))
    client = logged_in(coordinator)
    page = client.get(reverse("casefile:provisions", args=[trajectory.uuid])).content.decode()
    assert "Inschrijving Entree-opleiding" in page
    assert "Jeugdhulp (begeleiding)" not in page
    overview = client.get(reverse("trajectories:case_file", args=[trajectory.uuid])).content.decode()
    assert "Jeugdhulp (begeleiding)" not in overview
    assert "afgeschermd" in overview


def test_job_coach_cannot_open_a_hidden_provision_by_its_address(trajectory):
    coach = professional(Role.JOB_COACH)
    on_team(coach, trajectory, role=Role.JOB_COACH)
    hidden = ProvisionFactory(trajectory=trajectory, kind=provision_kind("wmo_support"))
    url = reverse("casefile:provision_edit", args=[trajectory.uuid, hidden.uuid])
    assert logged_in(coach).get(url).status_code == 404


def test_adding_a_goal_then_a_review_shows_progress(lead_on_team, trajectory):
    client = logged_in(lead_on_team)
    response = client.post(
        reverse("casefile:goal_add", args=[trajectory.uuid]),
        {"area": "work_skills", "description": "Zelf met de bus naar de stage", "owner": lead_on_team.pk},
    )
    assert response.status_code == 302
    goal = LearningGoal.objects.get(trajectory=trajectory)
    response = client.post(
        reverse("casefile:review_add", args=[trajectory.uuid, goal.uuid]),
        {"reviewed_on": "2025-03-01", "score": "3", "note": "Gaat steeds beter"},
    )
    assert response.status_code == 302
    page = client.get(reverse("casefile:goal_detail", args=[trajectory.uuid, goal.uuid])).content.decode()
    assert "3: Grotendeels" in page
    assert "<polyline" in page


def test_invalid_goal_keeps_what_was_typed_and_says_what_to_fix(lead_on_team, trajectory):
    response = logged_in(lead_on_team).post(
        reverse("casefile:goal_add", args=[trajectory.uuid]),
        {"area": "work_skills", "description": "   ", "own_words": "Ik wil bij de bakker werken"},
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "Ik wil bij de bakker werken" in page
    assert "Controleer de volgende punten" in page


def test_second_save_from_the_same_version_is_refused_with_input_kept(lead_on_team, trajectory):
    goal = LearningGoalFactory(trajectory=trajectory, description="Oorspronkelijk")
    url = reverse("casefile:goal_detail", args=[trajectory.uuid, goal.uuid])
    form = {"version": goal.version, "area": "social", "target_date": "", "owner": "", "status": "open"}
    client = logged_in(lead_on_team)
    first = client.post(url, {**form, "description": "Eerste wijziging"})
    assert first.status_code == 302
    second = client.post(url, {**form, "description": "Tweede wijziging"})
    assert second.status_code == 400
    page = second.content.decode()
    assert "Iemand anders heeft dit intussen gewijzigd" in page
    assert "Tweede wijziging" in page  # the user's input is kept
    goal.refresh_from_db()
    assert goal.description == "Eerste wijziging"
    # The form now carries the stored version: saving again on purpose goes through.
    third = client.post(url, {**form, "version": goal.version, "description": "Tweede wijziging"})
    assert third.status_code == 302
    goal.refresh_from_db()
    assert goal.description == "Tweede wijziging"


def test_only_the_case_lead_records_results(trajectory):
    coach = professional(Role.JOB_COACH)
    on_team(coach, trajectory, role=Role.JOB_COACH)
    url = reverse("casefile:results", args=[trajectory.uuid])
    client = logged_in(coach)
    assert client.get(url).status_code == 200
    response = client.post(url, {"type": "arbeid", "start_date": "2025-01-01"})
    assert response.status_code == 404
    assert not Result.objects.exists()


def test_regular_job_proposes_a_result_that_counts_only_after_confirmation(lead_on_team, trajectory):
    employer = EmployerFactory()
    client = logged_in(lead_on_team)
    client.post(
        reverse("casefile:placements", args=[trajectory.uuid]),
        {"kind": "regular_job", "employer": employer.uuid, "start_date": "2025-02-01", "status": "running"},
    )
    assert Placement.objects.filter(trajectory=trajectory).count() == 1
    assert not Result.objects.exists()
    proposal = trajectory.result_proposals.get()
    page = client.get(reverse("casefile:results", args=[trajectory.uuid])).content.decode()
    assert "Bevestig: Uitstroom naar arbeid" in page
    client.post(
        reverse("casefile:proposal_decide", args=[trajectory.uuid, proposal.uuid]),
        {"version": proposal.version, "decision": "confirm"},
    )
    result = Result.objects.get()
    assert (result.type, result.start_date, result.placement_id) == ("arbeid", date(2025, 2, 1), proposal.placement_id)


def test_contact_and_bottleneck_forms_write_records(lead_on_team, trajectory):
    client = logged_in(lead_on_team)
    response = client.post(
        reverse("casefile:contacts", args=[trajectory.uuid]),
        {"at": "2025-03-02T10:30", "channel": "phone", "with_whom": "participant", "reached": "no"},
    )
    assert response.status_code == 302
    contact = ContactMoment.objects.get()
    assert contact.reached is False
    response = client.post(
        reverse("casefile:bottlenecks", args=[trajectory.uuid]),
        {"category": "transition", "domains": ["jeugdwet", "wmo"], "description": "Gat tussen jeugdhulp en Wmo",
         "noticed_on": "2025-03-01"},
    )  # fmt: skip
    assert response.status_code == 302
    assert Bottleneck.objects.get().domains == ["jeugdwet", "wmo"]


def test_employer_pages_for_case_roles_only(lead_on_team):
    client = logged_in(lead_on_team)
    response = client.post(
        reverse("casefile:employers"), {"name": "Bakkerij Bolt", "kind": "regular", "city": "Ten Boer"}
    )
    assert response.status_code == 302
    assert "Bakkerij Bolt" in client.get(reverse("casefile:employers")).content.decode()
    policy = professional(Role.POLICY)
    assert logged_in(policy).get(reverse("casefile:employers")).status_code == 403


def _history(trajectory, lead, size: int) -> None:
    """A trajectory with about `size` events spread over every kind."""
    per_kind = max(size // 5, 1)
    employer = EmployerFactory()
    for n in range(per_kind):
        goal = LearningGoalFactory(trajectory=trajectory, created_by=lead)
        GoalReviewFactory(goal=goal, reviewed_by=lead)
        PlacementFactory(trajectory=trajectory, employer=employer, created_by=lead)
        ProvisionFactory(trajectory=trajectory, created_by=lead)
        ContactMomentFactory(trajectory=trajectory, recorded_by=lead, reached=n % 3 != 0)
        BottleneckFactory(trajectory=trajectory, recorded_by=lead)


@pytest.mark.parametrize("name", ["trajectories:case_file", "casefile:timeline", "casefile:plan"])
def test_query_count_does_not_grow_with_the_history(django_assert_num_queries, lead_on_team, name):
    small, large = TrajectoryFactory(), TrajectoryFactory()
    for trajectory, size in ((small, 5), (large, 500)):
        on_team(lead_on_team, trajectory)
        _history(trajectory, lead_on_team, size)
    assert Provision.objects.filter(trajectory=large).count() == 100
    client = logged_in(lead_on_team)
    for trajectory in (small, large):  # warm the session and the caches of the first request
        client.get(reverse(name, args=[trajectory.uuid]))
    with CaptureQueriesContext(connection) as small_queries:
        assert client.get(reverse(name, args=[small.uuid])).status_code == 200
    with django_assert_num_queries(len(small_queries)):
        response = client.get(reverse(name, args=[large.uuid]))
    assert response.status_code == 200
