"""End to end: a real gunicorn with the production settings, its PostgreSQL connection through a proxy that
we cut and restore. /readyz and database-backed pages answer 503 within 5 seconds while the database is gone,
/healthz stays up, and both recover without restarting anything.

Uses the PostgreSQL server on 127.0.0.1 (OPS_TEST_POSTGRES_URL) in both runs of the suite, with a database of
its own that it drops afterwards: this is about PostgreSQL, the production database. The shared server is
never stopped; the proxy stands for the network or the server going away.
"""

import json
import os
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import dj_database_url
import pytest

from routeplus.ops.drilltools import (
    LOOPBACK,
    TcpProxy,
    gunicorn,
    http_get,
    routeplus_command,
    server_env,
    shared_pg_admin,
)

ADMIN_URL = os.environ.get("OPS_TEST_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432/postgres")
DEADLINE = 5.0


@pytest.fixture(scope="module")
def outage_setup(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[TcpProxy, dict[str, str]]]:
    name = f"rp_ops_outage_{uuid.uuid4().hex[:10]}"
    shared_pg_admin(ADMIN_URL, f'CREATE DATABASE "{name}"')
    admin = dj_database_url.parse(ADMIN_URL)
    proxy = TcpProxy(upstream_port=int(admin["PORT"] or 5432), upstream_host=admin["HOST"] or LOOPBACK).start()
    var = tmp_path_factory.mktemp("var")
    env = server_env(
        f"postgres://{admin['USER'] or 'postgres'}@{LOOPBACK}:{proxy.port}/{name}",
        ROUTEPLUS_VAR_DIR=str(var),
        DB_CONNECT_TIMEOUT="2",
    )
    try:
        routeplus_command("migrate", "--noinput", "-v", "0", env=env)
        routeplus_command("heartbeat", env=env)
        routeplus_command("db_worker", "--batch", "--no-startup-delay", "-v", "0", env=env)
        yield proxy, env
    finally:
        proxy.stop()
        shared_pg_admin(ADMIN_URL, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def test_outage_gives_503_within_seconds_and_recovers_by_itself(
    outage_setup: tuple[TcpProxy, dict[str, str]], tmp_path: Path
) -> None:
    proxy, env = outage_setup
    log = tmp_path / "gunicorn.log"
    # A session cookie makes the page load the session (and user) from the database: a real database read.
    session = {"Cookie": "__Host-sessionid=" + "x" * 32}
    with gunicorn(env, workers=2, log=log) as base:
        status, body, _ = http_get(base + "/readyz")
        assert status == 200, body
        assert http_get(base + "/jongeren/", timeout=30, headers=session)[0] == 302

        proxy.cut()
        for _ in range(3):  # several requests: each worker meets its broken persistent connection
            status, body, seconds = http_get(base + "/readyz", timeout=30)
            assert status == 503
            assert json.loads(body)["checks"]["database"]["ok"] is False
            assert seconds < DEADLINE
            status, body, seconds = http_get(base + "/jongeren/", timeout=30, headers=session)
            assert status == 503, body[:200]
            assert "tijdelijk niet beschikbaar" in body.decode()
            assert seconds < DEADLINE
        assert http_get(base + "/healthz")[0] == 200, "the process itself stays alive"

        proxy.restore()
        deadline = time.monotonic() + 30
        recovered = None
        while time.monotonic() < deadline:
            if http_get(base + "/readyz")[0] == 200:
                recovered = time.monotonic()
                break
            time.sleep(0.2)
        assert recovered is not None, "readyz did not become healthy again after the database returned"
        for _ in range(4):
            assert http_get(base + "/jongeren/", timeout=30, headers=session)[0] == 302

    lines = [json.loads(line) for line in log.read_text().splitlines() if line.startswith("{")]
    assert any(line.get("msg") == "database unavailable" for line in lines)
    assert any(line.get("event_kind") == "access" and line.get("status_code") == 503 for line in lines)
