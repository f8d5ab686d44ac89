"""Browser journeys of the monitor: policy reads the table and charts; a case lead drills down. WCAG 2.1 AA."""

from datetime import date
from importlib import import_module

import pytest
from playwright.sync_api import expect

from routeplus.accounts.models import Role
from routeplus.monitor.tests.people import serving
from routeplus.monitor.tests.results import recorded_result
from routeplus.testing.browser import assert_accessible, browser_login
from routeplus.testing.factories import TrajectoryFactory, municipality, on_team, professional

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("seeded")]
SEED_MIGRATIONS = (
    "routeplus.accounts.migrations.0002_load_region_municipalities",
    "routeplus.trajectories.migrations.0002_load_routes",
)


@pytest.fixture
def seeded(transactional_db: None) -> None:
    """The municipalities and routes the migrations load, again: an earlier transactional test's flush may
    have emptied every table. The loaders are idempotent."""
    from django.apps import apps

    for module in SEED_MIGRATIONS:
        import_module(module).load(apps, None)


QUERY = "?p1=2023-12-31&p2=2024-12-31&route=RA_PLUS"


def test_policy_reads_the_council_table_and_establishes_it(live_server, page):
    serving(Role.POLICY, "GM0014", email="beleid@example.nl")
    t = TrajectoryFactory(registered_on=date(2023, 2, 1), start_date=date(2023, 3, 1))
    recorded_result(t, "arbeid", date(2024, 5, 1))
    browser_login(page, live_server.url, "beleid@example.nl", "secret-password-123")
    with page.expect_navigation():
        page.get_by_role("link", name="Monitor").first.click()
    page.goto(f"{live_server.url}/monitor/{QUERY}")
    expect(page.get_by_role("heading", name="Raadstabel")).to_be_visible()
    expect(page.get_by_role("row", name="Uitstroom naar arbeid")).to_be_visible()
    assert_accessible(page)
    with page.expect_navigation():
        page.get_by_role("button", name="Cijfers per 31-12-2024 vaststellen").click()
    expect(page.get_by_text("zijn vastgesteld")).to_be_visible()
    assert_accessible(page)


def test_case_lead_drills_down_to_own_participants(live_server, page):
    lead = serving(Role.CASE_LEAD, "GM0014", email="regie@example.nl")
    t = TrajectoryFactory(
        registered_on=date(2023, 2, 1), start_date=date(2023, 3, 1), participant__family_name="Zwartjes"
    )
    on_team(lead, t, start_date=date(2023, 2, 1))
    browser_login(page, live_server.url, "regie@example.nl", "secret-password-123")
    page.goto(f"{live_server.url}/monitor/{QUERY}")
    with page.expect_navigation():
        page.get_by_role("link", name="Aantal deelnemers actueel op 31-12-2024", exact=False).click()
    expect(page.get_by_role("heading", name="Aantal deelnemers actueel")).to_be_visible()
    expect(page.get_by_role("link", name="Zwartjes", exact=False)).to_be_visible()
    assert "Zwartjes" not in page.url
    assert_accessible(page)


def test_functional_admin_sees_the_import_page(live_server, page):
    professional(Role.FUNCTIONAL_ADMIN, email="beheer@example.nl")
    browser_login(page, live_server.url, "beheer@example.nl", "secret-password-123")
    page.goto(f"{live_server.url}/monitor/register/")
    expect(page.get_by_role("heading", name="Bestaand register inlezen")).to_be_visible()
    assert_accessible(page)


def test_regional_policy_user_reads_the_table_per_municipality(live_server, page):
    serving(Role.POLICY, "GM0014", "GM1966", "GM1969", email="regio@example.nl")
    for code in ("GM0014", "GM1966", "GM1969"):
        TrajectoryFactory(municipality=municipality(code), registered_on=date(2023, 2, 1), start_date=date(2023, 3, 1))
    browser_login(page, live_server.url, "regio@example.nl", "secret-password-123")
    page.goto(f"{live_server.url}/monitor/{QUERY}")
    expect(page.get_by_role("heading", name="Per gemeente en in totaal", exact=False)).to_be_visible()
    expect(page.get_by_role("columnheader", name="Het Hogeland").first).to_be_visible()
    assert_accessible(page)
