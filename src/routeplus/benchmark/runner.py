"""One benchmark run from start to finish: databases, data, server, load, monitor, import, results.

The runner itself never opens a Django database connection: every step that touches data runs in a child
process with the benchmark's environment (production settings, ROUTEPLUS_BENCHMARK on, the benchmark
database in DATABASE_URL), so the development database cannot be touched by accident.
"""

import contextlib
import json
import os
import platform
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from routeplus.benchmark import report

PACKAGE_DIR = Path(__file__).resolve().parent
LUA_SCRIPT = PACKAGE_DIR / "data" / "session.lua"
SMALL_SIZE = 100  # the query counts are compared between this size and the run's size
DEFAULT_PG_URL = "postgres://postgres@127.0.0.1:5432/routeplus_bench"
BENCH_PREFIX = "routeplus_bench"  # as phases.BENCH_PREFIX; the runner must not import Django's database layer


class BenchError(RuntimeError):
    """The run could not be done (not: it was slow)."""


@dataclass
class Options:
    size: int = 100_000
    database: str = "postgresql"  # or "sqlite"
    database_url: str = ""
    duration: int = 20
    concurrency: tuple[int, ...] = (2, 16)
    workers: int = 2
    results_dir: Path = Path("bench/results")
    var_dir: Path = Path("var/bench")
    import_participants: int = 20_000
    monitor_repeat: int = 5
    keep: bool = False
    only: str = ""  # "import": build the main data set and measure the import, nothing else
    command: str = ""
    log: Any = field(default=None, repr=False)

    def say(self, message: str) -> None:
        if self.log is not None:
            self.log(message)


def _project_dir() -> Path:
    return PACKAGE_DIR.parents[2]


def _bin(name: str) -> str:
    candidate = Path(sys.executable).parent / name
    return str(candidate) if candidate.exists() else name


# -- databases -------------------------------------------------------------------------------------------------


def database_urls(options: Options) -> tuple[str, str]:
    """(main, small) database URLs; both must name a benchmark database."""
    if options.database == "sqlite":
        base = options.var_dir.resolve()
        return f"sqlite:///{base / 'routeplus_bench.sqlite3'}", f"sqlite:///{base / 'routeplus_bench_small.sqlite3'}"
    main = options.database_url or DEFAULT_PG_URL
    parts = urlsplit(main)
    name = parts.path.lstrip("/")
    if not name.startswith(BENCH_PREFIX):
        raise BenchError(f"The benchmark database's name must start with {BENCH_PREFIX!r}, not {name!r}.")
    return main, parts._replace(path=f"/{name}_small").geturl()


def recreate_database(url: str) -> None:
    """Drop and create the benchmark database (PostgreSQL) or remove the file (SQLite)."""
    parts = urlsplit(url)
    if parts.scheme == "sqlite":
        path = Path(parts.path)
        if not path.name.startswith(BENCH_PREFIX):
            raise BenchError(f"Refusing to remove {path}: not a benchmark database.")
        path.parent.mkdir(parents=True, exist_ok=True)
        for suffix in ("", "-wal", "-shm", "-journal"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
        return
    import psycopg
    from psycopg import sql

    name = parts.path.lstrip("/")
    if not name.startswith(BENCH_PREFIX):
        raise BenchError(f"Refusing to drop {name!r}: not a benchmark database.")
    admin = parts._replace(path="/postgres").geturl()
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))


def clone_database(source: str, target: str) -> None:
    """A copy of a migrated database, so the migrations run once per run (CREATE DATABASE ... TEMPLATE)."""
    src, dst = urlsplit(source), urlsplit(target)
    if src.scheme == "sqlite":
        recreate_database(target)
        shutil.copyfile(src.path, dst.path)
        return
    import psycopg
    from psycopg import sql

    name, template = dst.path.lstrip("/"), src.path.lstrip("/")
    if not name.startswith(BENCH_PREFIX):
        raise BenchError(f"Refusing to drop {name!r}: not a benchmark database.")
    with psycopg.connect(dst._replace(path="/postgres").geturl(), autocommit=True) as conn:
        conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))
        conn.execute(sql.SQL("CREATE DATABASE {} TEMPLATE {}").format(sql.Identifier(name), sql.Identifier(template)))


def drop_database(url: str) -> None:
    parts = urlsplit(url)
    if parts.scheme == "sqlite":
        for suffix in ("", "-wal", "-shm"):
            Path(f"{parts.path}{suffix}").unlink(missing_ok=True)
        return
    import psycopg
    from psycopg import sql

    name = parts.path.lstrip("/")
    if not name.startswith(BENCH_PREFIX):
        raise BenchError(f"Refusing to drop {name!r}: not a benchmark database.")
    with psycopg.connect(parts._replace(path="/postgres").geturl(), autocommit=True) as conn:
        conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))


# -- child processes ---------------------------------------------------------------------------------------------


class Environment:
    """The environment of every child process: production settings on the benchmark database."""

    def __init__(self, options: Options, url: str) -> None:
        self.options = options
        self.url = url
        self.secret = secrets.token_urlsafe(48)
        self.settings_module = "routeplus.benchmark.settings"
        self.plain_static = False

    def env(self) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items() if not k.startswith(("DATABASE_URL", "DJANGO_"))}
        env.update(
            DJANGO_SETTINGS_MODULE=self.settings_module,
            DATABASE_URL=self.url,
            SECRET_KEY=self.secret,
            ALLOWED_HOSTS="127.0.0.1,localhost,testserver",
            # Loopback without TLS: no redirect to https; in a real deployment the proxy terminates TLS.
            SECURE_SSL_REDIRECT="false",
            SECURE_HSTS_SECONDS="0",
            ROUTEPLUS_BENCHMARK="true",
            ROUTEPLUS_BENCH_PLAIN_STATIC="true" if self.plain_static else "false",
            ROUTEPLUS_VAR_DIR=str(self.options.var_dir.resolve()),
            LOG_LEVEL="WARNING",
            EMAIL_BACKEND="locmem",
            PYTHONHASHSEED="0",
        )
        return env

    def manage(self, *args: str, timeout: float = 1800) -> subprocess.CompletedProcess[str]:
        command = [_bin("routeplus"), *args]
        done = subprocess.run(  # noqa: S603  (our own command, fixed arguments)
            command, env=self.env(), capture_output=True, text=True, timeout=timeout, check=False
        )
        if done.returncode != 0:
            raise BenchError(f"`routeplus {' '.join(args)}` failed:\n{done.stderr[-4000:]}")
        return done

    def phase(self, name: str, **params: Any) -> dict[str, Any]:
        """Run one phase in a child process and return what it wrote."""
        out = self.options.var_dir.resolve() / f"phase-{name}-{os.getpid()}.json"
        self.manage("bench", "--phase", name, "--phase-input", json.dumps(params), "--phase-output", str(out))
        data: dict[str, Any] = json.loads(out.read_text())
        out.unlink()
        return data


# -- server and load ----------------------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Server:
    """gunicorn with N sync workers on loopback, as deployed (deploy/ may tune it; the benchmark uses defaults)."""

    def __init__(self, environment: Environment, workers: int) -> None:
        self.environment = environment
        self.workers = workers
        self.port = free_port()
        self.process: subprocess.Popen[bytes] | None = None
        self.log_path = environment.options.var_dir.resolve() / "gunicorn.log"

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self, probe_path: str, cookie: str) -> None:
        self.log = self.log_path.open("wb")
        self.process = subprocess.Popen(  # noqa: S603
            [_bin("gunicorn"), "routeplus.conf.wsgi:application", "--workers", str(self.workers),
             "--bind", f"127.0.0.1:{self.port}", "--log-level", "warning", "--timeout", "60"],
            env=self.environment.env(), stdout=self.log, stderr=subprocess.STDOUT,
        )  # fmt: skip
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise BenchError(f"gunicorn stopped at start; see {self.log_path}")
            try:
                request = urllib.request.Request(self.base + probe_path, headers={"Cookie": cookie})  # noqa: S310
                with urllib.request.urlopen(request, timeout=5) as response:  # noqa: S310  (loopback only)  # nosec B310
                    if response.status == 200:
                        return
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                pass
            time.sleep(0.3)
        raise BenchError("gunicorn did not answer within 60 seconds")

    def drain(self, probe_path: str, cookie: str, limit: float = 300) -> None:
        """Wait until the workers are idle: one trivial request answers only after every queued one."""
        request = urllib.request.Request(self.base + probe_path, headers={"Cookie": cookie})  # noqa: S310
        with contextlib.suppress(urllib.error.URLError, ConnectionError, TimeoutError):
            urllib.request.urlopen(request, timeout=limit).close()  # noqa: S310  (loopback only)  # nosec B310

    def worker_rss(self) -> list[int]:
        import psutil

        assert self.process is not None
        return sorted(child.memory_info().rss for child in psutil.Process(self.process.pid).children())

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        if getattr(self, "log", None) is not None:
            self.log.close()


def ensure_wrk() -> str:
    found = shutil.which("wrk")
    if found:
        return found
    script = _project_dir() / "bench" / "ensure-wrk"
    if script.exists():
        subprocess.run([str(script)], check=True)  # noqa: S603
    found = shutil.which("wrk")
    if not found:
        raise BenchError("wrk is not installed and could not be installed (bench/ensure-wrk).")
    return found


def run_wrk(wrk: str, base: str, targets_file: Path, connections: int, duration: int) -> dict[str, Any]:
    threads = 1 if connections < 4 else 2
    command = [wrk, "-t", str(threads), "-c", str(connections), "-d", f"{duration}s", "--timeout", "10s",
               "-s", str(LUA_SCRIPT), base + "/", "--", str(targets_file)]  # fmt: skip
    done = subprocess.run(command, capture_output=True, text=True, timeout=duration + 60, check=False)  # noqa: S603
    line = next((ln for ln in done.stdout.splitlines() if ln.startswith("BENCH-JSON ")), None)
    if done.returncode != 0 or line is None:
        raise BenchError(f"wrk failed: {done.stderr[-2000:]} {done.stdout[-2000:]}")
    raw = json.loads(line.removeprefix("BENCH-JSON "))
    seconds = raw["duration_us"] / 1e6
    errors = raw["connect_errors"] + raw["read_errors"] + raw["write_errors"] + raw["timeouts"] + raw["non_200"]
    return {
        "connections": connections,
        "seconds": round(seconds, 2),
        "requests": raw["requests"],
        "rps": round(raw["requests"] / seconds, 1) if seconds else 0.0,
        "p50_ms": raw["p50_us"] / 1000,
        "p90_ms": raw["p90_us"] / 1000,
        "p95_ms": raw["p95_us"] / 1000,
        "p99_ms": raw["p99_us"] / 1000,
        "mean_ms": round(raw["mean_us"] / 1000, 3),
        "max_ms": raw["max_us"] / 1000,
        "errors": errors,
        "error_detail": {k: raw[k] for k in ("connect_errors", "read_errors", "write_errors", "timeouts", "non_200")},
    }


def cpu_seconds(server_pid: int) -> dict[str, float]:
    """CPU time so far (user and system, seconds) of the server with its workers, and of the PostgreSQL servers on
    this machine with all their processes (the benchmark's database runs on loopback)."""
    import psutil

    postgres = [p for p in psutil.process_iter(["name", "ppid"]) if (p.info["name"] or "").startswith("postgres")]
    pids = {p.pid for p in postgres}
    postmasters = [p for p in postgres if p.info["ppid"] not in pids]
    return {
        "server": tree_cpu_seconds(psutil.Process(server_pid)),
        "database": sum(tree_cpu_seconds(p) for p in postmasters),
    }


def tree_cpu_seconds(root: Any) -> float:
    """CPU time so far of a process and every descendant, the ended ones included: a process that ends passes its
    time to the parent that reaps it (children_user and children_system), so the sum never goes back. Summing
    only the living processes would lose the time of a backend or parallel worker that ended meanwhile."""
    import psutil

    total = 0.0
    for process in [root, *root.children(recursive=True)]:
        try:
            times = process.cpu_times()
        except psutil.Error:  # ended meanwhile: its time is its parent's now, or will be when it is reaped
            continue
        total += times.user + times.system + times.children_user + times.children_system
    return float(total)


def cpu_per_request(before: dict[str, float], after: dict[str, float], requests: int, database: str) -> dict[str, Any]:
    """Milliseconds of CPU per answered request, of the server and of PostgreSQL (None on SQLite, whose work is
    the server's). A little high: the requests still queued when wrk stops run after it and are not counted."""
    if not requests:
        return {"server": None, "database": None}

    def per_request(part: str) -> float:
        return round((after[part] - before[part]) * 1000 / requests, 2)

    return {"server": per_request("server"), "database": per_request("database") if database == "postgresql" else None}


def measure_pages(options: Options, environment: Environment, prepared: dict[str, Any]) -> dict[str, Any]:
    wrk = ensure_wrk()
    pages = prepared["pages"]
    work = options.var_dir.resolve()
    trivial = pages["trivial"]["targets"][0]
    server = Server(environment, options.workers)
    results: dict[str, Any] = {}
    try:
        server.start(trivial[1], trivial[0])
        for key, page in pages.items():
            if page["kind"] == "absent":
                results[key] = {"absent": page["note"]}
                continue
            targets = work / f"targets-{key}.txt"
            targets.write_text("".join(f"{cookie} {path}\n" for cookie, path in page["targets"]))
            run_wrk(wrk, server.base, targets, 2, max(1, min(3, options.duration // 5)))  # warm the workers
            server.drain(trivial[1], trivial[0])
            runs = []
            for connections in options.concurrency:
                options.say(f"  {key}: {connections} users for {options.duration}s")
                assert server.process is not None
                before = cpu_seconds(server.process.pid)
                run = run_wrk(wrk, server.base, targets, connections, options.duration)
                # wrk stops sending, but requests already queued at gunicorn still run: let them finish so
                # that the next figure starts on idle workers.
                server.drain(trivial[1], trivial[0])
                after = cpu_seconds(server.process.pid)
                runs.append({**run, "cpu_ms": cpu_per_request(before, after, run["requests"], options.database)})
            results[key] = {"url_name": page["url_name"], "kind": page["kind"], "runs": runs}
        rss = server.worker_rss()
    finally:
        server.stop()
    return {"pages": results, "worker_rss_bytes": rss}


# -- the machine -------------------------------------------------------------------------------------------------


def machine() -> dict[str, Any]:
    cpu = platform.processor()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    memory = 0
    try:
        import psutil

        memory = psutil.virtual_memory().total
    except ImportError:
        pass
    return {"cores": os.cpu_count(), "cpu": cpu, "memory_bytes": memory, "os": platform.platform(),
            "python_reference_ms": python_reference_ms()}  # fmt: skip


def _reference_work() -> int:
    """A fixed piece of work of the kind a page does in Python: dictionaries, formatting, joining strings."""
    rows: list[dict[str, Any]] = [{"name": f"naam {i}", "number": i} for i in range(200)]
    total = 0
    for _round in range(report.REFERENCE_CELLS // (2 * len(rows))):
        cells = [f"<td>{row['name']}</td><td>{row['number'] * 2}</td>" for row in rows]
        total += len("".join(cells))
    return total


def python_reference_ms(repeats: int = 7) -> float:
    """How fast this machine runs Python on one core: the best of a few timings of the same fixed work.

    Two machines with the same number of cores ran the same pages up to twice apart (the CPU, and how the
    interpreter was compiled); this figure, taken in the run, says which kind of machine the absolute figures
    came from. The ratios to the floors need no such figure: both sides ran on the same machine."""
    best = float("inf")
    for _ in range(repeats):
        started = time.perf_counter()
        _reference_work()
        best = min(best, time.perf_counter() - started)
    return round(best * 1000, 2)


def versions(url: str) -> dict[str, str]:
    import django
    import duckdb
    import gunicorn

    found = {
        "python": platform.python_version(),
        "django": django.get_version(),
        "gunicorn": gunicorn.__version__,
        "duckdb": duckdb.__version__,
    }
    try:
        found["wrk"] = subprocess.run(["wrk", "-v"], capture_output=True, text=True, check=False).stdout.split("\n")[0]  # noqa: S607
    except OSError:
        found["wrk"] = "not installed"
    if url.startswith("postgres"):
        import psycopg

        with psycopg.connect(url) as conn:
            row = conn.execute("SHOW server_version").fetchone()
            found["postgresql"] = str(row[0]) if row else ""
    else:
        import sqlite3

        found["sqlite"] = sqlite3.sqlite_version
    with contextlib.suppress(OSError):
        git = [shutil.which("git") or "git", "rev-parse", "--short", "HEAD"]
        done = subprocess.run(git, capture_output=True, text=True, check=False, cwd=_project_dir())  # noqa: S603
        found["commit"] = done.stdout.strip()
    return found


def static_is_current(var_dir: Path) -> bool:
    """True when the collected manifest is newer than every static source (the project's and npm's)."""
    manifest = var_dir.resolve() / "static" / "staticfiles.json"
    if not manifest.exists():
        return False
    built = manifest.stat().st_mtime
    root = _project_dir()
    sources = [root / "package-lock.json", *root.glob("src/routeplus/*/static/**/*")]
    return all(not p.exists() or p.stat().st_mtime <= built for p in sources)


# -- the whole run -----------------------------------------------------------------------------------------------


def run(options: Options) -> dict[str, Any]:
    started = time.perf_counter()
    options.var_dir.mkdir(parents=True, exist_ok=True)
    main_url, small_url = database_urls(options)
    result: dict[str, Any] = {
        "started_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "database": options.database,
        "size": options.size,
        "command": options.command,
        "options": {"duration_s": options.duration, "concurrency": list(options.concurrency),
                    "workers": options.workers, "import_participants": options.import_participants},
        "machine": machine(),
        # Other work on the machine skews every figure: the load average before and after says how much.
        "load_average_before": list(os.getloadavg()),
        "settings": "routeplus.benchmark.settings: the production profile, static manifest without compression",
        "errors": [],
        "warnings": [],
    }  # fmt: skip
    main = Environment(options, main_url)
    if options.only == "import":
        return _run_import_only(options, main, result, started)
    small = Environment(options, small_url)
    small.secret = main.secret
    try:
        options.say("Static files (manifest, as in production)")
        if static_is_current(options.var_dir):
            options.say("  up to date")
        else:
            try:
                main.manage("collectstatic", "--noinput", "--clear", "--verbosity", "0")
            except BenchError as error:
                # Measured anyway (wrk fetches HTML only), and said: the manifest cannot be built.
                main.plain_static = small.plain_static = True
                result["warnings"].append(f"collectstatic fails with the manifest storage: {str(error)[-300:]}")

        queries: dict[str, Any] = {}
        options.say("Benchmark databases: create, migrate, copy")
        recreate_database(main.url)
        t0 = time.perf_counter()
        main.manage("migrate", "--noinput", "--verbosity", "0")
        migrate_seconds = round(time.perf_counter() - t0, 2)
        clone_database(main.url, small.url)
        for label, environment, size in (("small", small, SMALL_SIZE), ("main", main, options.size)):
            options.say(f"Data set of {size:,} participants")
            built = environment.phase("build", size=size)
            prepared = environment.phase("prepare", build=built)
            queries[label] = {
                "participants": size,
                "pages": {k: v.get("queries") for k, v in prepared["pages"].items() if v["kind"] != "absent"},
            }
            result["errors"] += [f"{label}: {e}" for e in prepared["errors"]]
            if label == "main":
                result["build"] = {"migrate_seconds": migrate_seconds, **built}
                result["versions"] = versions(environment.url)
                main_prepared = prepared
        result["queries"] = queries
        result["queries_equal"] = queries["small"]["pages"] == queries["main"]["pages"]
        if not result["queries_equal"]:
            result["errors"].append(
                f"queries per page differ: {queries['small']['pages']} vs {queries['main']['pages']}"
            )
        result["single_requests"] = {
            k: {f: v.get(f) for f in ("single_request_ms", "queries", "slowest_queries")}
            for k, v in main_prepared["pages"].items()
            if v["kind"] != "absent"
        }
        result["caseload_rows"] = main_prepared["caseload_rows"]
        result["floor_rows_match"] = main_prepared["floor_rows_match"]

        options.say("Pages under load")
        load = measure_pages(options, main, main_prepared)
        result["pages"] = load["pages"]
        result["worker_rss_bytes"] = load["worker_rss_bytes"]
        for key, page in load["pages"].items():
            for run_ in page.get("runs", []):
                if run_["errors"]:
                    result["errors"].append(f"{key} at {run_['connections']} users: {run_['errors']} errors")
                if not run_["requests"]:
                    result["warnings"].append(f"{key} at {run_['connections']} users: no request completed in time")

        options.say("Monitor against DuckDB")
        result["monitor"] = main.phase(
            "monitor", export_dir=str(options.var_dir.resolve() / "export"), repeat=options.monitor_repeat
        )
        if result["monitor"].get("disagreements"):
            result["errors"].append(f"monitor and DuckDB disagree: {result['monitor']['disagreements']}")

        _measure_import(options, main, result)
    except BenchError as error:
        result["errors"].append(str(error))
        raise
    finally:
        result["seconds"] = round(time.perf_counter() - started, 1)
        result["load_average_after"] = list(os.getloadavg())
        result["targets"] = report.targets(result)
        write_results(options, result)
        if not options.keep:
            drop_database(small_url)
    return result


def _run_import_only(options: Options, main: Environment, result: dict[str, Any], started: float) -> dict[str, Any]:
    """The import phase alone, on a freshly built data set of the run's size: for working on the import, where
    the pages, the monitor and the small comparison database would only cost time."""
    try:
        options.say("Benchmark database: create, migrate")
        recreate_database(main.url)
        main.manage("migrate", "--noinput", "--verbosity", "0")
        options.say(f"Data set of {options.size:,} participants")
        result["build"] = main.phase("build", size=options.size)
        result["versions"] = versions(main.url)
        _measure_import(options, main, result)
    except BenchError as error:
        result["errors"].append(str(error))
        raise
    finally:
        result["seconds"] = round(time.perf_counter() - started, 1)
        result["load_average_after"] = list(os.getloadavg())
        result["targets"] = [t for t in report.targets(result) if t["target"].startswith("register import")]
        write_results(options, result)
    return result


def _measure_import(options: Options, main: Environment, result: dict[str, Any]) -> None:
    options.say("Register import against a bare bulk insert")
    result["import"] = main.phase(
        "import", directory=str(options.var_dir.resolve() / "register"), participants=options.import_participants
    )
    if result["import"].get("error"):
        result["errors"].append(f"import: {result['import']['error']}")


def write_results(options: Options, result: dict[str, Any]) -> tuple[Path, Path]:
    options.results_dir.mkdir(parents=True, exist_ok=True)
    stem = f"{result['started_at'][:10]}-{options.database}"
    if options.size != 100_000:
        stem += f"-{options.size}"
    if options.only:
        stem += f"-only-{options.only}"  # a partial run never overwrites the full run's results
    json_path = options.results_dir / f"{stem}.json"
    md_path = options.results_dir / f"{stem}.md"
    json_path.write_text(json.dumps(result, indent=2, sort_keys=False, default=str) + "\n")
    md_path.write_text(report.markdown(result))
    options.say(f"Results: {json_path} and {md_path}")
    return json_path, md_path
