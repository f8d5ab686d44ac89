"""The change history (Wijzigingsgeschiedenis) of a case file and of each of its records."""

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from routeplus.accounts.models import Role
from routeplus.audit.models import AccessLogEntry, ChangeLogEntry, Result
from routeplus.casefile import services
from routeplus.casefile.models import ContactChannel, ContactMoment, ContactWith, PlacementKind, PlacementStatus
from routeplus.casefile.tests.factories import EmployerFactory, provision_kind
from routeplus.testing.factories import TrajectoryFactory, on_team, professional
from routeplus.testing.http import logged_in
from routeplus.ui.row_urls import _url_pattern

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def frozen_clock():
    with time_machine.travel(datetime(2025, 3, 3, 10, 0, tzinfo=UTC), tick=False):
        yield


@pytest.fixture
def case():
    trajectory = TrajectoryFactory()
    lead = professional(Role.CASE_LEAD, full_name="Anna de Leider")
    on_team(lead, trajectory, role=Role.CASE_LEAD)
    return trajectory, lead


def _placement(trajectory, lead, *, employer_name="Bakkerij Noord"):
    placement = services.placement_create(
        actor=lead,
        trajectory=trajectory,
        kind=PlacementKind.INTERNSHIP,
        employer=EmployerFactory(name=employer_name),
        start_date=date(2024, 9, 2),
        hours_per_week=Decimal("16"),
    )
    return services.placement_update(
        actor=lead,
        placement=placement,
        expected_version=placement.version,
        status=PlacementStatus.ENDED,
        end_date=date(2025, 1, 31),
    )


def _url(trajectory, slug=None, record=None):
    if slug is None:
        return reverse("history:case_file", args=[trajectory.uuid])
    args = [trajectory.uuid, slug] + ([record.uuid] if record is not None else [])
    return reverse("history:record", args=args)


def _new_entries(before):
    return list(AccessLogEntry.objects.filter(id__gt=before))


def _last_id():
    return AccessLogEntry.objects.order_by("-id").values_list("id", flat=True).first() or 0


def test_team_member_sees_who_when_and_old_and_new_values_of_a_record(case):
    trajectory, lead = case
    placement = _placement(trajectory, lead)
    lead_org = lead.memberships.get().organisation.name
    client = logged_in(lead)
    before = _last_id()

    response = client.get(_url(trajectory, "stage", placement))

    assert response.status_code == 200
    page = response.content.decode()
    assert "Anna de Leider" in page
    assert lead_org in page
    assert "3-3-2025" in page  # when, in Dutch date format
    assert "Wijzigen" in page and "Aanmaken" in page
    # Field labels, choice labels and dates rendered readably: old -> new.
    assert "Status" in page and "Loopt" in page and "Afgerond" in page
    assert "Einddatum" in page and "31-1-2025" in page
    assert "Bakkerij Noord" in page  # the employer foreign key by its name, not its number
    entries = _new_entries(before)
    assert len(entries) == 1
    assert entries[0].result == Result.ALLOWED and entries[0].section == "placements"
    assert entries[0].participant_ref == str(trajectory.participant.uuid)


def test_case_file_history_lists_every_visible_record_newest_first_and_links_each(case):
    trajectory, lead = case
    placement = _placement(trajectory, lead)
    services.bottleneck_record(
        actor=lead,
        trajectory=trajectory,
        category="waiting",
        domains=["wmo", "jeugdwet"],
        description="Wachtlijst voor begeleiding",
        noticed_on=date(2025, 2, 1),
    )
    client = logged_in(lead)
    before = _last_id()

    response = client.get(_url(trajectory))

    assert response.status_code == 200
    page = response.content.decode()
    assert "Wachtlijst voor begeleiding" in page
    assert "Jeugdwet, Wmo 2015" in page  # a list of choice codes, by label
    assert _url(trajectory, "stage", placement) in page
    assert page.index("Knelpunt") < page.index("Stage of werkplek")  # newest first
    assert len(_new_entries(before)) == 1


def test_history_links_reuse_one_route_shape_for_every_record(case):
    """The rows link with UUIDs, so {% row_url %} reverses each route once, however many records are listed."""
    trajectory, lead = case
    client = logged_in(lead)

    def shapes_on_the_page() -> tuple[int, str]:
        _url_pattern.cache_clear()
        page = client.get(_url(trajectory)).content.decode()
        return _url_pattern.cache_info().currsize, page

    _grow(trajectory, lead, 1)
    few, _page = shapes_on_the_page()
    _grow(trajectory, lead, 4)
    many, page = shapes_on_the_page()
    assert all(_url(trajectory, "contact", c) in page for c in ContactMoment.objects.filter(trajectory=trajectory))
    assert many == few


def test_user_of_another_organisation_gets_404_and_a_refused_log_entry(case):
    trajectory, lead = case
    placement = _placement(trajectory, lead)
    outsider = professional(Role.CASE_LEAD)
    client = logged_in(outsider)
    for url in (_url(trajectory), _url(trajectory, "stage", placement), _url(trajectory, "traject")):
        before = _last_id()
        response = client.get(url)
        assert response.status_code == 404
        entries = _new_entries(before)
        assert len(entries) == 1 and entries[0].result == Result.REFUSED
        assert "Bakkerij" not in response.content.decode()


def test_history_of_a_hidden_category_is_not_shown(case):
    """A job coach does not see health data: a Wajong-like provision's history is refused and left out of
    the whole case file's history; the placement (work) stays visible."""
    trajectory, lead = case
    coach = professional(Role.JOB_COACH)
    on_team(coach, trajectory, role=Role.JOB_COACH)
    hidden = services.provision_create(
        actor=lead,
        trajectory=trajectory,
        kind=provision_kind("work_capacity_assessment"),
        status="applied",
        applied_on=date(2025, 1, 6),
        note="Gegevens over gezondheid",
    )
    placement = _placement(trajectory, lead)
    client = logged_in(coach)

    before = _last_id()
    response = client.get(_url(trajectory, "voorziening", hidden))
    assert response.status_code == 404
    assert [e.result for e in _new_entries(before)] == [Result.REFUSED]

    whole = client.get(_url(trajectory)).content.decode()
    assert "Gegevens over gezondheid" not in whole and "Beoordeling arbeidsvermogen" not in whole
    assert "Bakkerij Noord" in whole
    assert client.get(_url(trajectory, "stage", placement)).status_code == 200
    # The case lead sees it.
    assert "Gegevens over gezondheid" in logged_in(lead).get(_url(trajectory)).content.decode()


def test_school_coordinator_without_consent_does_not_see_contact_history(case):
    trajectory, lead = case
    coordinator = professional(Role.SCHOOL_COORDINATOR)
    on_team(coordinator, trajectory, role=Role.SCHOOL_COORDINATOR)
    contact = services.contact_moment_record(
        actor=lead,
        trajectory=trajectory,
        at=datetime(2025, 2, 3, 9, 30, tzinfo=UTC),
        channel=ContactChannel.PHONE,
        with_whom=ContactWith.PARENT,
        reached=True,
        summary="Moeder vertelt over thuis",
    )
    client = logged_in(coordinator)
    assert client.get(_url(trajectory, "contact", contact)).status_code == 404
    assert "Moeder vertelt over thuis" not in client.get(_url(trajectory)).content.decode()
    lead_page = logged_in(lead).get(_url(trajectory, "contact", contact)).content.decode()
    assert "Moeder vertelt over thuis" in lead_page and "3-2-2025 10:30" in lead_page  # local time


def test_a_record_of_another_trajectory_is_refused(case):
    trajectory, lead = case
    other = TrajectoryFactory()
    on_team(lead, other, role=Role.CASE_LEAD)
    placement = _placement(other, lead)
    client = logged_in(lead)
    before = _last_id()
    assert client.get(_url(trajectory, "stage", placement)).status_code == 404
    assert [e.result for e in _new_entries(before)] == [Result.REFUSED]


def test_an_unknown_kind_is_refused_and_logged(case):
    trajectory, lead = case
    client = logged_in(lead)
    before = _last_id()
    assert client.get(_url(trajectory, "onbekend")).status_code == 404
    assert [e.result for e in _new_entries(before)] == [Result.REFUSED]


def test_trajectory_and_team_history_shows_the_team_member_added(case):
    from routeplus.trajectories.services import team_member_add

    trajectory, lead = case
    coach = professional(Role.JOB_COACH, full_name="Cor de Coach")
    team_member_add(actor=lead, trajectory=trajectory, user=coach, role=Role.JOB_COACH, start_date=date(2025, 3, 1))
    page = logged_in(lead).get(_url(trajectory, "traject")).content.decode()
    assert "Cor de Coach" in page and "Jobcoach" in page and "1-3-2025" in page


def _grow(trajectory, lead, n):
    for i in range(n):
        services.contact_moment_record(
            actor=lead,
            trajectory=trajectory,
            at=datetime(2025, 2, 3, 9, 0, tzinfo=UTC),
            channel=ContactChannel.PHONE,
            with_whom=ContactWith.PARTICIPANT,
            reached=i % 2 == 0,
            summary=f"Gesprek {i}",
        )
        _placement(trajectory, lead, employer_name=f"Werkgever {n}-{i}")


@pytest.mark.parametrize("slug", [None, "stage"])
def test_query_count_does_not_grow_with_the_history(case, django_assert_num_queries, slug):
    trajectory, lead = case
    _grow(trajectory, lead, 1)
    client = logged_in(lead)
    record = trajectory.placements.first() if slug else None
    client.get(_url(trajectory, slug, record))  # warm up (session, caches)
    with CaptureQueriesContext(connection) as small:
        assert client.get(_url(trajectory, slug, record)).status_code == 200

    _grow(trajectory, lead, 40)
    if slug:  # many changes to the same record too
        for step in range(50):
            record.refresh_from_db()
            services.placement_update(
                actor=lead, placement=record, expected_version=record.version, supervisor=f"Begeleider {step}"
            )
        # Related records are named with one query per related model on the page: keep an employer on it.
        record.refresh_from_db()
        services.placement_update(
            actor=lead, placement=record, expected_version=record.version, employer=EmployerFactory()
        )
    assert ChangeLogEntry.objects.count() > 120
    with django_assert_num_queries(len(small.captured_queries)):
        response = client.get(_url(trajectory, slug, record))
    assert response.status_code == 200
    assert "Pagina 1 van" in response.content.decode()
