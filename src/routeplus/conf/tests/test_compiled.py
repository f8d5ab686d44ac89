"""CompiledQuery gives what the query set would give, per call's values, compiled once per shape."""

import threading
import uuid
from datetime import date

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.db import connection, connections
from django.db.models import Q
from django.db.models.sql.compiler import SQLCompiler
from django.test.utils import CaptureQueriesContext

from routeplus.accounts.models import Role
from routeplus.casefile.models import LearningGoal
from routeplus.casefile.tests.factories import LearningGoalFactory
from routeplus.conf.compiled import CompiledQuery
from routeplus.testing.factories import TeamMemberFactory, TrajectoryFactory
from routeplus.trajectories.models import TeamMember, Trajectory

pytestmark = pytest.mark.django_db


def _trajectory_with_related(trajectory_uuid: uuid.UUID):
    return Trajectory.objects.select_related("participant__school", "route").filter(uuid=trajectory_uuid)[:1]


TRAJECTORY = CompiledQuery(_trajectory_with_related, trajectory_uuid=uuid.UUID)


def _places_on(roles: tuple[str, ...], *, trajectory_id: int, on: date):
    current = Q(end_date__isnull=True) | Q(end_date__gte=on)
    return (
        TeamMember.objects.filter(trajectory_id=trajectory_id, role__in=roles, start_date__lte=on)
        .filter(current)
        .order_by("id")
        .values_list("role", "start_date", "end_date")
    )


PLACES = CompiledQuery(_places_on, trajectory_id=int, on=date)


def test_model_instances_with_related_rows_are_those_of_the_query_set_for_each_value() -> None:
    first, second = TrajectoryFactory(), TrajectoryFactory()
    for trajectory in (first, second, first):
        with CaptureQueriesContext(connection) as queries:
            found = TRAJECTORY.first(trajectory_uuid=trajectory.uuid)
            assert found is not None
            # select_related rows came with it: reading them asks nothing more.
            names = (found.participant.school.name, found.route.name)
        assert len(queries) == 1
        expected = _trajectory_with_related(trajectory.uuid)[0]
        assert found.pk == expected.pk == trajectory.pk
        assert names == (expected.participant.school.name, expected.route.name)
        assert found.registered_on == expected.registered_on  # converted as the ORM converts it (dates on SQLite)
        assert found._state.adding is False
    assert TRAJECTORY.first(trajectory_uuid=uuid.uuid4()) is None


def test_the_converters_of_a_shape_are_worked_out_once(monkeypatch: pytest.MonkeyPatch) -> None:
    trajectory = TrajectoryFactory()
    TRAJECTORY.first(trajectory_uuid=trajectory.uuid)  # compiled (and its converters found) here at the latest
    worked_out: list[object] = []
    original = SQLCompiler.get_converters

    def counting(self: SQLCompiler, expressions: list[object]) -> object:
        worked_out.append(expressions)
        return original(self, expressions)

    monkeypatch.setattr(SQLCompiler, "get_converters", counting)
    for _ in range(3):
        found = TRAJECTORY.first(trajectory_uuid=trajectory.uuid)
        assert found is not None and found.registered_on == trajectory.registered_on and found.uuid == trajectory.uuid
    assert worked_out == []
    statement = TRAJECTORY._statement(())
    assert statement.get_converters is not None
    columns = [column for column, _sql, _alias in statement.compiler.select[: statement.compiler.col_count]]
    assert statement.get_converters(columns) is statement.get_converters(columns)  # remembered, not worked out anew
    # Another select list on the same compiler (Django does not ask this of a select, but may): worked out anew.
    other = list(reversed([column for column, _sql, _alias in statement.compiler.select]))
    assert statement.get_converters(other) == original(statement.compiler, other)


def test_values_rows_follow_the_dates_and_ids_of_each_call() -> None:
    trajectory = TrajectoryFactory()
    TeamMemberFactory(
        trajectory=trajectory, role=Role.CASE_LEAD, start_date=date(2024, 1, 1), end_date=date(2024, 6, 30)
    )
    TeamMemberFactory(trajectory=trajectory, role=Role.JOB_COACH, start_date=date(2024, 3, 1))
    TeamMemberFactory(role=Role.CASE_LEAD, start_date=date(2024, 1, 1))  # another trajectory's
    roles = (Role.CASE_LEAD, Role.JOB_COACH)
    for on in (date(2024, 2, 1), date(2024, 5, 1), date(2024, 8, 1), date(2023, 1, 1)):
        expected = list(_places_on(roles, trajectory_id=trajectory.pk, on=on))
        assert PLACES.all(roles, trajectory_id=trajectory.pk, on=on) == expected
    assert [r for r, _s, _e in PLACES.all(roles, trajectory_id=trajectory.pk, on=date(2024, 5, 1))] == [
        Role.CASE_LEAD,
        Role.JOB_COACH,
    ]


def test_each_shape_is_compiled_once_and_each_keeps_its_own_sql(monkeypatch: pytest.MonkeyPatch) -> None:
    trajectory = TrajectoryFactory()
    TeamMemberFactory(trajectory=trajectory, role=Role.JOB_COACH, start_date=date(2024, 1, 1))
    compiles: list[tuple[object, ...]] = []
    original = CompiledQuery._compile

    def counting(self: CompiledQuery[object], shape: tuple[object, ...]) -> object:
        compiles.append(shape)
        return original(self, shape)

    monkeypatch.setattr(CompiledQuery, "_compile", counting)
    query = CompiledQuery(_places_on, trajectory_id=int, on=date)
    on = date(2024, 6, 1)
    for _ in range(3):
        assert query.all((Role.CASE_LEAD,), trajectory_id=trajectory.pk, on=on) == []
        assert len(query.all((Role.JOB_COACH,), trajectory_id=trajectory.pk, on=on)) == 1
    assert compiles == [((Role.CASE_LEAD,),), ((Role.JOB_COACH,),)]


def test_a_shape_that_matches_nothing_asks_the_database_nothing() -> None:
    trajectory = TrajectoryFactory()
    with CaptureQueriesContext(connection) as queries:
        assert PLACES.all((), trajectory_id=trajectory.pk, on=date(2024, 6, 1)) == []
    assert len(queries) == 0


def test_values_of_the_wrong_kind_are_refused_before_any_sql() -> None:
    trajectory = TrajectoryFactory()
    with pytest.raises(TypeError, match="on must be date"):
        PLACES.all((Role.CASE_LEAD,), trajectory_id=trajectory.pk, on=None)
    with pytest.raises(TypeError, match="trajectory_id must be int"):
        PLACES.all((Role.CASE_LEAD,), trajectory_id=True, on=date(2024, 1, 1))
    with pytest.raises(TypeError, match="expected"):
        PLACES.all((Role.CASE_LEAD,), trajectory_id=trajectory.pk)
    with pytest.raises(ImproperlyConfigured, match="no stand-in"):
        CompiledQuery(_places_on, trajectory_id=float)


def test_a_builder_that_does_not_pass_a_value_as_a_parameter_is_refused() -> None:
    ignoring = CompiledQuery(lambda *, trajectory_id: Trajectory.objects.all(), trajectory_id=int)
    with pytest.raises(ImproperlyConfigured, match="does not reach the SQL"):
        ignoring.all(trajectory_id=1)
    inlined = CompiledQuery(
        lambda *, trajectory_id: Trajectory.objects.filter(id__gt=0)[:trajectory_id], trajectory_id=int
    )
    with pytest.raises(ImproperlyConfigured, match="written into the SQL"):
        inlined.all(trajectory_id=1)


def test_a_builder_whose_sql_changes_between_builds_is_refused() -> None:
    # As a builder reading the clock or a setting would: its second build gives other SQL than its first.
    builds = iter(("pk", "participant_id"))
    unsteady = CompiledQuery(
        lambda *, trajectory_id: Trajectory.objects.filter(**{next(builds): trajectory_id}), trajectory_id=int
    )
    with pytest.raises(ImproperlyConfigured, match="depends on the values"):
        unsteady.all(trajectory_id=1)


def test_an_integer_value_of_a_bounded_column_is_compared_not_decided_at_compile_time() -> None:
    # A stand-in outside a column's range would make Django decide that nothing matches, for every later value.
    goal = LearningGoalFactory()
    versions = CompiledQuery(
        lambda *, version: LearningGoal.objects.filter(version=version).values_list("pk", flat=True), version=int
    )
    assert versions.all(version=goal.version) == [goal.pk]
    assert versions.all(version=goal.version + 1) == []


def test_each_thread_compiles_on_its_own_connection() -> None:
    statements = {}

    def compile_here(name: str) -> None:
        try:
            statements[name] = (PLACES._statement(((Role.CASE_LEAD,),)), connections["default"])
        finally:
            if name == "other":
                connections.close_all()

    compile_here("main")
    other = threading.Thread(target=compile_here, args=("other",))
    other.start()
    other.join()
    (main_statement, main_connection), (other_statement, other_connection) = statements["main"], statements["other"]
    assert main_connection is not other_connection
    assert main_statement.compiler.connection is main_connection
    assert other_statement.compiler.connection is other_connection
    assert main_statement.sql == other_statement.sql


def _goals_of_trajectory(*, trajectory_id: int):
    return LearningGoal.objects.filter(trajectory_id=trajectory_id).order_by("id").values_list("id", flat=True)


GOAL_PAGES = CompiledQuery(_goals_of_trajectory, trajectory_id=int)


def test_pages_slice_as_the_query_set_slices_with_one_statement_for_every_page() -> None:
    goal = LearningGoalFactory()
    trajectory_id = goal.trajectory_id
    for _ in range(6):
        LearningGoalFactory(trajectory=goal.trajectory)
    expected = list(_goals_of_trajectory(trajectory_id=trajectory_id))
    rows = GOAL_PAGES.pages(trajectory_id=trajectory_id)
    assert rows.ordered and rows.count() == len(expected) == 7 and list(rows) == expected
    sent: list[tuple[str, list[object]]] = []

    def record(execute, sql, params, many, context):
        sent.append((sql, list(params)))
        return execute(sql, params, many, context)

    for start, stop in ((0, 3), (3, 6), (6, 9), (9, 12), (2, 2)):
        with connection.execute_wrapper(record):
            assert rows[start:stop] == expected[start:stop]
        sql, params = sent[-1]
        assert sql.endswith(" LIMIT %s OFFSET %s") and params[-2:] == [stop - start, start]
    assert len({sql for sql, _params in sent}) == 1  # the bounds are parameters: one statement for every page
    assert rows[1] == expected[1]  # not a slice: the query set answers


def test_pages_of_a_builder_that_slices_are_refused() -> None:
    sliced = CompiledQuery(
        lambda *, trajectory_id: _goals_of_trajectory(trajectory_id=trajectory_id)[:5], trajectory_id=int
    )
    with pytest.raises(ImproperlyConfigured, match="must not slice"):
        sliced.pages(trajectory_id=TrajectoryFactory().pk)[0:2]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="psycopg's placeholder conversion: PostgreSQL only")
def test_a_long_compiled_statement_is_converted_for_the_driver_once(monkeypatch: pytest.MonkeyPatch) -> None:
    from psycopg import _queries

    from routeplus.access.sections import ALL_CATEGORIES, Section
    from routeplus.casefile.selectors import _OVERVIEW

    trajectory = TrajectoryFactory()
    sections = frozenset(
        {Section.PLAN, Section.PLACEMENTS, Section.PROVISIONS, Section.RESULTS, Section.CONTACTS, Section.BOTTLENECKS}
    )
    converted: list[bytes] = []

    def spy_on(name: str) -> None:
        uncached = getattr(_queries, name)

        def spy(query: bytes, encoding: str):
            converted.append(query)
            return uncached(query, encoding)

        monkeypatch.setattr(_queries, name, spy)

    # The cached paths keep their own reference to the original functions; only the uncached ones see the spies
    # (server-side parameters, as configured, and client-side ones, with DB_PREPARED_STATEMENTS=false).
    spy_on("_query2pg_nocache")
    spy_on("_query2pg_client_nocache")
    executed: list[tuple[str, int]] = []

    def record(execute, sql, params, many, context):
        executed.append((sql, len(params or ())))
        return execute(sql, params, many, context)

    with connection.execute_wrapper(record):
        for _ in range(3):
            _OVERVIEW.first(sections, ALL_CATEGORIES, trajectory_id=trajectory.pk)
    assert len(executed) == 3
    sql, params = executed[-1]
    # Longer, and with more parameters, than psycopg keeps by default: the case this is about.
    assert len(sql) > 4096
    assert params > 50
    assert converted == []
