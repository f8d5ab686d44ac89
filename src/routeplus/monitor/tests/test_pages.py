"""The monitor pages: who may see what, drill-down only to visible trajectories, establishing, exports, import."""

import io
from datetime import date

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from routeplus.accounts.models import Role
from routeplus.audit.models import AccessLogEntry
from routeplus.monitor.models import EstablishedReport
from routeplus.monitor.tests.people import serving
from routeplus.monitor.tests.registers import base_register, write_xlsx
from routeplus.monitor.tests.results import recorded_result
from routeplus.participants.models import Participant
from routeplus.testing.factories import TrajectoryFactory, on_team, professional
from routeplus.testing.http import logged_in
from routeplus.trajectories.models import Status

pytestmark = pytest.mark.django_db
QUERY = "?p1=2023-12-31&p2=2024-12-31&route=RA_PLUS"


@pytest.fixture
def world():
    mine = TrajectoryFactory(
        registered_on=date(2023, 2, 1), start_date=date(2023, 3, 1), participant__family_name="Zichtbaar"
    )
    theirs = TrajectoryFactory(
        registered_on=date(2023, 2, 1), start_date=date(2023, 3, 1), participant__family_name="Verborgen"
    )
    recorded_result(mine, "arbeid", date(2024, 5, 1))
    recorded_result(theirs, "arbeid", date(2024, 6, 1))
    lead = serving(Role.CASE_LEAD)
    on_team(lead, mine, start_date=date(2023, 2, 1))
    return {"mine": mine, "theirs": theirs, "lead": lead}


@pytest.mark.parametrize(
    ("role", "status"),
    [
        (Role.POLICY, 200),
        (Role.CASE_LEAD, 200),
        (Role.SCHOOL_COORDINATOR, 200),
        (Role.JOB_COACH, 200),
        (Role.FUNCTIONAL_ADMIN, 403),
        (Role.RESEARCHER, 403),
    ],
)
def test_monitor_page_by_role(world, role, status):
    response = logged_in(serving(role)).get(reverse("monitor:overview") + QUERY)
    assert response.status_code == status


def test_policy_sees_the_table_and_charts_but_no_participants(world):
    response = logged_in(serving(Role.POLICY)).get(reverse("monitor:overview") + QUERY)
    html = response.content.decode()
    assert "Aantal deelnemers actueel" in html
    assert "Monitor Route Arbeid+</h1>" in html  # the route's name, not its code
    assert "Zichtbaar" not in html
    assert "Verborgen" not in html
    assert reverse("monitor:drilldown") not in html
    assert html.count("<svg") >= 5
    assert "Definities (versie" in html
    assert "vaststellen" in html


def test_team_member_drills_down_only_to_trajectories_they_may_see(world):
    client = logged_in(world["lead"])
    page = client.get(reverse("monitor:overview") + QUERY).content.decode()
    assert reverse("monitor:drilldown") in page
    response = client.get(reverse("monitor:drilldown") + QUERY + "&code=arbeid&peildatum=2024-12-31")
    html = response.content.decode()
    assert response.status_code == 200
    assert "Zichtbaar" in html
    assert "Verborgen" not in html
    assert "Het cijfer is 2" in html
    assert 'href="/monitor/?p1=2023-12-31&amp;p2=2024-12-31&amp;route=RA_PLUS"' in html  # back with the same choice
    policy = logged_in(serving(Role.POLICY))
    assert policy.get(reverse("monitor:drilldown") + QUERY + "&code=arbeid&peildatum=2024-12-31").status_code == 403
    assert client.get(reverse("monitor:drilldown") + QUERY + "&code=nope&peildatum=2024-12-31").status_code == 404


def test_page_query_count_does_not_grow_with_the_data(world, django_assert_max_num_queries):
    client = logged_in(serving(Role.POLICY))
    client.get(reverse("monitor:overview") + QUERY)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as small:
        client.get(reverse("monitor:overview") + QUERY)
    for _n in range(15):
        t = TrajectoryFactory(registered_on=date(2023, 2, 1), start_date=date(2023, 3, 1))
        recorded_result(t, "entree", date(2024, 1, 2))
    with CaptureQueriesContext(connection) as large:
        client.get(reverse("monitor:overview") + QUERY)
    assert len(large.captured_queries) == len(small.captured_queries)


def test_establishing_stores_the_figures_and_later_changes_show_as_differences(world):
    policy = serving(Role.POLICY)
    client = logged_in(policy)
    response = client.post(
        reverse("monitor:establish"),
        {"peildatum": "2024-12-31", "route": "RA_PLUS", "municipality": "", "note": "Raadsbrief"},
    )
    assert response.status_code == 302
    report = EstablishedReport.objects.get()
    assert report.figures["arbeid"] == 2
    assert report.figures["deelnemers_actueel"] == 2
    assert report.established_by == policy
    assert report.definitions_version
    assert report.definitions["categories"][0]["code"] == "deelnemers_actueel"
    # a correction after the council received the figures
    recorded_result(world["mine"], "wajong", date(2024, 7, 1))
    html = client.get(reverse("monitor:overview") + QUERY).content.decode()
    assert "Sinds de vaststelling veranderd" in html
    report.refresh_from_db()
    assert report.figures["wajong"] == 0
    # establishing twice is refused with an explanation
    client.post(reverse("monitor:establish"), {"peildatum": "2024-12-31", "route": "RA_PLUS", "municipality": ""})
    assert EstablishedReport.objects.count() == 1
    lead = logged_in(world["lead"])
    assert lead.post(reverse("monitor:establish"), {"peildatum": "2023-12-31", "route": "RA_PLUS"}).status_code == 403


def test_exports_download_with_the_right_numbers_and_are_logged(world):
    client = logged_in(serving(Role.POLICY))
    csv_response = client.get(reverse("monitor:export", args=["csv"]) + QUERY)
    assert csv_response["Content-Type"].startswith("text/csv")
    assert "arbeid,Uitstroom naar arbeid,2" in csv_response.content.decode()
    xlsx = client.get(reverse("monitor:export", args=["xlsx"]) + QUERY)
    sheet = load_workbook(io.BytesIO(xlsx.content))["Raadstabel"]
    assert [sheet["C5"].value, sheet["D5"].value] == [2, 2]
    pdf = client.get(reverse("monitor:export", args=["pdf"]) + QUERY + "&publication=on")
    assert pdf.content.startswith(b"%PDF")
    assert "publicatie" in pdf["Content-Disposition"]
    assert AccessLogEntry.objects.filter(action="export", object_type="monitor").count() == 3
    assert client.get(reverse("monitor:export", args=["doc"]) + QUERY).status_code == 404


def test_web_import_previews_then_writes_only_after_confirmation(tmp_path, settings):
    settings.VAR_DIR = tmp_path
    admin = professional(Role.FUNCTIONAL_ADMIN)
    client = logged_in(admin)
    assert client.get(reverse("monitor:import")).status_code == 200
    path = write_xlsx(tmp_path / "r.xlsx", base_register())
    with path.open("rb") as handle:
        response = client.post(reverse("monitor:import"), {"register": handle})
    html = response.content.decode()
    assert response.status_code == 200
    assert "Voorvertoning" in html
    assert Participant.objects.count() == 0
    token = client.session["monitor_register_upload"]
    response = client.post(reverse("monitor:import_confirm"), {"token": token})
    assert response.status_code == 302
    assert Participant.objects.count() == 3
    assert not list((tmp_path / "imports").glob(f"{token}.*"))
    # the same register again: nothing to do
    with path.open("rb") as handle:
        html = client.post(reverse("monitor:import"), {"register": handle}).content.decode()
    assert "Niets te doen" in html


def test_web_import_lists_problems_and_writes_nothing(tmp_path, settings):
    settings.VAR_DIR = tmp_path
    register = base_register()
    register["trajectories"][1][2] = "RA_MINUS"
    path = write_xlsx(tmp_path / "r.xlsx", register)
    client = logged_in(professional(Role.FUNCTIONAL_ADMIN))
    with path.open("rb") as handle:
        response = client.post(reverse("monitor:import"), {"register": handle})
    html = response.content.decode()
    assert response.status_code == 400
    assert "niets ingelezen" in html
    assert "RA_MINUS" in html
    assert Participant.objects.count() == 0
    assert logged_in(serving(Role.POLICY)).get(reverse("monitor:import")).status_code == 403


def test_a_closed_status_is_not_needed_for_figures(world):
    world["theirs"].status = Status.CLOSED
    world["theirs"].end_date = date(2024, 8, 1)
    world["theirs"].save()
    csv_text = logged_in(serving(Role.POLICY)).get(reverse("monitor:export", args=["csv"]) + QUERY).content.decode()
    assert "deelnemers_actueel,Aantal deelnemers actueel,1" in csv_text
    assert "arbeid,Uitstroom naar arbeid,2" in csv_text
