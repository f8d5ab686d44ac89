"""Browser journey: register a pupil into a full route (intake stop), then admit them after a budget increase.

Every page visited is checked with axe (WCAG 2.1 AA).
"""

from decimal import Decimal

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from routeplus.accounts.models import Role
from routeplus.intake.models import CapacityArea
from routeplus.intake.services import budget_line_create
from routeplus.testing.browser import assert_accessible, browser_login
from routeplus.testing.factories import SchoolFactory, professional
from routeplus.trajectories.models import Status, Trajectory

from .conftest import fund, register

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("seeded")]


def test_register_into_a_full_route_then_admit_after_a_budget_increase(live_server, page):
    lead = professional(Role.CASE_LEAD, email="regie@example.nl", full_name="Sanne Regie")
    SchoolFactory(name="Praktijkschool Noord")
    area = CapacityArea.objects.get(name="Gemeente Groningen")
    year = timezone.localdate().year
    fund(area, places=1, year=year)
    register(lead, on=timezone.localdate())  # takes the only place: intake stop

    browser_login(page, live_server.url, "regie@example.nl", "secret-password-123")
    page.get_by_role("link", name="Aanmelden").first.click()
    expect(page.get_by_role("heading", name="Jongere aanmelden")).to_be_visible()
    assert_accessible(page)

    page.get_by_label("Voornaam").fill("Noor")
    page.get_by_label("Achternaam").fill("Zwartjes")
    page.get_by_label("Geboortedatum").fill("2008-05-17")
    page.get_by_label("Woongemeente").select_option(label="Groningen")
    page.get_by_label("School", exact=True).select_option(label="Praktijkschool Noord")
    page.get_by_label("Schoolsoort").select_option(value="PRO")
    page.get_by_label("Uitstroomprofiel").select_option(value="dagbesteding")
    page.get_by_label("Route", exact=True).select_option(value="RA_PLUS")
    page.get_by_label("Reden van aanmelding").fill("Eerste stage start volgende maand.")
    panel = page.locator("#eligibility-panel")
    panel.get_by_text("Aanmeldstop.").wait_for()  # checked as you type (htmx), before saving
    expect(panel.get_by_text("Voldoet: Leeftijd.")).to_be_visible()
    assert_accessible(page)

    page.get_by_role("button", name="Aanmelden", exact=True).click()
    page.get_by_role("heading", name="Aanmelding van Noor Zwartjes").wait_for()
    expect(page.get_by_text("Op de wachtlijst van Route Arbeid+, op plaats 1.")).to_be_visible()
    assert "Zwartjes" not in page.url
    assert_accessible(page)

    page.get_by_role("link", name="Wachtlijst").first.click()
    expect(page.get_by_text("Aanmeldstop Route Arbeid+")).to_be_visible()
    assert_accessible(page)

    budget_line_create(
        actor=lead,
        area=area,
        year=year,
        amount=Decimal("0"),
        kind="incidental",
        source="Extra middelen",
        decision_reference="RB-TEST",
        places=1,
    )
    page.reload()
    expect(page.get_by_text("Voorstel: laat nummer 1 van de wachtlijst toe.")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("button", name="Toelaten tot intake").click()
    page.get_by_text("De jongere is toegelaten tot de intake.").wait_for()
    assert_accessible(page)
    waiting = Trajectory.objects.get(participant__family_name="Zwartjes")
    assert waiting.status == Status.INTAKE

    page.get_by_role("link", name="Capaciteit").first.click()
    expect(page.get_by_role("heading", name="Capaciteit en wachtlijst")).to_be_visible()
    assert_accessible(page)


def test_school_list_upload_preview_correct_and_confirm(live_server, page, tmp_path):
    school = SchoolFactory(name="Praktijkschool Zuid")
    professional(Role.SCHOOL_COORDINATOR, organisation=school, email="school@example.nl", full_name="Pieter School")
    professional(Role.CASE_LEAD, email="regie@example.nl", full_name="Sanne Regie")
    header = "leerlingnummer;voornaam;achternaam;geboortedatum;woongemeente;uitstroomprofiel;verwachte_uitstroomdatum"
    good = "L-1;Daan;Hoving;2009-03-14;Groningen;dagbesteding;2027-07-10"
    bad = tmp_path / "leerlingen.csv"
    bad.write_text(f"{header}\n{good}\nL-2;Noor;Zuidema;31-02-2009;Groningen;dagbesteding;2027-07-10\n")
    fixed = tmp_path / "leerlingen-verbeterd.csv"
    fixed.write_text(f"{header}\n{good}\nL-2;Noor;Zuidema;28-02-2009;Groningen;dagbesteding;2027-07-10\n")

    browser_login(page, live_server.url, "school@example.nl", "secret-password-123")
    page.get_by_role("link", name="Aanmelden").first.click()
    page.get_by_role("link", name="Meerdere leerlingen tegelijk? Lees een schoollijst in.").click()
    expect(page.get_by_role("heading", name="Schoollijst inlezen")).to_be_visible()
    assert_accessible(page)

    def send(path):
        page.get_by_label("Bestand").set_input_files(str(path))
        page.get_by_label("Regisseur").select_option(label="Sanne Regie")
        page.get_by_role("button", name="Controleren").click()
        page.get_by_role("heading", name="Schoollijst: voorbeeld").wait_for()

    send(bad)
    expect(page.get_by_text("31-02-2009 bestaat niet als datum.")).to_be_visible()
    assert page.get_by_role("button", name="Bevestigen en aanmelden").count() == 0
    assert "Hoving" not in page.url
    assert_accessible(page)

    page.get_by_role("link", name="Een (verbeterd) bestand inlezen").click()
    send(fixed)
    expect(page.get_by_text("Zuidema, Noor")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("button", name="Bevestigen en aanmelden").click()
    page.get_by_text("Deze lijst is ingelezen: 2 leerlingen aangemeld.").wait_for()
    assert_accessible(page)
    assert Trajectory.objects.filter(participant__school=school).count() == 2
