"""The measurements inside the benchmark database: query counts, the monitor's floor, the import's floor."""

import re
import uuid
from dataclasses import asdict
from http.cookies import SimpleCookie
from pathlib import Path
from unittest import mock

import pytest
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import IntegrityError, connection, transaction
from django.db.models import Max
from django.test import Client, override_settings

from routeplus.benchmark import phases
from routeplus.benchmark.synth import Plan, build
from routeplus.participants.models import Participant
from routeplus.trajectories.models import Trajectory

pytestmark = pytest.mark.django_db


def _prepared(size: int) -> dict:
    with transaction.atomic():
        built = build(size)
        prepared = phases.prepare_pages({"size": size, **asdict(built)})
        transaction.set_rollback(True)
    return prepared


@override_settings(ROOT_URLCONF="routeplus.benchmark.tests.urls")
def test_queries_per_page_do_not_grow_with_the_data() -> None:
    small, large = _prepared(60), _prepared(400)

    def counts(prepared: dict) -> dict:
        return {k: p["queries"] for k, p in prepared["pages"].items() if p["kind"] != "absent"}

    assert small["errors"] == [] and large["errors"] == []
    assert {"trivial", "caseload_floor", "caseload", "case_file"} <= set(counts(large))
    assert counts(small) == counts(large)
    assert large["floor_rows_match"] and large["caseload_rows"] > 0
    # The results file never holds a session's signed data or any other long literal of a statement.
    recorded = [q["sql"] for p in large["pages"].values() for q in p.get("slowest_queries", [])]
    literals = [lit for sql in recorded for lit in re.findall(r"'(?:[^']|'')*'", sql)]
    assert recorded and literals and all(len(lit) <= 30 for lit in literals)
    # Every load target carries a real session cookie and, as a browser does, the CSRF cookie.
    cookie, path = large["pages"]["caseload"]["targets"][0]
    assert path.startswith("/") and " " not in cookie
    sent = SimpleCookie(cookie.replace(";", "; "))
    assert set(sent) == {settings.SESSION_COOKIE_NAME, settings.CSRF_COOKIE_NAME}


@override_settings(ROOT_URLCONF="routeplus.benchmark.tests.urls")
def test_with_the_cookies_of_the_load_a_page_with_a_form_keeps_its_csrf_secret() -> None:
    built = build(60)  # kept for this test's own transaction: the sessions must outlive prepare_pages
    prepared = phases.prepare_pages({"size": 60, **asdict(built)})
    cookie, path = prepared["pages"]["caseload"]["targets"][0]
    sent = SimpleCookie(cookie.replace(";", "; "))
    browser = Client(HTTP_HOST="127.0.0.1")
    for name, morsel in sent.items():
        browser.cookies[name] = morsel.value
    response = browser.get(path)
    assert response.status_code == 200 and b'name="csrfmiddlewaretoken"' in response.content
    kept = sent[settings.CSRF_COOKIE_NAME].value
    assert response.cookies[settings.CSRF_COOKIE_NAME].value == kept  # Django sends it again, the same secret
    bare = Client(HTTP_HOST="127.0.0.1")
    bare.cookies[settings.SESSION_COOKIE_NAME] = sent[settings.SESSION_COOKIE_NAME].value
    # What every request of the load did before: a new secret each time.
    assert bare.get(path).cookies[settings.CSRF_COOKIE_NAME].value not in ("", kept)


def test_the_phases_refuse_a_database_that_is_not_a_benchmark_database() -> None:
    with pytest.raises(ImproperlyConfigured):
        phases.guard()
    with override_settings(ROUTEPLUS_BENCHMARK=True), pytest.raises(ImproperlyConfigured):
        phases.guard()  # the test database's name holds no "bench"


def test_duckdb_computes_the_monitors_figures(tmp_path: Path) -> None:
    build(300)
    out = phases.monitor_against_duckdb(tmp_path, repeat=1)
    assert out["duckdb_figures"]["deelnemers_actueel"] > 0
    assert sum(out["duckdb_figures"].get(t, 0) for t in ("arbeid", "uitval", "entree")) > 0
    if "absent" not in out["monitor"]:
        assert out["disagreements"] == {}
        assert out["monitor"]["queries"] >= 1


def test_register_written_for_the_benchmark_imports_completely(tmp_path: Path) -> None:
    build(100)
    with mock.patch.object(phases, "check_references_now", wraps=phases.check_references_now) as checks:
        out = phases.import_against_bare_insert(tmp_path, participants=40)
    checks.assert_called_once()  # the floor checks its references as it writes
    if "absent" in out:
        pytest.fail(out["absent"])
    assert "error" not in out, out.get("error")
    assert out["import"]["created"] == sum(out["rows"].values())
    assert out["bare_insert"]["rows"] == sum(out["rows"].values())
    assert Plan(100).participants == 100


@pytest.mark.skipif(connection.vendor != "postgresql", reason="deferred foreign keys: PostgreSQL only")
def test_the_import_floor_checks_references_as_it_writes() -> None:
    """The floor is rolled back, so a foreign key deferred to the commit would never be checked: it checks now."""
    build(60)
    missing = (Participant.objects.aggregate(top=Max("id"))["top"] or 0) + 1_000

    def orphan() -> Trajectory:
        trajectory = Trajectory.objects.first()
        assert trajectory is not None
        trajectory.pk, trajectory.uuid, trajectory.participant_id = None, uuid.uuid4(), missing
        return trajectory

    with transaction.atomic():
        Trajectory.objects.bulk_create([orphan()])  # accepted for now: checked at a commit that never comes
        transaction.set_rollback(True)
    with transaction.atomic():
        phases.check_references_now()
        with pytest.raises(IntegrityError, match="participant"), transaction.atomic():
            Trajectory.objects.bulk_create([orphan()])
        transaction.set_rollback(True)
