"""Browser journey: a case lead works through the worklist (handle one, snooze one) without WCAG 2.1 AA violations."""

from datetime import date, timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from routeplus.accounts.models import Role
from routeplus.alerts.engine import signals_evaluate
from routeplus.alerts.models import Signal, SignalStatus
from routeplus.guide.tests.factories import provision
from routeplus.testing.browser import assert_accessible, browser_login
from routeplus.testing.factories import TrajectoryFactory, on_team, professional

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_case_lead_handles_one_signal_and_snoozes_another(live_server, page):
    today = timezone.localdate()
    lead = professional(Role.CASE_LEAD, email="regie@example.nl", full_name="Sanne Test")
    silent = TrajectoryFactory(
        participant__given_name="Noor",
        participant__family_name="Zwartjes",
        participant__birth_date=date(2001, 1, 1),
        registered_on=today - timedelta(days=120),
        start_date=today - timedelta(days=100),
    )
    ending = TrajectoryFactory(
        participant__given_name="Daan",
        participant__family_name="Bos",
        participant__birth_date=date(2001, 1, 1),
        registered_on=today - timedelta(days=20),
        start_date=today - timedelta(days=10),
    )
    provision(ending, "wmo_support", start_date=today - timedelta(days=200), end_date=today + timedelta(days=30))
    on_team(lead, silent, start_date=today - timedelta(days=120))
    on_team(lead, ending, start_date=today - timedelta(days=20))
    signals_evaluate()
    no_contact = Signal.objects.get(trajectory=silent, rule="no_contact")
    provision_ending = Signal.objects.get(trajectory=ending, rule="provision_ending")

    browser_login(page, live_server.url, "regie@example.nl", "secret-password-123")
    page.goto(f"{live_server.url}/werkvoorraad/")
    expect(page.get_by_role("heading", name="Mijn werkvoorraad")).to_be_visible()
    assert_accessible(page)

    page.locator(f"#signal-{no_contact.uuid}").get_by_role("link", name="Actie").click()
    expect(page.get_by_role("heading", name="Al lang geen contact")).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Wat is er gedaan?").fill("Huisbezoek gedaan, Noor komt volgende week langs")
    page.get_by_role("button", name="Afgehandeld").click()
    expect(page.get_by_text("Signalering bijgewerkt: afgehandeld.")).to_be_visible()

    page.locator(f"#signal-{provision_ending.uuid}").get_by_role("link", name="Actie").click()
    page.get_by_label("Reden van uitstel").fill("Verlenging is aangevraagd, besluit over twee weken")
    page.get_by_label("Uitstellen tot").fill("")
    page.get_by_role("button", name="Uitstellen").click()
    expect(page.get_by_role("alert")).to_contain_text("Uitstellen tot")  # the error names the field
    expect(page.get_by_label("Reden van uitstel")).to_have_value("Verlenging is aangevraagd, besluit over twee weken")
    assert_accessible(page)
    page.get_by_label("Uitstellen tot").fill((today + timedelta(days=14)).isoformat())
    page.get_by_role("button", name="Uitstellen").click()
    expect(page.get_by_text("Signalering bijgewerkt: uitgesteld.")).to_be_visible()
    assert_accessible(page)

    no_contact.refresh_from_db()
    provision_ending.refresh_from_db()
    assert no_contact.status == SignalStatus.HANDLED
    assert no_contact.action_taken.startswith("Huisbezoek")
    assert provision_ending.status == SignalStatus.SNOOZED
    assert provision_ending.snoozed_until == today + timedelta(days=14)

    page.reload()
    expect(page.get_by_text("Niets te doen. Goed bezig.")).to_be_visible()
    assert_accessible(page)
