"""Choosing the new case lead of a warm handover: every case lead while there are few, a search once there are
many (a national installation has hundreds, and the page listed them all)."""

from dataclasses import replace
from datetime import date

import pytest
import time_machine
from django.urls import reverse

from routeplus.accounts.models import Role
from routeplus.testing.factories import OrganisationFactory, TrajectoryFactory, on_team, professional, route
from routeplus.testing.http import logged_in, select_options
from routeplus.trajectories.handover_views import CASE_LEAD_SEARCH
from routeplus.trajectories.models import Handover
from routeplus.ui.choice_search import search_button

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def frozen_clock():
    with time_machine.travel(date(2025, 6, 1), tick=False):
        yield


@pytest.fixture
def case(db):
    lead = professional(Role.CASE_LEAD, full_name="Anna Huidig")
    trajectory = TrajectoryFactory(registered_on=date(2024, 1, 1), start_date=date(2024, 2, 1))
    on_team(lead, trajectory)
    return lead, trajectory, reverse("trajectories:handover", kwargs={"trajectory_uuid": trajectory.uuid})


@pytest.fixture
def many_case_leads(monkeypatch):
    """More case leads than the form lists (its limit set to three here, a hundred in use)."""
    monkeypatch.setattr("routeplus.trajectories.handover_views.CASE_LEAD_SEARCH", replace(CASE_LEAD_SEARCH, limit=3))
    oost = OrganisationFactory(name="WIJ Oost")
    return {
        "jansen": professional(Role.CASE_LEAD, full_name="Piet Jansen"),
        "jansma": professional(Role.CASE_LEAD, full_name="Els Jansma", organisation=oost),
        "bakker": professional(Role.CASE_LEAD, full_name="Kees Bakker", organisation=oost),
        "coach": professional(Role.JOB_COACH, full_name="Jan Jansen"),  # not a case lead: never offered
    }


def handover_typed(trajectory) -> dict[str, object]:
    """Everything of a valid handover but the new case lead, as a form posts it."""
    return {
        "to_route": route("ROUTE_ARBEID").pk,
        "to_municipality": trajectory.municipality.pk,
        "handover_date": "2025-05-01",
        "what_to_know": "Werkt graag met dieren.",
        "overlap_days": "30",
    }


def options(page: str) -> list[str]:
    """The case leads the select offers, by label."""
    return select_options(page, "new_case_lead")


def test_a_few_case_leads_are_all_listed_without_a_search(case):
    lead, _trajectory, url = case
    professional(Role.CASE_LEAD, full_name="Bert Nieuw")
    professional(Role.JOB_COACH, full_name="Carla Coach")
    page = logged_in(lead).get(url).text
    assert options(page) == ["Anna Huidig", "Bert Nieuw"]
    assert 'name="new_case_lead_search"' not in page


def test_many_case_leads_are_searched_and_the_search_keeps_what_was_typed(case, many_case_leads):
    lead, trajectory, url = case
    client = logged_in(lead)
    page = client.get(url).text
    assert 'type="search" name="new_case_lead_search"' in page
    assert options(page) == []
    assert "Zoek eerst de regisseur" in page

    typed = handover_typed(trajectory)
    response = client.post(url, {**typed, "new_case_lead_search": "jans", search_button("new_case_lead"): "1"})
    assert response.status_code == 200
    assert not Handover.objects.exists()  # a search saves nothing
    assert options(response.text) == ["Els Jansma", "Piet Jansen"]  # the job coach Jan Jansen is no case lead
    assert "2 gevonden" in response.text
    assert "Werkt graag met dieren." in response.text and 'value="jans"' in response.text
    assert "utrecht-form-field--invalid" not in response.text  # nothing was checked yet, so nothing is wrong

    by_organisation = client.post(url, {**typed, "new_case_lead_search": "wij oost", "new_case_lead_searched": ""})
    assert options(by_organisation.text) == ["Els Jansma", "Kees Bakker"]  # Enter in the search field searches too
    assert not Handover.objects.exists()

    chosen = many_case_leads["jansma"]
    sent = {**typed, "new_case_lead_search": "jans", "new_case_lead_searched": "jans", "new_case_lead": chosen.pk}
    response = client.post(url, sent)
    assert response.status_code == 302
    assert Handover.objects.get().to_trajectory.team.get(end_date=None).user == chosen


def test_a_chosen_case_lead_stays_listed_when_the_search_changes(case, many_case_leads):
    lead, _trajectory, url = case
    bakker = many_case_leads["bakker"]
    sent = {"new_case_lead": bakker.pk, "new_case_lead_search": "jansen", search_button("new_case_lead"): "1"}
    page = logged_in(lead).post(url, sent).text
    assert options(page) == ["Piet Jansen", "Kees Bakker"]
    assert f'<option value="{bakker.pk}" selected>' in page


def test_a_search_that_matches_nobody_says_so(case, many_case_leads):
    lead, _trajectory, url = case
    page = logged_in(lead).post(url, {"new_case_lead_search": "zzz", search_button("new_case_lead"): "1"}).text
    assert options(page) == []
    assert "Geen regisseur gevonden" in page


def test_only_a_case_lead_can_be_chosen_when_the_list_is_narrowed(case, many_case_leads):
    """The search narrows what is listed, not what is accepted: someone who is no case lead is refused."""
    lead, trajectory, url = case
    sent = {
        **handover_typed(trajectory),
        "new_case_lead_search": "jansen",
        "new_case_lead_searched": "jansen",
        "new_case_lead": many_case_leads["coach"].pk,
    }
    response = logged_in(lead).post(url, sent)
    assert response.status_code == 400
    assert not Handover.objects.exists()
    assert select_options(response.text, "new_case_lead") == ["Piet Jansen"]
