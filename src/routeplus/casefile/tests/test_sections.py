"""Section visibility per role (access/sections.py), the section door, and the timeline per kind."""

from datetime import UTC, date, datetime

import pytest
import time_machine
from django.http import Http404
from django.test import RequestFactory, override_settings

from routeplus.access.sections import (
    DataCategory,
    Section,
    access_section,
    section_visible,
    visible_categories,
    visible_sections,
)
from routeplus.accounts.models import Role
from routeplus.audit.models import AccessLogEntry
from routeplus.casefile import selectors
from routeplus.casefile.models import ContactMoment
from routeplus.casefile.selectors import Kind, timeline, timeline_kinds
from routeplus.casefile.tests.factories import (
    BottleneckFactory,
    ContactMomentFactory,
    GoalReviewFactory,
    PlacementFactory,
    ProvisionFactory,
    provision_kind,
)
from routeplus.testing.factories import TrajectoryFactory, on_team, professional
from routeplus.trajectories.models import Status

pytestmark = pytest.mark.django_db

ALL = {"plan", "placements", "provisions", "results", "contacts", "bottlenecks", "timeline"}


@pytest.fixture(autouse=True)
def frozen_clock():
    with time_machine.travel(date(2025, 3, 3), tick=False):
        yield


@pytest.mark.parametrize(
    ("role", "sees", "hidden"),
    [
        (Role.CASE_LEAD, set(DataCategory.values), set()),
        # Contacts reach the school only with consent (routeplus.privacy): see test_consent_opens_contacts.
        (Role.SCHOOL_COORDINATOR, {"education", "work"}, {"youth_care", "wmo", "income", "health", "contacts"}),
        (Role.JOB_COACH, {"education", "work", "income", "contacts"}, {"youth_care", "wmo", "health"}),
    ],
)
def test_categories_per_team_role(trajectory, role, sees, hidden):
    user = professional(role)
    on_team(user, trajectory, role=role)
    categories = visible_categories(user, trajectory)
    assert categories == sees
    assert not categories & hidden
    expected = ALL if role != Role.SCHOOL_COORDINATOR else ALL - {"contacts", "bottlenecks"}
    assert visible_sections(user, trajectory) == expected


@pytest.mark.parametrize("role", [Role.POLICY, Role.RESEARCHER, Role.FUNCTIONAL_ADMIN, Role.CASE_LEAD])
def test_nobody_off_the_team_sees_a_section(trajectory, role):
    user = professional(role)
    assert visible_categories(user, trajectory) == frozenset()
    assert visible_sections(user, trajectory) == set()


def test_a_team_member_whose_place_ended_sees_nothing(trajectory):
    user = professional(Role.JOB_COACH)
    on_team(user, trajectory, role=Role.JOB_COACH, end_date=date(2025, 1, 1))
    assert visible_sections(user, trajectory) == set()


def test_school_coordinator_sees_the_registration_of_a_pupil_of_their_school():
    trajectory = TrajectoryFactory(status=Status.REGISTERED, start_date=None)
    coordinator = professional(Role.SCHOOL_COORDINATOR, organisation=trajectory.participant.school)
    assert visible_categories(coordinator, trajectory) == {"education", "work"}
    other_school = professional(Role.SCHOOL_COORDINATOR)
    assert visible_categories(other_school, trajectory) == frozenset()


@override_settings(ROUTEPLUS_ROLE_CATEGORIES={"school_coordinator": ["education"], "job_coach": ["work", "bogus"]})
def test_configuration_replaces_the_default(trajectory):
    coordinator = professional(Role.SCHOOL_COORDINATOR)
    on_team(coordinator, trajectory, role=Role.SCHOOL_COORDINATOR)
    assert visible_categories(coordinator, trajectory) == {"education"}
    assert visible_sections(coordinator, trajectory) == {"plan", "provisions", "results", "timeline"}
    assert not section_visible(coordinator, trajectory, Section.CONTACTS)
    coach = professional(Role.JOB_COACH)
    on_team(coach, trajectory, role=Role.JOB_COACH)
    assert visible_categories(coach, trajectory) == {"work"}  # unknown categories are ignored


@override_settings(ROUTEPLUS_ROLE_CATEGORIES={"job_coach": ["work"]})
def test_the_section_door_refuses_a_hidden_section_with_one_log_entry(trajectory):
    coach = professional(Role.JOB_COACH)
    on_team(coach, trajectory, role=Role.JOB_COACH)
    request = RequestFactory().get("/")
    request.user = coach
    request.resolver_match = None
    before = AccessLogEntry.objects.count()
    with pytest.raises(Http404):
        access_section(request=request, trajectory_uuid=trajectory.uuid, section=Section.CONTACTS)
    assert AccessLogEntry.objects.count() == before + 1
    entry = AccessLogEntry.objects.latest("id")
    assert (entry.result, entry.section) == ("refused", "contacts")
    assert access_section(request=request, trajectory_uuid=trajectory.uuid, section=Section.PLACEMENTS) == trajectory
    assert AccessLogEntry.objects.latest("id").result == "allowed"
    assert AccessLogEntry.objects.count() == before + 2


def test_timeline_merges_every_kind_newest_first_and_filters(lead_on_team, trajectory):
    GoalReviewFactory(goal__trajectory=trajectory, reviewed_on=date(2024, 6, 1))
    PlacementFactory(trajectory=trajectory, start_date=date(2024, 4, 1), end_date=date(2024, 9, 1), status="ended")
    ProvisionFactory(trajectory=trajectory, applied_on=date(2024, 5, 1))
    ContactMomentFactory(trajectory=trajectory, reached=False, summary="")
    BottleneckFactory(trajectory=trajectory, noticed_on=date(2024, 7, 1))
    events = timeline(user=lead_on_team, trajectory=trajectory)
    kinds = {event.kind for event in events}
    assert kinds == {Kind.TEAM, Kind.GOAL, Kind.REVIEW, Kind.PLACEMENT, Kind.PROVISION, Kind.CONTACT, Kind.BOTTLENECK}
    dates = [event.on for event in events]
    assert dates == sorted(dates, reverse=True)
    only = timeline(user=lead_on_team, trajectory=trajectory, kinds=[Kind.PLACEMENT])
    assert [e.title.split(":")[0] for e in only] == ["Einde", "Start"]


def test_a_long_timeline_is_sorted_whole_but_describes_only_the_events_read(lead_on_team, trajectory, monkeypatch):
    """A page of a long history costs the page: labels and translations are made for the events shown."""
    described = []
    describe = selectors._contact

    def counted(row: ContactMoment) -> tuple[str, str, str]:
        described.append(row.pk)
        return describe(row)

    monkeypatch.setattr(selectors, "_contact", counted)
    for day in range(1, 31):
        ContactMomentFactory(trajectory=trajectory, at=datetime(2024, 5, day, 10, tzinfo=UTC), summary=f"Gesprek {day}")
    events = timeline(user=lead_on_team, trajectory=trajectory, kinds=[Kind.CONTACT])
    assert len(events) == 30 and described == []
    page = events[0:10]
    assert [e.detail for e in page] == [f"Gesprek {day}" for day in range(30, 20, -1)]  # newest first
    assert len(described) == 10
    assert events[29].detail == "Gesprek 1" and len(described) == 11


def test_timeline_leaves_out_what_the_role_may_not_see(trajectory):
    coordinator = professional(Role.SCHOOL_COORDINATOR)
    on_team(coordinator, trajectory, role=Role.SCHOOL_COORDINATOR)
    ProvisionFactory(trajectory=trajectory, kind=provision_kind("youth_support"), applied_on=date(2024, 5, 1))
    ProvisionFactory(trajectory=trajectory, kind=provision_kind("entree_enrolment"), applied_on=date(2024, 5, 2))
    titles = [event.title for event in timeline(user=coordinator, trajectory=trajectory)]
    assert any("Entree" in title for title in titles)
    assert not any("Jeugdhulp" in title for title in titles)
    # Asking for a kind the role may not see gives nothing extra.
    assert Kind.PROVISION in timeline_kinds(user=coordinator, trajectory=trajectory)


def test_a_place_in_an_organisation_the_user_has_left_counts_with_that_organisations_basis(trajectory):
    # The job coach moved from the social team to a school, in the same role; the place on this team is still in
    # the social team's name. Its sharing basis is read for that organisation, not for the school.
    from routeplus.accounts.models import Membership, OrganisationKind, User
    from routeplus.testing.factories import MembershipFactory, OrganisationFactory, SchoolFactory

    social_team = OrganisationFactory(kind=OrganisationKind.SOCIAL_TEAM)
    coach = professional(Role.JOB_COACH, organisation=social_team)
    on_team(coach, trajectory, role=Role.JOB_COACH)
    before = visible_categories(coach, trajectory)
    Membership.objects.filter(user=coach).update(is_active=False)
    MembershipFactory(user=coach, organisation=SchoolFactory(), role=Role.JOB_COACH)
    moved = User.objects.get(pk=coach.pk)  # a new request: nothing cached on the user
    assert visible_categories(moved, trajectory) == before != frozenset()
