"""Each signal rule on both sides of its threshold, with a frozen clock."""

from datetime import date, timedelta

import pytest
import time_machine

from routeplus.alerts.engine import signals_evaluate
from routeplus.alerts.models import Signal
from routeplus.alerts.tests.factories import contact, goal, placement
from routeplus.casefile.models import ContactWith, PlacementKind, PlacementStatus
from routeplus.guide.tests.factories import provision
from routeplus.testing.factories import TrajectoryFactory
from routeplus.trajectories.models import Status

pytestmark = pytest.mark.django_db


def raised(rule: str, on: date) -> list[Signal]:
    with time_machine.travel(on, tick=False):
        signals_evaluate(on=on)
    return list(Signal.objects.filter(rule=rule, status="open"))


def test_transition_18_six_months_before_the_birthday():
    trajectory = TrajectoryFactory(participant__birth_date=date(2008, 9, 15))
    assert raised("transition_18", date(2026, 3, 14)) == []
    [signal] = raised("transition_18", date(2026, 3, 15))
    assert signal.trajectory == trajectory
    assert signal.due_date == date(2026, 9, 15)
    assert signal.category == ""
    assert "15-9-2026" in signal.detail


def test_ages_23_and_27_approaching():
    TrajectoryFactory(participant__birth_date=date(2003, 6, 1))
    assert raised("age_23", date(2026, 2, 28)) == []
    [signal] = raised("age_23", date(2026, 3, 1))
    assert signal.due_date == date(2026, 6, 1)
    TrajectoryFactory(participant__birth_date=date(1999, 6, 1))
    assert raised("age_27", date(2026, 2, 28)) == []
    assert [s.due_date for s in raised("age_27", date(2026, 3, 1))] == [date(2026, 6, 1)]


def test_no_reached_contact_for_six_weeks():
    trajectory = TrajectoryFactory(start_date=date(2025, 9, 1))
    contact(trajectory, date(2026, 1, 5), reached=True)
    contact(trajectory, date(2026, 1, 20), reached=False)  # a failed attempt does not count as contact
    assert raised("no_contact", date(2026, 2, 15)) == []  # 41 days
    [signal] = raised("no_contact", date(2026, 2, 16))  # 42 days
    assert signal.due_date == date(2026, 2, 16)
    assert signal.category == "contacts"


def test_no_contact_at_all_counts_from_the_start():
    TrajectoryFactory(start_date=date(2026, 1, 1))
    assert raised("no_contact", date(2026, 2, 11)) == []
    assert len(raised("no_contact", date(2026, 2, 12))) == 1


def test_three_failed_attempts_in_a_row():
    trajectory = TrajectoryFactory()
    contact(trajectory, date(2026, 3, 1), reached=True)
    contact(trajectory, date(2026, 3, 2), reached=False)
    contact(trajectory, date(2026, 3, 3), reached=False, with_whom=ContactWith.EMPLOYER)  # not an attempt to reach
    contact(trajectory, date(2026, 3, 4), reached=False, with_whom=ContactWith.PARENT)
    assert raised("failed_attempts", date(2026, 3, 10)) == []
    contact(trajectory, date(2026, 3, 5), reached=False)
    [signal] = raised("failed_attempts", date(2026, 3, 10))
    assert signal.due_date == date(2026, 3, 5)


def test_learning_goal_not_reviewed_for_three_months():
    trajectory = TrajectoryFactory()
    goal(trajectory, date(2025, 10, 1), date(2025, 12, 10))
    assert raised("goal_review", date(2026, 3, 9)) == []
    [signal] = raised("goal_review", date(2026, 3, 10))
    assert signal.due_date == date(2026, 3, 10)
    assert signal.category == "education"
    never = TrajectoryFactory()
    goal(never, date(2026, 1, 31))
    assert Signal.objects.filter(trajectory=never).count() == 0
    assert [s.due_date for s in raised("goal_review", date(2026, 4, 30)) if s.trajectory == never] == [
        date(2026, 4, 30)
    ]


def test_placement_ending_within_four_weeks_with_nothing_after():
    trajectory = TrajectoryFactory()
    ending = placement(trajectory, date(2025, 9, 1), date(2026, 4, 30))
    assert raised("placement_ending", date(2026, 4, 1)) == []  # 29 days
    [signal] = raised("placement_ending", date(2026, 4, 2))  # 28 days
    assert signal.due_date == date(2026, 4, 30)
    assert str(ending.uuid) in signal.key


def test_placement_ending_with_a_next_one_planned_raises_nothing():
    trajectory = TrajectoryFactory()
    placement(trajectory, date(2025, 9, 1), date(2026, 4, 30))
    placement(trajectory, date(2026, 5, 1), None, status=PlacementStatus.PLANNED)
    assert raised("placement_ending", date(2026, 4, 20)) == []


def test_provision_ending_within_eight_weeks():
    trajectory = TrajectoryFactory()
    provision(trajectory, "wmo_day_care", start_date=date(2025, 1, 1), end_date=date(2026, 6, 30))
    assert raised("provision_ending", date(2026, 5, 4)) == []  # 57 days
    [signal] = raised("provision_ending", date(2026, 5, 5))  # 56 days
    assert signal.category == "wmo"
    assert "Wmo-dagbesteding" in signal.detail


def test_reintegration_shorter_than_the_minimum_warns_before_it_starts():
    trajectory = TrajectoryFactory()
    start = date(2026, 5, 1)
    placement(trajectory, start, start + timedelta(days=181), kind=PlacementKind.TAILORED_INTERNSHIP, status="planned")
    long_enough = TrajectoryFactory()
    placement(long_enough, start, start + timedelta(days=182), kind=PlacementKind.TAILORED_INTERNSHIP, status="planned")
    [signal] = raised("reintegration_short", date(2026, 4, 1))  # 182 days < 183; 183 days is enough
    assert signal.trajectory == trajectory
    assert signal.due_date == start
    # Once it has started, the warning is no longer useful: the open signal lapses.
    assert raised("reintegration_short", start) == []
    assert Signal.objects.get(rule="reintegration_short").status == "resolved"


def test_reintegration_provision_shorter_than_the_minimum(settings):
    settings.ROUTEPLUS_SIGNALS = {"reintegration_min_days": 90}
    trajectory = TrajectoryFactory()
    provision(trajectory, "reintegration", status="applied", start_date=date(2026, 5, 1), end_date=date(2026, 7, 28))
    assert [s.category for s in raised("reintegration_short", date(2026, 4, 1))] == ["work"]


def test_wajong_window_closing_and_sheltered_work_advice_again():
    trajectory = TrajectoryFactory()
    provision(trajectory, "wajong", status="refused", decided_on=date(2021, 9, 1))
    assert raised("uwv_window", date(2026, 2, 28)) == []
    [signal] = raised("uwv_window", date(2026, 3, 1))  # six months before the five-year window closes
    assert signal.due_date == date(2026, 9, 1)
    assert signal.category == "health"
    other = TrajectoryFactory()
    provision(other, "sheltered_work_indication", status="refused", decided_on=date(2025, 9, 1))
    assert [s for s in raised("uwv_window", date(2026, 2, 28)) if s.trajectory == other] == []
    assert [s.due_date for s in raised("uwv_window", date(2026, 3, 1)) if s.trajectory == other] == [date(2026, 9, 1)]


def test_thresholds_are_configuration(settings):
    settings.ROUTEPLUS_SIGNALS = {"no_contact_days": 14}
    TrajectoryFactory(start_date=date(2026, 1, 1))
    assert raised("no_contact", date(2026, 1, 14)) == []
    assert len(raised("no_contact", date(2026, 1, 15))) == 1


def test_disabled_rules_raise_nothing(settings):
    settings.ROUTEPLUS_SIGNALS = {"disabled_rules": ["transition_18"]}
    TrajectoryFactory(participant__birth_date=date(2008, 9, 15))
    assert raised("transition_18", date(2026, 6, 1)) == []


def test_closed_trajectories_raise_nothing():
    TrajectoryFactory(participant__birth_date=date(2008, 9, 15), status=Status.CLOSED, end_date=date(2025, 1, 1))
    assert raised("transition_18", date(2026, 6, 1)) == []
