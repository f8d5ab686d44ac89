"""Outcome paths of the business case: their chances and timing, observed or set by hand, with intervals."""

import math
from dataclasses import dataclass, field
from enum import StrEnum

import numpy as np
from django.utils.translation import gettext_lazy as _

from routeplus.casefile.models import ResultType


class Path(StrEnum):
    """Where a participant ends up. Order is the order of tables and charts."""

    DAY_CARE = "day_care"
    DAY_CARE_PERSPECTIVE = "day_care_perspective"
    SHELTERED_WORK = "sheltered_work"
    JOBS_AGREEMENT = "jobs_agreement"
    REGULAR_WORK = "regular_work"
    ENTREE = "entree"
    WAJONG = "wajong"
    DROPOUT = "dropout"


PATHS: tuple[Path, ...] = tuple(Path)
PATH_LABELS = {
    Path.DAY_CARE: _("Dagbesteding"),
    Path.DAY_CARE_PERSPECTIVE: _("Dagbesteding met ontwikkelperspectief"),
    Path.SHELTERED_WORK: _("Beschut werk"),
    Path.JOBS_AGREEMENT: _("Baan in de banenafspraak"),
    Path.REGULAR_WORK: _("Regulier werk"),
    Path.ENTREE: _("Entree (mbo 1)"),
    Path.WAJONG: _("Wajong"),
    Path.DROPOUT: _("Uitval"),
}

# The council table's result types that end a route; "stage maatwerk" and "heeft gewerkt" are steps on the
# way, not outcomes. "Uitstroom naar arbeid" is one category in the data and is split into a job in the jobs
# agreement and regular work by the parameter jobs_agreement_share.
OBSERVED = "work"  # the combined category for ResultType.ARBEID
RESULT_CATEGORY: dict[str, str] = {
    ResultType.DAGBESTEDING: Path.DAY_CARE,
    ResultType.DAGBESTEDING_ONTWIKKELPERSPECTIEF: Path.DAY_CARE_PERSPECTIVE,
    ResultType.NIEUW_BESCHUT: Path.SHELTERED_WORK,
    ResultType.ARBEID: OBSERVED,
    ResultType.ENTREE: Path.ENTREE,
    ResultType.WAJONG: Path.WAJONG,
    ResultType.UITVAL: Path.DROPOUT,
}
CATEGORIES: tuple[str, ...] = (
    Path.DAY_CARE,
    Path.DAY_CARE_PERSPECTIVE,
    Path.SHELTERED_WORK,
    OBSERVED,
    Path.ENTREE,
    Path.WAJONG,
    Path.DROPOUT,
)
CATEGORY_LABELS = {
    **{str(p): label for p, label in PATH_LABELS.items()},
    OBSERVED: _("Werk (banenafspraak en regulier)"),
}

# Jeffreys prior: half an observation per category keeps every chance above zero with few participants.
PRIOR = 0.5
# Manual chances are as certain as this many observations unless the scenario says otherwise.
DEFAULT_MANUAL_WEIGHT = 20.0
DEFAULT_TIMING_YEARS = 2.0
Z95 = 1.959963984540054


def wilson_interval(successes: int, n: int, z: float = Z95) -> tuple[float, float]:
    """The Wilson score interval for a proportion: honest for small n and for 0 or n successes."""
    if n <= 0:
        return 0.0, 1.0
    p = successes / n
    denominator = 1 + z * z / n
    centre = (p + z * z / (2 * n)) / denominator
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / denominator
    return max(0.0, centre - half), min(1.0, centre + half)


def split_work(category_chances: np.ndarray, jobs_agreement_share: np.ndarray | float) -> np.ndarray:
    """Chances per category (..., 7) to chances per path (..., 8), splitting work by the given share."""
    category_chances = np.asarray(category_chances, dtype=float)
    share = np.asarray(jobs_agreement_share, dtype=float)
    work = category_chances[..., CATEGORIES.index(OBSERVED)]
    columns = []
    for path in PATHS:
        if path is Path.JOBS_AGREEMENT:
            columns.append(work * share)
        elif path is Path.REGULAR_WORK:
            columns.append(work * (1 - share))
        else:
            columns.append(category_chances[..., CATEGORIES.index(path)])
    return np.stack(np.broadcast_arrays(*columns), axis=-1)


@dataclass(frozen=True)
class CohortCounts:
    """Observed outcomes of the trajectories that started in one year (aggregate only)."""

    year: int
    started: int
    counts: dict[str, int]
    years_to_outcome: dict[str, float]  # mean years from start to outcome, per category with outcomes

    @property
    def with_outcome(self) -> int:
        return sum(self.counts.values())

    @property
    def without_outcome(self) -> int:
        return self.started - self.with_outcome


@dataclass(frozen=True)
class ChanceRow:
    key: str
    label: str
    count: int | None
    chance: float
    low: float
    high: float
    years: float


@dataclass(frozen=True)
class OutcomeChances:
    """Chances and years to the outcome per category (7), with where they come from.

    Observed: chances are the posterior mean of a Dirichlet on the counts with a Jeffreys prior; the interval
    per category is Wilson's; Monte Carlo draws from the Dirichlet posterior. Manual: chances as given, with
    the uncertainty of `weight` observations.
    """

    mode: str  # "observed" or "manual"
    category_chances: dict[str, float]
    timing: dict[str, float]
    counts: dict[str, int] = field(default_factory=dict)
    weight: float = DEFAULT_MANUAL_WEIGHT
    cohorts: tuple[CohortCounts, ...] = ()

    @property
    def n(self) -> int:
        return sum(self.counts.values())

    def vector(self) -> np.ndarray:
        return np.array([self.category_chances[c] for c in CATEGORIES], dtype=float)

    def concentration(self) -> np.ndarray:
        if self.mode == "observed":
            return np.array([self.counts.get(c, 0) + PRIOR for c in CATEGORIES], dtype=float)
        return np.maximum(self.vector() * self.weight, 1e-3)

    def interval(self, category: str) -> tuple[float, float]:
        if self.mode == "observed":
            return wilson_interval(self.counts.get(category, 0), self.n)
        # Manual chances: the central 95% of the Beta marginal of the Dirichlet, by normal approximation.
        a = self.concentration()
        total = a.sum()
        p = a[CATEGORIES.index(category)] / total
        sd = math.sqrt(p * (1 - p) / (total + 1))
        return max(0.0, p - Z95 * sd), min(1.0, p + Z95 * sd)

    def sample(self, rng: np.random.Generator, draws: int) -> np.ndarray:
        return rng.dirichlet(self.concentration(), size=draws)

    def rows(self) -> list[ChanceRow]:
        rows = []
        for category in CATEGORIES:
            low, high = self.interval(category)
            years = self.timing[category]
            rows.append(
                ChanceRow(
                    key=category,
                    label=str(CATEGORY_LABELS[category]),
                    count=self.counts.get(category, 0) if self.mode == "observed" else None,
                    chance=self.category_chances[category],
                    low=low,
                    high=high,
                    years=years,
                )
            )
        return rows


def observed_chances(cohorts: list[CohortCounts], timing_override: dict[str, float] | None = None) -> OutcomeChances:
    """Pool the cohorts: posterior-mean chances, mean time to outcome per path (default where none seen)."""
    counts = {c: sum(cohort.counts.get(c, 0) for cohort in cohorts) for c in CATEGORIES}
    total = sum(counts.values()) + PRIOR * len(CATEGORIES)
    chances = {c: (counts[c] + PRIOR) / total for c in CATEGORIES}
    timing: dict[str, float] = {}
    for category in CATEGORIES:
        weighted = [
            (cohort.counts.get(category, 0), cohort.years_to_outcome[category])
            for cohort in cohorts
            if cohort.counts.get(category, 0) and category in cohort.years_to_outcome
        ]
        n = sum(w for w, _ in weighted)
        timing[category] = round(sum(w * y for w, y in weighted) / n, 2) if n else DEFAULT_TIMING_YEARS
    if timing_override:
        timing.update({k: float(v) for k, v in timing_override.items() if k in timing})
    return OutcomeChances(
        mode="observed", category_chances=chances, timing=timing, counts=counts, cohorts=tuple(cohorts)
    )


def manual_chances(
    chances: dict[str, float], timing: dict[str, float], weight: float = DEFAULT_MANUAL_WEIGHT
) -> OutcomeChances:
    """Chances set by hand per category (summing to 1) and timing per path."""
    total = sum(chances.get(c, 0.0) for c in CATEGORIES)
    if not math.isclose(total, 1.0, abs_tol=1e-6):
        raise ValueError("the chances must add up to 1")
    return OutcomeChances(
        mode="manual",
        category_chances={c: float(chances.get(c, 0.0)) for c in CATEGORIES},
        timing={c: float(timing.get(c, DEFAULT_TIMING_YEARS)) for c in CATEGORIES},
        weight=weight,
    )


def category_of(path: Path) -> str:
    """The observed category a path belongs to (both kinds of work share one)."""
    return OBSERVED if path in (Path.JOBS_AGREEMENT, Path.REGULAR_WORK) else str(path)
