"""Django's PostgreSQL backend with a health check that asks the server only when there is reason to.

With CONN_HEALTH_CHECKS Django checks a kept connection before its first statement of every request, by
running `SELECT 1`: a round trip on every page (about 0.1 ms of the server's and the worker's time, a twelfth
of a trivial page). An idle connection has nothing to read; when its socket has something (the server's goodbye
when it shut down, restarted or ended the session, or the end of the connection), only then is `SELECT 1` run,
as Django's check does, and a connection that fails it is closed and opened anew. A server that vanished
without a word (no goodbye) is found by the first statement instead, as it would be by `SELECT 1`: both wait
for DB_TCP_USER_TIMEOUT_MS and answer 503 (ops.middleware). A connection that is not idle (in a transaction,
or after an error) is always asked, as before.
"""

import select

import psycopg
from django.db.backends.postgresql import base
from psycopg import pq


class DatabaseWrapper(base.DatabaseWrapper):
    """Django's wrapper; only the health check differs."""

    def is_usable(self) -> bool:
        connection: psycopg.Connection[object] | None = self.connection
        if connection is None or connection.closed:
            return False
        if connection.info.transaction_status == pq.TransactionStatus.IDLE and _nothing_to_read(connection):
            return True
        return bool(super().is_usable())  # Django's check: SELECT 1


def _nothing_to_read(connection: psycopg.Connection[object]) -> bool:
    """Whether the connection's socket is quiet; False when it cannot be asked, so the server is asked instead."""
    try:
        socket = select.poll()  # poll, not select: any descriptor number
        socket.register(connection.fileno(), select.POLLIN)
        return not socket.poll(0)
    except (OSError, ValueError, psycopg.Error):
        return False
