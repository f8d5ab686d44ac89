"""Fixtures shared by every app's tests."""

from collections.abc import Iterator
from typing import Any

import pytest
from django.test.signals import template_rendered

from routeplus.accounts.models import Role, User
from routeplus.testing.browser import chromium_page
from routeplus.testing.factories import TrajectoryFactory, on_team, professional
from routeplus.trajectories.models import Trajectory
from routeplus.ui.jinja import PageTemplate


def reload_reference_data() -> None:
    """Run every data migration's `load` again (they are idempotent): municipalities, routes, offerings,
    provision kinds, intake settings, legal bases."""
    import pkgutil
    from importlib import import_module

    from django.apps import apps

    for config in apps.get_app_configs():
        if not config.name.startswith("routeplus."):
            continue
        try:
            package = import_module(f"{config.name}.migrations")
        except ModuleNotFoundError:
            continue
        for module_info in sorted(pkgutil.iter_modules(package.__path__), key=lambda m: m.name):
            module = import_module(f"{package.__name__}.{module_info.name}")
            if callable(getattr(module, "load", None)):
                module.load(apps, None)


@pytest.fixture(autouse=True)
def _reference_data_after_flush(request: pytest.FixtureRequest) -> None:
    """Transactional tests (browser tests) end with a flush that empties every table, including the data the
    migrations loaded; the next one would find no municipalities or routes. Load it again before each."""
    if "transactional_db" in request.fixturenames or "live_server" in request.fixturenames:
        request.getfixturevalue("transactional_db")
        reload_reference_data()


@pytest.fixture
def case_lead(db: None) -> User:
    return professional(Role.CASE_LEAD)


@pytest.fixture
def trajectory(db: None) -> Trajectory:
    return TrajectoryFactory()


@pytest.fixture
def lead_on_team(case_lead: User, trajectory: Trajectory) -> User:
    on_team(case_lead, trajectory)
    return case_lead


@pytest.fixture
def page() -> Iterator[Any]:
    """A headless Chromium page (Debian's chromium, never a downloaded browser)."""
    yield from chromium_page()


@pytest.fixture(autouse=True, scope="session")
def _pages_tell_the_test_client() -> Iterator[None]:
    """Django's test environment makes Django templates tell the test client what they rendered with which context
    (`response.context`, `assertTemplateUsed`); the Jinja2 pages do the same in tests, and only in tests."""
    fill = PageTemplate.fill

    def filled(self: PageTemplate, context: dict[str, Any], request: Any) -> dict[str, Any]:
        context = fill(self, context, request)
        template_rendered.send(sender=self, template=self, context=context)  # before rendering, as Django does
        return context

    PageTemplate.fill = filled
    yield
    PageTemplate.fill = fill
