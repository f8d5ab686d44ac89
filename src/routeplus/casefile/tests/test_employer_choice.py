"""Choosing the employer of a placement: every employer while there are few, a search once there are many (at
national scale there are thousands, and a list of them all made the placements page slow and useless)."""

import re
from dataclasses import replace
from datetime import date

import pytest
import time_machine
from django.urls import reverse

from routeplus.casefile.forms import EMPLOYER_SEARCH
from routeplus.casefile.models import Placement
from routeplus.casefile.tests.factories import EmployerFactory, PlacementFactory
from routeplus.testing.http import logged_in, select_options
from routeplus.ui.choice_search import search_button

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def frozen_clock():
    with time_machine.travel(date(2025, 3, 3), tick=False):
        yield


@pytest.fixture
def many_employers(monkeypatch):
    """More active employers than the form lists (its limit set to three here, a hundred in use)."""
    monkeypatch.setattr("routeplus.casefile.forms.EMPLOYER_SEARCH", replace(EMPLOYER_SEARCH, limit=3))
    return {
        "jansen": EmployerFactory(name="Bakkerij Jansen", city="Groningen"),
        "smit": EmployerFactory(name="Bakkerij Smit", city="Winsum"),
        "hoeve": EmployerFactory(name="Zorgboerderij De Hoeve", city="Winsum"),
        "garage": EmployerFactory(name="Garage Dijkstra", city="Haren"),
        "gemeente": EmployerFactory(name="Gemeente Groningen", city="Groningen"),
    }


def options(page: str) -> list[str]:
    """The employers the select offers, by label."""
    return select_options(page, "employer")


def test_a_few_employers_are_all_listed_without_a_search(lead_on_team, trajectory):
    EmployerFactory(name="Bakkerij Jansen", city="Groningen")
    EmployerFactory(name="Kringloop Oost", city="")
    EmployerFactory(name="Oud bedrijf", is_active=False)
    page = logged_in(lead_on_team).get(reverse("casefile:placements", args=[trajectory.uuid])).content.decode()
    assert options(page) == ["Bakkerij Jansen (Groningen)", "Kringloop Oost"]
    assert 'name="employer_search"' not in page


def test_many_employers_are_searched_and_the_search_keeps_what_was_typed(lead_on_team, trajectory, many_employers):
    url = reverse("casefile:placements", args=[trajectory.uuid])
    client = logged_in(lead_on_team)
    page = client.get(url).content.decode()
    assert 'type="search" name="employer_search"' in page
    assert options(page) == []
    assert "Zoek eerst de werkgever" in page

    typed = {"kind": "internship", "supervisor": "Piet de Vries", "start_date": "2025-02-10", "status": "running"}
    response = client.post(url, {**typed, "employer_search": "bakkerij", search_button("employer"): "1"})
    page = response.content.decode()
    assert response.status_code == 200
    assert not Placement.objects.exists()  # a search saves nothing
    assert options(page) == ["Bakkerij Jansen (Groningen)", "Bakkerij Smit (Winsum)"]
    assert "2 gevonden" in page
    assert 'value="Piet de Vries"' in page and 'value="2025-02-10"' in page and 'value="bakkerij"' in page
    assert "utrecht-form-field--invalid" not in page  # nothing was checked yet, so nothing is wrong

    assert 'name="employer_searched" value="bakkerij"' in page  # the search this list was made with

    chosen = many_employers["smit"]
    sent = {**typed, "employer_search": "bakkerij", "employer_searched": "bakkerij", "employer": str(chosen.uuid)}
    response = client.post(url, sent)
    assert response.status_code == 302
    placement = Placement.objects.get()
    assert (placement.employer, placement.supervisor) == (chosen, "Piet de Vries")


def test_a_search_by_place_that_finds_too_many_shows_the_first_and_says_so(lead_on_team, trajectory, many_employers):
    EmployerFactory(name="Alfa Groningen", city="Groningen")
    EmployerFactory(name="Beta", city="Groningen")
    url = reverse("casefile:placements", args=[trajectory.uuid])
    response = logged_in(lead_on_team).post(url, {"employer_search": "groningen", search_button("employer"): "1"})
    page = response.content.decode()
    assert options(page) == ["Alfa Groningen (Groningen)", "Bakkerij Jansen (Groningen)", "Beta (Groningen)"]
    assert "Meer dan 3 werkgevers gevonden" in page


def test_a_search_that_finds_nothing_says_where_to_add_the_employer(lead_on_team, trajectory, many_employers):
    url = reverse("casefile:placements", args=[trajectory.uuid])
    page = logged_in(lead_on_team).post(url, {"employer_search": "slagerij", search_button("employer"): "1"})
    assert "Geen werkgever gevonden" in page.content.decode()
    assert options(page.content.decode()) == []


def test_editing_a_placement_keeps_its_employer_listed_and_chosen(lead_on_team, trajectory, many_employers):
    """Also when the employer has since been made inactive, and when a search lists others."""
    hoeve = many_employers["hoeve"]
    placement = PlacementFactory(trajectory=trajectory, employer=hoeve)
    hoeve.is_active = False
    hoeve.save()
    url = reverse("casefile:placement_edit", args=[trajectory.uuid, placement.uuid])
    client = logged_in(lead_on_team)
    page = client.get(url).content.decode()
    assert options(page) == ["Zorgboerderij De Hoeve (Winsum)"]
    assert f'<option value="{hoeve.uuid}" selected>' in page
    searched = client.post(
        url, {"employer": str(hoeve.uuid), "employer_search": "garage", search_button("employer"): "1"}
    )
    assert options(searched.content.decode()) == ["Garage Dijkstra (Haren)", "Zorgboerderij De Hoeve (Winsum)"]


def test_enter_searches_in_the_search_field_and_saves_elsewhere(lead_on_team, trajectory, many_employers):
    """A browser sends a form on Enter with its first button: a hidden one that saves comes before the search
    button, and a search that differs from the one the list was made with is taken as a search."""
    url = reverse("casefile:placements", args=[trajectory.uuid])
    client = logged_in(lead_on_team)
    form = re.search(r"<form method=\"post\".*?</form>", client.get(url).content.decode(), re.S)
    assert form is not None
    first_button = re.search(r"<button[^>]*>", form.group())
    assert first_button is not None and "name=" not in first_button.group()  # the default button saves

    typed = {"kind": "internship", "start_date": "2025-02-10", "status": "running", "employer_searched": ""}
    # Enter in the search field after typing: no button sent, another search than the list's.
    page = client.post(url, {**typed, "employer_search": "garage"}).content.decode()
    assert options(page) == ["Garage Dijkstra (Haren)"] and not Placement.objects.exists()
    # Enter in another field, the search unchanged: saved.
    garage = many_employers["garage"]
    sent = {**typed, "employer_search": "garage", "employer_searched": "garage", "employer": str(garage.uuid)}
    assert client.post(url, sent).status_code == 302
    assert Placement.objects.get().employer == garage


def test_a_search_is_cut_to_the_fields_length_before_it_becomes_a_query(lead_on_team, trajectory, many_employers):
    url = reverse("casefile:placements", args=[trajectory.uuid])
    response = logged_in(lead_on_team).post(url, {"employer_search": "bakkerij " + "a " * 50_000})
    assert response.status_code == 200
    assert options(response.content.decode()) == ["Bakkerij Jansen (Groningen)", "Bakkerij Smit (Winsum)"]
