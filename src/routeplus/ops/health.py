"""Readiness checks behind /readyz: database reachable, migrations applied, worker heartbeat recent.

Each check is cheap (one trivial query, an in-memory migration graph compared with one query on
django_migrations, one indexed read) and returns no personal data, so load balancers may poll every few seconds.
"""

import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, DatabaseError, connections
from django.db.migrations.loader import MigrationLoader
from django.utils import timezone

from routeplus.ops.models import WorkerHeartbeat

# The set of migrations on disk does not change while a process runs, so it is computed once per process.
_leaf_nodes: frozenset[tuple[str, str]] | None = None


@dataclass(frozen=True)
class Check:
    name: str
    ok: bool
    detail: str
    ms: float


def _timed(name: str, fn: Callable[[], tuple[bool, str]]) -> Check:
    started = time.perf_counter()
    try:
        ok, detail = fn()
    except DatabaseError as exc:
        # Only the class name: driver messages can carry host names or, for data errors, values.
        ok, detail = False, f"database error ({type(exc).__name__})"
    return Check(name=name, ok=ok, detail=detail, ms=round((time.perf_counter() - started) * 1000, 1))


def _database() -> tuple[bool, str]:
    with connections[DEFAULT_DB_ALIAS].cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()
    return True, "reachable"


def _disk_leaf_nodes() -> frozenset[tuple[str, str]]:
    global _leaf_nodes
    if _leaf_nodes is None:
        loader = MigrationLoader(None, ignore_no_migrations=True, load=True)
        _leaf_nodes = frozenset(loader.graph.leaf_nodes())
    return _leaf_nodes


def _migrations() -> tuple[bool, str]:
    connection = connections[DEFAULT_DB_ALIAS]
    with connection.cursor() as cursor:
        cursor.execute("SELECT app, name FROM django_migrations")
        applied = {(app, name) for app, name in cursor.fetchall()}
    missing = sorted(f"{app}.{name}" for app, name in _disk_leaf_nodes() - applied)
    if missing:
        return False, f"{len(missing)} unapplied: {', '.join(missing[:5])}"
    return True, "applied"


def _worker() -> tuple[bool, str]:
    max_age = timedelta(seconds=settings.ROUTEPLUS_WORKER_HEARTBEAT_MAX_AGE)
    beat = WorkerHeartbeat.objects.order_by("-beat_at").values_list("beat_at", flat=True).first()
    if beat is None:
        return False, "no heartbeat yet"
    age = (timezone.now() - beat).total_seconds()
    if age > max_age.total_seconds():
        return False, f"last heartbeat {int(age)} s ago (limit {int(max_age.total_seconds())} s)"
    return True, f"last heartbeat {int(age)} s ago"


def readiness() -> list[Check]:
    """Run the checks in order; when the database is unreachable, the later checks are not attempted."""
    database = _timed("database", _database)
    if not database.ok:
        return [
            database,
            Check("migrations", False, "skipped: database unreachable", 0.0),
            Check("worker", False, "skipped: database unreachable", 0.0),
        ]
    return [database, _timed("migrations", _migrations), _timed("worker", _worker)]
