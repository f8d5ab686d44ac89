"""The floor pages: mounted only for the benchmark, guarded, and showing exactly the caseload's rows."""

import re
from datetime import date

import pytest
from django.test import override_settings
from django.urls import NoReverseMatch, reverse

from routeplus.access.rules import Rule
from routeplus.accounts.models import Role
from routeplus.benchmark import views
from routeplus.testing.factories import ParticipantFactory, SchoolFactory, TrajectoryFactory, on_team, professional
from routeplus.testing.http import logged_in

UUIDS = re.compile(r"/dossier/([0-9a-f-]{36})/")
pytestmark = pytest.mark.django_db


def test_not_mounted_without_the_benchmark_setting() -> None:
    with pytest.raises(NoReverseMatch):
        reverse("benchmark:trivial")


def test_floor_views_declare_an_access_rule() -> None:
    assert views.trivial.access_rule is Rule.AUTHENTICATED
    assert views.caseload_floor.access_rule is Rule.AUTHENTICATED


@override_settings(ROOT_URLCONF="routeplus.benchmark.tests.urls")
def test_floors_need_a_login() -> None:
    from django.test import Client

    for name in ("benchmark:trivial", "benchmark:caseload_floor"):
        assert Client().get(reverse(name)).status_code == 302


@override_settings(ROOT_URLCONF="routeplus.benchmark.tests.urls")
def test_caseload_floor_shows_the_caseload_rows_in_order() -> None:
    lead = professional(Role.CASE_LEAD)
    mine = [
        TrajectoryFactory(participant=ParticipantFactory(family_name=name, given_name="A"))
        for name in ("Zandstra", "Bakker", "Mulder")
    ]
    for trajectory in mine:
        on_team(lead, trajectory)
    ended = TrajectoryFactory(participant=ParticipantFactory(family_name="Aalders"))
    on_team(lead, ended, end_date=date(2024, 3, 1))
    TrajectoryFactory(participant=ParticipantFactory(family_name="Anders"))  # not on the team
    client = logged_in(lead)

    floor = client.get(reverse("benchmark:caseload_floor"))
    page = client.get(reverse("trajectories:caseload"))

    assert floor.status_code == page.status_code == 200
    floor_rows = UUIDS.findall(floor.content.decode())
    assert floor_rows == UUIDS.findall(page.content.decode())
    assert floor_rows == [str(t.uuid) for t in sorted(mine, key=lambda t: t.participant.family_name)]


@override_settings(ROOT_URLCONF="routeplus.benchmark.tests.urls")
def test_caseload_floor_includes_registrations_of_the_coordinators_school() -> None:
    school = SchoolFactory()
    coordinator = professional(Role.SCHOOL_COORDINATOR, organisation=school)
    registered = TrajectoryFactory(participant=ParticipantFactory(school=school), status="registered", start_date=None)
    TrajectoryFactory(participant=ParticipantFactory(school=school))  # active: only via the team
    client = logged_in(coordinator)

    floor_rows = UUIDS.findall(client.get(reverse("benchmark:caseload_floor")).content.decode())

    assert floor_rows == [str(registered.uuid)]
    assert floor_rows == UUIDS.findall(client.get(reverse("trajectories:caseload")).content.decode())


@override_settings(ROOT_URLCONF="routeplus.benchmark.tests.urls")
def test_trivial_floor_answers_a_logged_in_user() -> None:
    response = logged_in(professional(Role.POLICY)).get(reverse("benchmark:trivial"))
    assert response.status_code == 200
    assert b"ok" in response.content
