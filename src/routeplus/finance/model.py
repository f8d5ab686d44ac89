"""The business-case model: expected costs per year for the route and the 0-variant, per payer and per view.

Everything is per participant and vectorised over Monte Carlo draws: a parameter is an array of shape (N,),
costs are arrays of shape (N, years, lines). A deterministic run is a run with N = 1. Amounts are NumPy floats
inside; `to_cents` turns them into Decimal euros at the boundary. docs/businesscase.md explains the model.
"""

import math
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from enum import StrEnum

import numpy as np
from django.utils.translation import gettext_lazy as _

from routeplus.finance.outcomes import CATEGORIES, PATHS, OutcomeChances, Path, category_of, split_work
from routeplus.finance.parameters import ParameterSet

DEFAULT_DRAWS = 2000
DEFAULT_SEED = 20260101
CENT = Decimal("0.01")


class Payer(StrEnum):
    MUNICIPALITY = "municipality"
    STATE = "state"
    CARE_OFFICE = "care_office"


PAYER_LABELS = {
    Payer.MUNICIPALITY: _("Gemeente"),
    Payer.STATE: _("Rijk en UWV"),
    Payer.CARE_OFFICE: _("Zorgkantoor (Wlz)"),
}


class Line(StrEnum):
    ROUTE = "route"
    WMO_DAY_CARE = "wmo_day_care"
    WMO_TRANSPORT = "wmo_transport"
    WLZ_DAY_CARE = "wlz_day_care"
    ASSISTANCE = "assistance"
    ASSISTANCE_ADMIN = "assistance_admin"
    WAJONG = "wajong"
    JOB_COACH = "job_coach"
    WAGE_SUBSIDY = "wage_subsidy"
    SHELTERED_WORK = "sheltered_work"
    EDUCATION = "education"


LINES: tuple[Line, ...] = tuple(Line)
LINE_LABELS = {
    Line.ROUTE: _("Route Arbeid+"),
    Line.WMO_DAY_CARE: _("Wmo-dagbesteding"),
    Line.WMO_TRANSPORT: _("Wmo-vervoer"),
    Line.WLZ_DAY_CARE: _("Wlz-dagbesteding en vervoer"),
    Line.ASSISTANCE: _("Bijstand"),
    Line.ASSISTANCE_ADMIN: _("Uitvoering bijstand"),
    Line.WAJONG: _("Wajong"),
    Line.JOB_COACH: _("Jobcoaching"),
    Line.WAGE_SUBSIDY: _("Loonkostensubsidie"),
    Line.SHELTERED_WORK: _("Beschut werk"),
    Line.EDUCATION: _("Entree-opleiding"),
}
LINE_PAYER = {
    Line.ROUTE: Payer.MUNICIPALITY,
    Line.WMO_DAY_CARE: Payer.MUNICIPALITY,
    Line.WMO_TRANSPORT: Payer.MUNICIPALITY,
    Line.WLZ_DAY_CARE: Payer.CARE_OFFICE,
    Line.ASSISTANCE: Payer.MUNICIPALITY,
    Line.ASSISTANCE_ADMIN: Payer.MUNICIPALITY,
    Line.WAJONG: Payer.STATE,
    Line.JOB_COACH: Payer.MUNICIPALITY,
    Line.WAGE_SUBSIDY: Payer.MUNICIPALITY,
    Line.SHELTERED_WORK: Payer.MUNICIPALITY,
    Line.EDUCATION: Payer.STATE,
}
# Wmo day care is funded as a lump sum: only lump_sum_share of a saving on these lines reaches the cash.
LUMP_SUM_LINES = (Line.WMO_DAY_CARE, Line.WMO_TRANSPORT)


class View(StrEnum):
    SOCIETAL = "societal"
    MUNICIPAL_CASH = "municipal_cash"


VIEW_LABELS = {
    View.SOCIETAL: _("Maatschappelijke waarde"),
    View.MUNICIPAL_CASH: _("Kasstroom gemeente"),
}


def to_cents(amount: float) -> Decimal:
    """A float amount as Decimal euros, rounded half up to the cent (rounding noise below a micro-cent first)."""
    return Decimal(repr(round(float(amount), 6))).quantize(CENT, rounding=ROUND_HALF_UP)


def _col(values: Mapping[str, np.ndarray], key: str) -> np.ndarray:
    """A parameter as a column (N, 1) so it broadcasts against the years."""
    return np.asarray(values[key], dtype=float).reshape(-1, 1)


def _status_quo(
    values: Mapping[str, np.ndarray], ages: np.ndarray, *, wajong_share: np.ndarray | None = None
) -> np.ndarray:
    """Costs per year (N, H, L) of permanent day care with its income: the 0-variant's state."""
    n, h = np.asarray(values["day_care_basic"]).size, ages.shape[-1]
    costs = np.zeros((n, h, len(LINES)))
    special = _col(values, "special_share")
    day_care = (1 - special) * _col(values, "day_care_basic") + special * _col(values, "day_care_special")
    transport = _col(values, "transport")
    wlz = _col(values, "wlz_share")
    wajong = _col(values, "wajong_share") if wajong_share is None else wajong_share
    # Those without Wajong but with a benefit receive social assistance (never below zero in a draw).
    assistance_share = np.maximum(_col(values, "benefit_share") - wajong, 0.0)
    assistance = np.where(ages <= 20, _col(values, "assistance_young"), _col(values, "assistance_adult"))
    ones = np.ones((1, h))
    costs[:, :, LINES.index(Line.WMO_DAY_CARE)] = (1 - wlz) * day_care * ones
    costs[:, :, LINES.index(Line.WMO_TRANSPORT)] = (1 - wlz) * transport * ones
    costs[:, :, LINES.index(Line.WLZ_DAY_CARE)] = wlz * (day_care + transport) * ones
    costs[:, :, LINES.index(Line.WAJONG)] = wajong * _col(values, "wajong") * ones
    costs[:, :, LINES.index(Line.ASSISTANCE)] = assistance_share * assistance
    costs[:, :, LINES.index(Line.ASSISTANCE_ADMIN)] = assistance_share * _col(values, "assistance_admin") * ones
    return costs


def _in_work(values: Mapping[str, np.ndarray], since: np.ndarray) -> np.ndarray:
    """Costs (N, H, L) of a job in the jobs agreement, `since` (H or N x H) years after it started (<0: not yet)."""
    n, h = np.asarray(values["wage_subsidy"]).size, since.shape[-1]
    costs = np.zeros((n, h, len(LINES)))
    working = (since >= 0).astype(float)
    # Job coaching for job_coach_years; a fractional number of years pays part of the last year.
    coached = np.clip(_col(values, "job_coach_years") - since, 0.0, 1.0) * working
    costs[:, :, LINES.index(Line.WAGE_SUBSIDY)] = _col(values, "wage_subsidy") * working
    costs[:, :, LINES.index(Line.JOB_COACH)] = _col(values, "job_coach") * coached
    return costs


def _after_outcome(path: Path, values: Mapping[str, np.ndarray], ages: np.ndarray, since: np.ndarray) -> np.ndarray:
    """Costs per year (N, H, L) once the outcome is reached; `since` counts whole years from the outcome."""
    n, h = np.asarray(values["route_cost"]).size, ages.shape[-1]
    if path in (Path.DAY_CARE, Path.DAY_CARE_PERSPECTIVE, Path.DROPOUT):
        # Dropout is counted as the 0-variant: no saving is claimed for someone the team cannot reach.
        return _status_quo(values, ages)
    if path is Path.WAJONG:
        return _status_quo(values, ages, wajong_share=np.ones((n, 1)))
    if path is Path.REGULAR_WORK:
        return np.zeros((n, h, len(LINES)))
    if path is Path.JOBS_AGREEMENT:
        return _in_work(values, since)
    if path is Path.SHELTERED_WORK:
        costs = np.zeros((n, h, len(LINES)))
        costs[:, :, LINES.index(Line.SHELTERED_WORK)] = _col(values, "sheltered_work") * np.ones((1, h))
        return costs
    if path is Path.ENTREE:
        entree_years = _col(values, "entree_years")
        studying = (since < entree_years).astype(float)  # (N, H)
        to_work = _col(values, "entree_to_work")[:, :, np.newaxis]
        after = to_work * _in_work(values, since - entree_years) + (1 - to_work) * _status_quo(values, ages)
        costs = after * (1 - studying)[:, :, np.newaxis]
        costs[:, :, LINES.index(Line.EDUCATION)] += _col(values, "entree_cost") * studying
        return costs
    raise ValueError(path)


def _path_costs(path: Path, values: Mapping[str, np.ndarray], ages: np.ndarray, years_in_route: int) -> np.ndarray:
    """Costs per year (N, H, L) of one path with the outcome after a whole number of years in the route."""
    h = ages.shape[-1]
    year = np.arange(1, h + 1)
    in_route = (year <= years_in_route).astype(float)
    since = year - years_in_route - 1
    before = _status_quo(values, ages)
    before[:, :, LINES.index(Line.ROUTE)] = _col(values, "route_cost") * np.ones((1, h))
    after = _after_outcome(path, values, ages, since)
    weight = in_route[np.newaxis, :, np.newaxis]
    return weight * before + (1 - weight) * after


def route_costs(
    values: Mapping[str, np.ndarray], chances: np.ndarray, timing: Mapping[str, float], horizon: int
) -> np.ndarray:
    """Expected costs per year (N, H, L) of a participant in the route.

    chances: (N, 8) per path. A fractional time to outcome t mixes the whole years floor(t) and floor(t) + 1,
    which is the expected cost when the outcome falls in either year with those weights.
    """
    ages = _ages(values, horizon)
    n = np.asarray(values["route_cost"]).size
    total = np.zeros((n, horizon, len(LINES)))
    for index, path in enumerate(PATHS):
        t = max(0.0, float(timing[category_of(path)]))
        whole = math.floor(t)
        fraction = t - whole
        costs = _path_costs(path, values, ages, whole)
        if fraction > 0:
            costs = (1 - fraction) * costs + fraction * _path_costs(path, values, ages, whole + 1)
        total += chances[:, index].reshape(-1, 1, 1) * costs
    return total


def zero_variant_costs(values: Mapping[str, np.ndarray], horizon: int) -> np.ndarray:
    return _status_quo(values, _ages(values, horizon))


def _ages(values: Mapping[str, np.ndarray], horizon: int) -> np.ndarray:
    """(N, H): the age in each year of the horizon."""
    return _col(values, "start_age") + np.arange(horizon).reshape(1, -1)


@dataclass(frozen=True)
class Projection:
    """Costs of the route and the 0-variant for N draws; the views and payers are derived from it."""

    start_year: int
    route: np.ndarray  # (N, H, L)
    zero: np.ndarray  # (N, H, L)
    lump_sum_share: np.ndarray  # (N,)
    discount_rate: np.ndarray  # (N,)

    @property
    def horizon(self) -> int:
        return int(self.route.shape[1])

    @property
    def years(self) -> list[int]:
        return [self.start_year + i for i in range(self.horizon)]

    @property
    def discount_factors(self) -> np.ndarray:
        """(N, H): the first year is the base year (factor 1); year y is discounted by (1 + r)^(y - 1)."""
        exponent = np.arange(self.horizon).reshape(1, -1)
        return (1 + self.discount_rate.reshape(-1, 1)) ** (-exponent)

    def saving(self) -> np.ndarray:
        """(N, H, L): what the route saves compared with the 0-variant, per line (negative: extra cost)."""
        return self.zero - self.route

    def payer_benefit(self, payer: Payer) -> np.ndarray:
        """(N, H): the full benefit to one payer, lump-sum effect not applied."""
        index = [LINES.index(line) for line in LINES if LINE_PAYER[line] is payer]
        return self.saving()[:, :, index].sum(axis=2)

    def unrealised_wmo(self) -> np.ndarray:
        """(N, H): the part of the Wmo saving that the lump sum keeps out of the municipality's cash."""
        index = [LINES.index(line) for line in LUMP_SUM_LINES]
        wmo = self.saving()[:, :, index].sum(axis=2)
        return (1 - self.lump_sum_share.reshape(-1, 1)) * wmo

    def benefit(self, view: View) -> np.ndarray:
        """(N, H): net benefit per year in one view."""
        if view is View.SOCIETAL:
            return self.saving().sum(axis=2)
        return self.payer_benefit(Payer.MUNICIPALITY) - self.unrealised_wmo()

    def npv(self, view: View) -> np.ndarray:
        """(N,): the discounted sum over the horizon."""
        return (self.benefit(view) * self.discount_factors).sum(axis=1)

    def cumulative(self, view: View) -> np.ndarray:
        """(N, H): the discounted benefit summed up to and including each year."""
        return np.cumsum(self.benefit(view) * self.discount_factors, axis=1)

    def break_even(self, view: View) -> list[int | None]:
        """Per draw, the first calendar year from which the cumulative discounted benefit stays >= 0."""
        result: list[int | None] = []
        for row in self.cumulative(view):
            negative = np.flatnonzero(row < -1e-9)
            if negative.size == 0:
                result.append(self.start_year)
            elif negative[-1] == self.horizon - 1:
                result.append(None)
            else:
                result.append(self.start_year + int(negative[-1]) + 1)
        return result


def base_values(parameters: ParameterSet) -> dict[str, np.ndarray]:
    return {p.key: np.array([p.value]) for p in parameters.parameters}


def project(
    *,
    values: Mapping[str, np.ndarray],
    chances: OutcomeChances,
    category_chances: np.ndarray | None = None,
    horizon: int,
    start_year: int,
) -> Projection:
    """Project the costs for the given parameter values (arrays of N) and chances per category (N, 7)."""
    if horizon < 1:
        raise ValueError("the horizon is at least one year")
    n = np.asarray(values["route_cost"]).size
    if category_chances is None:
        category_chances = np.tile(chances.vector(), (n, 1))
    path_chances = split_work(category_chances, np.asarray(values["jobs_agreement_share"], dtype=float))
    return Projection(
        start_year=start_year,
        route=route_costs(values, path_chances, chances.timing, horizon),
        zero=zero_variant_costs(values, horizon),
        lump_sum_share=np.asarray(values["lump_sum_share"], dtype=float).reshape(-1),
        discount_rate=np.asarray(values["discount_rate"], dtype=float).reshape(-1),
    )


# ---------------------------------------------------------------------------------------------------------
# Uncertainty


def sample_values(parameters: ParameterSet, rng: np.random.Generator, draws: int) -> dict[str, np.ndarray]:
    """Draw every sampled parameter from a triangular distribution (low, value, high), in file order."""
    values = {}
    for parameter in parameters.parameters:
        if parameter.sample and parameter.varies:
            values[parameter.key] = rng.triangular(parameter.low, parameter.value, parameter.high, size=draws)
        else:
            values[parameter.key] = np.full(draws, parameter.value)
    return values


@dataclass(frozen=True)
class MonteCarlo:
    view: View
    draws: int
    seed: int
    npv: np.ndarray  # (N,)
    break_even: list[int | None]

    @property
    def chance_positive(self) -> float:
        return float((self.npv > 0).mean())

    def percentile(self, q: float) -> float:
        return float(np.percentile(self.npv, q))

    @property
    def mean(self) -> float:
        return float(self.npv.mean())

    @property
    def chance_break_even(self) -> float:
        return sum(1 for y in self.break_even if y is not None) / len(self.break_even)

    @property
    def median_break_even(self) -> int | None:
        """The median year, counting 'not within the horizon' as later than every year."""
        ordered = sorted(self.break_even, key=lambda y: math.inf if y is None else y)
        return ordered[len(ordered) // 2]

    def histogram(self, bins: int = 20) -> tuple[np.ndarray, np.ndarray]:
        counts, edges = np.histogram(self.npv, bins=bins)
        return counts, edges


def monte_carlo(
    *,
    parameters: ParameterSet,
    chances: OutcomeChances,
    horizon: int,
    start_year: int,
    draws: int = DEFAULT_DRAWS,
    seed: int = DEFAULT_SEED,
) -> dict[View, MonteCarlo]:
    """Draw parameters and outcome chances together; the same seed gives the same result, always."""
    rng = np.random.default_rng(seed)
    values = sample_values(parameters, rng, draws)
    category_chances = chances.sample(rng, draws)
    projection = project(
        values=values, chances=chances, category_chances=category_chances, horizon=horizon, start_year=start_year
    )
    return {
        view: MonteCarlo(
            view=view, draws=draws, seed=seed, npv=projection.npv(view), break_even=projection.break_even(view)
        )
        for view in View
    }


@dataclass(frozen=True)
class Swing:
    key: str
    label: str
    low_input: float
    high_input: float
    unit: str
    npv_low: float  # the result with the input at its low end
    npv_high: float

    @property
    def width(self) -> float:
        return abs(self.npv_high - self.npv_low)


def tornado(
    *, parameters: ParameterSet, chances: OutcomeChances, horizon: int, start_year: int, view: View
) -> tuple[float, list[Swing]]:
    """One at a time, each input at its low and its high end, the rest at their values; widest swing first.

    Inputs are every parameter with a range and every outcome chance with an interval (the other chances then
    scale so that they still add up to one).
    """
    # All variants in one vectorised run: row 0 is the base, then a low and a high row per input.
    base = base_values(parameters)
    vector = chances.vector()
    rows: list[tuple[dict[str, float], np.ndarray]] = [({}, vector)]
    inputs: list[tuple[str, str, float, float, str]] = []
    for parameter in parameters.parameters:
        if parameter.varies:
            inputs.append((parameter.key, parameter.label, parameter.low, parameter.high, parameter.unit))
            rows += [({parameter.key: parameter.low}, vector), ({parameter.key: parameter.high}, vector)]
    labels = {row.key: row.label for row in chances.rows()}
    for index, category in enumerate(CATEGORIES):
        low, high = chances.interval(category)
        if low < high:
            inputs.append((f"chance:{category}", f"Kans: {labels[category]}", low, high, "share"))
            rows += [({}, _with_chance(vector, index, low)), ({}, _with_chance(vector, index, high))]
    values = {
        key: np.array([changes.get(key, float(column[0])) for changes, _ in rows]) for key, column in base.items()
    }
    category_chances = np.stack([chance for _, chance in rows])
    npv = project(
        values=values, chances=chances, category_chances=category_chances, horizon=horizon, start_year=start_year
    ).npv(view)
    swings = [
        Swing(key, label, low, high, unit, float(npv[1 + 2 * i]), float(npv[2 + 2 * i]))
        for i, (key, label, low, high, unit) in enumerate(inputs)
    ]
    swings.sort(key=lambda s: s.width, reverse=True)
    return float(npv[0]), swings


def _with_chance(vector: np.ndarray, index: int, chance: float) -> np.ndarray:
    rest = 1 - vector[index]
    shifted = vector * ((1 - chance) / rest) if rest > 0 else np.full_like(vector, (1 - chance) / (len(vector) - 1))
    shifted[index] = chance
    return shifted


# ---------------------------------------------------------------------------------------------------------
# Capacity


@dataclass(frozen=True)
class Capacity:
    budget: Decimal
    cost_per_trajectory_year: Decimal
    places: float  # trajectory-years the budget pays for each year
    mean_years_in_route: float
    intake_per_year: float | None
    npv_per_participant: dict[View, float]
    outcomes_per_year: dict[str, float]  # expected outcomes of one year's intake, per category

    def npv_of_intake(self, view: View) -> float | None:
        if self.intake_per_year is None:
            return None
        return self.intake_per_year * self.npv_per_participant[view]


def capacity(
    *, budget: Decimal, parameters: ParameterSet, chances: OutcomeChances, npv_per_participant: dict[View, float]
) -> Capacity:
    """What a yearly budget buys: places, new participants a year (places / mean years in the route), return."""
    route_cost = parameters["route_cost"].value
    places = float(budget) / route_cost if route_cost > 0 else 0.0
    mean_years = sum(chances.category_chances[c] * max(0.0, chances.timing[c]) for c in CATEGORIES)
    intake = places / mean_years if mean_years >= 0.1 else None
    return Capacity(
        budget=budget,
        cost_per_trajectory_year=to_cents(route_cost),
        places=places,
        mean_years_in_route=mean_years,
        intake_per_year=intake,
        npv_per_participant=npv_per_participant,
        outcomes_per_year={c: (intake or 0.0) * chances.category_chances[c] for c in CATEGORIES},
    )
