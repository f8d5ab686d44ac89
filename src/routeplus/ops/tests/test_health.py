"""The health endpoints: /healthz alive without the database, /readyz per check, public, cheap, no personal data."""

import json
from datetime import timedelta

import pytest
import time_machine
from django.core.management import call_command
from django.test import Client
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from routeplus.ops import health
from routeplus.ops.models import WorkerHeartbeat
from routeplus.ops.tasks import worker_heartbeat
from routeplus.testing.factories import ParticipantFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def fresh_heartbeat() -> WorkerHeartbeat:
    return WorkerHeartbeat.objects.create(queue_name="default", beat_at=timezone.now())


def readyz(client: Client) -> tuple[int, dict]:
    response = client.get("/readyz")
    assert response["Content-Type"] == "application/json"
    assert "no-cache" in response["Cache-Control"] or "no-store" in response["Cache-Control"]
    return response.status_code, json.loads(response.content)


def test_healthz_answers_without_touching_the_database(client: Client, django_assert_num_queries) -> None:
    with django_assert_num_queries(0):
        response = client.get("/healthz")
    assert response.status_code == 200
    assert json.loads(response.content) == {"status": "ok"}


def test_readyz_is_ready_with_database_migrations_and_a_fresh_heartbeat(
    client: Client, fresh_heartbeat: WorkerHeartbeat, django_assert_max_num_queries
) -> None:
    with django_assert_max_num_queries(3):  # SELECT 1, django_migrations, the heartbeat
        status, body = readyz(client)
    assert status == 200
    assert body["status"] == "ok"
    assert {name: check["ok"] for name, check in body["checks"].items()} == {
        "database": True,
        "migrations": True,
        "worker": True,
    }


def test_readyz_needs_no_login_and_shows_no_personal_data(client: Client, fresh_heartbeat: WorkerHeartbeat) -> None:
    participant = ParticipantFactory(given_name="Yara", family_name="Oosterhof")
    response = client.get("/readyz")
    assert response.status_code == 200
    text = response.content.decode()
    for value in ("Yara", "Oosterhof", str(participant.uuid)):
        assert value not in text


def test_readyz_fails_without_any_heartbeat(client: Client) -> None:
    status, body = readyz(client)
    assert status == 503
    assert body["checks"]["worker"] == {"ok": False, "detail": "no heartbeat yet", "ms": body["checks"]["worker"]["ms"]}
    assert body["checks"]["database"]["ok"] is True


def test_readyz_fails_when_the_heartbeat_is_older_than_the_limit(
    client: Client, fresh_heartbeat: WorkerHeartbeat, settings
) -> None:
    settings.ROUTEPLUS_WORKER_HEARTBEAT_MAX_AGE = 300
    with time_machine.travel(timezone.now() + timedelta(seconds=299), tick=False):
        assert readyz(client)[0] == 200
    with time_machine.travel(timezone.now() + timedelta(seconds=301), tick=False):
        status, body = readyz(client)
    assert status == 503
    assert body["checks"]["worker"]["ok"] is False
    assert "limit 300 s" in body["checks"]["worker"]["detail"]


def test_readyz_fails_when_a_migration_on_disk_is_not_applied(
    client: Client, fresh_heartbeat: WorkerHeartbeat, monkeypatch
) -> None:
    on_disk = health._disk_leaf_nodes() | {("ops", "9999_not_yet_applied")}
    monkeypatch.setattr(health, "_leaf_nodes", on_disk)
    status, body = readyz(client)
    assert status == 503
    assert body["checks"]["migrations"]["ok"] is False
    assert "ops.9999_not_yet_applied" in body["checks"]["migrations"]["detail"]


@pytest.mark.django_db(transaction=True)  # the real worker closes and reopens connections between tasks
def test_heartbeat_command_queues_one_task_and_the_worker_records_it(client: Client) -> None:
    call_command("heartbeat", stdout=open("/dev/null", "w"))  # noqa: SIM115
    call_command("heartbeat", stdout=open("/dev/null", "w"))  # noqa: SIM115
    waiting = DBTaskResult.objects.ready().filter(task_path=worker_heartbeat.module_path)
    assert waiting.count() == 1, "a second heartbeat is not queued while one is waiting"
    assert readyz(client)[0] == 503

    call_command("db_worker", batch=True, startup_delay=False, verbosity=0)

    beat = WorkerHeartbeat.objects.get(queue_name="default")
    assert (timezone.now() - beat.beat_at).total_seconds() < 60
    assert beat.worker_id
    assert readyz(client)[0] == 200
