"""The benchmark's verdicts on the issue's targets and its Markdown summary, from the results dictionary."""

from typing import Any

REFERENCE_CELLS = 40_000  # the size of runner.python_reference_ms's fixed work

P95_TARGET_MS = 100.0
COST_RATIO_TARGET = 4.0
MONITOR_RATIO_TARGET = 3.0
IMPORT_RPS_TARGET = 10_000
LOAD_USERS = 16
PAGE_LABELS = {
    "trivial": "trivial view (floor)",
    "caseload_floor": "caseload, one SQL query, plain HTML (floor)",
    "caseload": "caseload (50 rows)",
    "case_file": "case file, long history",
    "worklist": "worklist",
    "monitor": "monitor page",
}


def _run(page: dict[str, Any], users: int) -> dict[str, Any] | None:
    return next((r for r in page.get("runs", []) if r["connections"] == users), None)


def cost_ratio(result: dict[str, Any], key: str, users: int = LOAD_USERS) -> float | None:
    """A page's cost per request (the inverse of its saturated throughput) over the minimal page's."""
    pages = result.get("pages", {})
    page, floor = _run(pages.get(key, {}), users), _run(pages.get("caseload_floor", {}), users)
    if not page or not floor or not page["rps"]:
        return None  # no request of the page completed in the window: no cost to compare
    return round(floor["rps"] / page["rps"], 2)


def targets(result: dict[str, Any]) -> list[dict[str, Any]]:
    """Each target of issue 11 with the measured figure and met / not met / not measured."""
    out: list[dict[str, Any]] = []

    def add(name: str, measured: Any, met: bool | None, note: str = "") -> None:
        verdict = "not measured" if met is None else ("met" if met else "NOT met")
        out.append({"target": name, "measured": measured, "verdict": verdict, "note": note})

    pages = result.get("pages", {})
    # What the machine allows: the minimal page's own p95 under the same load, in the same server and run.
    floor = _run(pages.get("caseload_floor", {}), LOAD_USERS)
    floor_p95 = f"the minimal page itself: p95 {floor['p95_ms']:.1f} ms" if floor and floor["requests"] else ""
    for key in ("caseload", "case_file"):
        run = _run(pages.get(key, {}), LOAD_USERS)
        if run is None:
            add(f"{key}: p95 < {P95_TARGET_MS:.0f} ms at {LOAD_USERS} users, 0 errors", None, None)
        else:
            add(
                f"{key}: p95 < {P95_TARGET_MS:.0f} ms at {LOAD_USERS} users, 0 errors",
                f"p95 {run['p95_ms']:.1f} ms, {run['errors']} errors, {run['requests']} requests",
                run["requests"] > 0 and run["p95_ms"] < P95_TARGET_MS and run["errors"] == 0,
                floor_p95 if run["requests"] else "no request completed within the window",
            )
        ratio = cost_ratio(result, key)
        add(f"{key}: cost ≤ {COST_RATIO_TARGET:.0f}× the minimal page", f"{ratio}×" if ratio else None,
            None if ratio is None else ratio <= COST_RATIO_TARGET)  # fmt: skip
    monitor = result.get("monitor", {})
    ratio = monitor.get("ratio_to_floor")
    add(f"monitor: ≤ {MONITOR_RATIO_TARGET:.0f}× DuckDB on Parquet", f"{ratio}×" if ratio else None,
        None if ratio is None else ratio <= MONITOR_RATIO_TARGET,
        monitor.get("monitor", {}).get("absent", ""))  # fmt: skip
    imported = result.get("import", {})
    rps = imported.get("import", {}).get("rows_per_second")
    bare = imported.get("bare_insert", {}).get("rows_per_second")
    bare_note = f"the bare insert on this machine: {bare:,} rows/s" if bare else ""
    add(f"register import ≥ {IMPORT_RPS_TARGET:,} validated rows/s", f"{rps:,} rows/s" if rps else None,
        None if rps is None else rps >= IMPORT_RPS_TARGET, imported.get("absent", "") or bare_note)  # fmt: skip
    equal = result.get("queries_equal")
    add("queries per page equal at 100 and at the run's size", equal, equal)
    return out


def _mb(n: int) -> str:
    return f"{n / 1024 / 1024:.0f} MB"


def _python_speed(machine: dict[str, Any]) -> list[str]:
    """The line on the machine's speed in Python, when the run measured it (results of before it did not)."""
    reference = machine.get("python_reference_ms")
    if reference is None:
        return []
    return [
        f"Python on one core: {reference} ms for the reference work ({REFERENCE_CELLS:,} table cells; lower is "
        "faster): compare absolute figures only between runs where this agrees.  "
    ]


def markdown(result: dict[str, Any]) -> str:
    m = result.get("machine", {})
    v = result.get("versions", {})
    lines = [
        f"# Benchmark {result.get('started_at', '')[:10]}: {result.get('database')}, "
        f"{result.get('size', 0):,} participants",
        "",
        f"Machine: {m.get('cores')} cores, {m.get('cpu')}, {_mb(m.get('memory_bytes', 0))} memory; {m.get('os')}.  ",
        *_python_speed(m),
        "Versions: " + ", ".join(f"{k} {val}" for k, val in v.items()) + ".  ",
        f"Command: `{result.get('command')}` (whole run {result.get('seconds')} s).  ",
        "Load average (1, 5, 15 min) before: "
        + ", ".join(f"{x:.1f}" for x in result.get("load_average_before", []))
        + "; after: "
        + ", ".join(f"{x:.1f}" for x in result.get("load_average_after", []))
        + f" (on {m.get('cores')} cores; above that, other work competed for the CPU).",
        "",
        "## Targets",
        "",
        "| target | measured | verdict |",
        "|---|---|---|",
    ]
    for t in result.get("targets", []):
        note = f" ({t['note']})" if t.get("note") else ""
        lines.append(
            f"| {t['target']} | {t['measured'] if t['measured'] is not None else '–'}{note} | {t['verdict']} |"
        )
    build = result.get("build", {})
    if build:
        counts = build.get("counts", {})
        lines += [
            "",
            "## Data set",
            "",
            f"Built in {build.get('seconds', {}).get('total')} s (migrations {build.get('migrate_seconds')} s): "
            + ", ".join(f"{label.split('.')[1]} {n:,}" for label, n in sorted(counts.items()) if n >= 1000)
            + ".",
        ]
    pages = result.get("pages", {})
    if pages:
        lines += [
            "",
            f"## Pages (gunicorn, {result['options']['workers']} sync workers, wrk on loopback, "
            f"{result['options']['duration_s']} s per figure)",
            "",
            "| page | users | rps | p50 ms | p95 ms | p99 ms | errors | cost × minimal page | queries "
            "| CPU ms per request: server / database |",
            "|---|---|---|---|---|---|---|---|---|---|",
        ]
        queries = result.get("queries", {}).get("main", {}).get("pages", {})
        for key, page in pages.items():
            label = PAGE_LABELS.get(key, key)
            if "absent" in page:
                lines.append(f"| {label} | – | – | – | – | – | – | – | not measured: {page['absent']} | – |")
                continue
            for run in page["runs"]:
                ratio = cost_ratio(result, key, run["connections"])
                lines.append(
                    f"| {label} | {run['connections']} | {run['rps']:.0f} | {run['p50_ms']:.1f} | {run['p95_ms']:.1f} "
                    f"| {run['p99_ms']:.1f} | {run['errors']} | {ratio if ratio is not None else '–'} "
                    f"| {queries.get(key, '–')} | {_cpu(run.get('cpu_ms'))} |"
                )
        rss = result.get("worker_rss_bytes", [])
        lines += ["", "Worker resident size after the run: " + ", ".join(_mb(r) for r in rss) + "."]
        lines.append(
            f"The floor page shows the same {result.get('caseload_rows')} rows as the caseload: "
            f"{result.get('floor_rows_match')}."
        )
    single = result.get("single_requests", {})
    if single:
        lines += ["", "## One request per page, alone (Django test client, in the benchmark database)", ""]
        lines += ["| page | ms | queries | slowest statement (ms) |", "|---|---|---|---|"]
        for key, page in single.items():
            slowest = page.get("slowest_queries") or [{}]
            sql = " ".join((slowest[0].get("sql") or "").split()).replace("|", "\\|")[:160]
            lines.append(f"| {PAGE_LABELS.get(key, key)} | {page.get('single_request_ms')} | {page.get('queries')} "
                         f"| {slowest[0].get('ms')}: `{sql}` |")  # fmt: skip
    q = result.get("queries", {})
    if q:
        header = " | ".join(f"{v['participants']:,} participants" for v in q.values())
        lines += ["", "## Queries per page", "", f"| page | {header} |", "|---|" + "---|" * len(q)]
        keys = list(next(iter(q.values()))["pages"])
        for key in keys:
            lines.append(
                f"| {PAGE_LABELS.get(key, key)} | " + " | ".join(str(v["pages"].get(key)) for v in q.values()) + " |"
            )
    mon = result.get("monitor", {})
    if mon:
        lines += ["", "## Monitor: council table for one reference date", ""]
        duck = mon.get("duckdb", {})
        ours = mon.get("monitor", {})
        lines.append(f"Reference date {mon.get('reference_date')}, route {mon.get('route')}.  ")
        lines.append(f"DuckDB on Parquet (floor): {duck.get('median_seconds', 0) * 1000:.1f} ms median "
                     f"({duck.get('threads')} threads; export took {mon.get('export_seconds')} s).  ")  # fmt: skip
        if "absent" in ours:
            lines.append(f"routeplus: not measured ({ours['absent']}).")
        else:
            lines.append(
                f"routeplus monitor: {ours.get('median_seconds', 0) * 1000:.1f} ms median, {ours.get('queries')} "
                f"queries; {mon.get('ratio_to_floor')}× the floor. Figures agree: {not mon.get('disagreements')}."
            )
    imp = result.get("import", {})
    if imp:
        lines += ["", "## Register import", ""]
        if "absent" in imp:
            lines.append(f"Not measured: {imp['absent']}.")
        else:
            rows = imp.get("rows", {})
            lines.append(
                f"{sum(rows.values()):,} rows ({', '.join(f'{k} {n:,}' for k, n in rows.items())}).  \n"
                f"Import with full validation: {imp['import']['seconds']} s, {imp['import']['rows_per_second']:,} "
                f"rows/s.  \nBare bulk insert (floor): {imp['bare_insert']['seconds']} s, "
                f"{imp['bare_insert']['rows_per_second']:,} rows/s. Ratio {imp.get('ratio_to_floor')}×."
            )
    warnings = result.get("warnings", [])
    if warnings:
        lines += ["", "## Warnings", ""] + [f"- {w}" for w in warnings]
    errors = result.get("errors", [])
    lines += ["", "## Errors", ""] + ([f"- {e}" for e in errors] if errors else ["None."])
    return "\n".join(lines) + "\n"


def _cpu(cpu: dict[str, Any] | None) -> str:
    """A run's CPU per request, server / database ("–" where not measured, the database's on SQLite)."""
    if not cpu or cpu.get("server") is None:
        return "–"
    database = cpu.get("database")
    return f"{cpu['server']:.1f} / {'–' if database is None else f'{database:.1f}'}"
