"""The case file's overview: the state of each section at a glance (counts and the latest fact) in one statement,
only of what the reader may see; the rows themselves are on each section's own page."""

from datetime import UTC, date, datetime

import pytest
import time_machine
from django.db import connection, connections
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from routeplus.accounts.models import Role
from routeplus.casefile.models import (
    BottleneckStatus,
    DevelopmentPlan,
    GoalStatus,
    PlacementKind,
    PlacementStatus,
    ProposalStatus,
    ProvisionStatus,
    Result,
    ResultProposal,
)
from routeplus.casefile.selectors import _OVERVIEW, case_file_sections
from routeplus.casefile.tests.factories import (
    BottleneckFactory,
    ContactMomentFactory,
    EmployerFactory,
    GoalReviewFactory,
    LearningGoalFactory,
    PlacementFactory,
    ProvisionFactory,
    provision_kind,
)
from routeplus.conf.compiled import CompiledQuery
from routeplus.testing.factories import TrajectoryFactory, on_team, professional
from routeplus.testing.http import logged_in

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def frozen_clock():
    with time_machine.travel(date(2025, 3, 3), tick=False):
        yield


def overview_of(user, trajectory) -> str:
    return logged_in(user).get(reverse("trajectories:case_file", args=[trajectory.uuid])).content.decode()


def contact(trajectory, lead, minute: int, *, reached: bool):
    at = datetime(2024, 5, 1, 10, minute, tzinfo=UTC)
    return ContactMomentFactory(trajectory=trajectory, recorded_by=lead, at=at, reached=reached)


def test_each_section_is_summed_up_with_its_latest_fact(lead_on_team, trajectory):
    DevelopmentPlan.objects.create(
        trajectory=trajectory, perspective="Werk in de groenvoorziening", updated_by=lead_on_team
    )
    for status in (GoalStatus.OPEN, GoalStatus.OPEN, GoalStatus.ACHIEVED):
        LearningGoalFactory(trajectory=trajectory, created_by=lead_on_team, status=status)
    PlacementFactory(trajectory=trajectory, status=PlacementStatus.ENDED, start_date=date(2024, 9, 1))
    PlacementFactory(
        trajectory=trajectory, kind=PlacementKind.TAILORED_INTERNSHIP, start_date=date(2024, 6, 1),
        employer=EmployerFactory(name="Zorgboerderij De Hoeve"),
    )  # fmt: skip
    ProvisionFactory(trajectory=trajectory, status=ProvisionStatus.GRANTED)
    ProvisionFactory(trajectory=trajectory)
    Result.objects.create(trajectory=trajectory, type="stage_maatwerk", start_date=date(2024, 6, 1))
    Result.objects.create(trajectory=trajectory, type="arbeid", start_date=date(2025, 1, 6))
    ResultProposal.objects.create(
        trajectory=trajectory, type="wajong", start_date=date(2025, 2, 1), status=ProposalStatus.OPEN
    )
    contact(trajectory, lead_on_team, 1, reached=True)
    contact(trajectory, lead_on_team, 2, reached=False)
    BottleneckFactory(trajectory=trajectory)
    BottleneckFactory(trajectory=trajectory, status=BottleneckStatus.SOLVED)

    data = case_file_sections(user=lead_on_team, trajectory=trajectory)
    assert (data.perspective, data.goals, data.goals_open) == ("Werk in de groenvoorziening", 3, 2)
    assert (data.placements, data.placements_running, data.running_employer) == (2, 1, "Zorgboerderij De Hoeve")
    assert (data.provisions, data.provisions_granted) == (2, 1)
    assert (data.results, data.latest_result_type, data.latest_result_from) == (2, "arbeid", date(2025, 1, 6))
    assert data.proposals == 1
    assert (data.contacts, data.last_contact_reached, data.contacts_failed_in_row) == (2, False, 1)
    assert (data.bottlenecks, data.bottlenecks_open) == (2, 1)

    page = overview_of(lead_on_team, trajectory)
    for text in (
        "Werk in de groenvoorziening",
        "3 leerdoelen, waarvan 2 lopend.",
        "2 stages en werkplekken, waarvan 1 lopend.",
        "Nu: Stage maatwerk bij Zorgboerderij De Hoeve, sinds 1-6-2024.",
        "2 voorzieningen, waarvan 1 toegekend.",
        "1 voorstel wacht op bevestiging.",
        "2 resultaten; het laatste: Uitstroom naar arbeid, vanaf 6-1-2025.",
        "Laatste contactmoment: 1-5-2024 12:02, niet bereikt.",
        "Alle contacten (2) en contact vastleggen",
        "2 knelpunten, waarvan 1 open.",
    ):
        assert text in page, text
    assert "pogingen om contact te krijgen" not in page  # one failed attempt is no warning yet


def test_an_empty_case_file_says_so_per_section(lead_on_team, trajectory):
    page = overview_of(lead_on_team, trajectory)
    for text in ("Nog geen leerdoelen.", "Nog geen stages of werkplekken.", "Nog geen voorzieningen.",
                 "Nog geen resultaten.", "Nog geen contactmomenten.", "Nog geen knelpunten."):  # fmt: skip
        assert text in page, text


@pytest.mark.parametrize(
    ("attempts", "failed_in_row"),
    [
        ([True, False, False, False], 3),  # three failed since the last one that reached someone
        ([False, False], 2),  # nobody reached yet: every attempt
        ([False, True], 0),
    ],
)
def test_failed_attempts_in_a_row_are_counted_since_the_last_contact_that_reached_someone(
    lead_on_team, trajectory, attempts, failed_in_row
):
    for minute, reached in enumerate(attempts):
        contact(trajectory, lead_on_team, minute, reached=reached)
    assert case_file_sections(user=lead_on_team, trajectory=trajectory).contacts_failed_in_row == failed_in_row
    page = overview_of(lead_on_team, trajectory)
    assert (f"De laatste {failed_in_row} pogingen om contact te krijgen zijn mislukt." in page) is (failed_in_row >= 2)


def test_attempts_at_the_same_minute_follow_the_order_they_were_recorded_in(lead_on_team, trajectory):
    contact(trajectory, lead_on_team, 5, reached=True)
    contact(trajectory, lead_on_team, 5, reached=False)
    contact(trajectory, lead_on_team, 5, reached=False)
    assert case_file_sections(user=lead_on_team, trajectory=trajectory).contacts_failed_in_row == 2


def test_an_attempt_recorded_later_about_an_earlier_moment_does_not_count_after_the_last_reached(
    lead_on_team, trajectory
):
    contact(trajectory, lead_on_team, 5, reached=True)
    contact(trajectory, lead_on_team, 3, reached=False)  # recorded after it, about an earlier moment
    contact(trajectory, lead_on_team, 7, reached=False)
    assert case_file_sections(user=lead_on_team, trajectory=trajectory).contacts_failed_in_row == 1


def test_an_attempt_about_a_later_moment_recorded_before_the_last_reached_counts(lead_on_team, trajectory):
    contact(trajectory, lead_on_team, 7, reached=False)  # recorded first, about a later moment
    contact(trajectory, lead_on_team, 5, reached=True)
    assert case_file_sections(user=lead_on_team, trajectory=trajectory).contacts_failed_in_row == 1


def test_counts_leave_out_what_the_reader_may_not_see(trajectory):
    coordinator = professional(Role.SCHOOL_COORDINATOR)
    on_team(coordinator, trajectory, role=Role.SCHOOL_COORDINATOR)
    ProvisionFactory(trajectory=trajectory, kind=provision_kind("youth_support"), status=ProvisionStatus.GRANTED)
    ProvisionFactory(trajectory=trajectory, kind=provision_kind("entree_enrolment"))
    Result.objects.create(trajectory=trajectory, type="wajong", start_date=date(2024, 6, 1))  # income: hidden
    data = case_file_sections(user=coordinator, trajectory=trajectory)
    assert (data.provisions, data.provisions_granted) == (1, 0)
    assert data.results == 0 and data.latest_result_type == ""
    page = overview_of(coordinator, trajectory)
    assert "1 voorziening, waarvan 0 toegekend." in page
    assert "Wajong" not in page


def test_the_overview_is_one_statement_whatever_the_length_of_the_history(lead_on_team, trajectory):
    def statements() -> int:
        lead_on_team.__dict__.pop("_visible_categories_cache", None)
        case_file_sections(user=lead_on_team, trajectory=trajectory)  # the categories, read once per request
        with CaptureQueriesContext(connection) as queries:
            case_file_sections(user=lead_on_team, trajectory=trajectory)
        return len(queries.captured_queries)

    assert statements() == 1
    for minute in range(30):
        contact(trajectory, lead_on_team, minute, reached=minute % 3 == 0)
        LearningGoalFactory(trajectory=trajectory, created_by=lead_on_team)
    assert statements() == 1


def test_progress_lines_are_on_the_plan_and_the_goal_page(lead_on_team, trajectory):
    goal = LearningGoalFactory(trajectory=trajectory, created_by=lead_on_team, description="Lopend met scores")
    for n, score in enumerate([1, 4, 3]):
        GoalReviewFactory(goal=goal, score=score, reviewed_on=date(2024, 6, 1 + n), reviewed_by=lead_on_team)
    LearningGoalFactory(trajectory=trajectory, created_by=lead_on_team, description="Nog zonder scores")
    client = logged_in(lead_on_team)
    for url in (
        reverse("casefile:plan", args=[trajectory.uuid]),
        reverse("casefile:goal_detail", args=[trajectory.uuid, goal.uuid]),
    ):
        page = client.get(url).content.decode()
        assert 'aria-label="Voortgang: 3 evaluaties, laatste stand: ' in page
        assert '<polyline points="4,36 60,4 116,15" class="rp-progress__line"/>' in page
        assert page.count('r="3" class="rp-progress__dot"/>') == 3
    assert "Nog niet geëvalueerd" in client.get(reverse("casefile:plan", args=[trajectory.uuid])).content.decode()


def test_one_compiled_statement_serves_every_trajectory_with_its_own_figures(case_lead, monkeypatch):
    first, second = TrajectoryFactory(), TrajectoryFactory()
    for trajectory in (first, second):
        on_team(case_lead, trajectory)
    for n in range(3):
        LearningGoalFactory(trajectory=first, created_by=case_lead)
        contact(second, case_lead, n, reached=False)
    connections["default"].__dict__.pop("_routeplus_compiled", None)
    compiled = []
    compile_shape = CompiledQuery._compile

    def counting(query, shape):
        compiled.append(query)
        return compile_shape(query, shape)

    monkeypatch.setattr(CompiledQuery, "_compile", counting)
    seen = [case_file_sections(user=case_lead, trajectory=t) for t in (first, second, first)]
    figures = [(data.goals, data.contacts, data.contacts_failed_in_row) for data in seen]
    assert figures == [(3, 0, 0), (0, 3, 3), (3, 0, 0)]
    assert seen[1].last_contact_at == datetime(2024, 5, 1, 10, 2, tzinfo=UTC)  # read back as the ORM would
    assert seen[1].last_contact_reached is False
    assert compiled.count(_OVERVIEW) == 1  # compiled once, for the first trajectory
