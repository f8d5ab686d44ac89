"""The model against a case computed by hand, the payer split and lump sum, Monte Carlo and the tornado."""

from decimal import Decimal

import numpy as np
import pytest

from routeplus.finance import model
from routeplus.finance.model import Payer, View, to_cents
from routeplus.finance.outcomes import CATEGORIES, manual_chances
from routeplus.finance.parameters import ParameterSet, default_parameters

# The small case of docs/businesscase.md ("Rekenvoorbeeld"): two outcome paths (day care, regular work), three
# years, no uncertainty. Every parameter the two paths touch is set to a round number.
HAND = {
    "route_cost": 5000,
    "day_care_basic": 10000,
    "day_care_special": 20000,
    "special_share": 0,
    "transport": 1000,
    "wlz_share": 0.1,
    "benefit_share": 0.9,
    "wajong_share": 0.1,
    "assistance_young": 4000,
    "assistance_adult": 16000,
    "assistance_admin": 3000,
    "wajong": 20000,
    "jobs_agreement_share": 0,  # all work is regular work: no costs after the outcome
    "lump_sum_share": 0.5,
    "discount_rate": 0.1,
    "start_age": 19,  # ages 19, 20, 21: the adult norm applies from the third year
}


def fixed(values: dict[str, float], ranges: dict[str, tuple[float, float]] | None = None) -> ParameterSet:
    """The default parameters with the given values and no range (low = value = high) unless a range is given."""
    base = default_parameters()
    overrides = {}
    for parameter in base.parameters:
        value = values.get(parameter.key, parameter.value)
        low, high = (ranges or {}).get(parameter.key, (value, value))
        overrides[parameter.key] = {"value": value, "low": low, "high": high}
    return base.with_overrides(overrides)


def two_paths(weight: float = 20.0):
    chances = dict.fromkeys(CATEGORIES, 0.0) | {"day_care": 0.5, "work": 0.5}
    return manual_chances(chances, dict.fromkeys(CATEGORIES, 1.0), weight=weight)


def hand_projection(**changes: float) -> model.Projection:
    parameters = fixed(HAND | changes)
    return model.project(values=model.base_values(parameters), chances=two_paths(), horizon=3, start_year=2026)


def cents(values) -> list[Decimal]:
    return [to_cents(v) for v in values]


def test_hand_computed_case_matches_to_the_cent():
    projection = hand_projection()
    # 0-variant per year: Wmo day care 9,000 + Wmo transport 900 + Wlz 1,100 + Wajong 2,000 + assistance
    # 0.8 x 4,000 = 3,200 (0.8 x 16,000 = 12,800 at 21) + administration 2,400.
    assert cents(projection.zero[0].sum(axis=1)) == [Decimal("18600.00"), Decimal("18600.00"), Decimal("28200.00")]
    # Route: year 1 everyone in the route (0-variant costs + 5,000); then half day care, half regular work.
    assert cents(projection.route[0].sum(axis=1)) == [Decimal("23600.00"), Decimal("9300.00"), Decimal("14100.00")]
    assert cents(projection.benefit(View.SOCIETAL)[0]) == [Decimal("-5000.00"), Decimal("9300.00"), Decimal("14100.00")]
    # Municipality: -5,000; 0.5 x (9,000 + 900 + 3,200 + 2,400); 0.5 x (9,000 + 900 + 12,800 + 2,400).
    assert cents(projection.payer_benefit(Payer.MUNICIPALITY)[0]) == [
        Decimal("-5000.00"),
        Decimal("7750.00"),
        Decimal("12550.00"),
    ]
    assert cents(projection.payer_benefit(Payer.STATE)[0]) == [Decimal("0.00"), Decimal("1000.00"), Decimal("1000.00")]
    assert cents(projection.payer_benefit(Payer.CARE_OFFICE)[0]) == [
        Decimal("0.00"),
        Decimal("550.00"),
        Decimal("550.00"),
    ]
    # Cash: half of the Wmo saving (0.5 x 9,900 = 4,950) does not reach the municipality: 4,950 x 0.5 = 2,475.
    assert cents(projection.benefit(View.MUNICIPAL_CASH)[0]) == [
        Decimal("-5000.00"),
        Decimal("5275.00"),
        Decimal("10075.00"),
    ]
    # Discounted at 10%, year 1 undiscounted: -5,000 + 9,300 / 1.1 + 14,100 / 1.21 = 15,107.438...
    assert to_cents(projection.npv(View.SOCIETAL)[0]) == Decimal("15107.44")
    # -5,000 + 5,275 / 1.1 + 10,075 / 1.21 = 8,121.900...
    assert to_cents(projection.npv(View.MUNICIPAL_CASH)[0]) == Decimal("8121.90")
    # Cumulative societal: -5,000 then +3,454.55: even in 2027; cash: -5,000, -204.55, +8,121.90: even in 2028.
    assert projection.break_even(View.SOCIETAL) == [2027]
    assert projection.break_even(View.MUNICIPAL_CASH) == [2028]


def test_fractional_time_to_outcome_mixes_the_two_whole_years():
    parameters = fixed(HAND)
    values = model.base_values(parameters)
    chances = dict.fromkeys(CATEGORIES, 0.0) | {"day_care": 0.5, "work": 0.5}
    at = {
        t: model.project(
            values=values, chances=manual_chances(chances, dict.fromkeys(CATEGORIES, t)), horizon=3, start_year=2026
        )
        for t in (1.0, 2.0, 1.25)
    }
    expected = 0.75 * at[1.0].route + 0.25 * at[2.0].route
    np.testing.assert_allclose(at[1.25].route, expected)


def test_with_a_lump_sum_share_of_zero_less_day_care_gives_no_cash_but_does_give_societal_value():
    # Only day care differs: no income, no route cost; the route moves half the group into regular work.
    only_day_care = {"benefit_share": 0, "wajong_share": 0, "route_cost": 0, "wlz_share": 0}
    none = hand_projection(lump_sum_share=0, **only_day_care)
    full = hand_projection(lump_sum_share=1, **only_day_care)
    assert to_cents(none.npv(View.MUNICIPAL_CASH)[0]) == Decimal("0.00")
    assert none.npv(View.SOCIETAL)[0] > 0
    # The society's value does not depend on the share; with a share of one the municipality banks all of it.
    assert to_cents(none.npv(View.SOCIETAL)[0]) == to_cents(full.npv(View.SOCIETAL)[0])
    assert to_cents(full.npv(View.MUNICIPAL_CASH)[0]) == to_cents(full.npv(View.SOCIETAL)[0])


def test_lump_sum_share_only_touches_the_wmo_lines():
    none, half = hand_projection(lump_sum_share=0), hand_projection(lump_sum_share=0.5)
    # With share 0 the cash view keeps the assistance savings only: 0.5 x (3,200 + 2,400) = 2,800 in year 2.
    assert to_cents(none.benefit(View.MUNICIPAL_CASH)[0][1]) == Decimal("2800.00")
    assert to_cents(half.benefit(View.MUNICIPAL_CASH)[0][1]) == Decimal("5275.00")
    np.testing.assert_allclose(none.payer_benefit(Payer.MUNICIPALITY), half.payer_benefit(Payer.MUNICIPALITY))


def test_payers_add_up_to_the_societal_view():
    parameters = default_parameters()
    projection = model.project(values=model.base_values(parameters), chances=two_paths(), horizon=10, start_year=2026)
    total = sum(projection.payer_benefit(payer) for payer in Payer)
    np.testing.assert_allclose(total, projection.benefit(View.SOCIETAL))


def test_wajong_is_paid_by_the_state_not_by_the_municipality():
    chances = dict.fromkeys(CATEGORIES, 0.0) | {"wajong": 1.0}
    projection = model.project(
        values=model.base_values(fixed(HAND)),
        chances=manual_chances(chances, dict.fromkeys(CATEGORIES, 0.0)),
        horizon=3,
        start_year=2026,
    )
    # Everyone gets Wajong at once: the State pays 0.9 x 20,000 more, the municipality saves the assistance.
    assert cents(projection.payer_benefit(Payer.STATE)[0]) == [Decimal("-18000.00")] * 3
    assert cents(projection.payer_benefit(Payer.MUNICIPALITY)[0]) == [
        Decimal("5600.00"),
        Decimal("5600.00"),
        Decimal("15200.00"),
    ]


def test_monte_carlo_is_reproducible_with_a_fixed_seed():
    parameters = default_parameters()
    chances = two_paths()
    first = model.monte_carlo(parameters=parameters, chances=chances, horizon=10, start_year=2026, draws=500, seed=7)
    again = model.monte_carlo(parameters=parameters, chances=chances, horizon=10, start_year=2026, draws=500, seed=7)
    other = model.monte_carlo(parameters=parameters, chances=chances, horizon=10, start_year=2026, draws=500, seed=8)
    for view in View:
        np.testing.assert_array_equal(first[view].npv, again[view].npv)
        assert first[view].break_even == again[view].break_even
        assert first[view].chance_positive == again[view].chance_positive
        assert not np.array_equal(first[view].npv, other[view].npv)
    assert first[View.SOCIETAL].npv.std() > 0


def test_monte_carlo_without_uncertainty_is_the_deterministic_result():
    parameters = fixed(HAND)
    chances = two_paths(weight=1e12)  # the chances are as good as certain
    runs = model.monte_carlo(parameters=parameters, chances=chances, horizon=3, start_year=2026, draws=50, seed=1)
    np.testing.assert_allclose(runs[View.SOCIETAL].npv, 15107.438016528926, atol=0.1)
    assert runs[View.SOCIETAL].chance_positive == 1.0
    assert runs[View.SOCIETAL].median_break_even == 2027


def test_tornado_orders_by_the_width_of_the_swing():
    # Three ranges with swings known by hand (societal view, 10% discount, factor 1/1.1 + 1/1.21 = 1.73554):
    # route cost 4,000-6,000 in year 1 only: 2,000; day care 9,000-11,000 saved by half the group in years 2-3:
    # 0.5 x 2,000 x 1.73554 = 1,735.54; administration 2,000-4,000 for 0.8 x half: 0.4 x 2,000 x 1.73554 = 1,388.43.
    ranges = {"route_cost": (4000, 6000), "day_care_basic": (9000, 11000), "assistance_admin": (2000, 4000)}
    parameters = fixed(HAND, ranges)
    base, swings = model.tornado(
        parameters=parameters, chances=two_paths(weight=1e12), horizon=3, start_year=2026, view=View.SOCIETAL
    )
    assert to_cents(base) == Decimal("15107.44")
    assert [s.key for s in swings[:3]] == ["route_cost", "day_care_basic", "assistance_admin"]
    assert [to_cents(s.width) for s in swings[:3]] == [Decimal("2000.00"), Decimal("1735.54"), Decimal("1388.43")]
    # A higher route cost lowers the result; a dearer day care raises what the route saves.
    assert swings[0].npv_high < swings[0].npv_low
    assert swings[1].npv_high > swings[1].npv_low
    assert all(s.width < 1 for s in swings[3:])


def test_capacity_turns_a_budget_into_places_and_intake():
    parameters = fixed(HAND)
    chances = manual_chances(
        dict.fromkeys(CATEGORIES, 0.0) | {"day_care": 0.5, "work": 0.5}, dict.fromkeys(CATEGORIES, 2.0)
    )
    result = model.capacity(
        budget=Decimal("350000"),
        parameters=parameters,
        chances=chances,
        npv_per_participant={View.SOCIETAL: 1000.0, View.MUNICIPAL_CASH: 100.0},
    )
    assert result.places == pytest.approx(70.0)  # 350,000 / 5,000 per trajectory-year
    assert result.mean_years_in_route == pytest.approx(2.0)
    assert result.intake_per_year == pytest.approx(35.0)
    assert result.npv_of_intake(View.SOCIETAL) == pytest.approx(35000.0)
    assert result.outcomes_per_year["day_care"] == pytest.approx(17.5)


def test_to_cents_rounds_half_up():
    assert to_cents(0.125) == Decimal("0.13")
    assert to_cents(-5000) == Decimal("-5000.00")
    assert to_cents(1 / 3) == Decimal("0.33")
