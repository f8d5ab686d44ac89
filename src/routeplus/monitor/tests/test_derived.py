"""The derived result dates follow every writer of results and trajectory starts, and count as the raw data does."""

from datetime import UTC, date, datetime

import pytest
import time_machine
from django.apps import apps
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from routeplus.casefile import services as casefile
from routeplus.casefile.models import ProposalStatus, Result, ResultProposal
from routeplus.monitor.derived import result_dates_rebuild, result_dates_refresh
from routeplus.monitor.models import ResultDate
from routeplus.monitor.register import register_import_path
from routeplus.monitor.selectors import Scope, council_table, council_table_breakdown, council_tables
from routeplus.monitor.tests.registers import base_register, write_csv_folder
from routeplus.monitor.tests.results import recorded_result
from routeplus.testing.factories import ParticipantFactory, TrajectoryFactory, municipality, professional, route
from routeplus.trajectories.models import Status, Trajectory
from routeplus.trajectories.services import trajectory_change_status

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def frozen_clock():
    with time_machine.travel(datetime(2025, 3, 3, 12, 0, tzinfo=UTC), tick=False):
        yield


def expected() -> set[tuple[int, int, int, str, date]]:
    """The rows worked out in Python from the results and trajectories, independently of the SQL that derives."""
    firsts: dict[tuple[int, int, int, str], date] = {}
    for result in Result.objects.select_related("trajectory"):
        t = result.trajectory
        if t.start_date is None:
            continue
        key = (t.participant_id, t.route_id, t.municipality_id, result.type)
        counts_from = max(result.start_date, t.start_date)
        firsts[key] = min(firsts.get(key, counts_from), counts_from)
    return {(*key, first) for key, first in firsts.items()}


def derived() -> set[tuple[int, int, int, str, date]]:
    return set(ResultDate.objects.values_list("participant_id", "route_id", "municipality_id", "type", "counts_from"))


def test_recording_correcting_and_confirming_results_keep_the_dates_current():
    actor = professional()
    trajectory = TrajectoryFactory(registered_on=date(2024, 2, 1), start_date=date(2024, 3, 1))
    work = casefile.result_record(actor=actor, trajectory=trajectory, type="arbeid", start_date=date(2024, 2, 15))
    assert (
        derived()
        == expected()
        == {(trajectory.participant_id, trajectory.route_id, trajectory.municipality_id, "arbeid", date(2024, 3, 1))}
    )
    casefile.result_update(
        actor=actor, result=work, expected_version=work.version, start_date=date(2024, 6, 1), end_date=None, note=""
    )
    assert derived() == expected()
    assert ResultDate.objects.get().counts_from == date(2024, 6, 1)
    proposal = ResultProposal.objects.create(
        trajectory=trajectory, type="wajong", start_date=date(2024, 9, 1), status=ProposalStatus.OPEN
    )
    casefile.result_proposal_confirm(actor=actor, proposal=proposal, expected_version=proposal.version)
    assert derived() == expected()
    assert set(ResultDate.objects.values_list("type", flat=True)) == {"arbeid", "wajong"}


def test_a_result_counts_from_the_day_its_trajectory_starts():
    actor = professional()
    trajectory = TrajectoryFactory(registered_on=date(2024, 2, 1), start_date=None, status=Status.INTAKE)
    casefile.result_record(actor=actor, trajectory=trajectory, type="entree", start_date=date(2024, 2, 10))
    assert not ResultDate.objects.exists()  # a trajectory that has not started counts no results
    trajectory_change_status(
        actor=actor, trajectory=trajectory, to_status=Status.ACTIVE, effective_date=date(2024, 4, 1), reason="",
        expected_version=trajectory.version,
    )  # fmt: skip
    assert derived() == expected()
    assert ResultDate.objects.get().counts_from == date(2024, 4, 1)
    assert council_table(peildatum=date(2024, 3, 31)).value("entree") == 0
    assert council_table(peildatum=date(2024, 4, 1)).value("entree") == 1


def test_the_register_import_keeps_the_dates_current_when_it_adds_and_corrects(tmp_path):
    register = base_register()
    register_import_path(actor=professional(), path=write_csv_folder(tmp_path / "one", register))
    assert len(derived()) == 3
    assert derived() == expected()
    # The register corrects a start date: the result on that trajectory now counts from the later start.
    register["trajectories"][2][5] = "2024-04-01"
    register["results"].append(["T3", "wajong", "2024-07-01", "", ""])
    register_import_path(actor=professional(), path=write_csv_folder(tmp_path / "two", register))
    assert derived() == expected()
    t2 = Trajectory.objects.get(source_ref="T2")
    assert ResultDate.objects.get(participant_id=t2.participant_id, type="stage_maatwerk").counts_from == date(
        2024, 4, 1
    )


def test_a_participant_counts_once_from_the_earliest_date_across_municipalities_and_trajectories():
    participant = ParticipantFactory()
    first = TrajectoryFactory(
        participant=participant, municipality=municipality("GM0014"), registered_on=date(2023, 1, 1),
        start_date=date(2023, 2, 1), end_date=date(2023, 12, 1), status=Status.CLOSED,
    )  # fmt: skip
    second = TrajectoryFactory(
        participant=participant, municipality=municipality("GM1966"), registered_on=date(2024, 1, 1),
        start_date=date(2024, 2, 1),
    )  # fmt: skip
    recorded_result(second, "arbeid", date(2024, 3, 1))
    recorded_result(first, "arbeid", date(2023, 6, 1))
    recorded_result(first, "arbeid", date(2023, 8, 1))
    assert len(derived()) == 2  # one row per municipality
    on_dates = [date(2023, 5, 31), date(2023, 6, 1), date(2024, 12, 31)]
    assert [t.value("arbeid") for t in council_tables(peildata=on_dates)] == [0, 1, 1]
    assert [council_table(peildatum=p).value("arbeid") for p in on_dates] == [0, 1, 1]
    groningen = Scope.of(municipality_codes=["GM1966"])
    assert council_table(peildatum=date(2024, 2, 29), scope=groningen).value("arbeid") == 0
    assert council_table(peildatum=date(2024, 3, 1), scope=groningen).value("arbeid") == 1
    breakdown = council_table_breakdown(peildatum=date(2024, 12, 31))
    arbeid = next(values for row, values in breakdown.rows if row.code == "arbeid")
    assert sorted(arbeid) == [1, 1]  # counted in each municipality, once in the whole table above
    other_route = TrajectoryFactory(
        participant=participant, route=route("ROUTE_ARBEID"), registered_on=date(2023, 1, 1),
        start_date=date(2023, 1, 2),
    )  # fmt: skip
    recorded_result(other_route, "arbeid", date(2023, 1, 2))
    assert council_table(peildatum=date(2023, 5, 31)).value("arbeid") == 0  # another route's result counts there


def test_refresh_and_rebuild_take_a_fixed_number_of_statements():
    trajectories = [TrajectoryFactory() for _ in range(3)]
    for t in trajectories:
        Result.objects.create(trajectory=t, type="arbeid", start_date=date(2024, 5, 1))  # bypassing the services
    assert not ResultDate.objects.exists()
    with CaptureQueriesContext(connection) as queries:
        result_dates_refresh(trajectory_ids=[t.pk for t in trajectories])
    assert derived() == expected()
    assert len([q for q in queries.captured_queries if not q["sql"].startswith(("SAVEPOINT", "RELEASE"))]) == 3
    ResultDate.objects.all().delete()
    result_dates_rebuild()
    assert derived() == expected()


def test_the_migration_fills_the_dates_of_results_recorded_before_it():
    for t in [TrajectoryFactory() for _ in range(2)]:
        Result.objects.create(trajectory=t, type="stage_maatwerk", start_date=date(2024, 5, 1))
    Result.objects.create(trajectory=TrajectoryFactory(start_date=None), type="entree", start_date=date(2024, 5, 1))
    migration = __import__("routeplus.monitor.migrations.0002_result_dates", fromlist=["fill"])
    migration.fill(apps, None)
    assert len(derived()) == 2
    assert derived() == expected()


def test_the_command_checks_without_changing_and_rebuilds(capsys):
    trajectory = TrajectoryFactory()
    Result.objects.create(trajectory=trajectory, type="arbeid", start_date=date(2024, 5, 1))  # bypassing the services
    with pytest.raises(CommandError, match="1 were missing, 0 were out of date"):
        call_command("result_dates", "--check")
    assert not ResultDate.objects.exists()
    call_command("result_dates")
    assert "Rebuilt: 1 result dates; 1 were missing" in capsys.readouterr().out
    assert derived() == expected()
    call_command("result_dates", "--check")
    assert "1 result dates; 0 were missing, 0 were out of date." in capsys.readouterr().out
