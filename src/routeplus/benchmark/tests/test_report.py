"""Verdicts on the targets and the Markdown summary, from a results dictionary."""

import os
import subprocess
import sys

from routeplus.benchmark import report
from routeplus.benchmark.runner import _reference_work, cpu_per_request, cpu_seconds, machine


def _run(users: int, rps: float, p95: float, errors: int = 0) -> dict:
    return {
        "connections": users,
        "requests": int(rps * 20),
        "rps": rps,
        "p50_ms": p95 / 2,
        "p95_ms": p95,
        "p99_ms": p95 * 1.5,
        "errors": errors,
    }


RESULT = {
    "started_at": "2026-11-29T10:00:00+00:00",
    "database": "postgresql",
    "size": 100_000,
    "options": {"workers": 2, "duration_s": 20},
    "pages": {
        "caseload_floor": {"runs": [_run(2, 400, 6), _run(16, 500, 40)]},
        "caseload": {"runs": [_run(2, 150, 15), {**_run(16, 200, 90), "cpu_ms": {"server": 8.04, "database": 1.5}}]},
        "case_file": {"runs": [_run(2, 50, 45), _run(16, 100, 180, errors=3)]},
        "worklist": {"absent": "no worklist page"},
    },
    "monitor": {"ratio_to_floor": 2.5, "monitor": {}},
    "import": {
        "rows": {"participants": 8000},
        "import": {"seconds": 1.0, "rows_per_second": 8000},
        "bare_insert": {"seconds": 0.1, "rows_per_second": 80000},
        "ratio_to_floor": 10.0,
    },
    "queries_equal": True,
    "queries": {
        "small": {"participants": 100, "pages": {"caseload": 9}},
        "main": {"participants": 100_000, "pages": {"caseload": 9}},
    },
    "errors": [],
}


def test_verdicts() -> None:
    got = {t["target"]: t["verdict"] for t in report.targets(RESULT)}
    assert got["caseload: p95 < 100 ms at 16 users, 0 errors"] == "met"
    assert got["case_file: p95 < 100 ms at 16 users, 0 errors"] == "NOT met"
    assert got["caseload: cost ≤ 4× the minimal page"] == "met"  # 500 / 200 = 2.5
    assert got["case_file: cost ≤ 4× the minimal page"] == "NOT met"  # 500 / 100 = 5
    assert got["monitor: ≤ 3× DuckDB on Parquet"] == "met"
    assert got["register import ≥ 10,000 validated rows/s"] == "NOT met"
    assert got["queries per page equal at 100 and at the run's size"] == "met"
    assert len(got) == 7


def test_markdown_names_absent_pages_and_ratios() -> None:
    text = report.markdown({**RESULT, "targets": report.targets(RESULT)})
    assert "not measured: no worklist page" in text
    assert "| caseload (50 rows) | 16 | 200 | 45.0 | 90.0 | 135.0 | 0 | 2.5 | 9 | 8.0 / 1.5 |" in text
    assert "| caseload (50 rows) | 2 | 150 | 7.5 | 15.0 | 22.5 | 0 | 2.67 | 9 | – |" in text  # no CPU measured
    assert "NOT met" in text


def test_verdicts_say_what_the_machine_allows() -> None:
    """A p95 or an import rate means little without the floor of the same run beside it."""
    notes = {t["target"]: t["note"] for t in report.targets(RESULT)}
    assert notes["case_file: p95 < 100 ms at 16 users, 0 errors"] == "the minimal page itself: p95 40.0 ms"
    assert notes["register import ≥ 10,000 validated rows/s"] == "the bare insert on this machine: 80,000 rows/s"
    text = report.markdown({**RESULT, "targets": report.targets(RESULT)})
    assert "| 8,000 rows/s (the bare insert on this machine: 80,000 rows/s) | NOT met |" in text


def test_cpu_per_request_is_the_run_s_cpu_over_its_answered_requests() -> None:
    before, after = {"server": 10.0, "database": 4.0}, {"server": 12.0, "database": 4.5}
    assert cpu_per_request(before, after, 200, "postgresql") == {"server": 10.0, "database": 2.5}
    assert cpu_per_request(before, after, 200, "sqlite") == {"server": 10.0, "database": None}
    assert cpu_per_request(before, after, 0, "postgresql") == {"server": None, "database": None}


BUSY_CHILD = "import time\nend = time.process_time() + 0.3\nwhile time.process_time() < end: pass"


def test_cpu_seconds_counts_a_process_and_its_children_also_when_they_have_ended() -> None:
    """The server's figure is its own CPU and its workers', here a child that spends 0.3 s of CPU and ends: an
    ended backend or parallel worker of PostgreSQL counts the same way, so the figure never goes back."""
    before = cpu_seconds(os.getpid())
    child = subprocess.Popen([sys.executable, "-c", BUSY_CHILD])  # noqa: S603  (our own interpreter and code)
    child.wait(timeout=30)
    assert cpu_seconds(os.getpid())["server"] - before["server"] >= 0.25


def test_the_machine_s_python_speed_is_measured_and_reported() -> None:
    """Runs on machines of the same size differed twice over; the reference figure says which kind a run had."""
    figure = machine()["python_reference_ms"]
    assert isinstance(figure, float) and figure > 0
    assert _reference_work() == 563_500  # fixed work: the same on every machine
    text = report.markdown({**RESULT, "machine": {"cores": 2, "python_reference_ms": 12.5}})
    assert "Python on one core: 12.5 ms for the reference work (40,000 table cells; lower is faster)" in text
    assert "Python on one core" not in report.markdown(RESULT)  # results from before the figure existed
