"""Funded places from budget lines, the forecast from expected end dates, and what extra money buys."""

from datetime import date
from decimal import Decimal

import pytest
from django.template import engines

from routeplus.intake import selectors
from routeplus.intake.models import BudgetLine, Registration, TrajectoryCost
from routeplus.testing.factories import TrajectoryFactory, municipality, route
from routeplus.trajectories.models import Status

from .conftest import TODAY, fund, register

pytestmark = pytest.mark.django_db


def money(area, amount, year=2026, kind="structural"):
    return BudgetLine.objects.create(
        area=area, year=year, amount=Decimal(amount), kind=kind, source="test", decision_reference="T"
    )


def test_funded_places_are_budget_divided_by_cost_plus_places_set_directly(frozen, area, cost):
    money(area, "25000.00")
    money(area, "14999.99", kind="incidental")
    fund(area, places=2)
    capacity = selectors.capacity_for(route=route("RA_PLUS"), municipality=municipality("GM0014"))
    assert capacity is not None
    assert capacity.funding.budget == Decimal("39999.99")
    assert capacity.funded == 3 + 2  # 39,999.99 / 10,000 rounded down, plus two places set directly
    assert not capacity.funding.cost_missing


def test_without_a_cost_money_buys_no_places_and_says_so(frozen, area):
    money(area, "50000.00")
    capacity = selectors.capacity_for_area(area=area)
    assert capacity.funded == 0
    assert capacity.funding.cost_missing


def test_the_cost_of_an_earlier_year_carries_over(frozen, area, ra_plus):
    TrajectoryCost.objects.create(route=ra_plus, year=2024, amount=Decimal("12500"))
    money(area, "50000.00")
    assert selectors.capacity_for_area(area=area).funded == 4


def test_overview_matches_the_single_area_figures(frozen, area, cost, lead):
    fund(area, places=1)
    register(lead)
    register(lead)
    TrajectoryFactory(status=Status.ACTIVE, municipality=municipality("GM1730"))  # outside the area
    [overview] = selectors.capacity_overview(year=2026)
    single = selectors.capacity_for_area(area=area)
    assert (
        (overview.funded, overview.used, overview.waiting) == (single.funded, single.used, single.waiting) == (1, 1, 1)
    )


def test_forecast_frees_places_at_expected_end_dates_and_fills_them_in_order(frozen, area, lead):
    fund(area, places=1)
    admitted = register(lead)
    Registration.objects.filter(pk=admitted.pk).update(expected_end=date(2026, 6, 15))
    register(lead)
    register(lead)
    forecast = selectors.capacity_forecast(area=area, on=TODAY)
    assert forecast.waiting_now == 2
    # The place frees after 15 June; the first waiting takes it on 1 July, for 24 months: the second waits on.
    july = next(m for m in forecast.months if m.day == date(2026, 7, 1))
    assert (july.used, july.waiting) == (1, 1)
    assert forecast.waiting_gone is None  # not within the two-year horizon


def test_extra_money_buys_places_and_clears_the_list(frozen, area, cost, lead):
    fund(area, places=1)
    for _ in range(4):
        register(lead)
    forecast = selectors.capacity_forecast(area=area, on=TODAY, extra_amount=Decimal("25000"))
    assert forecast.extra_places == 2
    assert forecast.waiting_now == 3
    assert forecast.waiting_gone is None  # one still waits: the places only free up after the horizon
    enough = selectors.capacity_forecast(area=area, on=TODAY, extra_amount=Decimal("30000"))
    assert enough.extra_places == 3
    assert enough.waiting_gone == TODAY


def test_structural_budget_is_carried_into_years_without_lines_and_marked(frozen, area, cost):
    money(area, "20000.00", year=2026, kind="structural")
    money(area, "50000.00", year=2026, kind="incidental")
    forecast = selectors.capacity_forecast(area=area, on=TODAY)
    next_year = next(m for m in forecast.months if m.day == date(2027, 1, 1))
    this_year = next(m for m in forecast.months if m.day == date(2026, 6, 1))
    assert (this_year.funded, this_year.assumed) == (7, False)
    assert (next_year.funded, next_year.assumed) == (2, True)
    assert "structural_assumed" in forecast.notes


def test_history_counts_started_trajectories_on_the_first_of_each_month(frozen, area):
    TrajectoryFactory(status=Status.ACTIVE, start_date=date(2025, 6, 10), registered_on=date(2025, 6, 1))
    TrajectoryFactory(
        status=Status.CLOSED, start_date=date(2025, 4, 1), registered_on=date(2025, 3, 1), end_date=date(2025, 9, 30)
    )
    forecast = selectors.capacity_forecast(area=area, on=TODAY)
    history = {m.day: m.used for m in forecast.months if m.actual and m.day != TODAY}
    assert history[date(2025, 5, 1)] == 1
    assert history[date(2025, 7, 1)] == 2
    assert history[date(2025, 10, 1)] == 1


def test_intake_stop_banner_for_other_pages(frozen, area, lead):
    template = engines.all()[0].from_string("{{ intake_stop_notice(route, municipality) }}")
    context = {"route": route("RA_PLUS"), "municipality": municipality("GM0014")}
    fund(area, places=1)
    assert "Aanmeldstop" not in template.render(context)
    register(lead)
    assert "Aanmeldstop Route Arbeid+" in template.render(context)
