"""Registration, the waiting list, admission and priority: fairness and capacity as the services enforce them."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from routeplus.accounts.models import Role
from routeplus.audit.models import ChangeLogEntry
from routeplus.intake import selectors
from routeplus.intake.models import Registration
from routeplus.intake.services import (
    NewPerson,
    budget_line_create,
    duplicates_find,
    waiting_list_admit,
    waiting_list_prioritise,
)
from routeplus.participants.models import Participant
from routeplus.testing.factories import ParticipantFactory, TrajectoryFactory, municipality, professional, route
from routeplus.trajectories.models import Status, TeamMember

from .conftest import TODAY, fund, register

pytestmark = pytest.mark.django_db


def statuses(registrations):
    return [Registration.objects.get(pk=r.pk).trajectory.status for r in registrations]


def test_registering_more_than_the_capacity_admits_exactly_the_capacity_in_order(frozen, area, lead):
    fund(area, places=3)
    registrations = [register(lead, on=TODAY - timedelta(days=5 - i)) for i in range(5)]

    assert statuses(registrations) == [Status.INTAKE] * 3 + [Status.WAITING] * 2
    assert [r.outcome for r in registrations] == ["admitted"] * 3 + ["waiting"] * 2
    entries = selectors.waiting_list(area=area)
    assert [e.trajectory.pk for e in entries] == [registrations[3].trajectory.pk, registrations[4].trajectory.pk]
    assert [e.position for e in entries] == [1, 2]
    capacity = selectors.capacity_for_area(area=area)
    assert (capacity.funded, capacity.used, capacity.free, capacity.waiting) == (3, 3, 0, 2)
    assert capacity.intake_stop


def test_waiting_list_is_first_come_first_served_by_registration_date(frozen, area, lead):
    fund(area, places=0)
    late = register(lead, on=TODAY)
    early = register(lead, on=TODAY - timedelta(days=10))
    middle = register(lead, on=TODAY - timedelta(days=3))
    order = [e.trajectory.pk for e in selectors.waiting_list(area=area)]
    assert order == [early.trajectory.pk, middle.trajectory.pk, late.trajectory.pk]
    assert selectors.waiting_position(trajectory=late.trajectory) == 3


def test_a_new_registration_does_not_take_a_free_place_someone_is_waiting_for(frozen, area, lead):
    fund(area, places=0)
    first = register(lead)
    fund(area, places=1)  # a place frees: it is due to the one waiting, not to a newcomer
    newcomer = register(lead)
    assert statuses([first, newcomer]) == [Status.WAITING, Status.WAITING]
    assert selectors.waiting_position(trajectory=newcomer.trajectory) == 2


def test_a_budget_increase_proposes_the_next_in_line_in_order(frozen, area, cost, lead):
    fund(area, places=1)
    registrations = [register(lead, on=TODAY - timedelta(days=9 - i)) for i in range(4)]
    assert selectors.admission_proposals(area=area) == []

    budget_line_create(
        actor=lead,
        area=area,
        year=2026,
        amount=Decimal("20000.00"),
        kind="incidental",
        source="Voorjaarsnota",
        decision_reference="RB-2026-1",
    )
    proposals = selectors.admission_proposals(area=area)
    assert [p.trajectory_uuid for p in proposals] == [
        str(registrations[1].trajectory.uuid),
        str(registrations[2].trajectory.uuid),
    ]
    assert [p.position for p in proposals] == [1, 2]
    assert ChangeLogEntry.objects.filter(object_type="intake.budgetline").exists()


def test_admission_follows_the_order_and_never_goes_past_capacity(frozen, area, lead):
    fund(area, places=0)
    first, second = register(lead), register(lead)

    with pytest.raises(ValidationError, match="geen vrije plek"):
        waiting_list_admit(actor=lead, trajectory=first.trajectory)

    fund(area, places=1)
    with pytest.raises(ValidationError, match="bovenaan de wachtlijst"):
        waiting_list_admit(actor=lead, trajectory=second.trajectory)
    admitted = waiting_list_admit(actor=lead, trajectory=first.trajectory)
    assert admitted.status == Status.INTAKE
    registration = Registration.objects.get(pk=first.pk)
    assert registration.admitted_by == lead
    assert registration.expected_end == date(2028, 3, 2)  # admission day + the route's expected 24 months

    with pytest.raises(ValidationError, match="geen vrije plek"):
        waiting_list_admit(actor=lead, trajectory=second.trajectory)
    assert selectors.capacity_for_area(area=area).used == 1


def test_a_closed_trajectory_frees_a_place_that_is_proposed(frozen, area, lead):
    fund(area, places=1)
    TrajectoryFactory(status=Status.ACTIVE)  # Route Arbeid+, Groningen: takes the only place
    waiting = register(lead)
    assert waiting.outcome == "waiting"
    assert selectors.admission_proposals(area=area) == []
    occupant = selectors.capacity_for_area(area=area)
    assert occupant.free == 0
    from routeplus.trajectories.models import Trajectory

    Trajectory.objects.filter(status=Status.ACTIVE).update(status=Status.CLOSED, end_date=TODAY)
    assert [p.trajectory_uuid for p in selectors.admission_proposals(area=area)] == [str(waiting.trajectory.uuid)]


def test_priority_move_needs_a_reason_is_logged_and_shown(frozen, area, lead):
    fund(area, places=0)
    first, second = register(lead), register(lead)

    with pytest.raises(ValidationError) as refused:
        waiting_list_prioritise(actor=lead, trajectory=second.trajectory, reason="  ")
    assert "reason" in refused.value.error_dict
    assert [e.trajectory.pk for e in selectors.waiting_list(area=area)] == [first.trajectory.pk, second.trajectory.pk]

    move = waiting_list_prioritise(
        actor=lead, trajectory=second.trajectory, reason="Stageplek vervalt anders na de zomer."
    )
    entries = selectors.waiting_list(area=area)
    assert [e.trajectory.pk for e in entries] == [second.trajectory.pk, first.trajectory.pk]
    assert entries[0].priority == move
    assert entries[0].priority.reason == "Stageplek vervalt anders na de zomer."
    assert move.position_before == 2
    logged = ChangeLogEntry.objects.get(object_type="intake.prioritymove")
    assert logged.actor == lead
    assert logged.participant_ref == str(second.trajectory.participant.uuid)
    assert logged.changes["reason"][1] == "Stageplek vervalt anders na de zomer."

    with pytest.raises(ValidationError, match="al bovenaan"):
        waiting_list_prioritise(actor=lead, trajectory=second.trajectory, reason="Nog een keer, met reden.")


def test_the_duplicate_check_finds_a_registered_participant(frozen, lead):
    existing = ParticipantFactory(
        given_name="Noor", family_name="Zwartjes", birth_date=date(2008, 5, 17), bsn="111222333"
    )
    assert duplicates_find(given_name="Nora", family_name="zwartjes", birth_date=date(2008, 5, 17)) == [existing]
    assert duplicates_find(given_name="X", family_name="Anders", birth_date=date(2001, 1, 1), bsn="111222333") == [
        existing
    ]
    assert duplicates_find(given_name="Noor", family_name="Zwartjes", birth_date=date(2008, 5, 18)) == []


def test_registration_refuses_a_likely_duplicate_unless_confirmed_and_a_known_bsn_always(frozen, area, lead):
    fund(area, places=5)
    ParticipantFactory(given_name="Noor", family_name="Zwartjes", birth_date=date(2008, 5, 17), bsn="111222333")
    person = NewPerson(given_name="Noor", family_name="Zwartjes", birth_date=date(2008, 5, 17))
    with pytest.raises(ValidationError) as refused:
        register(lead, person=person)
    assert "family_name" in refused.value.error_dict
    with pytest.raises(ValidationError) as refused:
        register(
            lead,
            person=NewPerson(given_name="Ander", family_name="Iemand", birth_date=date(2007, 1, 1), bsn="111222333"),
            confirmed_distinct=True,
        )
    assert "bsn" in refused.value.error_dict
    assert Participant.objects.count() == 1

    twin = register(lead, person=person, confirmed_distinct=True)
    assert Participant.objects.count() == 2
    assert twin.trajectory.participant.given_name == "Noor"


def test_registering_an_existing_participant_creates_no_new_one(frozen, area, lead):
    fund(area, places=5)
    existing = ParticipantFactory()
    registration = register(lead, person=None, participant=existing)
    assert registration.trajectory.participant == existing
    assert Participant.objects.count() == 1


def test_a_failed_rule_needs_a_case_lead_with_a_documented_exception_which_is_counted(frozen, area, ra_plus):
    fund(area, places=5)
    coordinator = professional(Role.SCHOOL_COORDINATOR)
    lead = professional(Role.CASE_LEAD)
    with pytest.raises(ValidationError) as refused:
        register(coordinator, role=Role.SCHOOL_COORDINATOR, case_lead=lead, outflow_profile="arbeidsmarkt")
    assert "regisseur" in refused.value.message_dict["exception_reason"][0]

    with pytest.raises(ValidationError) as refused:
        register(lead, outflow_profile="arbeidsmarkt")
    assert "uitstroomprofiel dagbesteding" in refused.value.message_dict["exception_reason"][0]

    registration = register(
        lead, outflow_profile="arbeidsmarkt", exception_reason="Profiel is bij uitstroom verkeerd ingeschat."
    )
    assert registration.has_exception
    assert registration.exception_rules == ["profile"]
    assert registration.exception_by == lead
    assert selectors.exception_counts(route=ra_plus, year=2026) == {"profile": 1, "total": 1}

    plain = register(lead, exception_reason="Niet nodig, maar ingevuld.")
    assert not plain.has_exception
    assert plain.exception_reason == ""


def test_a_school_coordinator_names_the_case_lead_who_joins_the_team(frozen, area):
    fund(area, places=5)
    coordinator = professional(Role.SCHOOL_COORDINATOR)
    lead = professional(Role.CASE_LEAD)
    with pytest.raises(ValidationError) as refused:
        register(coordinator, role=Role.SCHOOL_COORDINATOR)
    assert "case_lead" in refused.value.error_dict

    registration = register(coordinator, role=Role.SCHOOL_COORDINATOR, case_lead=lead)
    roles = set(TeamMember.objects.filter(trajectory=registration.trajectory).values_list("user_id", "role"))
    assert roles == {(coordinator.pk, Role.SCHOOL_COORDINATOR), (lead.pk, Role.CASE_LEAD)}


def test_the_registration_date_can_be_set_back_only_a_little(frozen, area, lead):
    fund(area, places=5)
    with pytest.raises(ValidationError) as refused:
        register(lead, on=TODAY - timedelta(days=31))
    assert "volgorde op de wachtlijst" in refused.value.message_dict["registered_on"][0]
    assert register(lead, on=TODAY - timedelta(days=30)).trajectory.registered_on == TODAY - timedelta(days=30)


def test_a_route_without_capacity_area_admits_directly(frozen, lead):
    registration = register(lead, route=route("ROUTE_ARBEID"), outflow_profile="arbeidsmarkt")
    assert registration.trajectory.status == Status.INTAKE
    assert selectors.capacity_for(route=route("ROUTE_ARBEID"), municipality=municipality("GM0014")) is None


def test_registration_keeps_the_facts_and_the_eligibility_it_was_judged_on(frozen, area, lead):
    fund(area, places=1)
    registration = register(lead, left_school_on=date(2025, 7, 1), expected_start=date(2026, 4, 1))
    stored = Registration.objects.get(pk=registration.pk)
    assert [rule["code"] for rule in stored.eligibility] == ["age", "school", "profile", "municipality"]
    assert all(rule["passed"] for rule in stored.eligibility)
    assert stored.expected_end == date(2028, 4, 1)  # expected start + 24 months
    entry = ChangeLogEntry.objects.get(object_type="intake.registration")
    assert entry.changes["outcome"] == [None, "admitted"]
    assert "Jongere" not in str(entry.changes)  # the log holds references, not names


def test_a_trajectory_registered_elsewhere_is_placed_by_the_same_rule(frozen, area, lead):
    from routeplus.intake.services import trajectory_place

    fund(area, places=1)
    first = TrajectoryFactory(status=Status.REGISTERED, registered_on=TODAY, start_date=None)
    second = TrajectoryFactory(status=Status.REGISTERED, registered_on=TODAY, start_date=None)
    assert trajectory_place(actor=lead, trajectory=first).status == Status.INTAKE
    assert trajectory_place(actor=lead, trajectory=second).status == Status.WAITING
    with pytest.raises(ValidationError):
        trajectory_place(actor=lead, trajectory=second)
