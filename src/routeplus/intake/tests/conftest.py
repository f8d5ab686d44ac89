"""Fixtures of the intake tests: a frozen day, Route Arbeid+ in Groningen with a budget, and a helper to register."""

from datetime import date
from decimal import Decimal
from importlib import import_module
from itertools import count
from typing import Any

import pytest

from routeplus.accounts.models import Role, User
from routeplus.intake.models import BudgetKind, BudgetLine, CapacityArea, TrajectoryCost
from routeplus.intake.services import NewPerson, registration_submit
from routeplus.participants.models import OutflowProfile
from routeplus.testing.factories import SchoolFactory, municipality, professional, route
from routeplus.trajectories.models import Route

TODAY = date(2026, 3, 2)
_names = count(1)


SEED_MIGRATIONS = (
    "routeplus.accounts.migrations.0002_load_region_municipalities",
    "routeplus.trajectories.migrations.0002_load_routes",
    "routeplus.intake.migrations.0002_route_settings",
)


@pytest.fixture
def seeded(transactional_db: None) -> None:
    """The data the migrations load (municipalities, routes, intake settings), again: a transactional test
    may run after another one's flush emptied every table. The loaders are idempotent."""
    from django.apps import apps

    for module in SEED_MIGRATIONS:
        import_module(module).load(apps, None)


@pytest.fixture
def frozen(time_machine: Any) -> date:
    time_machine.move_to("2026-03-02 10:00:00+01:00", tick=False)
    return TODAY


@pytest.fixture
def ra_plus(db: None) -> Route:
    return route("RA_PLUS")


@pytest.fixture
def area(ra_plus: Route) -> CapacityArea:
    """The area the starting configuration creates: Route Arbeid+ in the municipality of Groningen."""
    return CapacityArea.objects.get(route=ra_plus, name="Gemeente Groningen")


@pytest.fixture
def cost(ra_plus: Route) -> TrajectoryCost:
    return TrajectoryCost.objects.create(route=ra_plus, year=2026, amount=Decimal("10000.00"), source="test")


def fund(area: CapacityArea, places: int, year: int = 2026, kind: str = BudgetKind.STRUCTURAL) -> BudgetLine:
    return BudgetLine.objects.create(
        area=area, year=year, amount=Decimal("0"), kind=kind, source="test", decision_reference="T-1", places=places
    )


@pytest.fixture
def lead(db: None) -> User:
    return professional(Role.CASE_LEAD, full_name="Regie Een")


def register(actor: User, *, on: date = TODAY, role: str = Role.CASE_LEAD, **overrides: Any) -> Any:
    """Register a new, eligible young person for Route Arbeid+ in Groningen; overrides change any argument."""
    n = next(_names)
    arguments: dict[str, Any] = {
        "actor": actor,
        "actor_role": role,
        "route": route("RA_PLUS"),
        "registered_on": on,
        "school": SchoolFactory(),
        "school_type": "PRO",
        "outflow_profile": OutflowProfile.DAGBESTEDING,
        "municipality": municipality("GM0014"),
        "reason": "Eerste stage start binnenkort.",
        "person": NewPerson(given_name=f"Jongere{n}", family_name=f"Familie{n}", birth_date=date(2008, 5, 17)),
    }
    arguments.update(overrides)
    return registration_submit(**arguments)
