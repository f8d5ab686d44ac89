"""The case-file overview shows at most OVERVIEW_ROWS rows per section (issue 11): open goals and the newest
rows first, with a note that the rest is on the section's own page, which still shows everything."""

from datetime import UTC, date, datetime, timedelta

import pytest
import time_machine
from django.urls import reverse

from routeplus.casefile.models import GoalStatus, Result, ResultType
from routeplus.casefile.selectors import OVERVIEW_ROWS, case_file_sections
from routeplus.casefile.tests.factories import LearningGoalFactory
from routeplus.testing.http import logged_in

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def frozen_clock():
    with time_machine.travel(date(2025, 3, 3), tick=False):
        yield


def _goals(trajectory, lead, achieved: int, running: int) -> None:
    for n in range(achieved):
        LearningGoalFactory(
            trajectory=trajectory, created_by=lead, status=GoalStatus.ACHIEVED, description=f"Behaald {n}"
        )
    for n in range(running):
        LearningGoalFactory(trajectory=trajectory, created_by=lead, description=f"Lopend {n}")


def _results(trajectory, lead, count: int) -> None:
    types = list(ResultType)
    for n in range(count):
        Result.objects.create(
            trajectory=trajectory,
            type=types[n % len(types)],
            start_date=date(2023, 1, 1) + timedelta(days=10 * n),
            recorded_by=lead,
        )


def test_overview_bounds_goals_open_first_and_results_newest(lead_on_team, trajectory):
    _goals(trajectory, lead_on_team, achieved=OVERVIEW_ROWS, running=3)
    _results(trajectory, lead_on_team, OVERVIEW_ROWS + 5)
    data = case_file_sections(user=lead_on_team, trajectory=trajectory)
    assert len(data.goals) == OVERVIEW_ROWS
    assert [g.status for g in data.goals[:3]] == [GoalStatus.OPEN] * 3  # running goals are never cut off first
    assert data.more_goals
    assert len(data.results) == OVERVIEW_ROWS
    newest = sorted(Result.objects.filter(trajectory=trajectory), key=lambda r: r.start_date)[-OVERVIEW_ROWS:]
    assert [r.pk for r in data.results] == [r.pk for r in newest]  # the newest, shown oldest first
    assert data.more_results and not data.more_placements


def test_overview_says_where_the_rest_is_and_the_plan_page_shows_all(lead_on_team, trajectory):
    _goals(trajectory, lead_on_team, achieved=OVERVIEW_ROWS + 2, running=1)
    client = logged_in(lead_on_team)
    overview = client.get(reverse("trajectories:case_file", args=[trajectory.uuid])).content.decode()
    assert "Lopend 0" in overview
    assert overview.count("Behaald ") == OVERVIEW_ROWS - 1
    assert "alle leerdoelen staan op de pagina van het plan" in overview
    plan = client.get(reverse("casefile:plan", args=[trajectory.uuid])).content.decode()
    assert plan.count("Behaald ") == OVERVIEW_ROWS + 2


def test_short_sections_show_everything_without_a_note(lead_on_team, trajectory):
    _goals(trajectory, lead_on_team, achieved=2, running=2)
    _results(trajectory, lead_on_team, 3)
    data = case_file_sections(user=lead_on_team, trajectory=trajectory)
    assert len(data.goals) == 4 and len(data.results) == 3
    assert not data.more
    overview = logged_in(lead_on_team).get(reverse("trajectories:case_file", args=[trajectory.uuid])).content.decode()
    assert "rp-more-note" not in overview


def test_progress_line_on_the_overview_and_the_goal_page_draws_every_review(lead_on_team, trajectory):
    from routeplus.casefile.tests.factories import GoalReviewFactory

    goal = LearningGoalFactory(trajectory=trajectory, created_by=lead_on_team, description="Lopend met scores")
    for n, score in enumerate([1, 4, 3]):
        GoalReviewFactory(goal=goal, score=score, reviewed_on=date(2024, 6, 1 + n), reviewed_by=lead_on_team)
    LearningGoalFactory(trajectory=trajectory, created_by=lead_on_team, description="Nog zonder scores")
    client = logged_in(lead_on_team)
    for url in (
        reverse("trajectories:case_file", args=[trajectory.uuid]),
        reverse("casefile:goal_detail", args=[trajectory.uuid, goal.uuid]),
    ):
        page = client.get(url).content.decode()
        assert 'aria-label="Voortgang: 3 evaluaties, laatste stand: ' in page
        assert '<polyline points="4,36 60,4 116,15" class="rp-progress__line"/>' in page
        assert page.count('r="3" class="rp-progress__dot"/>') == 3
    overview = client.get(reverse("trajectories:case_file", args=[trajectory.uuid])).content.decode()
    assert "Nog niet geëvalueerd" in overview


def test_overview_counts_every_contact_while_showing_the_latest(lead_on_team, trajectory):
    from routeplus.casefile.tests.factories import ContactMomentFactory

    assert case_file_sections(user=lead_on_team, trajectory=trajectory).contacts_total == 0
    for n in range(23):
        ContactMomentFactory(
            trajectory=trajectory, recorded_by=lead_on_team, at=datetime(2024, 5, 1, 10, n, tzinfo=UTC)
        )
    data = case_file_sections(user=lead_on_team, trajectory=trajectory)
    assert data.contacts_total == 23
    assert [c.at.minute for c in data.contacts] == [22, 21, 20, 19, 18]
    overview = logged_in(lead_on_team).get(reverse("trajectories:case_file", args=[trajectory.uuid])).content.decode()
    assert "Alle contacten (23)" in overview
