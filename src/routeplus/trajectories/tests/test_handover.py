"""Warm handovers between routes and after moving house; which routes each municipality offers."""

from datetime import date
from types import SimpleNamespace

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.http import Http404
from django.test import RequestFactory
from django.urls import reverse

from routeplus.access.door import access_case_file, trajectories_readable_by, trajectories_visible_to
from routeplus.access.policy import Relation, relation_to
from routeplus.access.sections import DataCategory, visible_categories
from routeplus.accounts.models import Role
from routeplus.audit.models import AccessLogEntry, Action, Result
from routeplus.testing.factories import TrajectoryFactory, municipality, on_team, professional, route
from routeplus.testing.http import logged_in
from routeplus.trajectories.models import Handover, RouteOffering, Status
from routeplus.trajectories.selectors import CaseloadRow, caseload_list, route_offered
from routeplus.trajectories.services import trajectory_handover

pytestmark = pytest.mark.django_db
TODAY = date(2025, 6, 1)


@pytest.fixture(autouse=True)
def frozen_today():
    with time_machine.travel(TODAY, tick=False):
        yield


def hand_over(trajectory, actor, **overrides):
    fields = {
        "actor": actor,
        "trajectory": trajectory,
        "to_route": route("ROUTE_ARBEID"),
        "to_municipality": trajectory.municipality,
        "handover_date": date(2025, 5, 1),
        "new_case_lead": professional(Role.CASE_LEAD),
        "what_to_know": "Werkt graag met dieren; reist zelfstandig met de bus.",
        "overlap_days": 30,
    }
    return trajectory_handover(**(fields | overrides))


def test_route_offerings_are_data_with_dates():
    assert route_offered(route=route("RA_PLUS"), municipality=municipality("GM0014"), on=TODAY)
    assert not route_offered(route=route("RA_PLUS"), municipality=municipality("GM1699"), on=TODAY)
    RouteOffering.objects.create(
        route=route("RA_PLUS"), municipality=municipality("GM1699"), start_date=date(2026, 1, 1)
    )
    assert not route_offered(route=route("RA_PLUS"), municipality=municipality("GM1699"), on=TODAY)
    assert route_offered(route=route("RA_PLUS"), municipality=municipality("GM1699"), on=date(2026, 1, 1))


def test_handover_links_a_new_trajectory_without_a_gap():
    lead = professional(Role.CASE_LEAD)
    old = TrajectoryFactory(registered_on=date(2024, 1, 1), start_date=date(2024, 2, 1), status=Status.ACTIVE)
    on_team(lead, old)

    new = hand_over(old, lead)

    old.refresh_from_db()
    assert (old.status, old.end_date) == (Status.CLOSED, date(2025, 5, 1))
    assert "Overgedragen naar Route Arbeid" in old.end_reason
    assert (new.previous, new.status, new.start_date, new.route.code) == (
        old,
        Status.ACTIVE,
        date(2025, 5, 1),
        "ROUTE_ARBEID",
    )
    handover = Handover.objects.get(to_trajectory=new)
    assert handover.overlap_until == date(2025, 5, 31)
    assert new.team.get().role == Role.CASE_LEAD


def test_moving_house_checks_the_route_in_the_new_municipality():
    lead = professional(Role.CASE_LEAD)
    old = TrajectoryFactory(registered_on=date(2024, 1, 1), start_date=date(2024, 2, 1))
    with pytest.raises(ValidationError) as error:
        hand_over(old, lead, to_route=route("RA_PLUS"), to_municipality=municipality("GM1699"))
    assert "to_municipality" in error.value.error_dict
    assert "Groningen" in " ".join(error.value.error_dict["to_municipality"][0].messages)

    RouteOffering.objects.create(
        route=route("RA_PLUS"), municipality=municipality("GM1699"), start_date=date(2025, 1, 1)
    )
    new = hand_over(old, lead, to_route=route("RA_PLUS"), to_municipality=municipality("GM1699"))
    new.participant.refresh_from_db()
    assert new.municipality.cbs_code == new.participant.municipality.cbs_code == "GM1699"
    assert Handover.objects.get(to_trajectory=new).kind == "move"


def test_handover_needs_what_the_new_team_must_know_and_a_real_change():
    lead = professional(Role.CASE_LEAD)
    old = TrajectoryFactory(registered_on=date(2024, 1, 1), start_date=date(2024, 2, 1))
    with pytest.raises(ValidationError) as error:
        hand_over(old, lead, to_route=old.route, what_to_know=" ")
    assert {"to_route", "what_to_know"} <= set(error.value.error_dict)
    old.refresh_from_db()
    assert old.status == Status.ACTIVE


def test_monitor_counts_each_routes_own_trajectories():
    from routeplus.monitor.selectors import Scope, council_table

    lead = professional(Role.CASE_LEAD)
    old = TrajectoryFactory(registered_on=date(2024, 1, 1), start_date=date(2024, 2, 1))
    hand_over(old, lead)

    ra_plus = council_table(peildatum=TODAY, scope=Scope(route_code="RA_PLUS")).value("deelnemers_actueel")
    arbeid = council_table(peildatum=TODAY, scope=Scope(route_code="ROUTE_ARBEID")).value("deelnemers_actueel")
    assert (ra_plus, arbeid) == (0, 1)


def test_only_the_case_lead_on_the_team_opens_the_handover_page():
    lead, coach = professional(Role.CASE_LEAD), professional(Role.JOB_COACH)
    trajectory = TrajectoryFactory(registered_on=date(2024, 1, 1), start_date=date(2024, 2, 1))
    on_team(lead, trajectory)
    on_team(coach, trajectory, role=Role.JOB_COACH)
    url = reverse("trajectories:handover", kwargs={"trajectory_uuid": trajectory.uuid})

    assert logged_in(coach).get(url).status_code == 404
    page = logged_in(lead).get(url)
    assert page.status_code == 200
    assert "Welke gemeente biedt welke route" in page.text


def test_a_restricted_participant_is_closed_to_everyone():
    from routeplus.privacy.models import Restriction, SubjectRequest

    lead = professional(Role.CASE_LEAD)
    trajectory = TrajectoryFactory()
    on_team(lead, trajectory)
    url = reverse("trajectories:case_file", kwargs={"trajectory_uuid": trajectory.uuid})
    assert logged_in(lead).get(url).status_code == 200
    request = SubjectRequest.objects.create(
        participant=trajectory.participant,
        kind="restriction",
        received_on=date(2025, 5, 1),
        reference="AVG-9",
        created_by=lead,
    )
    Restriction.objects.create(participant=trajectory.participant, request=request, since=date(2025, 5, 2))
    assert logged_in(lead).get(url).status_code == 404


# --- the previous team during and after the overlap (issue 9) ---------------------------------------------------

HANDED_OVER = date(2025, 5, 20)
OVERLAP_UNTIL = date(2025, 6, 19)  # 30 days; TODAY (1 June) is inside the overlap


@pytest.fixture
def handed_over():
    """An active trajectory with a case lead and a job coach on its team, handed over on 20 May with 30 days
    of overlap to a new trajectory led by someone else."""
    old_lead, coach, new_lead = professional(Role.CASE_LEAD), professional(Role.JOB_COACH), professional()
    old = TrajectoryFactory(registered_on=date(2024, 1, 1), start_date=date(2024, 2, 1), status=Status.ACTIVE)
    on_team(old_lead, old)
    on_team(coach, old, role=Role.JOB_COACH)
    new = hand_over(old, old_lead, handover_date=HANDED_OVER, new_case_lead=new_lead)
    assert Handover.objects.get(to_trajectory=new).overlap_until == OVERLAP_UNTIL
    return SimpleNamespace(old=old, new=new, old_lead=old_lead, coach=coach, new_lead=new_lead)


def case_file_url(trajectory, name="trajectories:case_file"):
    return reverse(name, kwargs={"trajectory_uuid": trajectory.uuid})


def last_entry(user):
    return AccessLogEntry.objects.filter(actor=user).latest("id")


def test_previous_team_reads_the_new_file_during_the_overlap(handed_over):
    for user in (handed_over.old_lead, handed_over.coach):
        page = logged_in(user).get(case_file_url(handed_over.new))
        assert page.status_code == 200
        entry = last_entry(user)
        assert (entry.result, entry.object_ref) == (Result.ALLOWED, str(handed_over.new.uuid))
        assert relation_to(user, handed_over.new)[0] == Relation.PREVIOUS_TEAM
    # The sections follow the role the user had on the old team.
    assert visible_categories(handed_over.old_lead, handed_over.new) == set(DataCategory.values)
    assert visible_categories(handed_over.coach, handed_over.new) == {"education", "work", "income", "contacts"}
    assert logged_in(handed_over.coach).get(case_file_url(handed_over.new, "casefile:plan")).status_code == 200
    # They see what needs attention but do not handle it: signal pages are for who works on the case now.
    assert logged_in(handed_over.old_lead).get(case_file_url(handed_over.new)).context["attention_links"] is False
    assert logged_in(handed_over.new_lead).get(case_file_url(handed_over.new)).context["attention_links"] is True


def test_previous_team_sees_the_categories_of_its_old_role_only(handed_over):
    coordinator = professional(Role.SCHOOL_COORDINATOR)
    on_team(coordinator, handed_over.old, role=Role.SCHOOL_COORDINATOR, start_date=date(2025, 1, 1))
    assert visible_categories(coordinator, handed_over.new) == {"education", "work"}
    client = logged_in(coordinator)
    assert client.get(case_file_url(handed_over.new, "casefile:plan")).status_code == 200
    assert client.get(case_file_url(handed_over.new, "casefile:contacts")).status_code == 404
    assert last_entry(coordinator).result == Result.REFUSED


def test_previous_team_cannot_write_or_manage_the_new_file(handed_over):
    lead, coach, new = handed_over.old_lead, handed_over.coach, handed_over.new
    assert logged_in(lead).get(case_file_url(new)).status_code == 200  # they do read it
    writes = [
        (coach, case_file_url(new, "casefile:contacts")),
        (lead, case_file_url(new, "casefile:plan")),
        (lead, case_file_url(new, "trajectories:change_status")),
        (lead, case_file_url(new, "trajectories:team_add")),
        (lead, case_file_url(new, "trajectories:handover")),
    ]
    for user, url in writes:
        client = logged_in(user)
        before = AccessLogEntry.objects.count()
        response = client.post(url, {})
        assert response.status_code == 404, url
        assert AccessLogEntry.objects.count() == before + 1, url
        assert last_entry(user).result == Result.REFUSED, url
    assert logged_in(lead).get(case_file_url(new, "trajectories:handover")).status_code == 404


def test_the_door_refuses_a_change_without_a_write_grant(handed_over):
    """A change through the door without manage (a signal, an API write) needs a write grant in the relation."""
    request = RequestFactory().post("/")
    request.user = handed_over.coach
    request.resolver_match = None
    assert access_case_file(request=request, trajectory_uuid=handed_over.new.uuid) == handed_over.new
    with pytest.raises(Http404):
        access_case_file(request=request, trajectory_uuid=handed_over.new.uuid, action=Action.UPDATE)
    assert last_entry(handed_over.coach).result == Result.REFUSED
    request.user = handed_over.new_lead
    assert access_case_file(request=request, trajectory_uuid=handed_over.new.uuid, action=Action.UPDATE)


def test_previous_team_loses_the_new_file_after_the_overlap(handed_over):
    url = case_file_url(handed_over.new)
    with time_machine.travel(OVERLAP_UNTIL, tick=False):
        assert logged_in(handed_over.coach).get(url).status_code == 200  # the last day still counts
    with time_machine.travel(date(2025, 6, 20), tick=False):
        for user in (handed_over.old_lead, handed_over.coach):
            client = logged_in(user)
            before = AccessLogEntry.objects.count()
            assert client.get(url).status_code == 404
            assert AccessLogEntry.objects.count() == before + 1
            entry = last_entry(user)
            assert (entry.result, entry.object_ref) == (Result.REFUSED, str(handed_over.new.uuid))
            assert visible_categories(user, handed_over.new) == frozenset()
            # Their own, closed file stays theirs as before.
            assert client.get(case_file_url(handed_over.old)).status_code == 200


def test_new_team_has_full_access_throughout_and_the_previous_team_during_the_overlap(handed_over):
    url = case_file_url(handed_over.new)
    for day in (HANDED_OVER, TODAY, OVERLAP_UNTIL, date(2025, 6, 20), date(2025, 12, 1)):
        with time_machine.travel(day, tick=False):
            client = logged_in(handed_over.new_lead)
            page = client.get(url)
            assert page.status_code == 200, day
            assert page.context["can_manage"], day
            assert client.get(case_file_url(handed_over.new, "trajectories:handover")).status_code == 200, day
            assert relation_to(handed_over.new_lead, handed_over.new)[0] == Relation.TEAM
            previous = logged_in(handed_over.coach).get(url).status_code
            assert previous == (200 if day <= OVERLAP_UNTIL else 404), day


def test_only_who_was_on_the_old_team_at_the_handover_reads_the_new_file(handed_over):
    joined_later = professional(Role.JOB_COACH)
    on_team(joined_later, handed_over.old, role=Role.JOB_COACH, start_date=date(2025, 5, 21))
    left_before = professional(Role.JOB_COACH)
    on_team(left_before, handed_over.old, role=Role.JOB_COACH, end_date=date(2025, 5, 19))
    never = professional(Role.JOB_COACH)
    role_taken_away = professional(Role.JOB_COACH)
    on_team(role_taken_away, handed_over.old, role=Role.JOB_COACH)
    role_taken_away.memberships.update(is_active=False)
    assert logged_in(handed_over.coach).get(case_file_url(handed_over.new)).status_code == 200
    for user in (joined_later, left_before, never, role_taken_away):
        assert logged_in(user).get(case_file_url(handed_over.new)).status_code == 404
        assert last_entry(user).result == Result.REFUSED
        assert visible_categories(user, handed_over.new) == frozenset()
        assert not trajectories_readable_by(user).filter(pk=handed_over.new.pk).exists()


def test_the_new_file_is_not_on_the_previous_teams_caseload(handed_over):
    """Reading the file is not owning the case: caseload, worklist and API lists stay the user's own cases."""
    from routeplus.alerts.selectors import worklist_signals

    lead = handed_over.old_lead

    def caseload_uuids(user: object) -> set[object]:
        return {CaseloadRow._make(row).uuid for row in caseload_list(user=user)}

    assert handed_over.new.uuid not in caseload_uuids(lead)
    assert handed_over.new.uuid in caseload_uuids(handed_over.new_lead)
    assert not [signal for signal in worklist_signals(user=lead) if signal.trajectory_id == handed_over.new.pk]
    assert trajectories_readable_by(lead).filter(pk=handed_over.new.pk).exists()


def test_the_door_prefilter_needs_no_query_per_handover(django_assert_num_queries, handed_over):
    """One query for the pre-filter whether the user's old teams handed over one case or many."""
    lead = handed_over.old_lead
    for _ in range(5):
        other = TrajectoryFactory(registered_on=date(2024, 1, 1), start_date=date(2024, 2, 1))
        on_team(lead, other)
        hand_over(other, lead, handover_date=HANDED_OVER, new_case_lead=handed_over.new_lead)
    lead = type(lead).objects.get(pk=lead.pk)  # a fresh user: no cached roles
    trajectories_visible_to(lead)  # fills the roles cache
    with django_assert_num_queries(1):
        visible = list(trajectories_readable_by(lead))
    assert len([t for t in visible if t.previous_id is not None]) == 6


def test_case_files_show_the_handover_and_until_when_the_previous_team_reads(handed_over):
    new_page = logged_in(handed_over.new_lead).get(case_file_url(handed_over.new)).text
    assert "Het vorige team kan dit dossier tot en met 19-6-2025 inzien" in new_page
    assert "Werkt graag met dieren" in new_page  # what the new team must know
    client = logged_in(handed_over.coach)
    old_page = client.get(case_file_url(handed_over.old)).text
    assert case_file_url(handed_over.new) in old_page
    with time_machine.travel(date(2025, 6, 20), tick=False):
        old_page = logged_in(handed_over.coach).get(case_file_url(handed_over.old)).text
    assert case_file_url(handed_over.new) not in old_page
    assert "De overlap liep tot en met 19-6-2025" in old_page


def test_the_case_file_reads_both_handovers_with_the_route_line(django_assert_num_queries, handed_over):
    """The handovers in and out come with the route line, both ends included: no query of their own."""
    from routeplus.trajectories.selectors import case_file_core

    newest = hand_over(handed_over.new, handed_over.new_lead, handover_date=TODAY, to_route=route("RA_PLUS"))
    middle = type(handed_over.new).objects.get(pk=handed_over.new.pk)
    with django_assert_num_queries(3):  # team, recent status changes, route line
        core = case_file_core(trajectory=middle)
        shown = [
            (core.handover_in.pk, core.handover_in.from_trajectory.route.name, core.handover_in.what_to_know),
            (core.handover_out.pk, core.handover_out.to_trajectory.route.name, core.handover_out.to_trajectory.uuid),
            (core.handover_in.to_trajectory.uuid, core.handover_out.from_trajectory.uuid),
            [step.uuid for step in core.route_line],
        ]
    stored_in, stored_out = Handover.objects.get(to_trajectory=middle), Handover.objects.get(from_trajectory=middle)
    assert shown == [
        (stored_in.pk, handed_over.old.route.name, stored_in.what_to_know),
        (stored_out.pk, newest.route.name, newest.uuid),
        (middle.uuid, middle.uuid),
        [handed_over.old.uuid, middle.uuid, newest.uuid],
    ]
    assert (core.handover_out.handover_date, core.handover_out.overlap_until) == (
        stored_out.handover_date,
        stored_out.overlap_until,
    )
    assert core.overlap_lasts
    ends = case_file_core(trajectory=handed_over.old)
    assert (ends.handover_in, ends.handover_out.pk) == (None, stored_in.pk)
    assert case_file_core(trajectory=newest).handover_out is None
