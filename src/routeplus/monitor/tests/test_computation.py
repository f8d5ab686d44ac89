"""The council table's definitions and their edges, on small registers built by hand."""

from datetime import date

import pytest

from routeplus.monitor.definitions import PUBLISHED_CODES
from routeplus.monitor.selectors import (
    Scope,
    council_table,
    council_table_breakdown,
    council_trend,
    outcome_flows,
    time_to_first_result,
)
from routeplus.monitor.tests.results import recorded_result
from routeplus.testing.factories import ParticipantFactory, SchoolFactory, TrajectoryFactory, municipality, route
from routeplus.trajectories.models import Status

pytestmark = pytest.mark.django_db
P = date(2024, 12, 31)


def traj(registered, start=None, end=None, **fields):
    status = Status.CLOSED if end else Status.ACTIVE if start else Status.WAITING
    return TrajectoryFactory(registered_on=registered, start_date=start, end_date=end, status=status, **fields)


def result(trajectory, kind, on, **fields):
    return recorded_result(trajectory, kind, on, **fields)


def value(code, peildatum=P, scope=None):
    return council_table(peildatum=peildatum, scope=scope).value(code)


def test_rows_come_in_the_order_of_the_published_table():
    assert [r.code for r in council_table(peildatum=P).rows] == list(PUBLISHED_CODES)
    assert PUBLISHED_CODES[0] == "deelnemers_actueel"
    assert PUBLISHED_CODES[-1] == "nieuw_gestart"


def test_a_trajectory_ending_on_the_reference_date_no_longer_counts():
    traj(date(2024, 1, 1), date(2024, 2, 1), end=P)
    traj(date(2024, 1, 1), date(2024, 2, 1), end=date(2025, 1, 1))
    assert value("deelnemers_actueel") == 1
    assert value("deelnemers_actueel", date(2024, 12, 30)) == 2


def test_waiting_list_counts_as_in_view_but_not_as_started():
    traj(date(2024, 6, 1))  # never started, still waiting
    traj(date(2025, 1, 2))  # registered after the reference date
    table = council_table(peildatum=P)
    assert table.value("deelnemers_actueel") == 1
    assert table.value("nieuw_gestart") == 0
    assert table.value("extra_wachtend") == 1
    assert table.value("extra_actief") == 0


def test_registered_on_the_reference_date_counts():
    traj(P)
    assert value("deelnemers_actueel") == 1


def test_results_after_the_reference_date_do_not_count_and_results_on_it_do():
    t = traj(date(2024, 1, 1), date(2024, 2, 1))
    result(t, "arbeid", P)
    result(t, "wajong", date(2025, 1, 1))
    assert value("arbeid") == 1
    assert value("wajong") == 0
    assert value("wajong", date(2025, 1, 1)) == 1


def test_results_need_a_trajectory_started_on_or_before_the_reference_date():
    not_started = traj(date(2024, 6, 1))  # a result while still on the waiting list: not counted
    result(not_started, "stage_maatwerk", date(2024, 7, 1))
    later = traj(date(2024, 6, 1), date(2025, 1, 15))
    result(later, "entree", date(2024, 11, 1))
    assert value("stage_maatwerk") == 0
    assert value("entree") == 0
    assert value("entree", date(2025, 1, 15)) == 1


def test_results_are_cumulative_after_the_trajectory_closed():
    t = traj(date(2022, 1, 1), date(2022, 2, 1), end=date(2023, 3, 1))
    result(t, "dagbesteding", date(2023, 2, 1))
    assert value("dagbesteding") == 1
    assert value("deelnemers_actueel") == 0


def test_several_results_of_one_type_count_once_and_types_overlap():
    t = traj(date(2024, 1, 1), date(2024, 1, 15))
    result(t, "stage_maatwerk", date(2024, 2, 1))
    result(t, "stage_maatwerk", date(2024, 6, 1))
    result(t, "heeft_gewerkt", date(2024, 7, 1))
    table = council_table(peildatum=P)
    assert table.value("stage_maatwerk") == 1
    assert table.value("heeft_gewerkt") == 1
    assert table.value("deelnemers_actueel") == 1


def test_reentry_after_an_ended_trajectory_counts_the_person_once_and_both_starts():
    person = ParticipantFactory()
    first = traj(date(2024, 1, 1), date(2024, 1, 10), end=date(2024, 4, 1), participant=person)
    second = traj(date(2024, 5, 1), date(2024, 6, 1), participant=person)
    result(first, "uitval", date(2024, 3, 1))
    result(second, "uitval", date(2024, 9, 1))
    table = council_table(peildatum=P)
    assert table.value("deelnemers_actueel") == 1
    assert table.value("uitval") == 1
    assert table.value("nieuw_gestart") == 2


def test_participants_in_two_routes_count_only_in_the_route_asked_for():
    person = ParticipantFactory()
    traj(date(2024, 1, 1), date(2024, 2, 1), participant=person)
    other = traj(date(2024, 3, 1), date(2024, 4, 1), participant=person, route=route("ROUTE_ARBEID"))
    result(other, "arbeid", date(2024, 5, 1))
    assert value("deelnemers_actueel") == 1
    assert value("arbeid") == 0
    arbeid = Scope.of("ROUTE_ARBEID")
    assert value("arbeid", scope=arbeid) == 1
    assert value("deelnemers_actueel", scope=arbeid) == 1


def test_municipality_filter_uses_the_responsible_municipality_of_the_trajectory():
    # the participant lives in Groningen, but Het Hogeland is responsible for the trajectory
    hogeland = traj(date(2024, 1, 1), date(2024, 2, 1), municipality=municipality("GM1966"))
    result(hogeland, "wajong", date(2024, 3, 1))
    traj(date(2024, 1, 1), date(2024, 2, 1))
    assert value("deelnemers_actueel") == 2
    assert value("deelnemers_actueel", scope=Scope.of(municipality_codes=["GM1966"])) == 1
    assert value("wajong", scope=Scope.of(municipality_codes=["GM0014"])) == 0
    assert value("deelnemers_actueel", scope=Scope.of(municipality_codes=["GM0014", "GM1966"])) == 2


def test_new_starts_include_1_january_and_exclude_the_day_before():
    traj(date(2023, 12, 1), date(2024, 1, 1))
    traj(date(2023, 12, 1), date(2023, 12, 31))
    traj(date(2024, 12, 1), P)
    traj(date(2024, 12, 1), date(2025, 1, 1))
    assert value("nieuw_gestart") == 2
    assert value("nieuw_gestart", date(2023, 12, 31)) == 1


def test_the_query_count_does_not_grow_with_the_data(django_assert_num_queries):
    for n in range(3):
        t = traj(date(2024, 1, 1), date(2024, 2, 1))
        result(t, "arbeid", date(2024, 3, n + 1))
    with django_assert_num_queries(2):
        council_table(peildatum=P)
    for n in range(20):
        t = traj(date(2024, 1, 1), date(2024, 2, 1))
        result(t, "entree", date(2024, 3, n + 1))
    with django_assert_num_queries(2):
        council_table(peildatum=P)
    with django_assert_num_queries(2):
        council_table_breakdown(peildatum=P, by="school")


def test_breakdowns_by_municipality_and_school_add_up_for_participants():
    school = SchoolFactory(name="VSO De Brug")
    traj(date(2024, 1, 1), date(2024, 2, 1), participant__school=school)
    traj(date(2024, 1, 1), date(2024, 2, 1), municipality=municipality("GM1969"), participant__school=school)
    traj(date(2024, 1, 1), date(2024, 2, 1), participant__school=None)
    by_school = council_table_breakdown(peildatum=P, by="school")
    assert by_school.groups == ("VSO De Brug", "Geen school bekend")
    first_row, values = by_school.rows[0]
    assert first_row.code == "deelnemers_actueel"
    assert values == (2, 1)
    by_municipality = council_table_breakdown(peildatum=P, by="municipality")
    assert dict(zip(by_municipality.groups, by_municipality.rows[0][1], strict=True)) == {
        "Groningen": 2,
        "Westerkwartier": 1,
    }


def test_trend_flows_and_time_to_first_result():
    t = traj(date(2022, 3, 1), date(2022, 4, 1))
    result(t, "stage_maatwerk", date(2022, 8, 1))  # about 4 months after the start
    traj(date(2023, 3, 1), date(2023, 4, 1), route=route("ROUTE_ENTREE"))
    trend = council_trend(today=date(2024, 6, 30))
    assert [x.peildatum for x in trend] == [date(2022, 12, 31), date(2023, 12, 31), date(2024, 6, 30)]
    assert [x.value("stage_maatwerk") for x in trend] == [1, 1, 1]
    flows = outcome_flows(peildatum=P)
    assert ("Dagbesteding", "Route Arbeid+", 1) in [(f.source, f.target, f.value) for f in flows]
    assert ("Route Arbeid+", "Stage maatwerk", 1) in [(f.source, f.target, f.value) for f in flows]
    assert ("Route Entree", "Nog geen resultaat", 1) in [(f.source, f.target, f.value) for f in flows]
    timing = time_to_first_result(peildatum=P)
    assert dict(timing.buckets)["3 tot 6 maanden"] == 1
    assert timing.without_result == 0
    assert timing.median_months is not None
    assert 3 < timing.median_months < 5


def test_a_flow_ends_in_the_latest_result_on_the_reference_date():
    both = traj(date(2023, 3, 1), date(2023, 4, 1))
    result(both, "stage_maatwerk", date(2023, 8, 1))
    result(both, "arbeid", date(2024, 5, 1))  # the latest on P
    result(both, "wajong", date(2025, 2, 1))  # after P: not yet
    later_only = traj(date(2024, 3, 1), date(2024, 4, 1))
    result(later_only, "arbeid", date(2025, 1, 15))
    traj(date(2025, 1, 10), date(2025, 2, 1))  # registered after P: not in the flows
    elsewhere = traj(date(2023, 3, 1), date(2023, 4, 1), municipality=municipality("GM0037"))
    result(elsewhere, "entree", date(2024, 1, 1))

    second = {(f.source, f.target): f.value for f in outcome_flows(peildatum=P) if f.stage == 1}
    assert second == {
        ("Route Arbeid+", "Uitstroom naar arbeid"): 1,
        ("Route Arbeid+", "Nog geen resultaat"): 1,
        ("Route Arbeid+", "School, Entree"): 1,
    }
    first = {(f.source, f.target): f.value for f in outcome_flows(peildatum=P) if f.stage == 0}
    assert sum(first.values()) == 3
    only_stadskanaal = outcome_flows(peildatum=P, municipality_codes=["GM0037"])
    assert [(f.target, f.value) for f in only_stadskanaal if f.stage == 1] == [("School, Entree", 1)]


def _years_of_data(first_year: int) -> None:
    for year in range(first_year, 2025):
        t = traj(date(year, 2, 1), date(year, 3, 1), end=date(year + 1, 6, 30) if year % 2 else None)
        result(t, "stage_maatwerk" if year % 2 else "arbeid", date(year, 9, 1))


def test_the_trend_is_the_council_table_of_each_year_end():
    _years_of_data(2019)
    trend = council_trend(today=date(2025, 3, 31))
    assert [x.peildatum.year for x in trend] == list(range(2019, 2026))
    for table in trend:
        assert table.figures() == council_table(peildatum=table.peildatum).figures()
    assert {x.value("deelnemers_actueel") for x in trend} != {0}


@pytest.mark.parametrize("first_year", [2023, 2016])
def test_the_trend_takes_the_same_queries_however_many_years(first_year, django_assert_num_queries):
    _years_of_data(first_year)
    with django_assert_num_queries(3):  # first year with data, trajectory counts, result counts
        council_trend(today=date(2025, 3, 31))
