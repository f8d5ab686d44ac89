"""The caseload and case-file pages: search, filters, paging, forms, and query counts that do not grow."""

from datetime import date
from unittest import mock

import pytest
import time_machine
from django.db import connection
from django.db.models import QuerySet
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from routeplus.accounts.models import Role
from routeplus.conf.compiled import CompiledPages
from routeplus.participants.models import Participant
from routeplus.testing.factories import (
    SchoolFactory,
    TrajectoryFactory,
    municipality,
    on_team,
    professional,
    route,
)
from routeplus.testing.http import logged_in
from routeplus.trajectories.models import Status, TeamMember, Trajectory

pytestmark = pytest.mark.django_db
CASELOAD = "/jongeren/"


def test_search_by_name_is_posted_and_never_in_the_url(lead_on_team, trajectory):
    other = TrajectoryFactory(participant__family_name="Anders")
    on_team(lead_on_team, other)
    client = logged_in(lead_on_team)

    response = client.post(CASELOAD, {"q": trajectory.participant.family_name})

    assert response.status_code == 302
    assert trajectory.participant.family_name not in response.headers["Location"]
    page = client.get(response.headers["Location"])
    assert trajectory.participant.family_name in page.text
    assert "Anders" not in page.text

    cleared = client.get(client.post(CASELOAD, {"q": ""}).headers["Location"])
    assert "Anders" in cleared.text


def test_caseload_row_shows_age_route_status_place_and_registration_date(lead_on_team):
    """What a row shows, as the template showed it when it formatted the row itself (now CaseloadLine does):
    age counted today, the status's label, the registration date as j-n-Y."""
    today = timezone.localdate()
    turned_17_today = date(today.year - 17, today.month, 28 if today.month == 2 and today.day == 29 else today.day)
    trajectory = TrajectoryFactory(
        participant__family_name="Bakker",
        participant__given_name="Sanne",
        participant__birth_date=turned_17_today,
        status=Status.WAITING,
        start_date=None,
        registered_on=date(2025, 3, 4),
    )
    on_team(lead_on_team, trajectory)

    response = logged_in(lead_on_team).get(CASELOAD)

    url = reverse("trajectories:case_file", args=[trajectory.uuid])
    row = response.text.split(f'href="{url}"', 1)[1].split("</tr>", 1)[0]
    cells = [cell.split("</td>", 1)[0] for cell in row.split('<td class="utrecht-table__cell">')[1:]]
    assert row.startswith(">Bakker, Sanne</a>")
    assert cells[0] == "17"
    assert cells[1] == trajectory.route.name
    assert cells[2] == f'<span class="rp-status">{Status.WAITING.label}</span>'
    assert cells[3] == trajectory.municipality.name
    assert cells[4] == "4-3-2025"


def test_filters_by_route_status_and_municipality(lead_on_team):
    wanted = TrajectoryFactory(participant__family_name="Gezocht", status=Status.WAITING, start_date=None)
    other_route = TrajectoryFactory(participant__family_name="Anderroute", route=route("ROUTE_ENTREE"))
    other_place = TrajectoryFactory(participant__family_name="Elderswonend", municipality=municipality("GM1966"))
    for t in (wanted, other_route, other_place):
        on_team(lead_on_team, t)
    lead_on_team.memberships.get().organisation.municipalities.add(municipality("GM0014"), municipality("GM1966"))

    response = logged_in(lead_on_team).get(
        CASELOAD, {"route": "RA_PLUS", "status": "waiting", "municipality": "GM0014"}
    )

    assert "Gezocht" in response.text
    assert "Anderroute" not in response.text
    assert "Elderswonend" not in response.text


def test_unknown_filter_values_show_all_instead_of_failing(lead_on_team, trajectory):
    response = logged_in(lead_on_team).get(CASELOAD, {"status": "nonsense", "sort": "drop table"})
    assert response.status_code == 200
    assert trajectory.participant.family_name in response.text


def test_caseload_pages_by_fifty_and_sorts(case_lead):
    for n in range(55):
        on_team(case_lead, TrajectoryFactory(participant__family_name=f"Naam{n:02d}"))
    client = logged_in(case_lead)

    first = client.get(CASELOAD, {"sort": "name"})
    second = client.get(CASELOAD, {"sort": "name", "page": 2})

    assert first.context["page"].paginator.count == 55
    assert len(first.context["page"].object_list) == 50
    assert "Naam00" in first.text and "Naam54" not in first.text
    assert "Naam54" in second.text
    descending = client.get(CASELOAD, {"sort": "-name"})
    assert descending.context["rows"][0].name.startswith("Naam54, ")


def _mixed_caseload(lead) -> None:
    """Fourteen trajectories on the lead's caseload with every sort key and filter varying, names repeating."""
    routes = [route("RA_PLUS"), route("ROUTE_ENTREE")]
    places = [municipality("GM0014"), municipality("GM1966")]
    statuses = [Status.ACTIVE, Status.WAITING]
    for n in range(14):
        on_team(
            lead,
            TrajectoryFactory(
                participant__family_name=f"Naam{n % 5}",
                participant__birth_date=date(2005 + n % 4, 1 + n % 12, 1 + n),
                route=routes[n % 2],
                municipality=places[n % 3 % 2],
                status=statuses[n % 3 % 2],
                start_date=None if statuses[n % 3 % 2] == Status.WAITING else date(2025, 8, 1),
                registered_on=date(2025, 1 + n % 6, 1 + n),
            ),
        )


def test_the_compiled_caseload_gives_the_query_sets_rows_for_every_sort_filter_and_page(case_lead):
    from routeplus.trajectories.selectors import CASELOAD_SORTS, _caseload, caseload_list

    _mixed_caseload(case_lead)
    other = professional(Role.CASE_LEAD)
    on_team(other, TrajectoryFactory(participant__family_name="Naam0"))  # someone else's: never listed
    filters = [{}, {"route_code": "ROUTE_ENTREE"}, {"status": Status.WAITING}, {"municipality_code": "GM1966"},
               {"route_code": "RA_PLUS", "status": Status.ACTIVE, "municipality_code": "GM0014"}]  # fmt: skip
    today = timezone.localdate()
    for sort in CASELOAD_SORTS:
        for used in filters:
            compiled = caseload_list(user=case_lead, sort=sort, **used)
            expected = list(_caseload((Role.CASE_LEAD,), sort, user_id=case_lead.pk, on=today, **used))
            assert isinstance(compiled, CompiledPages)
            assert expected, (sort, used)
            for start in (0, 5, 10):
                assert compiled[start : start + 5] == expected[start : start + 5], (sort, used, start)
            assert compiled.count() == len(expected)
    searched = caseload_list(user=case_lead, search="Naam3")
    assert isinstance(searched, QuerySet) and {row[1] for row in searched} == {"Naam3"}  # a search: not compiled


def test_the_caseload_builds_no_query_set_for_its_list_after_the_first_visit(lead_on_team):
    from django.db.models.sql.compiler import SQLCompiler

    client = logged_in(lead_on_team)
    assert client.get(CASELOAD).status_code == 200
    built = []
    original = SQLCompiler.as_sql

    def spy(self, *args, **kwargs):
        built.append(self.query.model)
        return original(self, *args, **kwargs)

    with mock.patch.object(SQLCompiler, "as_sql", spy):
        response = client.get(CASELOAD, {"page": 1, "sort": "name"})
    assert response.status_code == 200 and response.context["page"].paginator.count == 1
    assert Trajectory not in built


def test_htmx_filter_request_gets_only_the_results_fragment(lead_on_team, trajectory):
    response = logged_in(lead_on_team).get(CASELOAD, HTTP_HX_REQUEST="true")
    assert 'id="caseload-results"' in response.text
    assert "<html" not in response.text


def test_status_change_form_keeps_input_and_explains_the_error(lead_on_team):
    trajectory = TrajectoryFactory(status=Status.ACTIVE)
    on_team(lead_on_team, trajectory)
    url = reverse("trajectories:change_status", kwargs={"trajectory_uuid": trajectory.uuid})

    response = logged_in(lead_on_team).post(
        url,
        {
            "to_status": Status.CLOSED,
            "effective_date": "2024-06-01",
            "reason": "",
            "version": trajectory.version,
        },
    )

    assert response.status_code == 400
    assert "Geef een reden op" in response.text
    assert 'value="2024-06-01"' in response.text


def test_two_status_changes_from_the_same_version_one_wins(lead_on_team):
    trajectory = TrajectoryFactory(status=Status.INTAKE, start_date=None)
    on_team(lead_on_team, trajectory)
    url = reverse("trajectories:change_status", kwargs={"trajectory_uuid": trajectory.uuid})
    client = logged_in(lead_on_team)
    version = trajectory.version

    first = client.post(url, {"to_status": Status.ACTIVE, "effective_date": "2024-03-01", "version": version})
    second = client.post(
        url,
        {
            "to_status": Status.CLOSED,
            "effective_date": "2024-03-02",
            "reason": "Verhuisd",
            "version": version,
        },
    )

    assert first.status_code == 302
    assert second.status_code == 400
    assert "Iemand anders heeft dit traject intussen gewijzigd" in second.text
    assert "Verhuisd" in second.text  # the second person's input is kept
    trajectory.refresh_from_db()
    assert trajectory.status == Status.ACTIVE


def test_case_lead_adds_and_ends_a_team_member(lead_on_team, trajectory):
    coach = professional(Role.JOB_COACH, full_name="Coach Cor")
    coach.memberships.get().organisation.municipalities.add(trajectory.municipality)
    far_away = professional(Role.JOB_COACH, full_name="Coach Elders")  # serves no municipality of this case
    client = logged_in(lead_on_team)
    add_url = reverse("trajectories:team_add", kwargs={"trajectory_uuid": trajectory.uuid})
    case_file = client.get(reverse("trajectories:case_file", kwargs={"trajectory_uuid": trajectory.uuid})).text
    # The case file links to the add page; the list of candidates is there, not on every opening of the file.
    assert f'href="{add_url}"' in case_file and "Coach Cor" not in case_file
    add_page = client.get(add_url)
    assert add_page.status_code == 200
    assert "Coach Cor" in add_page.text and "Coach Elders" not in add_page.text
    # The page carries the case file's menu with the sections this user may open, as every section page does.
    for section in ("plan", "contacts", "timeline"):
        section_url = reverse(f"casefile:{section}", kwargs={"trajectory_uuid": trajectory.uuid})
        assert f'href="{section_url}"' in add_page.text
    refused = client.post(add_url, {"user": far_away.pk, "role": Role.JOB_COACH, "start_date": "2024-04-01"})
    assert refused.status_code == 400
    assert 'value="2024-04-01"' in refused.text  # what the user typed is kept
    assert not TeamMember.objects.filter(trajectory=trajectory, user=far_away).exists()
    assert client.post(add_url, {}).status_code == 400  # an empty form is refused, not shown as new

    assert (
        client.post(add_url, {"user": coach.pk, "role": Role.JOB_COACH, "start_date": "2024-04-01"}).status_code == 302
    )
    member = TeamMember.objects.get(trajectory=trajectory, user=coach)
    assert (
        "Coach Cor" in client.get(reverse("trajectories:case_file", kwargs={"trajectory_uuid": trajectory.uuid})).text
    )

    end_url = reverse("trajectories:team_end", kwargs={"trajectory_uuid": trajectory.uuid})
    assert client.post(end_url, {"member": member.pk, "end_date": "2024-05-01"}).status_code == 302
    member.refresh_from_db()
    assert member.end_date == date(2024, 5, 1)


def test_bsn_is_never_shown_whole(lead_on_team):
    trajectory = TrajectoryFactory(participant__bsn="111222333")
    on_team(lead_on_team, trajectory)
    client = logged_in(lead_on_team)

    case_file = client.get(reverse("trajectories:case_file", kwargs={"trajectory_uuid": trajectory.uuid}))
    caseload = client.get(CASELOAD)

    assert "111222333" not in case_file.text and "111222333" not in caseload.text
    assert "••••••333" in case_file.text


def bulk_world(lead, count):
    """count participants with a trajectory each on the lead's team, written in bulk."""
    school = SchoolFactory()
    place = municipality()
    ra_plus = route()
    organisation = lead.memberships.get().organisation
    participants = Participant.objects.bulk_create(
        Participant(
            given_name=f"G{n}",
            family_name=f"F{n}",
            birth_date=date(2007, 1, 1),
            school=school,
            outflow_profile="dagbesteding",
            municipality=place,
        )
        for n in range(count)
    )
    trajectories = Trajectory.objects.bulk_create(
        Trajectory(
            participant=p,
            route=ra_plus,
            municipality=place,
            registered_on=date(2024, 1, 1),
            start_date=date(2024, 2, 1),
            status=Status.ACTIVE,
        )
        for p in participants
    )
    TeamMember.objects.bulk_create(
        TeamMember(
            trajectory=t,
            user=lead,
            organisation=organisation,
            role=Role.CASE_LEAD,
            start_date=date(2024, 1, 1),
        )
        for t in trajectories
    )
    return trajectories


def count_queries(client, url):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


def test_caseload_and_case_file_queries_do_not_grow_from_60_to_10000_participants():
    """60: a second caseload page in the small world too (a page past the end costs a count query more)."""
    small_lead, large_lead = professional(Role.CASE_LEAD), professional(Role.CASE_LEAD)
    small = bulk_world(small_lead, 60)
    large = bulk_world(large_lead, 10_000)
    small_client, large_client = logged_in(small_lead), logged_in(large_lead)
    pages = [
        (CASELOAD, CASELOAD),
        (f"{CASELOAD}?sort=-registered&page=2", f"{CASELOAD}?sort=-registered&page=2"),
        (
            reverse("trajectories:case_file", kwargs={"trajectory_uuid": small[0].uuid}),
            reverse("trajectories:case_file", kwargs={"trajectory_uuid": large[-1].uuid}),
        ),
    ]
    # The clock stands still: a session is written again when its idle clock is 30 seconds behind, which on a
    # busy machine happened to one client between its warm-up and the counted request (9 == 10, in CI).
    with time_machine.travel(timezone.now(), tick=False):
        for url_small, url_large in pages:
            count_queries(small_client, url_small)  # warm the session and caches alike
            count_queries(large_client, url_large)
            assert count_queries(small_client, url_small) == count_queries(large_client, url_large)


def test_the_case_file_asks_no_more_queries_for_a_larger_team_and_history(lead_on_team, trajectory):
    """Team and status history are read with only what the page shows of each person (their name): a field
    the page printed beyond those would be read person by person, and this count would grow."""
    from routeplus.trajectories.models import StatusChange

    client = logged_in(lead_on_team)
    url = reverse("trajectories:case_file", kwargs={"trajectory_uuid": trajectory.uuid})
    with time_machine.travel(timezone.now(), tick=False):
        count_queries(client, url)  # warm the session and caches
        before = count_queries(client, url)
        colleagues = [professional(role) for role in (Role.JOB_COACH, Role.SCHOOL_COORDINATOR, Role.CASE_LEAD)]
        for colleague in colleagues:
            on_team(colleague, trajectory, role=colleague.memberships.get().role)
        StatusChange.objects.bulk_create(
            StatusChange(trajectory=trajectory, from_status=Status.REGISTERED, to_status=Status.ACTIVE,
                         effective_date=date(2024, 2, 1), reason="Gestart", changed_by=colleague)
            for colleague in colleagues
        )  # fmt: skip
        page = client.get(url).text
        after = count_queries(client, url)
    assert after == before
    for colleague in colleagues:
        assert page.count(colleague.full_name) >= 2  # in the team and in the status history
    # Read without what the page does not show of a person.
    from routeplus.trajectories.selectors import case_file_core

    core = case_file_core(trajectory=trajectory)
    for person in [member.user for member in core.team] + [change.changed_by for change in core.recent_status_changes]:
        assert {"password", "email", "last_login"} <= person.get_deferred_fields()


def test_every_sort_offered_in_the_filter_form_is_known_to_the_selector():
    from routeplus.trajectories.forms import CaseloadFilterForm, choice_field
    from routeplus.trajectories.selectors import CASELOAD_SORTS

    offered = {value for value, _ in choice_field(CaseloadFilterForm(user=None), "sort").choices}
    assert offered <= set(CASELOAD_SORTS)


def test_admission_to_intake_is_not_offered_on_the_case_file_but_through_the_waiting_list(lead_on_team):
    trajectory = TrajectoryFactory(status=Status.WAITING, start_date=None)
    on_team(lead_on_team, trajectory)
    client = logged_in(lead_on_team)

    page = client.get(reverse("trajectories:case_file", kwargs={"trajectory_uuid": trajectory.uuid}))
    assert 'value="intake"' not in page.text
    refused = client.post(
        reverse("trajectories:change_status", kwargs={"trajectory_uuid": trajectory.uuid}),
        {"to_status": Status.INTAKE, "effective_date": "2024-03-01", "version": trajectory.version},
    )
    assert refused.status_code == 400
    trajectory.refresh_from_db()
    assert trajectory.status == Status.WAITING


def test_case_file_shows_the_latest_status_changes_and_links_to_the_rest_on_the_timeline(lead_on_team, trajectory):
    from routeplus.trajectories.models import StatusChange
    from routeplus.trajectories.selectors import RECENT_STATUS_CHANGES

    StatusChange.objects.bulk_create(
        StatusChange(
            trajectory=trajectory,
            from_status=Status.REGISTERED,
            to_status=Status.REGISTERED,
            effective_date=date(2020, 1, 1),
            reason=f"Reden nummer {n:02d}",
            changed_by=lead_on_team,
        )
        for n in range(1, 15)
    )
    url = reverse("trajectories:case_file", kwargs={"trajectory_uuid": trajectory.uuid})

    page = logged_in(lead_on_team).get(url).text

    shown = [n for n in range(1, 15) if f"Reden nummer {n:02d}" in page]
    assert shown == list(range(15 - RECENT_STATUS_CHANGES, 15))  # the newest
    earlier = StatusChange.objects.filter(trajectory=trajectory).count() - RECENT_STATUS_CHANGES
    assert f"{earlier} eerdere wijzigingen staan op de tijdlijn" in page
    timeline = reverse("casefile:timeline", kwargs={"trajectory_uuid": trajectory.uuid})
    assert f'href="{timeline}?soort=status"' in page


def test_the_caseload_filters_offer_every_route_and_the_served_municipalities_in_one_statement(
    django_assert_num_queries,
):
    from routeplus.accounts.models import Municipality
    from routeplus.testing.factories import MembershipFactory, OrganisationFactory, UserFactory
    from routeplus.trajectories.forms import CaseloadFilterForm
    from routeplus.trajectories.models import Route

    user = professional(Role.CASE_LEAD)
    serving = user.memberships.get().organisation
    serving.municipalities.add(municipality("GM1966"), municipality("GM0037"))
    also = MembershipFactory(user=user, role=Role.JOB_COACH).organisation
    also.municipalities.add(municipality("GM0037"))  # served twice: offered once
    ended = MembershipFactory(user=user, role=Role.JOB_COACH, is_active=False).organisation
    ended.municipalities.add(municipality("GM1699"))  # an ended membership of this user serves nothing,
    MembershipFactory(organisation=ended, role=Role.CASE_LEAD)  # even when someone else's is active
    OrganisationFactory().municipalities.add(municipality("GM0014"))  # someone else's organisation
    with django_assert_num_queries(1):
        form = CaseloadFilterForm(user=user)
    routes = list(Route.objects.order_by("name").values_list("code", "name"))
    assert len(routes) > 1
    assert form.fields["route"].choices == [("", "Alle"), *routes]
    # By name (Het Hogeland before Stadskanaal), not by code (GM0037 Stadskanaal before GM1966).
    assert [code for code, _name in form.fields["municipality"].choices] == ["", "GM1966", "GM0037"]
    names = dict(Municipality.objects.values_list("cbs_code", "name"))
    assert (names["GM1966"], names["GM0037"]) == ("Het Hogeland", "Stadskanaal")
    assert CaseloadFilterForm(user=UserFactory()).fields["municipality"].choices == [("", "Alle")]
