"""Importing the existing register: all or nothing, every problem placed, idempotent, updates in place."""

import copy
import re
from datetime import date
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from routeplus.accounts.models import Organisation
from routeplus.audit.models import ChangeLogEntry
from routeplus.casefile.models import Result
from routeplus.monitor.register import RegisterImportError, register_import_path
from routeplus.monitor.tests.registers import base_register, write_csv_folder, write_xlsx
from routeplus.participants.models import Participant
from routeplus.testing.factories import ParticipantFactory, TrajectoryFactory, professional
from routeplus.trajectories.models import Status, StatusChange, Trajectory

pytestmark = pytest.mark.django_db


def counts() -> tuple[int, int, int, int]:
    return (
        Participant.objects.count(),
        Trajectory.objects.count(),
        Result.objects.count(),
        ChangeLogEntry.objects.count(),
    )


def run(path, *args: str) -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    call_command("import_register", str(path), *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_csv_folder_with_semicolons_imports_everything_as_written(tmp_path):
    folder = write_csv_folder(tmp_path / "reg", base_register(), delimiter=";")
    out, _err = run(folder)
    assert "3 created" in out
    bram = Participant.objects.get(source_ref="R2")
    assert (bram.given_name, bram.family_name, bram.birth_date) == ("=Bram", "Ångström", date(2005, 11, 21))
    assert bram.municipality.cbs_code == "GM0014"
    assert bram.school.name == "VSO Noord"
    assert Participant.objects.get(source_ref="R3").family_name == "李"
    assert Organisation.objects.filter(name="Praktijkschool Oost", kind="school", school_type="PRO").exists()
    t1, t2, t3 = (Trajectory.objects.get(source_ref=r) for r in ("T1", "T2", "T3"))
    assert (t1.status, t1.end_date, t1.end_reason) == (Status.CLOSED, date(2023, 10, 1), "uitval: niet bereikbaar")
    assert (t2.status, t2.start_date) == (Status.ACTIVE, date(2024, 2, 1))
    assert (t3.status, t3.start_date, t3.registered_on) == (Status.REGISTERED, None, date(2024, 6, 15))
    assert list(StatusChange.objects.filter(trajectory=t1).values_list("to_status", flat=True)) == [
        "registered",
        "active",
        "closed",
    ]
    assert Result.objects.get(trajectory=t2).note == "bij de bakker"
    assert ChangeLogEntry.objects.filter(object_type="participants.participant", action="create").count() == 3


def test_xlsx_with_dutch_sheet_names_and_real_dates(tmp_path):
    register = base_register()
    register["participants"][1][3] = date(2006, 3, 14)  # a real spreadsheet date
    register["trajectories"][1][4] = date(2023, 1, 10)
    path = write_xlsx(
        tmp_path / "register.xlsx",
        register,
        names={"participants": "deelnemers", "trajectories": "trajecten", "results": "resultaten"},
    )
    run(path)
    assert Participant.objects.get(source_ref="R1").birth_date == date(2006, 3, 14)
    assert Trajectory.objects.get(source_ref="T1").registered_on == date(2023, 1, 10)
    assert Result.objects.count() == 3


def test_reimporting_the_same_register_changes_nothing(tmp_path):
    folder = write_csv_folder(tmp_path / "reg", base_register())
    run(folder)
    before = counts()
    snapshot = list(Trajectory.objects.values_list("source_ref", "status", "version", "updated_at"))
    out, _err = run(folder)
    assert counts() == before
    assert list(Trajectory.objects.values_list("source_ref", "status", "version", "updated_at")) == snapshot
    assert "Nothing to change" in out


def test_a_corrected_register_updates_in_place(tmp_path):
    run(write_csv_folder(tmp_path / "first", base_register()))
    corrected = copy.deepcopy(base_register())
    corrected["participants"][1][2] = "de Boer-Smit"
    corrected["trajectories"][2][6] = "2024-09-30"  # T2 ended after all
    corrected["trajectories"][2][7] = "verhuisd"
    corrected["results"][2][4] = "bij de bakker, verlengd"
    corrected["results"].append(["T3", "wajong", "2024-10-01", "", ""])
    corrected["trajectories"][3][5] = "2024-09-01"  # T3 started
    before = counts()
    run(write_csv_folder(tmp_path / "second", corrected))
    assert Participant.objects.count() == before[0]
    assert Trajectory.objects.count() == before[1]
    assert Participant.objects.get(source_ref="R1").family_name == "de Boer-Smit"
    t2 = Trajectory.objects.get(source_ref="T2")
    assert (t2.status, t2.end_date, t2.end_reason, t2.version) == (Status.CLOSED, date(2024, 9, 30), "verhuisd", 2)
    assert StatusChange.objects.filter(trajectory=t2, from_status="active", to_status="closed").exists()
    assert Trajectory.objects.get(source_ref="T3").status == Status.ACTIVE
    assert Result.objects.get(trajectory=t2).note == "bij de bakker, verlengd"
    assert Result.objects.filter(trajectory__source_ref="T3", type="wajong").exists()


def test_dry_run_writes_nothing_and_reports(tmp_path):
    before = counts()
    out, _err = run(write_csv_folder(tmp_path / "reg", base_register()), "--dry-run")
    assert counts() == before
    assert "Dry run" in out
    assert "3 would be created" in out


def test_the_actor_is_named_in_the_history(tmp_path):
    admin = professional("functional_admin", email="beheer@example.nl")
    run(write_csv_folder(tmp_path / "reg", base_register()), "--actor", "beheer@example.nl")
    assert set(StatusChange.objects.values_list("changed_by", flat=True)) == {admin.pk}
    with pytest.raises(CommandError, match="No active user"):
        run(write_csv_folder(tmp_path / "reg2", base_register()), "--actor", "nobody@example.nl")


def broken(edit) -> dict:
    register = copy.deepcopy(base_register())
    edit(register)
    return register


BAD_REGISTERS = {
    "missing column": (
        lambda r: [row.pop(3) for row in r["participants"]],
        ("participants.csv", 1, "birth_date", "ontbreekt"),
    ),
    "unknown column": (
        lambda r: [row.append("x") for row in r["results"]] and r["results"][0].__setitem__(-1, "colour"),
        ("results.csv", 1, "colour", "Onbekende kolom"),
    ),
    "unknown route code": (
        lambda r: r["trajectories"][3].__setitem__(2, "RA_MINUS"),
        ("trajectories.csv", 4, "route", "onbekend"),
    ),
    "unknown municipality": (
        lambda r: r["participants"][2].__setitem__(7, "GM9999"),
        ("participants.csv", 3, "municipality", "onbekend"),
    ),
    "unknown result type": (
        lambda r: r["results"][1].__setitem__(1, "gewerkt"),
        ("results.csv", 2, "type", "onbekend"),
    ),
    "unknown participant id": (
        lambda r: r["trajectories"][4].__setitem__(1, "R9"),
        ("trajectories.csv", 5, "participant_id", "staat niet in de deelnemers"),
    ),
    "unknown trajectory id": (
        lambda r: r["results"][3].__setitem__(0, "T9"),
        ("results.csv", 4, "trajectory_id", "staat niet in de trajecten"),
    ),
    "duplicate participant id": (
        lambda r: r["participants"][3].__setitem__(0, "R1"),
        ("participants.csv", 4, "participant_id", "ook al in rij 2"),
    ),
    "duplicate trajectory id": (
        lambda r: r["trajectories"][4].__setitem__(0, "T1"),
        ("trajectories.csv", 5, "trajectory_id", "ook al in rij 2"),
    ),
    "impossible date": (
        lambda r: r["participants"][1].__setitem__(3, "31-02-2006"),
        ("participants.csv", 2, "birth_date", "bestaat niet"),
    ),
    "unreadable date": (
        lambda r: r["trajectories"][2].__setitem__(4, "januari 2024"),
        ("trajectories.csv", 3, "registered_on", "geen datum"),
    ),
    "end before start": (
        lambda r: r["trajectories"][1].__setitem__(6, "2023-01-20"),
        ("trajectories.csv", 2, "end_date", "vóór de startdatum"),
    ),
    "start before registration": (
        lambda r: r["trajectories"][2].__setitem__(5, "2023-12-01"),
        ("trajectories.csv", 3, "start_date", "vóór de aanmelddatum"),
    ),
    "result ends before it starts": (
        lambda r: r["results"][2].__setitem__(3, "2024-01-01"),
        ("results.csv", 3, "end_date", "vóór de begindatum"),
    ),
    "second open trajectory in one route": (
        lambda r: r["trajectories"][1].__setitem__(6, "") or r["trajectories"][1].__setitem__(7, ""),
        ("trajectories.csv", 3, "end_date", "al een open traject (rij 2)"),
    ),
    "invalid bsn": (
        lambda r: r["participants"][2].__setitem__(8, "123456789"),
        ("participants.csv", 3, "bsn", "geen geldig BSN"),
    ),
    "empty required field": (
        lambda r: r["participants"][1].__setitem__(1, ""),
        ("participants.csv", 2, "given_name", "leeg"),
    ),
}


@pytest.mark.parametrize("case", BAD_REGISTERS, ids=list(BAD_REGISTERS))
def test_a_bad_register_is_refused_whole_with_the_place_of_every_problem(tmp_path, case):
    edit, (source, row, column, message) = BAD_REGISTERS[case]
    folder = write_csv_folder(tmp_path / "reg", broken(edit))
    before = counts()
    with pytest.raises(CommandError, match="Nothing was written"):
        run(folder)
    assert counts() == before
    with pytest.raises(RegisterImportError) as caught:
        register_import_path(actor=professional(), path=folder)
    places = [(p.source, p.row, p.column) for p in caught.value.problems]
    assert (source, row, column) in places, caught.value.problems
    assert any(
        message in p.message for p in caught.value.problems if (p.source, p.row, p.column) == (source, row, column)
    )


def test_every_problem_is_listed_not_only_the_first(tmp_path):
    def edit(r):
        r["participants"][1][3] = "2006-13-01"
        r["trajectories"][2][2] = "NOPE"
        r["results"][1][1] = "nope"

    err = StringIO()
    with pytest.raises(CommandError):
        call_command(
            "import_register", str(write_csv_folder(tmp_path / "r", broken(edit))), stderr=err, stdout=StringIO()
        )
    lines = err.getvalue().splitlines()
    assert any(line.startswith("participants.csv, rij 2, kolom birth_date") for line in lines)
    assert any(line.startswith("trajectories.csv, rij 3, kolom route") for line in lines)
    assert any(line.startswith("results.csv, rij 2, kolom type") for line in lines)


def test_a_second_open_trajectory_against_routeplus_is_refused(tmp_path):
    run(write_csv_folder(tmp_path / "first", base_register()))
    # someone registers R2 again in routeplus itself (a trajectory without a register id), then the register
    # brings a different open one for the same route
    r2 = Participant.objects.get(source_ref="R2")
    Trajectory.objects.filter(source_ref="T3").update(status=Status.CLOSED, end_date=date(2024, 7, 1))
    TrajectoryFactory(participant=r2, registered_on=date(2024, 8, 1), start_date=None, status=Status.REGISTERED)
    register = base_register()
    with pytest.raises(RegisterImportError) as caught:
        register_import_path(actor=professional(), path=write_csv_folder(tmp_path / "second", register))
    assert [(p.row, p.column) for p in caught.value.problems] == [(4, "end_date")]


def test_a_bsn_of_someone_else_in_routeplus_is_refused_and_the_same_persons_bsn_is_not(tmp_path):
    ParticipantFactory(bsn="111222333", source_ref="ELSEWHERE-7")  # R2's BSN, on another young person
    before = counts()
    with pytest.raises(RegisterImportError) as caught:
        register_import_path(actor=professional(), path=write_csv_folder(tmp_path / "first", base_register()))
    assert [(p.source, p.row, p.column) for p in caught.value.problems] == [("participants.csv", 3, "bsn")]
    assert counts() == before
    Participant.objects.filter(source_ref="ELSEWHERE-7").update(source_ref="R2")  # the same person after all
    register_import_path(actor=professional(), path=write_csv_folder(tmp_path / "second", base_register()))
    assert Participant.objects.get(bsn="111222333").source_ref == "R2"


def test_missing_sheet_or_file_and_wrong_kind_of_file(tmp_path):
    register = base_register()
    del register["results"]
    with pytest.raises(RegisterImportError, match=r"results\.csv ontbreekt"):
        register_import_path(actor=professional(), path=write_csv_folder(tmp_path / "reg", register))
    with pytest.raises(RegisterImportError, match="Tabblad results ontbreekt"):
        register_import_path(actor=professional(), path=write_xlsx(tmp_path / "r.xlsx", register))
    (tmp_path / "r.txt").write_text("x")
    with pytest.raises(RegisterImportError, match="xlsx"):
        register_import_path(actor=professional(), path=tmp_path / "r.txt")
    (tmp_path / "bad.xlsx").write_bytes(b"not a zip")
    with pytest.raises(RegisterImportError, match="geen leesbaar Excel"):
        register_import_path(actor=professional(), path=tmp_path / "bad.xlsx")


def test_large_register_path_matches_on_ids_the_same_way(tmp_path, monkeypatch):
    """Register ids are looked up in IN lists of IN_LIMIT ids (SQLite) or in one `= ANY(array)` (PostgreSQL,
    whatever the number). With IN_LIMIT=1 every id on SQLite is a query of its own; either way the records are
    matched on their ids exactly as in one go, and records of another register stay untouched."""
    monkeypatch.setattr("routeplus.monitor.register.IN_LIMIT", 1)
    TrajectoryFactory(source_ref="OTHER-1")  # a record from another register must stay untouched
    run(write_csv_folder(tmp_path / "first", base_register()))
    before = counts()
    with CaptureQueriesContext(connection) as queries:
        out, _err = run(write_csv_folder(tmp_path / "again", base_register()))
    assert counts() == before
    assert "Nothing to change" in out
    by_id = [q["sql"] for q in queries if '"source_ref" IN (' in q["sql"] or '"source_ref" = ANY(' in q["sql"]]
    if connection.vendor == "postgresql":
        assert by_id and all("= ANY(" in sql for sql in by_id)
    else:  # one query per id: three participants and four trajectories are looked up more than once
        assert sum(bool(re.search(r"\"source_ref\" IN \('[^',]*'\)", sql)) for sql in by_id) >= 7, by_id
    corrected = base_register()
    corrected["trajectories"][2][6] = "2024-09-30"
    run(write_csv_folder(tmp_path / "corrected", corrected))
    assert Trajectory.objects.get(source_ref="T2").status == Status.CLOSED
    assert Trajectory.objects.get(source_ref="OTHER-1").status == Status.ACTIVE


def test_tabular_dates_and_neutralising():
    from routeplus.monitor.tabular import DateError, neutralise, parse_date

    assert parse_date("2024-02-29") == date(2024, 2, 29)
    assert parse_date("29-02-2024") == date(2024, 2, 29)
    assert parse_date("1-2-2024") == date(2024, 2, 1)
    assert parse_date(" ") is None
    for bad in ("2023-02-29", "31-04-2024", "2024/01/01", "gisteren"):
        with pytest.raises(DateError):
            parse_date(bad)
    assert [neutralise(v) for v in ("=SUM(A1)", "+31", "-5", "@x", "Anna", 5)] == [
        "'=SUM(A1)",
        "'+31",
        "'-5",
        "'@x",
        "Anna",
        5,
    ]


def test_change_log_of_an_import_keeps_old_and_new_values_with_dates_as_iso_text(tmp_path):
    run(write_csv_folder(tmp_path / "reg", base_register()))
    bram = Participant.objects.get(source_ref="R2")
    created = ChangeLogEntry.objects.get(object_type="participants.participant", object_ref=str(bram.uuid))
    assert created.changes["birth_date"] == [None, "2005-11-21"]
    assert created.changes["given_name"] == [None, "=Bram"]
    t1 = Trajectory.objects.get(source_ref="T1")
    entry = ChangeLogEntry.objects.get(object_type="trajectories.trajectory", object_ref=str(t1.uuid))
    assert entry.changes["end_date"] == [None, "2023-10-01"]
    assert entry.changes["status"] == [None, "closed"]
    assert len({bram.uuid, t1.uuid, *Participant.objects.values_list("uuid", flat=True)}) == 4


def test_the_change_log_holds_one_create_entry_per_created_record_with_every_field(tmp_path):
    actor = professional("functional_admin", email="beheer@example.nl")
    run(write_csv_folder(tmp_path / "reg", base_register()), "--actor", "beheer@example.nl")
    created = list(ChangeLogEntry.objects.filter(action="create"))
    entries = {(e.object_type, e.object_ref): e for e in created}
    assert len(entries) == len(created)
    assert {ref for kind, ref in entries if kind == "participants.participant"} == {
        str(u) for u in Participant.objects.values_list("uuid", flat=True)
    }
    assert {ref for kind, ref in entries if kind == "trajectories.trajectory"} == {
        str(u) for u in Trajectory.objects.values_list("uuid", flat=True)
    }
    assert {ref for kind, ref in entries if kind == "casefile.result"} == {
        str(pk) for pk in Result.objects.values_list("pk", flat=True)
    }
    assert {e.actor_id for e in created} == {actor.pk}

    bram = Participant.objects.get(source_ref="R2")
    entry = entries[("participants.participant", str(bram.uuid))]
    assert (entry.participant_ref, entry.changes) == (
        str(bram.uuid),
        {
            "given_name": [None, "=Bram"],
            "family_name": [None, "Ångström"],
            "birth_date": [None, "2005-11-21"],
            "bsn": [None, "111222333"],
            "school_id": [None, bram.school_id],
            "school_type": [None, "VSO"],
            "outflow_profile": [None, "dagbesteding"],
            "municipality_id": [None, bram.municipality_id],
        },
    )
    t3 = Trajectory.objects.get(source_ref="T3")
    entry = entries[("trajectories.trajectory", str(t3.uuid))]
    assert (entry.participant_ref, entry.changes) == (
        str(bram.uuid),
        {
            "participant_id": [None, bram.pk],
            "route_id": [None, t3.route_id],
            "municipality_id": [None, t3.municipality_id],
            "registered_on": [None, "2024-06-15"],
            "start_date": [None, None],
            "end_date": [None, None],
            "end_reason": [None, ""],
            "status": [None, "registered"],
        },
    )
    result = Result.objects.get(trajectory__source_ref="T2")
    entry = entries[("casefile.result", str(result.pk))]
    assert (entry.participant_ref, entry.changes) == (
        str(Participant.objects.get(source_ref="R1").uuid),
        {"type": [None, "stage_maatwerk"], "start_date": [None, "2024-03-01"], "end_date": [None, "2024-08-31"]},
    )


def test_created_trajectories_get_their_status_history_in_order_by_the_actor(tmp_path):
    actor = professional("functional_admin", email="beheer@example.nl")
    run(write_csv_folder(tmp_path / "reg", base_register()), "--actor", "beheer@example.nl")
    history = {
        ref: list(
            StatusChange.objects.filter(trajectory__source_ref=ref).values_list(
                "from_status", "to_status", "effective_date", "changed_by", "reason"
            )
        )
        for ref in ("T1", "T2", "T3")
    }
    why = "Overgenomen uit het register"
    assert history == {
        "T1": [
            ("", "registered", date(2023, 1, 10), actor.pk, why),
            ("registered", "active", date(2023, 2, 1), actor.pk, why),
            ("active", "closed", date(2023, 10, 1), actor.pk, why),
        ],
        "T2": [
            ("", "registered", date(2024, 1, 5), actor.pk, why),
            ("registered", "active", date(2024, 2, 1), actor.pk, why),
        ],
        "T3": [("", "registered", date(2024, 6, 15), actor.pk, why)],
    }


def test_the_import_sorts_in_memory_on_postgresql(tmp_path):
    """The import's INSERT ... SELECT statements sort tens of thousands of new rows; PostgreSQL gets the memory
    for that in the import's own transaction (SET LOCAL), and other databases are asked nothing."""
    folder = write_csv_folder(tmp_path, base_register())
    with CaptureQueriesContext(connection) as queries:
        register_import_path(actor=professional(), path=folder)
    asked = [q["sql"] for q in queries if "work_mem" in q["sql"]]
    if connection.vendor != "postgresql":
        assert asked == []
        return
    assert asked == ["SET LOCAL work_mem = '64MB'"]
    with connection.cursor() as cursor:  # still the test's transaction, so still in force
        cursor.execute("SHOW work_mem")
        assert cursor.fetchone() == ("64MB",)


def test_results_are_looked_up_only_for_trajectories_that_existed_before(tmp_path):
    """A trajectory new in this register has no results yet, so checking a register of new people reads no
    results at all (at national scale that lookup cost a quarter of a second); a register that corrects known
    trajectories still finds their results to compare."""
    with CaptureQueriesContext(connection) as queries:
        run(write_csv_folder(tmp_path / "new", base_register()), "--dry-run")
    assert not [q["sql"] for q in queries if 'FROM "casefile_result"' in q["sql"]]
    run(write_csv_folder(tmp_path / "first", base_register()))
    corrected = copy.deepcopy(base_register())
    corrected["results"][2][4] = "bij de bakker, verlengd"
    out, _err = run(write_csv_folder(tmp_path / "corrected", corrected), "--dry-run")
    assert "1 would be updated" in out


def test_new_ids_are_selected_by_their_range_when_nothing_came_in_between():
    """The records just written are read back by their ids: a range alone when the sequence gave them one after
    another (PostgreSQL then reads that range through the primary key), the list too when another writer took a
    number in between, so a record that is not the import's own is never selected."""
    from routeplus.monitor.register import _id_condition

    assert _id_condition("o.id", [7, 5, 6]) == ("o.id BETWEEN %s AND %s", [5, 7])
    with_gap = _id_condition("o.id", [5, 7])
    assert with_gap == ("o.id BETWEEN %s AND %s AND o.id = ANY(%s::bigint[])", [5, 7, "{5,7}"])


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the condition is PostgreSQL's import path only")
def test_an_id_condition_with_a_gap_selects_only_the_imports_own_records():
    from routeplus.monitor.register import _id_condition

    first, between, last = (ParticipantFactory().pk for _ in range(3))
    with connection.cursor() as cursor:
        for ids in ([first, last], [first, between, last]):
            condition, params = _id_condition("o.id", ids)
            cursor.execute(f"SELECT o.id FROM participants_participant o WHERE {condition} ORDER BY o.id", params)  # noqa: S608  # nosec B608
            assert [pk for (pk,) in cursor.fetchall()] == ids
