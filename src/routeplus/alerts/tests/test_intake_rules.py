"""Signal rules fed by intake: the school's guidance period after leaving, and a free place on the waiting list."""

from datetime import date
from decimal import Decimal

import pytest
import time_machine

from routeplus.accounts.models import Role
from routeplus.alerts.engine import signals_evaluate
from routeplus.alerts.models import Signal, SignalStatus
from routeplus.intake.models import BudgetKind, BudgetLine, CapacityArea, Registration
from routeplus.intake.services import NewPerson, registration_submit
from routeplus.participants.models import OutflowProfile
from routeplus.testing.factories import SchoolFactory, TrajectoryFactory, municipality, professional, route
from routeplus.trajectories.models import Status

pytestmark = pytest.mark.django_db


def evaluate(on: date) -> None:
    with time_machine.travel(on, tick=False):
        signals_evaluate(on=on)


def test_school_guidance_after_leaving_ends_in_three_months():
    trajectory = TrajectoryFactory(participant__school_type="VSO")
    Registration.objects.create(
        trajectory=trajectory,
        school_type="VSO",
        left_school_on=date(2024, 7, 15),
        outflow_profile=OutflowProfile.DAGBESTEDING,
        municipality=municipality(),
        reason="Stage start",
        outcome=Registration.Outcome.ADMITTED,
        registered_by=professional(Role.CASE_LEAD),
    )
    evaluate(date(2026, 4, 14))
    assert not Signal.objects.filter(rule="school_guidance_ending").exists()
    evaluate(date(2026, 4, 15))  # 24 months after leaving minus 3 months
    signal = Signal.objects.get(rule="school_guidance_ending")
    assert signal.due_date == date(2026, 7, 15)
    assert signal.category == "education"


def test_a_free_place_signals_the_next_in_line():
    day = date(2026, 3, 2)
    lead = professional(Role.CASE_LEAD)
    area = CapacityArea.objects.get(route=route("RA_PLUS"), name="Gemeente Groningen")
    with time_machine.travel(day, tick=False):
        registration = registration_submit(
            actor=lead,
            actor_role=Role.CASE_LEAD,
            route=route("RA_PLUS"),
            registered_on=day,
            school=SchoolFactory(),
            school_type="PRO",
            outflow_profile=OutflowProfile.DAGBESTEDING,
            municipality=municipality("GM0014"),
            reason="Stage start binnenkort.",
            person=NewPerson(given_name="Wacht", family_name="Lijst", birth_date=date(2008, 5, 17)),
        )
    assert registration.trajectory.status == Status.WAITING
    evaluate(day)
    assert not Signal.objects.filter(rule="waiting_place").exists()

    BudgetLine.objects.create(
        area=area,
        year=2026,
        amount=Decimal("0"),
        kind=BudgetKind.STRUCTURAL,
        source="t",
        decision_reference="T",
        places=5,
    )
    evaluate(day)
    signal = Signal.objects.get(rule="waiting_place")
    assert signal.trajectory == registration.trajectory
    assert signal.status == SignalStatus.OPEN
