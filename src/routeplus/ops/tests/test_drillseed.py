"""The restore drill's seed fills every table it is responsible for, and the allow-list of empty tables holds."""

from importlib import import_module

import pytest
from django.conf import settings

from routeplus.ops.drillseed import ALLOWED_EMPTY, FILLED_BEFORE, SEEDED_TABLES, empty_tables, seed, table_counts

LOADERS = (
    "routeplus.accounts.migrations.0002_load_region_municipalities",
    "routeplus.trajectories.migrations.0002_load_routes",
    "routeplus.intake.migrations.0002_route_settings",
)


@pytest.fixture
def reference_data(transactional_db: None) -> None:
    """What the migrations load, again (idempotent): a transactional test starts after another one's flush.

    Transactional, because the seed runs a task worker, which manages its own transactions and connection."""
    from django.apps import apps

    for module in LOADERS:
        import_module(module).load(apps, None)


def test_the_seed_fills_every_table_it_is_responsible_for(reference_data: None) -> None:
    before = table_counts()
    assert [t for t in SEEDED_TABLES if before[t]] == []  # the seed, not the migrations, fills them

    counts = seed()

    assert [t for t in SEEDED_TABLES if counts[t] == 0] == []


def test_every_table_is_filled_by_someone_or_excused(db: None) -> None:
    """A new model's table must be added to the seed (or, with a reason, to the allow-list)."""
    tables = set(table_counts())
    accounted = set(SEEDED_TABLES) | set(FILLED_BEFORE) | set(ALLOWED_EMPTY)
    assert sorted(tables - accounted) == []
    assert sorted(accounted - tables) == []


def test_the_drill_fails_on_an_empty_table_outside_the_allow_list() -> None:
    allowed, unexpected = empty_tables({"auth_group": 0, "privacy_consent": 0, "intake_registration": 3})
    assert allowed == ["auth_group"]
    assert unexpected == ["privacy_consent"]


def test_the_allow_list_reasons_still_hold() -> None:
    assert settings.AXES_ENABLE_ACCESS_FAILURE_LOG is False
    assert getattr(settings, "AXES_USE_ATTEMPT_EXPIRATION", False) is False
    assert set(SEEDED_TABLES).isdisjoint(ALLOWED_EMPTY)
    assert set(FILLED_BEFORE).isdisjoint(ALLOWED_EMPTY)
