"""Outcome chances from observed results (per cohort, small-number intervals) and the parameter file."""

from datetime import date

import numpy as np
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from routeplus.casefile.models import Result, ResultType
from routeplus.finance.outcomes import (
    CATEGORIES,
    OBSERVED,
    manual_chances,
    observed_chances,
    split_work,
    wilson_interval,
)
from routeplus.finance.parameters import ParameterError, default_parameters, parse_parameters
from routeplus.finance.selectors import cohort_years, outcome_cohorts
from routeplus.testing.factories import TrajectoryFactory, route


def test_wilson_interval_is_honest_for_few_and_for_none():
    low, high = wilson_interval(0, 5)
    assert low == 0.0
    assert high == pytest.approx(0.4345, abs=1e-4)
    low, high = wilson_interval(5, 10)
    assert (low, high) == (pytest.approx(0.2366, abs=1e-4), pytest.approx(0.7634, abs=1e-4))
    # More participants, a narrower interval.
    wide, narrow = wilson_interval(5, 10), wilson_interval(50, 100)
    assert narrow[1] - narrow[0] < wide[1] - wide[0]
    assert wilson_interval(0, 0) == (0.0, 1.0)


def test_split_work_divides_the_work_category_by_the_share():
    chances = np.array([0.1, 0.1, 0.1, 0.4, 0.1, 0.1, 0.1])
    paths = split_work(chances, 0.75)
    assert paths.shape == (8,)
    assert paths.sum() == pytest.approx(1.0)
    assert paths[3] == pytest.approx(0.3) and paths[4] == pytest.approx(0.1)


def test_manual_chances_must_add_up_to_one():
    with pytest.raises(ValueError, match="add up"):
        manual_chances(dict.fromkeys(CATEGORIES, 0.1), {})


def _trajectory(start: date, *results: tuple[str, date], code: str = "RA_PLUS"):
    trajectory = TrajectoryFactory(route=route(code), registered_on=start, start_date=start)
    for result_type, on in results:
        Result.objects.create(trajectory=trajectory, type=result_type, start_date=on)
    return trajectory


@pytest.mark.django_db
def test_outcomes_are_counted_per_cohort_by_the_latest_outcome(django_assert_num_queries):
    _trajectory(date(2023, 1, 1), (ResultType.STAGE_MAATWERK, date(2023, 3, 1)), (ResultType.ARBEID, date(2024, 1, 1)))
    _trajectory(date(2023, 6, 1), (ResultType.DAGBESTEDING, date(2023, 9, 1)), (ResultType.WAJONG, date(2025, 6, 1)))
    _trajectory(date(2023, 9, 1))  # no outcome yet
    _trajectory(date(2024, 2, 1), (ResultType.UITVAL, date(2024, 8, 1)))
    _trajectory(date(2024, 2, 1), (ResultType.ARBEID, date(2024, 5, 1)), code="ROUTE_ARBEID")  # another route
    with django_assert_num_queries(2):
        cohorts = outcome_cohorts(route_code="RA_PLUS")
    assert [c.year for c in cohorts] == [2023, 2024]
    first, second = cohorts
    assert (first.started, first.with_outcome, first.without_outcome) == (3, 2, 1)
    assert first.counts[OBSERVED] == 1 and first.counts["wajong"] == 1 and first.counts["day_care"] == 0
    assert first.years_to_outcome[OBSERVED] == pytest.approx(365 / 365.25)
    assert second.counts["dropout"] == 1
    assert cohort_years(route_code="RA_PLUS") == [2023, 2024]
    assert [c.year for c in outcome_cohorts(route_code="RA_PLUS", years=[2024])] == [2024]


@pytest.mark.django_db
def test_observed_chances_pool_cohorts_with_a_jeffreys_prior():
    for _ in range(3):
        _trajectory(date(2023, 1, 1), (ResultType.ARBEID, date(2025, 1, 1)))
    _trajectory(date(2023, 1, 1), (ResultType.UITVAL, date(2023, 7, 2)))
    chances = observed_chances(outcome_cohorts(route_code="RA_PLUS"))
    assert chances.n == 4
    # (3 + 0.5) / (4 + 7 x 0.5) and (0 + 0.5) / 7.5 for a category never seen.
    assert chances.category_chances[OBSERVED] == pytest.approx(3.5 / 7.5)
    assert chances.category_chances["entree"] == pytest.approx(0.5 / 7.5)
    assert sum(chances.category_chances.values()) == pytest.approx(1.0)
    assert chances.timing[OBSERVED] == pytest.approx(2.0, abs=0.01)
    assert chances.timing["entree"] == 2.0  # none seen: the default
    assert chances.interval(OBSERVED) == wilson_interval(3, 4)
    draws = chances.sample(np.random.default_rng(1), 1000)
    assert draws.mean(axis=0)[CATEGORIES.index(OBSERVED)] == pytest.approx(3.5 / 7.5, abs=0.03)


def test_the_parameter_file_is_valid_and_every_default_is_marked_with_its_source():
    parameters = default_parameters()
    assert parameters.version
    for parameter in parameters.parameters:
        assert parameter.low <= parameter.value <= parameter.high
        assert parameter.source, parameter.key
        assert parameter.default, parameter.key
    assert parameters["lump_sum_share"].unit == "share"


def test_invalid_parameters_are_refused():
    item = {
        "key": "x",
        "group": "route",
        "label": "x",
        "unit": "eur_per_year",
        "value": 5,
        "low": 6,
        "high": 7,
        "certainty": "V",
        "source": "s",
    }
    with pytest.raises(ParameterError, match="low <= value"):
        parse_parameters({"version": "1", "date": "d", "parameters": [item]})
    with pytest.raises(ParameterError, match="unknown parameters"):
        default_parameters().with_overrides({"nonsense": {"value": 1}})
    with pytest.raises(ParameterError, match="between 0 and 1"):
        default_parameters().with_overrides({"lump_sum_share": {"value": 2, "low": 0, "high": 2}})


def test_overrides_are_recorded_against_the_defaults():
    base = default_parameters()
    changed = base.with_overrides({"route_cost": {"value": 7000}})
    assert changed["route_cost"].value == 7000 and not changed["route_cost"].default
    assert changed.overrides_against(base) == {"route_cost": {"value": 7000, "low": 4200, "high": 9000}}


@pytest.mark.django_db
def test_an_outcome_before_the_start_counts_as_immediate_and_a_tie_goes_to_the_one_recorded_last():
    # Reached via school before the trajectory started: zero years, never less.
    _trajectory(date(2023, 6, 1), (ResultType.ARBEID, date(2023, 1, 1)))
    # Two outcomes on one day: the one recorded last is the latest.
    _trajectory(date(2023, 1, 1), (ResultType.UITVAL, date(2023, 7, 2)), (ResultType.WAJONG, date(2023, 7, 2)))
    (cohort,) = outcome_cohorts(route_code="RA_PLUS")
    assert (cohort.counts[OBSERVED], cohort.counts["wajong"], cohort.counts["dropout"]) == (1, 1, 0)
    assert cohort.years_to_outcome[OBSERVED] == 0
    assert cohort.years_to_outcome["wajong"] == pytest.approx(182 / 365.25)


@pytest.mark.django_db
def test_cohort_years_are_read_one_row_per_year():
    for day in (1, 2, 3):
        _trajectory(date(2023, 1, day))
    with CaptureQueriesContext(connection) as queries:
        assert cohort_years(route_code="RA_PLUS") == [2023]
    (sql,) = [q["sql"] for q in queries]
    assert "registered_on" not in sql  # the model's ordering made every registration date a row of its own
