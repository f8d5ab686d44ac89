"""The journey of issue 3 in a real browser: from registration to closure, with axe on every page visited.

Registration itself belongs to the intake app; the journey starts from a registered trajectory at its case
file, and walks team, plan with goals and reviews, an internship, a provision, a result, contacts, a
bottleneck, the timeline, and closure.
"""

from datetime import date

import pytest
from playwright.sync_api import expect

from routeplus.accounts.models import Role
from routeplus.casefile.tests.factories import EmployerFactory
from routeplus.testing.browser import assert_accessible, browser_login
from routeplus.testing.factories import TrajectoryFactory, on_team, professional
from routeplus.trajectories.models import Status

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _submit(page, name: str) -> None:
    # Wait for the page the form leads to, not the current one: a check run before the new page has
    # arrived reads the old one, or loses its document halfway (axe then fails on a null document).
    with page.expect_navigation():
        page.get_by_role("button", name=name, exact=True).click()


def test_case_lead_takes_a_participant_from_registration_to_closure(live_server, page):
    lead = professional(Role.CASE_LEAD, email="regie@example.nl", full_name="Sanne Regie")
    coach = professional(Role.JOB_COACH, email="coach@example.nl", full_name="Fatima Coach")
    EmployerFactory(name="Zorgboerderij De Hoeve", city="Winsum")
    trajectory = TrajectoryFactory(
        participant__given_name="Noor", participant__family_name="Zwartjes", participant__birth_date=date(2008, 5, 17),
        registered_on=date(2026, 9, 1), start_date=None, status=Status.INTAKE,
    )  # fmt: skip
    # Admission to intake went through the waiting list (intake app); the coach serves this municipality.
    coach.memberships.get().organisation.municipalities.add(trajectory.municipality)
    on_team(lead, trajectory, start_date=date(2026, 9, 1))
    case_file = f"{live_server.url}/dossier/{trajectory.uuid}/"

    browser_login(page, live_server.url, "regie@example.nl", "secret-password-123")
    page.goto(case_file)
    expect(page.get_by_role("heading", name="Noor Zwartjes")).to_be_visible()
    assert_accessible(page)

    # Team: the job coach joins (on the team page); then the trajectory starts.
    page.get_by_role("link", name="Teamlid toevoegen").click()
    expect(page.get_by_role("heading", name="Teamlid toevoegen")).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Professional").select_option(label="Fatima Coach")
    page.get_by_label("Rol in het team").select_option(label="Jobcoach")
    _submit(page, "Toevoegen")
    expect(page.get_by_text("Het teamlid is toegevoegd.")).to_be_visible()
    for status in ("Actief",):
        page.get_by_label("Nieuwe status").select_option(label=status)
        _submit(page, "Status wijzigen")
        expect(page.get_by_text("De status is gewijzigd.")).to_be_visible()
    assert_accessible(page)

    # Plan with a goal and a review.
    page.get_by_role("link", name="Plan en leerdoelen", exact=True).first.click()
    page.get_by_label("Perspectief").fill("Werken in de groenvoorziening met een jobcoach.")
    _submit(page, "Plan opslaan")
    expect(page.get_by_text("Het ontwikkelplan is opgeslagen.")).to_be_visible()
    page.get_by_label("Gebied").select_option(label="Zelfstandigheid")
    page.get_by_label("Leerdoel", exact=True).fill("Zelf met de bus naar de stage")
    page.get_by_label("In de woorden van de jongere (niet verplicht)").fill("Ik wil zelf reizen.")
    _submit(page, "Leerdoel toevoegen")
    expect(page.get_by_role("link", name="Zelf met de bus naar de stage")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("link", name="Zelf met de bus naar de stage").click()
    page.get_by_label("Hoe ver is de jongere?").select_option(label="2: Een beetje")
    page.get_by_label("Toelichting (niet verplicht)").fill("Eerste week met begeleiding.")
    _submit(page, "Evaluatie toevoegen")
    expect(page.get_by_role("cell", name="2: Een beetje")).to_be_visible()
    assert_accessible(page)

    # An internship (tailored), which proposes a result.
    page.get_by_role("navigation", name="Onderdelen van het dossier").get_by_role("link", name="Stages en werk").click()
    page.get_by_label("Soort plek").select_option(label="Stage maatwerk")
    page.get_by_label("Werkgever").select_option(label="Zorgboerderij De Hoeve (Winsum)")
    page.get_by_label("Startdatum").fill(date.today().isoformat())
    page.get_by_label("Uren per week (niet verplicht)").fill("12")
    _submit(page, "Toevoegen")
    expect(page.get_by_text("De stage of werkplek is toegevoegd.")).to_be_visible()
    assert_accessible(page)

    # A provision.
    page.get_by_role("navigation", name="Onderdelen van het dossier").get_by_role("link", name="Voorzieningen").click()
    page.get_by_label("Voorziening", exact=True).select_option(label="Jobcoaching")
    page.get_by_label("Status").select_option(label="Aangevraagd")
    page.get_by_label("Aangevraagd op").fill(date.today().isoformat())
    _submit(page, "Toevoegen")
    expect(page.get_by_text("De voorziening is toegevoegd.")).to_be_visible()
    assert_accessible(page)

    # The result: the proposal from the internship, confirmed by the case lead.
    page.get_by_role("navigation", name="Onderdelen van het dossier").get_by_role("link", name="Resultaten").click()
    expect(page.get_by_role("button", name="Bevestig: Stage maatwerk", exact=True)).to_be_visible()
    assert_accessible(page)
    _submit(page, "Bevestig: Stage maatwerk")
    expect(page.get_by_text("Het resultaat is bevestigd en telt nu mee.")).to_be_visible()

    # A contact and a failed attempt.
    page.get_by_role("navigation", name="Onderdelen van het dossier").get_by_role("link", name="Contacten").click()
    page.get_by_label("Manier").select_option(label="Telefoon")
    page.get_by_label("Nee, niet bereikt").check()
    _submit(page, "Vastleggen")
    page.get_by_label("Manier").select_option(label="Gesprek")
    page.get_by_label("Korte samenvatting").fill("Stage besproken, gaat goed.")
    _submit(page, "Vastleggen")
    expect(page.get_by_role("cell", name="Niet bereikt")).to_be_visible()
    assert_accessible(page)

    # A bottleneck.
    page.get_by_role("navigation", name="Onderdelen van het dossier").get_by_role("link", name="Knelpunten").click()
    page.get_by_label("Soort knelpunt").select_option(label="Overgang 18-/18+")
    page.get_by_label("Jeugdwet").check()
    page.get_by_label("Wmo 2015").check()
    page.get_by_label("Omschrijving").fill("Jeugdhulp stopt op 18; Wmo-besluit nog niet rond.")
    _submit(page, "Vastleggen")
    expect(page.get_by_text("Het knelpunt is vastgelegd.")).to_be_visible()
    assert_accessible(page)

    # Closure, then everything on the timeline.
    page.goto(case_file)
    page.get_by_label("Nieuwe status").select_option(label="Afgesloten")
    page.get_by_label("Reden").fill("Uitstroom naar stage maatwerk")
    _submit(page, "Status wijzigen")
    expect(page.get_by_text("De status is gewijzigd.")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("navigation", name="Onderdelen van het dossier").get_by_role("link", name="Tijdlijn").click()
    timeline = page.locator(".rp-timeline").inner_text()
    for expected in ("Status: Afgesloten", "In het team: Fatima Coach", "Leerdoel", "Evaluatie: Een beetje",
                     "Start: Stage maatwerk", "Aangevraagd: Jobcoaching", "Resultaat: Stage maatwerk",
                     "Niet bereikt", "Knelpunt: Overgang 18-/18+"):  # fmt: skip
        assert expected in timeline, expected
    assert_accessible(page)
    page.get_by_label("Contacten").check()
    _submit(page, "Filter toepassen")
    filtered = page.locator(".rp-timeline").inner_text()
    assert "Niet bereikt" in filtered
    assert "Knelpunt" not in filtered
    assert "Zwartjes" not in page.url
    assert_accessible(page)
