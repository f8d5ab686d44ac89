"""Django's PostgreSQL backend with a health check that asks the server only when there is reason to.

With CONN_HEALTH_CHECKS Django checks a kept connection before its first statement of every request, by
running `SELECT 1`: a round trip on every page (about 0.1 ms of the server's and the worker's time, a twelfth
of a trivial page). An idle connection in autocommit has nothing to read; when its socket has something (the
server's goodbye when it shut down, restarted or ended the session, or the end of the connection), only then
is `SELECT 1` run, as Django's check does, and a connection that fails it is closed and opened anew. A server
that vanished without a word (no goodbye) is found by the first statement instead, as it would be by
`SELECT 1`: both wait for DB_TCP_USER_TIMEOUT_MS and answer 503 (ops.middleware).
"""

import select
from typing import Any

from django.db.backends.postgresql import base


class DatabaseWrapper(base.DatabaseWrapper):
    def is_usable(self) -> bool:
        connection: Any = self.connection
        if connection is None or connection.closed or connection.broken:
            return False
        try:
            waiting, _write, _error = select.select([connection.fileno()], [], [], 0)
        except (OSError, ValueError):  # the socket is gone
            return False
        if not waiting:
            return True
        return bool(super().is_usable())
