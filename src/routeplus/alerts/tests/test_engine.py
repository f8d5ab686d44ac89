"""Evaluation is idempotent; handled signals return only when their condition arises anew; snoozing works."""

from datetime import date, timedelta

import pytest
import time_machine
from django.core.management import call_command
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from routeplus.accounts.models import Role
from routeplus.alerts.engine import _create, signals_evaluate, signals_evaluate_trajectory
from routeplus.alerts.models import Signal, SignalEvent, SignalStatus
from routeplus.alerts.services import signal_dismiss, signal_handle, signal_snooze
from routeplus.alerts.tests.factories import contact
from routeplus.audit.models import ChangeLogEntry
from routeplus.testing.factories import TrajectoryFactory, on_team, professional
from routeplus.trajectories.services import StaleVersionError

pytestmark = pytest.mark.django_db

DAY = date(2026, 3, 2)


@pytest.fixture
def silent():
    """A trajectory whose last reached contact was long ago: one no_contact signal."""
    trajectory = TrajectoryFactory(participant__birth_date=date(2000, 1, 1))
    contact(trajectory, date(2026, 1, 1), reached=True)
    lead = professional(Role.CASE_LEAD)
    on_team(lead, trajectory)
    return trajectory, lead


def evaluate(on: date):
    with time_machine.travel(on, tick=False):
        return signals_evaluate(on=on)


def test_running_twice_creates_nothing_twice(silent):
    first = evaluate(DAY)
    assert first.created == 1
    second = evaluate(DAY)
    assert (second.created, second.reopened, second.resolved) == (0, 0, 0)
    assert Signal.objects.count() == 1
    assert SignalEvent.objects.count() == 1


def test_a_handled_signal_does_not_return_until_the_condition_arises_anew(silent):
    trajectory, lead = silent
    evaluate(DAY)
    signal = Signal.objects.get()
    with time_machine.travel(DAY, tick=False):
        signal_handle(actor=lead, signal=signal, action_taken="Gebeld met moeder, afspraak gemaakt")
    evaluate(DAY + timedelta(days=1))
    assert Signal.objects.filter(status=SignalStatus.OPEN).count() == 0  # same silence: no new work

    contact(trajectory, date(2026, 3, 3), reached=True)  # contact restored ...
    evaluate(date(2026, 4, 13))  # 41 days later: nothing yet
    assert Signal.objects.count() == 1
    evaluate(date(2026, 4, 14))  # ... and six weeks of silence again: a new occurrence
    assert Signal.objects.count() == 2
    assert Signal.objects.get(status=SignalStatus.OPEN).due_date == date(2026, 4, 14)


def test_a_snoozed_signal_reopens_when_its_date_has_passed(silent):
    _trajectory, lead = silent
    evaluate(DAY)
    signal = Signal.objects.get()
    with time_machine.travel(DAY, tick=False):
        signal_snooze(actor=lead, signal=signal, until=DAY + timedelta(days=7), reason="Jongere op vakantie")
    evaluate(DAY + timedelta(days=6))
    assert Signal.objects.get().status == SignalStatus.SNOOZED
    report = evaluate(DAY + timedelta(days=7))
    assert report.reopened == 1
    signal = Signal.objects.get()
    assert signal.status == SignalStatus.OPEN and signal.snoozed_until is None
    assert list(signal.events.values_list("to_status", flat=True)) == ["open", "snoozed", "open"]


def test_a_signal_whose_condition_is_gone_lapses_and_a_dismissed_one_stays(silent):
    trajectory, lead = silent
    evaluate(DAY)
    contact(trajectory, date(2026, 3, 2), reached=True)
    assert evaluate(DAY).resolved == 1
    assert Signal.objects.get().status == SignalStatus.RESOLVED

    other = TrajectoryFactory(participant__birth_date=date(2000, 1, 1), start_date=date(2026, 1, 1))
    on_team(lead, other)
    evaluate(DAY)
    dismissed = Signal.objects.get(trajectory=other)
    with time_machine.travel(DAY, tick=False):
        signal_dismiss(actor=lead, signal=dismissed, reason="Jongere is verhuisd, dossier wordt overgedragen")
    evaluate(DAY + timedelta(days=10))
    assert Signal.objects.get(trajectory=other).status == SignalStatus.DISMISSED


def test_closing_the_trajectory_lapses_its_open_signals(silent):
    trajectory, _lead = silent
    evaluate(DAY)
    trajectory.status, trajectory.end_date = "closed", DAY
    trajectory.save()
    assert evaluate(DAY).resolved == 1


def test_services_check_transitions_reasons_and_versions(silent):
    _trajectory, lead = silent
    evaluate(DAY)
    signal = Signal.objects.get()
    with time_machine.travel(DAY, tick=False):
        with pytest.raises(Exception, match="Geef een reden op"):
            signal_dismiss(actor=lead, signal=signal, reason=" ")
        with pytest.raises(Exception, match="na vandaag"):
            signal_snooze(actor=lead, signal=signal, until=DAY, reason="x")
        with pytest.raises(StaleVersionError):
            signal_handle(actor=lead, signal=signal, action_taken="Gebeld", expected_version=signal.version + 1)
        handled = signal_handle(actor=lead, signal=signal, action_taken="Gebeld")
        with pytest.raises(Exception, match="al afgehandeld"):
            signal_dismiss(actor=lead, signal=handled, reason="dubbel")
    assert handled.handled_by == lead and handled.action_taken == "Gebeld"
    entry = ChangeLogEntry.objects.filter(object_ref=str(signal.uuid)).get()
    assert entry.changes["status"] == ["open", "handled"]


def test_evaluate_one_trajectory_after_a_change(silent):
    trajectory, _lead = silent
    untouched = TrajectoryFactory(start_date=date(2025, 1, 1))
    with time_machine.travel(DAY, tick=False):
        report = signals_evaluate_trajectory(trajectory)
    assert report.trajectories == 1
    assert not Signal.objects.filter(trajectory=untouched).exists()
    assert Signal.objects.filter(trajectory=trajectory).exists()


def test_the_command_evaluates_and_can_enqueue(silent, capsys):
    with time_machine.travel(DAY, tick=False):
        call_command("evaluate_signals", "--date", DAY.isoformat())
    assert "created=1" in capsys.readouterr().out
    with time_machine.travel(DAY, tick=False):
        call_command("evaluate_signals")
    assert "created=0" in capsys.readouterr().out
    call_command("evaluate_signals", "--enqueue")
    assert "enqueued" in capsys.readouterr().out


def test_the_task_runs_the_evaluation(silent):
    from routeplus.alerts.tasks import evaluate_signals_task

    with time_machine.travel(DAY, tick=False):
        result = evaluate_signals_task.call(DAY.isoformat())
    assert result["created"] == 1


def test_new_signals_of_a_batch_are_stored_in_one_statement():
    """At national scale the daily run raises tens of thousands of signals: one INSERT per batch, not per signal."""
    for n in range(6):
        trajectory = TrajectoryFactory(participant__birth_date=date(2000, 1, 1))
        contact(trajectory, date(2026, 1, 1) - timedelta(days=n), reached=True)
    with CaptureQueriesContext(connection) as queries:
        report = evaluate(DAY)
    inserts = [q["sql"] for q in queries.captured_queries if q["sql"].startswith('INSERT INTO "alerts_signal" ')]
    assert report.created == Signal.objects.count() == SignalEvent.objects.count() >= 6
    assert len(inserts) == 1


def test_a_signal_raised_meanwhile_by_another_evaluation_is_not_raised_twice(silent):
    """The daily run and a re-evaluation after a write can meet: a batch whose new signals another evaluation
    stored since it read the table creates only the missing ones, one at a time, without an error."""
    trajectory, _lead = silent
    other = TrajectoryFactory(participant__birth_date=date(2000, 1, 1))
    evaluate(DAY)
    raced = Signal.objects.get(trajectory=trajectory)

    def fresh(on_trajectory):
        return Signal(trajectory=on_trajectory, rule="no_contact", key=raced.key, due_date=DAY, raised_on=DAY)

    with transaction.atomic():
        created = _create([fresh(trajectory), fresh(other)])
    assert [signal.trajectory for signal in created] == [other]
    assert Signal.objects.filter(trajectory=trajectory).get() == raced  # kept, not duplicated
