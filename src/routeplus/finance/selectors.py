"""Reading for the business case: observed outcomes per cohort (aggregates only), scenarios, the full result."""

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from uuid import UUID

from django.db import connection
from django.db.models import Count, F, QuerySet
from django.db.models.functions import ExtractYear

from routeplus.casefile.models import Result
from routeplus.casefile.selectors import numbered_newest_first
from routeplus.finance import model
from routeplus.finance.models import OutcomeMode, Scenario
from routeplus.finance.outcomes import (
    CATEGORIES,
    DEFAULT_MANUAL_WEIGHT,
    RESULT_CATEGORY,
    CohortCounts,
    OutcomeChances,
    manual_chances,
    observed_chances,
)
from routeplus.finance.parameters import ParameterSet, default_parameters
from routeplus.trajectories.models import Trajectory

DEFAULT_ROUTE = "RA_PLUS"
DAYS_PER_YEAR = 365.25


def cohort_years(*, route_code: str) -> list[int]:
    """The years in which trajectories of the route started."""
    years = (
        Trajectory.objects.filter(route__code=route_code, start_date__isnull=False)
        .annotate(year=ExtractYear("start_date"))
        .values_list("year", flat=True)
        .order_by()  # the model's ordering would make each (year, registration date) a distinct row
        .distinct()
    )
    return sorted(set(years))


def _days_between(later: str, earlier: str) -> str:
    """SQL for the whole days from one date column to another (an outcome reached before the start is negative)."""
    if connection.vendor == "postgresql":
        return f"({later} - {earlier})"
    return f"CAST(julianday({later}) - julianday({earlier}) AS INTEGER)"


def outcome_cohorts(*, route_code: str, years: list[int] | None = None) -> list[CohortCounts]:
    """Per start year: trajectories started, and per outcome category the participants who reached it.

    A trajectory counts once, in the category of its latest outcome (the state it is in now); "stage
    maatwerk" and "heeft gewerkt" are steps, not outcomes. Time to outcome runs from the trajectory's start
    (never below zero: an outcome reached via school before the start counts as immediate). Two queries.
    """
    trajectories = Trajectory.objects.filter(route__code=route_code, start_date__isnull=False)
    if years:
        trajectories = trajectories.filter(start_date__year__in=years)
    started = dict(
        trajectories.annotate(year=ExtractYear("start_date"))
        .values("year")
        .annotate(n=Count("id"))
        .values_list("year", "n")
    )
    # Each trajectory's latest outcome (numbered_newest_first); the database counts them
    # and adds up the days to them per start year and result type, so a handful of rows comes back instead of
    # every outcome of the route (at national scale a hundred thousand, two thirds of the page's time).
    numbered = (
        numbered_newest_first(Result.objects.filter(trajectory__in=trajectories, type__in=list(RESULT_CATEGORY)))
        .annotate(year=ExtractYear("trajectory__start_date"), trajectory_start=F("trajectory__start_date"))
        .values("year", "type", "start_date", "trajectory_start", "rn")
        .order_by()
    )
    sql, params = numbered.query.sql_with_params()
    days = _days_between("r.start_date", "r.trajectory_start")
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT r.year, r.type, COUNT(*), SUM(CASE WHEN {days} > 0 THEN {days} ELSE 0 END) "  # noqa: S608  # nosec B608 (own SQL)
            f"FROM ({sql}) r WHERE r.rn = 1 GROUP BY r.year, r.type",
            params,
        )
        latest = cursor.fetchall()
    counts: dict[int, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    years_sum: dict[int, dict[str, float]] = defaultdict(lambda: defaultdict(float))
    for year, result_type, n, days_to_outcome in latest:
        category = RESULT_CATEGORY[result_type]
        counts[int(year)][category] += n
        years_sum[int(year)][category] += (days_to_outcome or 0) / DAYS_PER_YEAR
    return [
        CohortCounts(
            year=year,
            started=started[year],
            counts={c: counts[year].get(c, 0) for c in CATEGORIES},
            years_to_outcome={c: years_sum[year][c] / counts[year][c] for c in CATEGORIES if counts[year].get(c)},
        )
        for year in sorted(started)
    ]


def scenario_list() -> QuerySet[Scenario]:
    return Scenario.objects.select_related("created_by", "route").order_by("name")


def scenario_get(*, scenario_uuid: UUID) -> Scenario | None:
    return Scenario.objects.select_related("route").filter(uuid=scenario_uuid).first()


# ---------------------------------------------------------------------------------------------------------
# The full business case for one set of choices


@dataclass(frozen=True)
class Choices:
    """Everything a scenario fixes: what the page's form edits and what a saved scenario stores."""

    overrides: dict[str, dict[str, float]] = field(default_factory=dict)
    outcome_mode: str = OutcomeMode.OBSERVED
    route_code: str = DEFAULT_ROUTE
    cohorts: tuple[int, ...] = ()
    manual_chances: dict[str, float] = field(default_factory=dict)
    timing: dict[str, float] = field(default_factory=dict)
    manual_weight: float = DEFAULT_MANUAL_WEIGHT
    horizon: int = 10
    start_year: int = 2026
    budget: Decimal = Decimal("350000")
    seed: int = model.DEFAULT_SEED

    @classmethod
    def from_scenario(cls, scenario: Scenario) -> "Choices":
        return cls(
            overrides=dict(scenario.overrides),
            outcome_mode=scenario.outcome_mode,
            route_code=scenario.route.code if scenario.route else DEFAULT_ROUTE,
            cohorts=tuple(int(y) for y in scenario.cohorts),
            manual_chances={k: float(v) for k, v in scenario.manual_chances.items()},
            timing={k: float(v) for k, v in scenario.timing.items()},
            manual_weight=scenario.manual_weight,
            horizon=scenario.horizon,
            start_year=scenario.start_year,
            budget=scenario.budget,
            seed=scenario.seed,
        )


@dataclass(frozen=True)
class BusinessCase:
    choices: Choices
    parameters: ParameterSet
    chances: OutcomeChances
    projection: model.Projection
    monte_carlo: dict[model.View, model.MonteCarlo]
    tornado: dict[model.View, tuple[float, list[model.Swing]]]
    capacity: model.Capacity

    def npv(self, view: model.View) -> float:
        return float(self.projection.npv(view)[0])

    def break_even(self, view: model.View) -> int | None:
        return self.projection.break_even(view)[0]


def outcome_chances(choices: Choices) -> OutcomeChances:
    if choices.outcome_mode == OutcomeMode.MANUAL:
        return manual_chances(choices.manual_chances, choices.timing, choices.manual_weight)
    cohorts = outcome_cohorts(route_code=choices.route_code, years=list(choices.cohorts) or None)
    return observed_chances(cohorts, timing_override=choices.timing)


def business_case(*, choices: Choices, draws: int = model.DEFAULT_DRAWS) -> BusinessCase:
    """Compute everything the page and the report show. Reads only aggregates; no personal data."""
    parameters = default_parameters().with_overrides(choices.overrides)
    chances = outcome_chances(choices)
    projection = model.project(
        values=model.base_values(parameters), chances=chances, horizon=choices.horizon, start_year=choices.start_year
    )
    runs = model.monte_carlo(
        parameters=parameters,
        chances=chances,
        horizon=choices.horizon,
        start_year=choices.start_year,
        draws=draws,
        seed=choices.seed,
    )
    swings = {
        view: model.tornado(
            parameters=parameters, chances=chances, horizon=choices.horizon, start_year=choices.start_year, view=view
        )
        for view in model.View
    }
    per_participant = {view: float(projection.npv(view)[0]) for view in model.View}
    return BusinessCase(
        choices=choices,
        parameters=parameters,
        chances=chances,
        projection=projection,
        monte_carlo=runs,
        tornado=swings,
        capacity=model.capacity(
            budget=choices.budget, parameters=parameters, chances=chances, npv_per_participant=per_participant
        ),
    )
