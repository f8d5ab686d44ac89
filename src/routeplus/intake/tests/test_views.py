"""The pages of intake: who may use them, what they show, and that they keep personal data out of URLs."""

import re
from dataclasses import replace
from datetime import date, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from routeplus.accounts.models import Role
from routeplus.audit.models import AccessLogEntry
from routeplus.intake.forms import CASE_LEAD_SEARCH
from routeplus.intake.models import PriorityMove, Registration
from routeplus.participants.models import Participant
from routeplus.testing.factories import ParticipantFactory, SchoolFactory, municipality, on_team, professional
from routeplus.testing.http import logged_in, select_options
from routeplus.trajectories.models import Status
from routeplus.ui.choice_search import search_button

from .conftest import TODAY, fund, register

pytestmark = pytest.mark.django_db

REGISTER = reverse("intake:register")
WAITING = reverse("intake:waiting_list")
CAPACITY = reverse("intake:capacity")


def form_data(**overrides):
    data = {
        "given_name": "Noor",
        "family_name": "Zwartjes",
        "birth_date": "2008-05-17",
        "bsn": "",
        "municipality": municipality("GM0014").pk,
        "school": SchoolFactory().pk,
        "school_type": "PRO",
        "outflow_profile": "dagbesteding",
        "route": "RA_PLUS",
        "registered_on": TODAY.isoformat(),
        "reason": "Eerste stage start in april.",
        "phone": "",
        "email": "",
    }
    data.update(overrides)
    return data


@pytest.mark.parametrize(
    ("role", "url", "status"),
    [
        (Role.CASE_LEAD, REGISTER, 200),
        (Role.SCHOOL_COORDINATOR, REGISTER, 200),
        (Role.JOB_COACH, REGISTER, 403),
        (Role.POLICY, REGISTER, 403),
        (Role.FUNCTIONAL_ADMIN, REGISTER, 403),
        (Role.CASE_LEAD, WAITING, 200),
        (Role.SCHOOL_COORDINATOR, WAITING, 200),
        (Role.JOB_COACH, WAITING, 403),
        (Role.POLICY, WAITING, 403),
        (Role.POLICY, CAPACITY, 200),
        (Role.CASE_LEAD, CAPACITY, 200),
        (Role.FUNCTIONAL_ADMIN, CAPACITY, 200),
        (Role.SCHOOL_COORDINATOR, CAPACITY, 403),
        (Role.JOB_COACH, CAPACITY, 403),
        (Role.RESEARCHER, CAPACITY, 403),
    ],
)
def test_pages_are_open_to_their_roles_only(frozen, role, url, status):
    assert logged_in(professional(role)).get(url).status_code == status


def test_registration_states_the_outcome_and_keeps_names_out_of_the_url(frozen, area, lead):
    fund(area, places=0)
    response = logged_in(lead).post(REGISTER, form_data())
    assert response.status_code == 302
    registration = Registration.objects.get()
    assert response["Location"] == reverse("intake:registration", args=[registration.trajectory.uuid])
    assert "Zwartjes" not in response["Location"]

    page = logged_in(lead).get(response["Location"])
    content = page.content.decode()
    assert "Op de wachtlijst van Route Arbeid+, op plaats 1." in content
    assert "Aanmeldstop" in content
    assert "Voldoet: Leeftijd." in content


def test_the_form_keeps_what_was_typed_and_links_errors(frozen, area, lead):
    fund(area, places=1)
    response = logged_in(lead).post(REGISTER, form_data(reason="", birth_date="2008-05-17"))
    assert response.status_code == 400
    content = response.content.decode()
    assert 'value="Zwartjes"' in content
    assert 'href="#id_reason"' in content
    assert Registration.objects.count() == 0


def test_duplicates_are_offered_before_saving_and_the_existing_participant_can_be_used(frozen, area, lead):
    fund(area, places=2)
    existing = ParticipantFactory(given_name="Noor", family_name="Zwartjes", birth_date=date(2008, 5, 17))
    client = logged_in(lead)

    offered = client.post(REGISTER, form_data())
    assert offered.status_code == 200
    content = offered.content.decode()
    assert "Is dit dezelfde jongere?" in content
    assert f'value="{existing.uuid}"' in content
    assert Registration.objects.count() == 0
    assert AccessLogEntry.objects.filter(section="intake_duplicates", participant_ref=str(existing.uuid)).exists()

    chosen = client.post(REGISTER, form_data(participant_choice=str(existing.uuid)))
    assert chosen.status_code == 302
    assert Participant.objects.count() == 1
    assert Registration.objects.get().trajectory.participant == existing


def test_a_known_bsn_offers_only_the_existing_participant(frozen, area, lead):
    fund(area, places=2)
    ParticipantFactory(bsn="111222333", family_name="Anders")
    client = logged_in(lead)
    offered = client.post(REGISTER, form_data(bsn="111222333"))
    assert "Deze jongere staat al in routeplus" in offered.content.decode()
    assert 'value="new"' not in offered.content.decode()
    refused = client.post(REGISTER, form_data(bsn="111222333", participant_choice="new"))
    assert refused.status_code == 200  # still the choice, nothing saved
    assert Participant.objects.count() == 1


def test_eligibility_is_checked_as_you_type_and_explained(frozen, area, lead):
    fund(area, places=0)
    response = logged_in(lead).post(
        reverse("intake:eligibility"),
        {
            "route": "RA_PLUS",
            "birth_date": "2012-01-01",
            "registered_on": TODAY.isoformat(),
            "municipality": municipality("GM1730").pk,
            "outflow_profile": "arbeidsmarkt",
        },
        HTTP_HX_REQUEST="true",
    )
    content = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in content  # only the panel
    assert "Voldoet niet: Leeftijd." in content
    assert "de route is vanaf 16 jaar" in content
    assert "De route loopt niet in Tynaarlo" in content
    assert "onderbouwde uitzondering" in content


def test_the_panel_shows_the_intake_stop_and_the_place_on_the_list(frozen, area, lead):
    fund(area, places=0)
    register(lead)
    response = logged_in(lead).post(
        reverse("intake:eligibility"), {"route": "RA_PLUS", "municipality": municipality("GM0014").pk}
    )
    assert "Aanmeldstop." in response.content.decode()
    assert "op plaats 2" in response.content.decode()


def test_a_coordinator_cannot_save_a_failed_rule_and_is_told_the_way_out(frozen, area):
    fund(area, places=2)
    coordinator = professional(Role.SCHOOL_COORDINATOR)
    lead = professional(Role.CASE_LEAD)
    response = logged_in(coordinator).post(REGISTER, form_data(outflow_profile="arbeidsmarkt", case_lead=lead.pk))
    assert response.status_code == 400
    assert "vraag de regisseur om de aanmelding te doen" in response.content.decode()
    assert 'name="exception_reason"' not in response.content.decode()


def test_a_case_lead_saves_a_documented_exception(frozen, area, lead):
    fund(area, places=2)
    response = logged_in(lead).post(
        REGISTER, form_data(outflow_profile="arbeidsmarkt", exception_reason="Profiel klopt niet meer met de praktijk.")
    )
    assert response.status_code == 302
    page = logged_in(lead).get(response["Location"]).content.decode()
    assert "Aangemeld met een uitzondering" in page
    assert "Profiel klopt niet meer met de praktijk." in page


def test_waiting_list_shows_names_only_to_those_who_may_see_them(frozen, area, lead):
    fund(area, places=0)
    mine = register(lead, person=None, participant=ParticipantFactory(family_name="Zichtbaar"))
    other_lead = professional(Role.CASE_LEAD)
    register(other_lead, person=None, participant=ParticipantFactory(family_name="Verborgen"))
    content = logged_in(lead).get(WAITING).content.decode()
    assert "Zichtbaar" in content
    assert "Verborgen" not in content
    assert "Afgeschermd" in content
    assert "Aanmeldstop" in content
    assert mine.trajectory.status == Status.WAITING


def test_the_case_lead_admits_the_proposed_next_in_line(frozen, area, lead):
    fund(area, places=0)
    first = register(lead)
    fund(area, places=1)
    client = logged_in(lead)
    page = client.get(WAITING).content.decode()
    assert "Voorstel: laat nummer 1 van de wachtlijst toe." in page
    assert reverse("intake:admit", args=[first.trajectory.uuid]) in page

    response = client.post(reverse("intake:admit", args=[first.trajectory.uuid]))
    assert response.status_code == 302
    first.trajectory.refresh_from_db()
    assert first.trajectory.status == Status.INTAKE


def test_a_case_lead_not_on_the_team_cannot_admit_or_prioritise(frozen, area, lead):
    fund(area, places=0)
    register(lead, on=TODAY - timedelta(days=1))
    registration = register(lead)
    fund(area, places=1)
    client = logged_in(professional(Role.CASE_LEAD))
    assert client.post(reverse("intake:admit", args=[registration.trajectory.uuid])).status_code == 404
    assert client.get(reverse("intake:prioritise", args=[registration.trajectory.uuid])).status_code == 404
    assert (
        client.post(reverse("intake:prioritise", args=[registration.trajectory.uuid]), {"reason": "x" * 20}).status_code
        == 404
    )
    assert PriorityMove.objects.count() == 0
    registration.trajectory.refresh_from_db()
    assert registration.trajectory.status == Status.WAITING


def test_priority_needs_a_reason_and_is_shown_on_the_waiting_list(frozen, area, lead):
    fund(area, places=0)
    register(lead, on=TODAY - timedelta(days=2))
    second = register(lead)
    client = logged_in(lead)
    url = reverse("intake:prioritise", args=[second.trajectory.uuid])
    refused = client.post(url, {"reason": ""})
    assert refused.status_code == 400
    assert PriorityMove.objects.count() == 0

    done = client.post(url, {"reason": "Stageplek vervalt anders na de zomer."})
    assert done.status_code == 302
    page = client.get(WAITING).content.decode()
    assert "Voorrang van plaats 2" in page
    assert "Stageplek vervalt anders na de zomer." in page


def test_capacity_page_shows_figures_forecast_chart_and_what_extra_money_buys(frozen, area, cost, lead):
    fund(area, places=1)
    register(lead)
    register(lead)
    register(lead)
    policy = professional(Role.POLICY)
    response = logged_in(policy).get(CAPACITY, {"gebied": str(area.uuid), "jaar": 2026, "extra": "20000"})
    content = response.content.decode()
    assert response.status_code == 200
    assert "<svg" in content and 'role="img"' in content
    assert "Tabel bij de grafiek" in content
    assert "+ € 20.000 = 2 plekken = wachtlijst weg in maart 2026." in " ".join(content.split())
    assert "Jongere" not in content  # no names on the capacity page
    assert "Aanmeldstop" in content
    # SVG coordinates are plain numbers, never with the Dutch decimal comma that figures on the page get.
    coordinates = re.findall(r'<(?:rect|line|text) [^>]*?\b(?:x|y|x1|x2|y1|y2|width|height)="([^"]*)"', content)
    assert coordinates and all(re.fullmatch(r"-?\d+(\.\d+)?", c) for c in coordinates), coordinates


def test_waiting_list_query_count_does_not_grow_with_the_list(frozen, area, lead):
    fund(area, places=0)
    for _ in range(2):
        register(lead)
    client = logged_in(lead)
    client.get(WAITING)  # warm the session and caches
    with CaptureQueriesContext(connection) as small:
        client.get(WAITING)
    for _ in range(8):
        register(lead)
    with CaptureQueriesContext(connection) as large:
        client.get(WAITING)
    assert len(large.captured_queries) == len(small.captured_queries)


def test_capacity_page_query_count_does_not_grow_with_the_data(frozen, area, cost, lead):
    fund(area, places=1)
    register(lead)
    register(lead)  # one waiting, so every query of the waiting times runs in both measurements
    client = logged_in(professional(Role.POLICY))
    client.get(CAPACITY)
    with CaptureQueriesContext(connection) as small:
        client.get(CAPACITY)
    for _ in range(6):
        register(lead)
    with CaptureQueriesContext(connection) as large:
        client.get(CAPACITY)
    assert len(large.captured_queries) == len(small.captured_queries)


def test_on_team_fixture_is_compatible(frozen, area, lead):
    fund(area, places=1)
    registration = register(lead)
    coach = professional(Role.JOB_COACH)
    on_team(coach, registration.trajectory, role=Role.JOB_COACH)
    assert logged_in(coach).get(reverse("intake:registration", args=[registration.trajectory.uuid])).status_code == 200


def test_a_school_coordinator_starts_with_their_own_school_selected(frozen):
    school = SchoolFactory(name="VSO De Brug", school_type="VSO")
    coordinator = professional(Role.SCHOOL_COORDINATOR, organisation=school)
    content = logged_in(coordinator).get(REGISTER).content.decode()
    assert f'<option value="{school.pk}" selected>VSO De Brug</option>' in content
    assert 'name="case_lead"' in content


def test_a_coordinator_searches_the_case_lead_once_there_are_many_and_keeps_what_was_typed(frozen, area, monkeypatch):
    """Above the limit (a hundred in use, two here) the case lead is searched; a search checks and saves nothing."""
    monkeypatch.setattr("routeplus.intake.forms.CASE_LEAD_SEARCH", replace(CASE_LEAD_SEARCH, limit=2))
    fund(area, places=2)
    coordinator = professional(Role.SCHOOL_COORDINATOR)
    wanted = professional(Role.CASE_LEAD, full_name="Wim Wijkteam")
    professional(Role.CASE_LEAD, full_name="Anna Anders")
    professional(Role.CASE_LEAD, full_name="Bert Buiten")
    client = logged_in(coordinator)

    assert select_options(client.get(REGISTER).content.decode(), "case_lead") == []  # nobody is listed before a search

    typed = form_data(given_name="Sanne")
    searched = client.post(REGISTER, {**typed, "case_lead_search": "wijk", search_button("case_lead"): "1"})
    page = searched.content.decode()
    assert searched.status_code == 200
    assert not Registration.objects.exists()
    assert select_options(page, "case_lead") == ["Wim Wijkteam"]
    assert 'value="Sanne"' in page and "utrecht-form-field--invalid" not in page
    assert "Kies een route" not in page  # the rules panel still shows the rules for what was typed

    saved = client.post(
        REGISTER, {**typed, "case_lead_search": "wijk", "case_lead_searched": "wijk", "case_lead": wanted.pk}
    )
    assert saved.status_code == 302
    registration = Registration.objects.get()
    assert registration.trajectory.team.get(role=Role.CASE_LEAD).user == wanted
