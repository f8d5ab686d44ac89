"""The load test's bookkeeping (scripts/load.py and scripts/locustfile.py): what counts as an error, and the
report of throughput, percentiles and errors. Plain Python without Django, so locust can import it.

Every request of the mix is recorded as one sample (name, milliseconds, error or ""); the report is computed
here from those samples rather than from locust's rounded histogram, so the numbers can be tested.
"""

import json
import math
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

LOGIN_PATH = "/inloggen/"  # the login steps (password and second factor) live under this path


def request_error(status: int, location: str = "", *, expected: Sequence[int] = ()) -> str:
    """Why an answer counts as an error, or "" when it does not.

    No answer, any 4xx or 5xx, and a redirect to the login steps (the session was not accepted as logged in
    with both factors) are errors. With `expected`, any other status is an error too (a write must redirect).
    """
    if status == 0:
        return "no answer"
    if status >= 400:
        return f"status {status}"
    if 300 <= status < 400 and LOGIN_PATH in location:
        return "redirected to login"
    if expected and status not in expected:
        return f"status {status}, expected {' or '.join(str(s) for s in expected)}"
    return ""


@dataclass(frozen=True)
class Sample:
    name: str
    ms: float
    error: str = ""

    def to_line(self) -> str:
        return json.dumps({"n": self.name, "ms": round(self.ms, 2), "e": self.error})

    @classmethod
    def from_line(cls, line: str) -> "Sample":
        data = json.loads(line)
        return cls(name=data["n"], ms=float(data["ms"]), error=data.get("e", ""))


def read_samples(path: Path) -> list[Sample]:
    if not path.exists():
        return []
    return [Sample.from_line(line) for line in path.read_text().splitlines() if line.strip()]


def percentile(values: Sequence[float], q: float) -> float:
    """Nearest-rank percentile (q in 0..100) of unsorted values; 0 for no values."""
    if not values:
        return 0.0
    ordered = sorted(values)
    rank = max(1, math.ceil(q / 100 * len(ordered)))
    return ordered[min(rank, len(ordered)) - 1]


@dataclass
class Stats:
    name: str
    requests: int
    errors: int
    p50: float
    p95: float
    p99: float

    @classmethod
    def of(cls, name: str, samples: Sequence[Sample]) -> "Stats":
        times = [s.ms for s in samples]
        return cls(
            name=name,
            requests=len(samples),
            errors=sum(1 for s in samples if s.error),
            p50=percentile(times, 50),
            p95=percentile(times, 95),
            p99=percentile(times, 99),
        )

    def line(self) -> str:
        return (
            f"{self.name:44} {self.requests:>6} req {self.errors:>5} err  "
            f"p50 {self.p50:>6.0f} ms  p95 {self.p95:>6.0f} ms  p99 {self.p99:>6.0f} ms"
        )


@dataclass
class Report:
    seconds: float
    total: Stats
    per_name: list[Stats]
    error_kinds: Counter[str] = field(default_factory=Counter)

    @classmethod
    def of(cls, samples: Iterable[Sample], seconds: float) -> "Report":
        samples = list(samples)
        names = sorted({s.name for s in samples})
        return cls(
            seconds=seconds,
            total=Stats.of("TOTAL", samples),
            per_name=[Stats.of(n, [s for s in samples if s.name == n]) for n in names],
            error_kinds=Counter(s.error for s in samples if s.error),
        )

    @property
    def throughput(self) -> float:
        return self.total.requests / self.seconds if self.seconds > 0 else 0.0

    @property
    def ok(self) -> bool:
        """At least one request, and not one error."""
        return self.total.requests > 0 and self.total.errors == 0

    def lines(self) -> list[str]:
        out = [stats.line() for stats in self.per_name]
        out.append(self.total.line())
        out.append(
            f"throughput {self.throughput:.1f} req/s over {self.seconds:.0f} s; "
            f"errors {self.total.errors}" + (f" ({dict(self.error_kinds)})" if self.error_kinds else "")
        )
        return out


def highest_clean_rate(steps: Sequence[tuple[int, Report]], *, reach: float = 0.9) -> int:
    """The highest target rate of a step-up (in the order run) that had no errors and reached at least `reach`
    of its target throughput; the step-up counts until the first step that fails. 0 when none did."""
    best = 0
    for rate, report in steps:
        if not report.ok or report.throughput < rate * reach:
            break
        best = rate
    return best
