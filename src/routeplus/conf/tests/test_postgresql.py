"""routeplus's PostgreSQL backend: the health check of a kept connection asks the server only when it must."""

import time

import pytest
from django.db import connection, connections

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="the PostgreSQL backend; CI runs this on PostgreSQL"),
]


@pytest.fixture
def kept():
    """A connection of its own (not the test's, which holds the test's transaction), opened and idle."""
    wrapper = connections.create_connection("default")
    wrapper.ensure_connection()
    yield wrapper
    wrapper.close()


@pytest.fixture
def asked(monkeypatch: pytest.MonkeyPatch) -> list[object]:
    """The connections Django's own check (SELECT 1) was asked of, which then answers usable."""
    from django.db.backends.postgresql.base import DatabaseWrapper

    calls: list[object] = []

    def select_one(self: DatabaseWrapper) -> bool:
        calls.append(self)
        return True

    monkeypatch.setattr(DatabaseWrapper, "is_usable", select_one)
    return calls


def test_postgresql_is_served_by_routeplus_backend():
    assert connection.settings_dict["ENGINE"] == "routeplus.conf.postgresql"
    assert type(connections["default"]).__module__ == "routeplus.conf.postgresql.base"


def test_an_idle_healthy_connection_is_usable_without_a_statement(kept, asked):
    assert kept.is_usable() is True
    assert asked == []  # Django's check, SELECT 1, was not needed


def test_a_connection_inside_a_transaction_is_asked_as_django_asks(kept, asked):
    """Django also checks a connection after an error and inside a transaction: there the socket proves
    nothing, so the server is asked."""
    kept.connection.execute("BEGIN")
    try:
        assert kept.is_usable() is True
        assert asked == [kept]
    finally:
        kept.connection.execute("ROLLBACK")


def test_a_connection_the_server_ended_is_unusable_and_the_next_statement_opens_a_new_one(kept):
    with kept.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        pid = cursor.fetchone()[0]
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_terminate_backend(%s)", [pid])
    deadline = time.monotonic() + 5
    while kept.is_usable() and time.monotonic() < deadline:
        time.sleep(0.05)
    assert kept.is_usable() is False
    # As at the start of a request: the failed check closes the connection and the statement gets a new one.
    kept.health_check_done = False
    with kept.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        assert cursor.fetchone()[0] != pid


def test_a_closed_connection_is_unusable(kept):
    kept.connection.close()
    assert kept.is_usable() is False
