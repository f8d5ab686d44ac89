"""The demo world: it reproduces the council letter's table, keeps the demo logins useful and builds once."""

import csv
from datetime import date
from pathlib import Path

import pytest
from django.urls import reverse

from routeplus.access.door import trajectories_visible_to
from routeplus.accounts.models import User
from routeplus.alerts.models import Signal
from routeplus.casefile.models import Result
from routeplus.demo.world import BUDGET_PLAN, build_world, demo_plan
from routeplus.intake.models import BudgetLine, CapacityArea
from routeplus.intake.selectors import capacity_for_area
from routeplus.monitor.selectors import council_table
from routeplus.participants.models import Participant
from routeplus.testing.http import logged_in
from routeplus.trajectories.models import Trajectory

COUNCIL_TABLE = Path(__file__).resolve().parents[5] / "shared" / "data" / "council-table-2023-2024.csv"
PUBLISHED = {
    "deelnemers_actueel": (40, 54),
    "dagbesteding": (2, 3),
    "dagbesteding_ontwikkelperspectief": (5, 5),
    "stage_maatwerk": (6, 8),
    "arbeid": (6, 9),
    "heeft_gewerkt": (3, 7),
    "entree": (8, 8),
    "nieuw_beschut": (1, 2),
    "wajong": (1, 8),
    "uitval": (8, 12),
    "nieuw_gestart": (22, 11),
}


def expected_rows() -> list[tuple[str, int, int]]:
    if COUNCIL_TABLE.exists():
        with COUNCIL_TABLE.open(encoding="utf-8") as handle:
            return [(r["code"], int(r["per_2023_12"]), int(r["per_2024_12"])) for r in csv.DictReader(handle)]
    return [(code, a, b) for code, (a, b) in PUBLISHED.items()]


@pytest.mark.django_db
def test_demo_world_reproduces_the_published_council_table_row_for_row():
    build_world()
    table_2023 = council_table(peildatum=date(2023, 12, 31))
    table_2024 = council_table(peildatum=date(2024, 12, 31))
    got = [(row.code, row.value, table_2024.value(row.code)) for row in table_2023.rows]
    assert got == expected_rows()
    assert [(c, a, b) for c, (a, b) in PUBLISHED.items()] == expected_rows()


@pytest.mark.django_db
def test_demo_world_builds_once_and_spreads_over_the_years():
    build_world()
    counts = (Participant.objects.count(), Trajectory.objects.count(), Result.objects.count())
    second = build_world()
    assert Participant.objects.filter(source_ref__startswith="DEMO-").count() >= 120
    assert second["participants_created"] == 0
    assert (Participant.objects.count(), Trajectory.objects.count(), Result.objects.count()) == counts
    area = CapacityArea.objects.get(route__code="RA_PLUS", name="Gemeente Groningen")
    assert BudgetLine.objects.filter(area=area).count() == len(BUDGET_PLAN)  # the second build added none
    years = set(Trajectory.objects.values_list("registered_on__year", flat=True))
    assert {2022, 2023, 2024, 2025} <= years
    # some participants are in two routes, one came back to Route Arbeid+ after dropping out
    assert Trajectory.objects.filter(
        route__code="ROUTE_ARBEID", participant__trajectories__route__code="RA_PLUS"
    ).exists()
    assert any(sum(leg.route == "RA_PLUS" for leg in plan.legs) == 2 for plan in demo_plan())


@pytest.mark.django_db
def test_demo_logins_see_case_files():
    build_world()
    for email in ("regie@demo.routeplus.nl", "school@demo.routeplus.nl", "jobcoach@demo.routeplus.nl"):
        user = User.objects.get(email=email)
        assert trajectories_visible_to(user).exists(), email
    policy = User.objects.get(email="beleid@demo.routeplus.nl")
    assert not trajectories_visible_to(policy).exists()


@pytest.mark.django_db
def test_demo_capacity_page_has_funded_places_and_a_waiting_list():
    build_world()
    area = CapacityArea.objects.get(route__code="RA_PLUS", name="Gemeente Groningen")
    for year, funded in ((2024, 28), (2025, 30), (2026, 30)):
        assert capacity_for_area(area=area, year=year).funded == funded, year
    now = capacity_for_area(area=area, year=2026)
    assert now.used == now.funded
    assert now.waiting == 2  # still waiting since the intake stop of 2024
    assert now.intake_stop
    policy = User.objects.get(email="beleid@demo.routeplus.nl")
    page = logged_in(policy).get(reverse("intake:capacity"), {"gebied": str(area.uuid), "jaar": 2026})
    assert page.status_code == 200
    assert "DEMO-BEGR-2026" in page.content.decode()


def test_demo_plan_is_deterministic():
    assert demo_plan() == demo_plan()
    assert len(demo_plan()) == 132


@pytest.mark.django_db
def test_demo_world_evaluates_the_signals_of_its_trajectories_once_after_the_build(
    django_capture_on_commit_callbacks, monkeypatch
):
    from routeplus.alerts import engine

    passes: list[set[int]] = []
    evaluate = engine.signals_evaluate

    def counted(**kwargs):
        passes.append({t.pk for t in kwargs["trajectories"]})
        return evaluate(**kwargs)

    monkeypatch.setattr(engine, "signals_evaluate", counted)
    with django_capture_on_commit_callbacks(execute=True):
        build_world(participants=30)
    assert passes == [set(Trajectory.objects.values_list("pk", flat=True))]  # one pass, not one per write
    assert Signal.objects.exists()
    again = evaluate()  # the one pass left nothing for the daily evaluation to change
    assert (again.created, again.reopened, again.resolved) == (0, 0, 0)
