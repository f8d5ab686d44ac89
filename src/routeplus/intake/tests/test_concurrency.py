"""Two admissions at the same moment for the last place: exactly one succeeds, on SQLite and on PostgreSQL.

Each thread has its own database connection. The capacity read is slowed down so that, without the lock on
the capacity area, both threads would read "one place free" before either writes, and both would be admitted:
on PostgreSQL the first test fails when the select_for_update in services._lock is removed (checked). On
SQLite the IMMEDIATE transaction mode serialises the writers. The second test checks that an admission from
the list and a newcomer stay consistent when they meet (the newcomer never takes the place someone waits for).
"""

import threading
import time
from typing import Any

import pytest
from django.db import connection, connections

from routeplus.intake import selectors, services
from routeplus.intake.models import CapacityArea, Registration
from routeplus.trajectories.models import Status, Trajectory

from .conftest import fund, register

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("seeded")]


def _slow_capacity(monkeypatch: Any) -> None:
    real = selectors.capacity_for_area

    def slow(**kwargs: Any) -> selectors.Capacity:
        capacity = real(**kwargs)
        time.sleep(0.4)  # the window in which a second admission would read the same free place
        return capacity

    monkeypatch.setattr(services, "capacity_for_area", slow)


def _run_concurrently(*jobs: Any) -> list[BaseException]:
    errors: list[BaseException] = []
    barrier = threading.Barrier(len(jobs))

    def run(job: Any) -> None:
        try:
            barrier.wait(timeout=10)
            job()
        except BaseException as error:
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(job,)) for job in jobs]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return errors


def test_two_registrations_for_the_last_place_admit_exactly_one(monkeypatch, frozen, lead):
    area = CapacityArea.objects.get(name="Gemeente Groningen")
    fund(area, places=2)
    register(lead)  # one place left
    _slow_capacity(monkeypatch)

    errors = _run_concurrently(lambda: register(lead), lambda: register(lead))

    assert errors == []
    outcomes = sorted(Registration.objects.values_list("outcome", flat=True))
    assert outcomes == ["admitted", "admitted", "waiting"]
    assert Trajectory.objects.filter(status=Status.INTAKE).count() == 2  # the funded two, never three


def test_an_admission_from_the_waiting_list_and_a_new_registration_do_not_share_one_place(monkeypatch, frozen, lead):
    area = CapacityArea.objects.get(name="Gemeente Groningen")
    fund(area, places=0)
    waiting = register(lead)
    fund(area, places=1)  # one place, due to the one waiting
    _slow_capacity(monkeypatch)

    results: list[str] = []

    def admit() -> None:
        services.waiting_list_admit(actor=lead, trajectory=waiting.trajectory)
        results.append("admitted from list")

    def newcomer() -> None:
        results.append(register(lead).outcome)

    errors = _run_concurrently(admit, newcomer)

    assert errors == []
    assert Trajectory.objects.filter(status=Status.INTAKE).count() == 1
    assert sorted(results) == ["admitted from list", "waiting"]
    assert connection.vendor in {"sqlite", "postgresql"}
