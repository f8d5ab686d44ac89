"""The parts of a benchmark run that work inside the benchmark database: build, prepare, monitor, import.

Each runs in its own process, started by the runner with the benchmark's environment (production settings,
ROUTEPLUS_BENCHMARK on, DATABASE_URL of the benchmark database), and refuses any other database.
"""

import csv
import re
import statistics
import time
from collections.abc import Callable
from dataclasses import asdict
from datetime import date
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import connection, reset_queries
from django.middleware.csrf import CSRF_ALLOWED_CHARS, CSRF_SECRET_LENGTH
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import NoReverseMatch, get_resolver, reverse
from django.utils.crypto import get_random_string

from routeplus.accounts.models import Municipality, User
from routeplus.benchmark import synth
from routeplus.trajectories.models import Trajectory

BENCH_PREFIX = "routeplus_bench"  # every benchmark database's name starts so; nothing else is ever written to
REFERENCE_DATE = date(2025, 12, 31)  # a December, as in the council letter
# Pages that other apps may add; the first URL name that resolves is measured, else the page is "absent".
WORKLIST_NAMES = ("alerts:worklist", "alerts:index", "alerts:list", "alerts:home")
MONITOR_NAMES = ("monitor:council_table", "monitor:index", "monitor:table", "monitor:home", "monitor:dashboard")
UUID_IN_HREF = re.compile(r"/dossier/([0-9a-f-]{36})/")


def guard() -> None:
    """Refuse to work on anything but a benchmark database under the benchmark's settings."""
    name = str(connection.settings_dict["NAME"])
    if not getattr(settings, "ROUTEPLUS_BENCHMARK", False) or not Path(name).name.startswith(BENCH_PREFIX):
        raise ImproperlyConfigured(
            f"The benchmark works only on a benchmark database with ROUTEPLUS_BENCHMARK on, not on {name!r}."
        )


def build(size: int) -> dict[str, Any]:
    guard()
    built = synth.build(size)
    return {"size": size, "plan": synth.Plan(size).expected(), **asdict(built)}


def _first_url(names: tuple[str, ...]) -> tuple[str, str] | None:
    for name in names:
        try:
            return name, reverse(name)
        except NoReverseMatch:
            continue
    # Fall back on the first page without arguments in the app's namespace.
    namespace = names[0].split(":")[0]
    resolver = get_resolver()
    if namespace in resolver.namespace_dict:
        _prefix, sub = resolver.namespace_dict[namespace]
        for pattern in sub.url_patterns:
            pattern_name = getattr(pattern, "name", None)
            if pattern_name:
                try:
                    return f"{namespace}:{pattern_name}", reverse(f"{namespace}:{pattern_name}")
                except NoReverseMatch:
                    continue
    return None


def page_targets(probe_users: list[int], probe_trajectories: list[int], policy_users: list[int]) -> dict[str, Any]:
    """Per page: the URL name and the (user id, path) pairs the load goes through."""
    uuids = dict(Trajectory.objects.filter(id__in=probe_trajectories).values_list("id", "uuid"))
    leads = list(zip(probe_users, probe_trajectories, strict=True))
    pages: dict[str, Any] = {
        "trivial": {"kind": "floor", "url_name": "benchmark:trivial",
                    "targets": [(u, reverse("benchmark:trivial")) for u in probe_users]},
        "caseload_floor": {"kind": "floor", "url_name": "benchmark:caseload_floor",
                           "targets": [(u, reverse("benchmark:caseload_floor")) for u in probe_users]},
        "caseload": {"kind": "page", "url_name": "trajectories:caseload",
                     "targets": [(u, reverse("trajectories:caseload")) for u in probe_users]},
        "case_file": {"kind": "page", "url_name": "trajectories:case_file",
                      "targets": [(u, reverse("trajectories:case_file", args=[uuids[t]])) for u, t in leads]},
    }  # fmt: skip
    worklist = _first_url(WORKLIST_NAMES)
    pages["worklist"] = (
        {"kind": "page", "url_name": worklist[0], "targets": [(u, worklist[1]) for u in probe_users]}
        if worklist
        else {"kind": "absent", "note": "no worklist page in routeplus.alerts yet"}
    )
    monitor = _first_url(MONITOR_NAMES)
    pages["monitor"] = (
        {"kind": "page", "url_name": monitor[0], "targets": [(u, monitor[1]) for u in policy_users]}
        if monitor and policy_users
        else {"kind": "absent", "note": "no monitor page in routeplus.monitor yet"}
    )
    return pages


def _client_for(user: User) -> Client:
    """A session with both factors done, made the way the test suite makes one (so it follows the login flow)."""
    from routeplus.testing.http import logged_in

    return logged_in(user, client=Client(HTTP_HOST="127.0.0.1"))


def prepare(build_output: dict[str, Any]) -> dict[str, Any]:
    guard()
    return prepare_pages(build_output)


SQL_LITERAL = re.compile(r"'(?:[^']|'')*'")


def redacted_sql(sql: str) -> str:
    """A statement for the results file without its long literals (session keys and data, hashes, JSON)."""
    return SQL_LITERAL.sub(lambda m: "'…'" if len(m.group()) > 30 else m.group(), sql)


def browser_cookies(client: Client) -> str:
    """The Cookie header a logged-in browser sends: its session, and the CSRF cookie it was given with the first
    form it saw (the login form) and keeps. Without it every page with a form made a new CSRF secret (32
    random characters), which no browser that has logged in asks for."""
    csrf = client.cookies.get(settings.CSRF_COOKIE_NAME)
    secret = (
        csrf.value if csrf is not None and csrf.value else get_random_string(CSRF_SECRET_LENGTH, CSRF_ALLOWED_CHARS)
    )
    session = client.cookies[settings.SESSION_COOKIE_NAME].value
    # No space after the semicolon: the load script's targets file separates cookie and path by a space.
    return f"{settings.SESSION_COOKIE_NAME}={session};{settings.CSRF_COOKIE_NAME}={secret}"


def prepare_pages(build_output: dict[str, Any]) -> dict[str, Any]:
    """Log the probe users in (real sessions in the database), count queries per page, check the floor."""
    pages = page_targets(build_output["probe_users"], build_output["probe_trajectories"], build_output["policy_users"])
    users = {
        u.pk: u for u in User.objects.filter(pk__in={uid for p in pages.values() for uid, _ in p.get("targets", [])})
    }
    clients = {pk: _client_for(user) for pk, user in users.items()}
    cookies = {pk: browser_cookies(c) for pk, c in clients.items()}
    errors: list[str] = []
    bodies: dict[str, str] = {}
    for key, page in pages.items():
        if page["kind"] == "absent":
            continue
        uid, path = page["targets"][0]
        client = clients[uid]
        client.get(path)  # warm: the first request of a process pays for imports and template loading
        reset_queries()
        started = time.perf_counter()
        with CaptureQueriesContext(connection) as queries:
            response = client.get(path)
        page["single_request_ms"] = round((time.perf_counter() - started) * 1000, 1)
        page["queries"] = len(queries.captured_queries)
        # The slowest statements of that request: where a page's time goes, for the report.
        slowest = sorted(queries.captured_queries, key=lambda q: float(q["time"]), reverse=True)[:3]
        page["slowest_queries"] = [
            {"ms": round(float(q["time"]) * 1000, 1), "sql": redacted_sql(q["sql"])[:600]} for q in slowest
        ]
        page["status"] = response.status_code
        page["bytes"] = len(response.content)
        if response.status_code != 200:
            errors.append(f"{key}: {path} answered {response.status_code}")
        bodies[key] = response.content.decode(errors="replace")
        page["targets"] = [(cookies[u], p) for u, p in page["targets"]]
    # The floor must show the very rows of the caseload's first page, in the same order.
    page_rows = UUID_IN_HREF.findall(bodies.get("caseload", ""))
    floor_rows = UUID_IN_HREF.findall(bodies.get("caseload_floor", ""))
    floor_matches = bool(page_rows) and page_rows == floor_rows
    if not floor_matches:
        errors.append(f"the caseload floor shows other rows than the caseload ({len(floor_rows)} vs {len(page_rows)})")
    return {
        "pages": pages,
        "caseload_rows": len(page_rows),
        "floor_rows_match": floor_matches,
        "participants": build_output["size"],
        "errors": errors,
    }


# -- monitor against DuckDB on Parquet ------------------------------------------------------------------------

EXPORTS = {
    "trajectory": ("trajectories_trajectory", ["id", "participant_id", "route_id", "municipality_id",
                                               "registered_on", "start_date", "end_date", "status"]),
    "result": ("casefile_result", ["id", "trajectory_id", "type", "start_date"]),
    "route": ("trajectories_route", ["id", "code"]),
}  # fmt: skip
DUCKDB_TYPES = {
    "trajectory": {"id": "BIGINT", "participant_id": "BIGINT", "route_id": "BIGINT", "municipality_id": "BIGINT",
                   "registered_on": "DATE", "start_date": "DATE", "end_date": "DATE", "status": "VARCHAR"},
    "result": {"id": "BIGINT", "trajectory_id": "BIGINT", "type": "VARCHAR", "start_date": "DATE"},
    "route": {"id": "BIGINT", "code": "VARCHAR"},
}  # fmt: skip

COUNCIL_SQL = """
WITH t AS (
  SELECT t.* FROM read_parquet('{trajectory}') t JOIN read_parquet('{route}') r ON r.id = t.route_id
  WHERE r.code = $route
)
SELECT
  count(DISTINCT participant_id) FILTER (WHERE registered_on <= $p AND (end_date IS NULL OR end_date > $p)),
  count(*) FILTER (WHERE start_date BETWEEN $y AND $p),
  count(DISTINCT participant_id) FILTER (
    WHERE registered_on <= $p AND (end_date IS NULL OR end_date > $p) AND (start_date IS NULL OR start_date > $p)),
  count(DISTINCT participant_id) FILTER (
    WHERE registered_on <= $p AND (end_date IS NULL OR end_date > $p) AND start_date <= $p),
  count(*) FILTER (WHERE registered_on BETWEEN $y AND $p),
  count(*) FILTER (WHERE end_date BETWEEN $y AND $p)
FROM t
"""
OUTCOMES_SQL = """
WITH t AS (
  SELECT t.* FROM read_parquet('{trajectory}') t JOIN read_parquet('{route}') r ON r.id = t.route_id
  WHERE r.code = $route
)
SELECT res.type, count(DISTINCT t.participant_id)
FROM read_parquet('{result}') res JOIN t ON t.id = res.trajectory_id
WHERE t.start_date <= $p AND res.start_date <= $p
GROUP BY res.type
"""
TRAJECTORY_CODES = (
    "deelnemers_actueel", "nieuw_gestart", "extra_wachtend", "extra_actief",
    "extra_aangemeld_dit_jaar", "extra_beeindigd_dit_jaar",
)  # fmt: skip


def _export(directory: Path) -> dict[str, Path]:
    """Each table to CSV straight from the database, then to Parquet with DuckDB (which needs no pyarrow)."""
    import duckdb

    directory.mkdir(parents=True, exist_ok=True)
    files = {}
    for name, (table, columns) in EXPORTS.items():
        csv_path = directory / f"{name}.csv"
        select = f"SELECT {', '.join(columns)} FROM {table}"  # noqa: S608  (fixed names)  # nosec B608
        with connection.cursor() as cursor, csv_path.open("w", newline="") as out:
            if connection.vendor == "postgresql":
                with cursor.cursor.copy(f"COPY ({select}) TO STDOUT WITH (FORMAT csv)") as copy:
                    for chunk in copy:
                        out.write(bytes(chunk).decode())
            else:
                cursor.execute(select)
                writer = csv.writer(out)
                while rows := cursor.fetchmany(50_000):
                    writer.writerows(rows)
        parquet = directory / f"{name}.parquet"
        types = ", ".join(f"'{c}': '{t}'" for c, t in DUCKDB_TYPES[name].items())
        source = f"read_csv('{csv_path}', header=false, columns={{{types}}}, nullstr='')"
        duckdb.sql(f"COPY (SELECT * FROM {source}) TO '{parquet}' (FORMAT parquet)")  # noqa: S608  (own paths)  # nosec B608
        csv_path.unlink()
        files[name] = parquet
    return files


def _median_seconds(fn: Callable[[], Any], repeat: int) -> tuple[float, list[float], Any]:
    value = fn()  # warm
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        value = fn()
        times.append(time.perf_counter() - started)
    return statistics.median(times), times, value


def monitor(export_dir: Path, repeat: int = 5) -> dict[str, Any]:
    guard()
    return monitor_against_duckdb(export_dir, repeat)


def monitor_against_duckdb(export_dir: Path, repeat: int = 5) -> dict[str, Any]:
    """The council table for one reference date over the whole set, against DuckDB on Parquet exports."""
    import duckdb

    out: dict[str, Any] = {"reference_date": REFERENCE_DATE.isoformat(), "route": "RA_PLUS"}
    started = time.perf_counter()
    files = _export(export_dir)
    out["export_seconds"] = round(time.perf_counter() - started, 3)
    out["parquet_bytes"] = sum(p.stat().st_size for p in files.values())
    con = duckdb.connect()
    params = {"route": "RA_PLUS", "p": REFERENCE_DATE, "y": date(REFERENCE_DATE.year, 1, 1)}
    paths = {k: str(v) for k, v in files.items()}

    def duck() -> dict[str, int]:
        row = con.execute(COUNCIL_SQL.format(**paths), params).fetchone()
        assert row is not None
        figures = dict(zip(TRAJECTORY_CODES, (int(v) for v in row), strict=True))
        for kind, n in con.execute(OUTCOMES_SQL.format(**paths), {"route": "RA_PLUS", "p": REFERENCE_DATE}).fetchall():
            figures[kind] = int(n)
        return figures

    seconds, times, duck_figures = _median_seconds(duck, repeat)
    out["duckdb"] = {"median_seconds": seconds, "runs": times, "threads": con.execute(
        "SELECT current_setting('threads')").fetchone()[0]}  # type: ignore[index]  # fmt: skip
    out["duckdb_figures"] = duck_figures
    try:
        from routeplus.monitor.selectors import council_table
    except ImportError:
        out["monitor"] = {"absent": "routeplus.monitor.selectors.council_table does not exist yet"}
        return out

    def ours() -> dict[str, int]:
        return dict(council_table(peildatum=REFERENCE_DATE).figures())

    seconds, times, figures = _median_seconds(ours, repeat)
    with CaptureQueriesContext(connection) as queries:
        ours()
    out["monitor"] = {"median_seconds": seconds, "runs": times, "queries": len(queries.captured_queries)}
    out["monitor_figures"] = figures
    compared = {k: (figures.get(k, 0), v) for k, v in duck_figures.items()}
    for kind in figures:
        compared.setdefault(kind, (figures[kind], duck_figures.get(kind, 0)))
    out["disagreements"] = {k: {"monitor": a, "duckdb": b} for k, (a, b) in compared.items() if a != b}
    out["ratio_to_floor"] = round(out["monitor"]["median_seconds"] / out["duckdb"]["median_seconds"], 2)
    return out


# -- register import against a bare bulk insert ---------------------------------------------------------------


def write_register(directory: Path, participants: int, seed: int = synth.SEED + 1) -> dict[str, int]:
    """A register (participants.csv, trajectories.csv, results.csv) of new people, in the import's format."""
    import random

    from routeplus.accounts.models import Organisation

    rng = random.Random(seed)  # noqa: S311  (synthetic data)
    directory.mkdir(parents=True, exist_ok=True)
    municipalities = [c for (c,) in Municipality.objects.values_list("cbs_code")]
    schools = list(Organisation.objects.filter(kind="school").values_list("name", "school_type"))
    result_types = [str(t) for t in synth.RESULT_WEIGHTS]
    counts = {"participants": 0, "trajectories": 0, "results": 0}
    with (
        (directory / "participants.csv").open("w", newline="") as pf,
        (directory / "trajectories.csv").open("w", newline="") as tf,
        (directory / "results.csv").open("w", newline="") as rf,
    ):
        pw, tw, rw = csv.writer(pf), csv.writer(tf), csv.writer(rf)
        pw.writerow(["participant_id", "given_name", "family_name", "birth_date", "outflow_profile", "municipality",
                     "school", "school_type", "bsn"])  # fmt: skip
        tw.writerow(["trajectory_id", "participant_id", "route", "municipality", "registered_on", "start_date",
                     "end_date", "end_reason"])  # fmt: skip
        rw.writerow(["trajectory_id", "type", "start_date", "end_date", "note"])
        for i in range(participants):
            ref = f"IMP-P{i + 1:07d}"
            municipality = rng.choice(municipalities)
            school, school_type = rng.choice(schools) if schools else ("", "")
            bsn = synth._bsn(60_000_000 + i) if rng.random() < 0.5 else ""
            birth = date(2001, 1, 1).toordinal() + rng.randrange(10 * 365)
            born = date.fromordinal(birth).isoformat()
            given, family = rng.choice(synth.GIVEN_NAMES), rng.choice(synth.FAMILY_NAMES)
            pw.writerow([ref, given, family, born, "dagbesteding", municipality, school, school_type, bsn])
            counts["participants"] += 1
            for k in range(1 + (rng.random() < 0.5)):
                tref = f"IMP-T{i + 1:07d}-{k}"
                registered = date(2020 + k * 2, 1 + rng.randrange(12), 1 + rng.randrange(28))
                start = date.fromordinal(registered.toordinal() + 20 + rng.randrange(60))
                closed = (k == 0 and rng.random() < 0.5) or (k == 0 and rng.random() < 1)
                end = date.fromordinal(start.toordinal() + 200 + rng.randrange(200)) if closed else None
                route = "RA_PLUS" if k == 0 else "ROUTE_ARBEID"
                tw.writerow([tref, ref, route, municipality, registered.isoformat(), start.isoformat(),
                             end.isoformat() if end else "", "uitstroom" if end else ""])  # fmt: skip
                counts["trajectories"] += 1
                if rng.random() < 0.7:
                    day = date.fromordinal(start.toordinal() + 30 + rng.randrange(150))
                    rw.writerow([tref, rng.choice(result_types), day.isoformat(), "", ""])
                    counts["results"] += 1
    return counts


def _bare_insert(directory: Path) -> int:
    """The floor: read the same CSV files and COPY / executemany them into the tables, with only the lookups an
    insert needs (codes to ids) and no checks at all. Rolled back afterwards."""
    from routeplus.benchmark.bulk import BulkLoader
    from routeplus.casefile.models import Result
    from routeplus.participants.models import Participant
    from routeplus.trajectories.models import Route

    loader = BulkLoader()
    municipalities = dict(Municipality.objects.values_list("cbs_code", "id"))
    routes = dict(Route.objects.values_list("code", "id"))
    from routeplus.accounts.models import Organisation

    schools = dict(Organisation.objects.filter(kind="school").values_list("name", "id"))
    p_next, t_next = loader.next_id(Participant), loader.next_id(Trajectory)
    participant_ids: dict[str, int] = {}
    trajectory_ids: dict[str, int] = {}

    def participants() -> Any:
        nonlocal p_next
        with (directory / "participants.csv").open(newline="") as f:
            for ref, given, family, birth, profile, municipality, school, school_type, bsn in list(csv.reader(f))[1:]:
                participant_ids[ref] = p_next
                p_next += 1
                yield (participant_ids[ref], ref, given, family, date.fromisoformat(birth), profile,
                       municipalities[municipality], schools.get(school), school_type, bsn)  # fmt: skip

    def trajectories() -> Any:
        nonlocal t_next
        with (directory / "trajectories.csv").open(newline="") as f:
            for ref, pref, route, municipality, registered, start, end, reason in list(csv.reader(f))[1:]:
                trajectory_ids[ref] = t_next
                t_next += 1
                yield (trajectory_ids[ref], ref, participant_ids[pref], routes[route], municipalities[municipality],
                       date.fromisoformat(registered), date.fromisoformat(start) if start else None,
                       date.fromisoformat(end) if end else None, reason, "closed" if end else "active")  # fmt: skip

    def results() -> Any:
        with (directory / "results.csv").open(newline="") as f:
            for tref, kind, start, _end, note in list(csv.reader(f))[1:]:
                yield (trajectory_ids[tref], kind, date.fromisoformat(start), note)

    import uuid as uuid_module

    def with_uuid(rows: Any) -> Any:
        for row in rows:
            yield (uuid_module.uuid4(), *row)

    n = loader.load(
        Participant,
        ["uuid", "id", "source_ref", "given_name", "family_name", "birth_date", "outflow_profile", "municipality",
         "school", "school_type", "bsn"],
        with_uuid(participants()),
    )  # fmt: skip
    n += loader.load(
        Trajectory,
        ["uuid", "id", "source_ref", "participant", "route", "municipality", "registered_on", "start_date",
         "end_date", "end_reason", "status"],
        with_uuid(trajectories()),
    )  # fmt: skip
    n += loader.load(Result, ["uuid", "trajectory", "type", "start_date", "note"], with_uuid(results()))
    return n


def check_references_now() -> None:
    """In the floor's transaction: check each row's foreign keys as it is written. Django makes them deferred to
    the commit on PostgreSQL, which the floor, rolled back so that the import can write the same rows, never
    reaches; the import commits and pays for them (about a second for the benchmark's 71,000 rows). Checked
    here, the floor is the cost of putting the same rows into the same tables, as its name says. SQLite counts
    deferred violations while it writes, so the floor pays there already."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")


def register_import(directory: Path, participants: int) -> dict[str, Any]:
    guard()
    return import_against_bare_insert(directory, participants)


def import_against_bare_insert(directory: Path, participants: int) -> dict[str, Any]:
    """Rows per second of the register import with full validation, against the bare insert of the same rows."""
    from django.db import transaction

    out: dict[str, Any] = {}
    try:
        from routeplus.monitor.register import register_import_path, system_actor
    except ImportError:
        return {"absent": "routeplus.monitor.register does not exist yet"}
    counts = write_register(directory, participants)
    rows = sum(counts.values())
    out["rows"] = counts
    started = time.perf_counter()
    with transaction.atomic():
        check_references_now()
        inserted = _bare_insert(directory)
        transaction.set_rollback(True)
    floor = time.perf_counter() - started
    out["bare_insert"] = {"seconds": round(floor, 3), "rows": inserted, "rows_per_second": round(inserted / floor)}
    actor = system_actor()
    started = time.perf_counter()
    plan = register_import_path(actor=actor, path=directory)
    seconds = time.perf_counter() - started
    written = plan.participants.created + plan.trajectories.created + plan.results.created
    out["import"] = {"seconds": round(seconds, 3), "rows": plan.rows, "created": written,
                     "rows_per_second": round(plan.rows / seconds)}  # fmt: skip
    if written != rows:
        out["error"] = f"the import created {written} records of {rows} rows"
    out["ratio_to_floor"] = round(seconds / floor, 2)
    return out
