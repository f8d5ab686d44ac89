"""The region: users see the municipalities their organisation serves; the regional view hides small numbers
across municipalities (primary and secondary suppression) while the total stays exact, on screen and in exports."""

import csv
import io
import re
from datetime import date

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from routeplus.accounts.models import Role
from routeplus.api.models import ALL_SCOPES
from routeplus.api.services import api_token_create
from routeplus.monitor.exports import Publication, shown_breakdown, suppress_row
from routeplus.monitor.models import EstablishedReport
from routeplus.monitor.scope import monitor_scope
from routeplus.monitor.selectors import Scope, council_table, council_table_breakdown
from routeplus.monitor.tests.people import serving
from routeplus.monitor.tests.results import recorded_result
from routeplus.testing.factories import TrajectoryFactory, municipality, professional
from routeplus.testing.http import logged_in

pytestmark = pytest.mark.django_db
P = date(2024, 12, 31)
QUERY = "?p1=2023-12-31&p2=2024-12-31&route=RA_PLUS"
GRONINGEN, HOGELAND, WESTERKWARTIER = "GM0014", "GM1966", "GM1969"
REGION = (GRONINGEN, HOGELAND, WESTERKWARTIER)


def open_trajectories(code: str, n: int) -> None:
    """n participants in the route on P, with the municipality `code` responsible."""
    for _n in range(n):
        TrajectoryFactory(municipality=municipality(code), registered_on=date(2023, 2, 1), start_date=date(2023, 3, 1))


@pytest.fixture
def region() -> None:
    open_trajectories(GRONINGEN, 12)
    open_trajectories(HOGELAND, 2)
    open_trajectories(WESTERKWARTIER, 7)


def csv_rows(text: str) -> dict[str, list[str]]:
    return {row[0]: row[2:] for row in csv.reader(io.StringIO(text))}


def regional_cells(html: str, label: str) -> list[str]:
    """The cells of one row of the regional table on the page."""
    section = html.split('id="regional-heading"', 1)[1].split("</section>", 1)[0]
    row = re.search(rf'<tr><th scope="row">{re.escape(label)}</th>(.*?)</tr>', section)
    assert row, f"no row {label!r} in the regional table"
    return [re.sub(r"<[^>]+>", "", cell) for cell in re.findall(r"<td[^>]*>(.*?)</td>", row.group(1))]


# --- suppression itself ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("values", "shown"),
    [
        ((12, 2, 7), (12, "<5", "x")),  # one small cell: the next-smallest goes too
        ((12, 7, 0), (12, 7, 0)),  # nothing small, zero stays zero
        ((2, 3, 50), ("<5", "<5", 50)),  # two small cells summing to 5: each can be 1 to 4
        ((1, 1, 20, 30), ("<5", "<5", "x", 30)),  # 1 + 1 = 2 would give both away: one more goes
        ((1, 5, 100), ("<5", "x", "x")),  # 1 + 5 = 6 would give the 1 away (x is at least 5): one more goes
        ((3, 0, 0), ("<5", 0, 0)),  # nothing to hide it behind; the total is exact by design
        ((4,), ("<5",)),  # one column (publication mode): nothing to hide it behind
    ],
)
def test_suppress_row_hides_small_numbers_and_what_would_give_them_away(values, shown):
    assert suppress_row(values, 5) == shown


def test_breakdown_across_municipalities_is_suppressed_and_the_total_is_exact(region):
    scope = Scope.of("RA_PLUS", REGION)
    breakdown = council_table_breakdown(peildatum=P, scope=scope, by="municipality")
    shown = shown_breakdown(breakdown, Publication.default(), total=council_table(peildatum=P, scope=scope))
    assert shown.groups == ("Groningen", "Het Hogeland", "Westerkwartier")
    participants = shown.rows[0]
    assert participants[0].code == "deelnemers_actueel"
    assert participants[1:] == ((12, "<5", "x"), 21)
    assert shown.suppressed and "<5" in shown.footnote
    # within one municipality the figures are exact (outside publication mode)
    own = Scope.of("RA_PLUS", [GRONINGEN])
    alone = shown_breakdown(council_table_breakdown(peildatum=P, scope=own, by="school"), Publication.default())
    assert not alone.suppressed


# --- who sees which municipality -------------------------------------------------------------------------------


def test_groningen_policy_user_cannot_get_het_hogeland(region):
    client = logged_in(serving(Role.POLICY, GRONINGEN))
    response = client.get(reverse("monitor:overview") + QUERY + f"&municipality={HOGELAND}")
    html = response.content.decode()
    assert response.status_code == 400
    assert f"Gemeente {HOGELAND} valt buiten uw werkgebied" in html
    assert 'id="table-heading"' not in html  # no figures at all, not the whole country instead
    export = client.get(reverse("monitor:export", args=["csv"]) + QUERY + f"&municipality={HOGELAND}")
    assert export.status_code == 400
    assert not export["Content-Type"].startswith("text/csv")
    assert EstablishedReport.objects.count() == 0
    client.post(
        reverse("monitor:establish"),
        {"peildatum": "2024-12-31", "route": "RA_PLUS", "municipality": HOGELAND, "note": ""},
    )
    assert EstablishedReport.objects.count() == 0


def test_the_default_is_the_own_municipality_not_the_country(region):
    client = logged_in(serving(Role.POLICY, GRONINGEN))
    html = client.get(reverse("monitor:overview") + QUERY).content.decode()
    assert 'value="GM0014"' in html
    assert 'value="GM1966"' not in html  # the form offers only the werkgebied
    assert 'id="regional-heading"' not in html  # one municipality: no regional view
    rows = csv_rows(client.get(reverse("monitor:export", args=["csv"]) + QUERY).content.decode())
    assert rows["deelnemers_actueel"] == ["12"]  # Groningen's own figure, exact
    client.post(reverse("monitor:establish"), {"peildatum": "2024-12-31", "route": "RA_PLUS", "municipality": ""})
    assert EstablishedReport.objects.get().scope_key == "RA_PLUS|GM0014"


def test_an_organisation_without_werkgebied_gets_no_figures(region):
    response = logged_in(professional(Role.POLICY)).get(reverse("monitor:overview") + QUERY)
    assert response.status_code == 400
    assert "Uw organisatie heeft geen werkgebied" in response.content.decode()


def test_the_scope_is_the_werkgebied_of_active_memberships_in_a_figure_role():
    user = serving(Role.POLICY, GRONINGEN)
    other = serving(Role.CASE_LEAD, HOGELAND, WESTERKWARTIER)
    membership = other.memberships.get()
    membership.user = user
    membership.save()
    assert monitor_scope(user).codes == (GRONINGEN, HOGELAND, WESTERKWARTIER)
    user.memberships.filter(role=Role.CASE_LEAD).update(is_active=False)
    user._monitor_scope_cache = None
    assert monitor_scope(user).codes == (GRONINGEN,)
    researcher = serving(Role.RESEARCHER, HOGELAND)
    assert monitor_scope(researcher).codes == ()


# --- the regional view ---------------------------------------------------------------------------------------


def test_regional_user_sees_each_municipality_and_the_total_with_small_numbers_hidden(region):
    client = logged_in(serving(Role.POLICY, *REGION))
    response = client.get(reverse("monitor:overview") + QUERY)
    html = response.content.decode()
    assert response.status_code == 200
    assert "Per gemeente en in totaal" in html
    assert regional_cells(html, "Aantal deelnemers actueel") == ["12", "&lt;5", "x", "21"]
    assert "Het totaal is exact" in html
    # the council table of the whole region is exact
    assert csv_rows(client.get(reverse("monitor:export", args=["csv"]) + QUERY).content.decode())[
        "deelnemers_actueel"
    ] == ["21"]
    # choosing part of the werkgebied is allowed; with two columns and an exact total both must go
    part = client.get(reverse("monitor:overview") + QUERY + f"&municipality={GRONINGEN}&municipality={HOGELAND}")
    part_html = part.content.decode()
    assert regional_cells(part_html, "Aantal deelnemers actueel") == ["x", "&lt;5", "14"]
    assert "Deelnemers per gemeente; kleine aantallen zijn verborgen" in part_html  # the chart does not tell 12
    assert ">12<" not in part_html.split('id="per-gemeente-title"', 1)[1].split("</figure>", 1)[0]


def test_exports_of_the_regional_breakdown_hide_the_same_cells(region):
    client = logged_in(serving(Role.POLICY, *REGION))
    response = client.get(reverse("monitor:export", args=["csv-gemeente"]) + QUERY)
    assert response["Content-Type"].startswith("text/csv")
    assert "per-gemeente" in response["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0] == ["code", "label", "Groningen", "Het Hogeland", "Westerkwartier", "totaal"]
    assert rows[1] == ["deelnemers_actueel", "Aantal deelnemers actueel", "12", "<5", "x", "21"]
    workbook = load_workbook(io.BytesIO(client.get(reverse("monitor:export", args=["xlsx"]) + QUERY).content))
    sheet = workbook["Per gemeente"]
    assert [c.value for c in sheet[1]][2:] == ["Groningen", "Het Hogeland", "Westerkwartier", "totaal"]
    assert [c.value for c in sheet[2]][2:] == [12, "<5", "x", 21]
    assert any("Het totaal is exact" in str(row[0]) for row in sheet.iter_rows(values_only=True) if row[0])
    assert workbook["Raadstabel"]["D5"].value == 21


def test_api_council_table_keeps_to_the_werkgebied(region):
    user = serving(Role.POLICY, GRONINGEN)
    _token, secret = api_token_create(
        actor=user, user=user, organisation=user.memberships.get().organisation, name="test", scopes=ALL_SCOPES
    )
    client = Client(HTTP_AUTHORIZATION=f"Bearer {secret}")
    mine = client.get("/api/monitor/council-table/?peildatum=2024-12-31")
    assert mine.status_code == 200
    assert next(r["value"] for r in mine.json()["rows"] if r["code"] == "deelnemers_actueel") == 12
    refused = client.get(f"/api/monitor/council-table/?peildatum=2024-12-31&municipality={HOGELAND}")
    assert refused.status_code == 400
    assert "buiten uw werkgebied" in refused.content.decode()


def test_regional_page_query_count_does_not_grow_with_the_data(region):
    client = logged_in(serving(Role.POLICY, *REGION))
    client.get(reverse("monitor:overview") + QUERY)
    with CaptureQueriesContext(connection) as small:
        assert client.get(reverse("monitor:overview") + QUERY).status_code == 200
    for code in REGION:
        open_trajectories(code, 6)
    for t in TrajectoryFactory.create_batch(5, municipality=municipality(HOGELAND), registered_on=date(2023, 2, 1)):
        recorded_result(t, "arbeid", date(2024, 5, 1))
    with CaptureQueriesContext(connection) as large:
        assert client.get(reverse("monitor:overview") + QUERY).status_code == 200
    assert len(large.captured_queries) == len(small.captured_queries)
