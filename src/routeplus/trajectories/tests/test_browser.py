"""Browser journey of the foundation: log in, open the caseload and a case file; no WCAG 2.1 AA violations."""

import pytest
from playwright.sync_api import expect

from routeplus.accounts.models import Role
from routeplus.testing.browser import assert_accessible, browser_login
from routeplus.testing.factories import TrajectoryFactory, on_team, professional

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_case_lead_logs_in_opens_caseload_and_case_file(live_server, page):
    lead = professional(Role.CASE_LEAD, email="lead@example.nl", full_name="Sanne Test")
    trajectory = TrajectoryFactory(participant__given_name="Noor", participant__family_name="Zwartjes")
    on_team(lead, trajectory)

    page.goto(f"{live_server.url}/inloggen/")
    assert_accessible(page)
    browser_login(page, live_server.url, "lead@example.nl", "secret-password-123")

    expect(page.get_by_role("heading", name="Mijn werkvoorraad")).to_be_visible()  # a case lead's home
    page.get_by_role("link", name="Mijn jongeren", exact=True).click()
    expect(page.get_by_role("heading", name="Mijn jongeren")).to_be_visible()
    assert_accessible(page)

    page.get_by_role("link", name="Zwartjes, Noor").click()
    expect(page.get_by_role("heading", name="Noor Zwartjes")).to_be_visible()
    assert "Zwartjes" not in page.url and "Noor" not in page.url
    assert_accessible(page)
