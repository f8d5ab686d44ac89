#!/usr/bin/env python
"""Fault drill: kill -9 the register import at random moments, and take PostgreSQL away during requests.

    scripts/faults            short form (CI): 20 kill runs, one outage
    scripts/faults --full     full form: 50 kill runs, a larger register, three outages

Part 1 runs `routeplus import_register` (falling back to `routeplus demo` where the import is not installed)
against a fresh copy of a migrated database on the shared PostgreSQL server, kills it with SIGKILL at a random
moment of its write phase, and checks that the register is then fully present or fully absent, never partly.
Part 2 starts a private PostgreSQL cluster (never the shared one), serves routeplus with gunicorn against it,
stops the cluster (immediate mode: a crash from the clients' view) while requests and an import are running,
and checks: every answer during the outage is a 503 within 5 s, /healthz stays up, nothing is half-written,
and the site recovers by itself when the cluster is back. Exit status 0 only when every check passed.
Loopback only; every database and process it makes is removed again.
"""

# A drill: its random numbers pick kill moments (not secrets) and it starts only our own commands.
# ruff: noqa: S311, S603

import argparse
import os
import random
import signal
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from routeplus.ops.drilltools import (  # noqa: E402
    LOOPBACK,
    ThrowawayPostgres,
    exit_on_sigterm,
    gunicorn,
    http_get,
    routeplus_command,
    server_env,
    shared_pg_admin,
)

PREFIX = "FAULT"
DEADLINE = 5.0


def say(message: str) -> None:
    print(message, flush=True)


# --- the multi-row write under test ---


@dataclass
class Workload:
    """What is written and how to count it: the register import, or the demo world where that is missing."""

    kind: str
    rows: int
    folder: Path | None = None
    prefix: str = PREFIX

    @property
    def expected(self) -> dict[str, int]:
        # One trajectory per participant, in the generated register and in the demo world alike.
        return {"participants": self.rows, "trajectories": self.rows}

    def command(self) -> list[str]:
        if self.kind == "import_register":
            return ["import_register", str(self.folder)]
        return ["demo", "--participants", str(self.rows)]

    def ref_prefix(self) -> str:
        return f"{self.prefix}-" if self.kind == "import_register" else "DEMO-"

    @classmethod
    def make(cls, kind: str, rows: int, folder: Path, prefix: str = PREFIX, seed: int = 12) -> "Workload":
        workload = cls(kind=kind, rows=rows, prefix=prefix)
        if kind == "import_register":
            workload.folder = folder
            write_register(folder, rows, prefix=prefix, seed=seed)
        return workload


def has_command(name: str, env: dict[str, str]) -> bool:
    result = routeplus_command("help", "--commands", env=env, check=False)
    return name in result.stdout.split()


def write_register(folder: Path, rows: int, *, prefix: str = PREFIX, seed: int = 12) -> None:
    """A register in the import's CSV format: `rows` participants, one trajectory each, a result for a third."""
    rng = random.Random(seed)
    folder.mkdir(parents=True, exist_ok=True)
    participants = [
        "participant_id,given_name,family_name,birth_date,school,school_type,outflow_profile,municipality,bsn"
    ]
    trajectories = ["trajectory_id,participant_id,route,municipality,registered_on,start_date,end_date,end_reason"]
    results = ["trajectory_id,type,start_date,end_date,note"]
    for n in range(1, rows + 1):
        born = date(2005, 1, 1) + timedelta(days=rng.randrange(0, 3 * 365))
        registered = date(2023, 1, 9) + timedelta(days=rng.randrange(0, 600))
        started = registered + timedelta(days=rng.randrange(7, 60))
        participants.append(f"{prefix}-P{n:06d},Test{n},Fout{n},{born.isoformat()},,,dagbesteding,GM0014,")
        trajectories.append(
            f"{prefix}-T{n:06d},{prefix}-P{n:06d},RA_PLUS,GM0014,{registered.isoformat()},{started.isoformat()},,"
        )
        if n % 3 == 0:
            results.append(f"{prefix}-T{n:06d},stage_maatwerk,{(started + timedelta(days=30)).isoformat()},,")
    for name, lines in (("participants", participants), ("trajectories", trajectories), ("results", results)):
        (folder / f"{name}.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")


COUNT_SQL = {
    "participants": "SELECT count(*) FROM participants_participant WHERE source_ref LIKE %s",
    "trajectories": "SELECT count(*) FROM trajectories_trajectory WHERE source_ref LIKE %s",
}


def count_rows(url: str, workload: Workload) -> dict[str, int]:
    import dj_database_url
    import psycopg

    config = dj_database_url.parse(url)
    with psycopg.connect(
        host=config["HOST"], port=config["PORT"], user=config["USER"], dbname=config["NAME"], connect_timeout=10
    ) as connection:
        counts = {}
        for name, sql in COUNT_SQL.items():
            counts[name] = connection.execute(sql, (workload.ref_prefix() + "%",)).fetchone()[0]  # type: ignore[index]
        return counts


def verdict(counts: dict[str, int], expected: dict[str, int]) -> str:
    if all(v == 0 for v in counts.values()):
        return "absent"
    if counts == expected:
        return "present"
    return "PARTIAL"


REGISTER_TABLES = ("participants_participant", "trajectories_trajectory")


class RegisterWatch:
    """Watches one database for a transaction writing the register tables: another backend holding a
    RowExclusiveLock on them is inside the import's write (the command's own access-log entry, written before,
    does not count). One open autocommit connection, so that polling every few milliseconds is cheap."""

    def __init__(self, url: str) -> None:
        import dj_database_url
        import psycopg

        config = dj_database_url.parse(url)
        self.connection = psycopg.connect(
            host=config["HOST"],
            port=config["PORT"],
            user=config["USER"],
            dbname=config["NAME"],
            connect_timeout=10,
            autocommit=True,
        )

    def writing(self) -> bool:
        row = self.connection.execute(
            "SELECT count(*) FROM pg_locks l JOIN pg_class c ON c.oid = l.relation "
            "WHERE c.relname = ANY(%s) AND l.mode = 'RowExclusiveLock' AND l.pid <> pg_backend_pid()",
            (list(REGISTER_TABLES),),
        ).fetchone()
        return bool(row and row[0])

    def close(self) -> None:
        self.connection.close()


# --- part 1: kill -9 ---


def part_kill(args: argparse.Namespace, base_url: str, work: Path) -> bool:
    server = base_url.rsplit("/", 1)[0]
    admin = server + "/postgres"
    tag = uuid.uuid4().hex[:8]
    template, run_db = f"rp_faults_tpl_{tag}", f"rp_faults_run_{tag}"
    env = server_env(server + "/" + template, ROUTEPLUS_VAR_DIR=str(work / "var"), LOG_LEVEL="WARNING")
    env["DJANGO_SETTINGS_MODULE"] = "routeplus.conf.settings.dev"  # demo (the fallback) refuses production
    env["DEBUG"] = "false"
    ok = True
    shared_pg_admin(admin, f'CREATE DATABASE "{template}"')
    try:
        started = time.monotonic()
        routeplus_command("migrate", "--noinput", "-v", "0", env=env)
        kind = "import_register" if has_command("import_register", env) else "demo"
        workload = Workload.make(kind, args.rows, work / "register")
        say(
            f"  prepared template database in {time.monotonic() - started:.1f} s; workload: routeplus "
            f"{' '.join(workload.command())} ({args.rows} participants)"
        )

        def fresh() -> dict[str, str]:
            shared_pg_admin(
                admin,
                f'DROP DATABASE IF EXISTS "{run_db}" WITH (FORCE)',
                f'CREATE DATABASE "{run_db}" TEMPLATE "{template}"',
            )
            return {**env, "DATABASE_URL": server + "/" + run_db}

        # Calibrate: one full run, timing when the register write starts and ends, and when the import exits.
        run_env = fresh()
        watch = RegisterWatch(run_env["DATABASE_URL"])
        started = time.monotonic()
        calibration = subprocess.Popen(
            [sys.executable, "-m", "routeplus", *workload.command()],
            env=run_env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
        )
        write_start = write_end = None
        while calibration.poll() is None:
            writing = watch.writing()
            if writing and write_start is None:
                write_start = time.monotonic() - started
            if not writing and write_start is not None and write_end is None:
                write_end = time.monotonic() - started
            time.sleep(0.005)
        total = time.monotonic() - started
        watch.close()
        if calibration.returncode != 0:
            error = calibration.stderr.read()[-2000:] if calibration.stderr else ""
            say(f"  calibration run failed (exit {calibration.returncode}): {error}")
            return False
        written = count_rows(run_env["DATABASE_URL"], workload)
        if written != workload.expected:
            say(f"  calibration run wrote {written}, expected {workload.expected}")
            return False
        if write_start is None:
            say("  calibration: the register write was never seen; the import is too fast to drill (raise --rows)")
            return False
        write_time = (write_end or total) - write_start
        say(
            f"  calibration: import {total:.2f} s, register write from {write_start:.2f} s for {write_time:.2f} s, "
            f"rows {workload.expected}"
        )

        # Kill moments: most runs at a random moment of the register write (from its first row to a little past
        # its calibrated end, so some land just after the commit); every fifth before the write has begun.
        rng = random.Random(args.seed)
        outcomes = {"absent": 0, "present": 0, "PARTIAL": 0}
        mid_transaction = 0
        for run in range(1, args.runs + 1):
            run_env = fresh()
            watch = RegisterWatch(run_env["DATABASE_URL"])
            early = run % 5 == 0
            process = subprocess.Popen(
                [sys.executable, "-m", "routeplus", *workload.command()],
                env=run_env,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
            launched = time.monotonic()
            if early:
                time.sleep(rng.uniform(0, write_start))
            else:
                # Start-up time varies with the machine's load: wait for the write to begin, then pick the moment.
                while process.poll() is None and not watch.writing():
                    time.sleep(0.003)
                time.sleep(rng.uniform(0, write_time * 1.15))
            in_tx = watch.writing()
            process.send_signal(signal.SIGKILL)
            process.wait()
            delay = time.monotonic() - launched
            # The server ends the dead client's session and rolls its transaction back.
            for _ in range(200):
                if not watch.writing():
                    break
                time.sleep(0.02)
            watch.close()
            counts = count_rows(run_env["DATABASE_URL"], workload)
            result = verdict(counts, workload.expected)
            outcomes[result] += 1
            mid_transaction += in_tx
            if result == "PARTIAL" or args.verbose:
                say(f"  run {run:3}: killed after {delay:.2f} s, inside the register write: {in_tx}, {result} {counts}")
            if result == "PARTIAL":
                ok = False
        say(
            f"  {args.runs} kill -9 runs: {outcomes['absent']} absent, {outcomes['present']} present, "
            f"{outcomes['PARTIAL']} partial; {mid_transaction} killed inside the register write"
        )

        # After a kill, the same import simply runs again to completion.
        run_env = fresh()
        process = subprocess.Popen(
            [sys.executable, "-m", "routeplus", *workload.command()],
            env=run_env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        time.sleep(rng.uniform(write_start, write_start + write_time))
        process.kill()
        process.wait()
        rerun = routeplus_command(*workload.command(), env=run_env, check=False)
        again = verdict(count_rows(run_env["DATABASE_URL"], workload), workload.expected)
        say(f"  re-run after a kill: exit {rerun.returncode}, register {again}")
        ok = ok and rerun.returncode == 0 and again == "present"
        if mid_transaction < args.runs // 4:
            say("  FAIL: fewer than a quarter of the kills landed inside the register write; that proves too little")
            ok = False
        return ok
    finally:
        shared_pg_admin(
            admin,
            f'DROP DATABASE IF EXISTS "{run_db}" WITH (FORCE)',
            f'DROP DATABASE IF EXISTS "{template}" WITH (FORCE)',
        )


# --- part 2: the database goes away during requests ---


@dataclass
class Probe:
    """Requests in a loop from one thread; records (time, status, seconds) per request."""

    url: str
    headers: dict[str, str]
    results: list[tuple[float, int, float]] = field(default_factory=list)
    stop: threading.Event = field(default_factory=threading.Event)

    def run(self) -> None:
        while not self.stop.is_set():
            started = time.monotonic()
            status, _, seconds = http_get(self.url, timeout=30, headers=self.headers)
            self.results.append((started, status, seconds))
            time.sleep(0.05)


def part_outage(args: argparse.Namespace, work: Path) -> bool:
    cluster = ThrowawayPostgres(directory=Path(tempfile.mkdtemp(prefix="rp-faults-pg-"))).init()
    ok = True
    try:
        cluster.start()
        cluster.createdb("routeplus")
        url = cluster.url("routeplus")
        env = server_env(url, ROUTEPLUS_VAR_DIR=str(work / "outage-var"), DB_CONNECT_TIMEOUT="2", ACCESS_LOG="false")
        dev_env = {**env, "DJANGO_SETTINGS_MODULE": "routeplus.conf.settings.dev", "DEBUG": "false"}
        routeplus_command("migrate", "--noinput", "-v", "0", env=env)
        routeplus_command("heartbeat", env=env)
        routeplus_command("db_worker", "--batch", "--no-startup-delay", "-v", "0", env=env)
        kind = "import_register" if has_command("import_register", env) else "demo"
        with gunicorn(env, workers=2, log=work / "outage-gunicorn.log") as base:
            session = {"Cookie": "__Host-sessionid=" + "y" * 32}
            for outage in range(1, args.outages + 1):
                # Each outage interrupts the import of a register of its own.
                workload = Workload.make(kind, args.rows * 3, work / f"outage-{outage}", prefix=f"OUT{outage}")
                probes = [
                    Probe(base + "/readyz", {}),
                    Probe(base + "/jongeren/", session),
                    Probe(base + "/healthz", {}),
                ]
                threads = [threading.Thread(target=p.run, daemon=True) for p in probes]
                for thread in threads:
                    thread.start()
                importer = subprocess.Popen(
                    [sys.executable, "-m", "routeplus", *workload.command()],
                    env=dev_env,
                    stdout=subprocess.DEVNULL,
                    stderr=subprocess.DEVNULL,
                )
                time.sleep(1.0 + random.random())
                cluster.stop("immediate")
                down_at = time.monotonic()  # certainly down from here ...
                time.sleep(args.down_seconds)
                up_at = time.monotonic()  # ... to here
                cluster.start()
                importer.wait(timeout=120)
                recovered_at = None
                while time.monotonic() - up_at < 60:
                    if http_get(base + "/readyz")[0] == 200:
                        recovered_at = time.monotonic()
                        break
                    time.sleep(0.2)
                time.sleep(0.5)
                for probe in probes:
                    probe.stop.set()
                for thread in threads:
                    thread.join(timeout=40)

                during = [(s, sec) for p in probes[:2] for (t, s, sec) in p.results if down_at < t < up_at]
                bad = [(s, round(sec, 2)) for s, sec in during if s != 503 or sec > DEADLINE]
                slowest = max((sec for _, sec in during), default=0.0)
                health = [s for (t, s, _) in probes[2].results if down_at < t < up_at]
                counts = count_rows(url, workload)
                state = verdict(counts, workload.expected)
                say(
                    f"  outage {outage}: {len(during)} requests while down: "
                    f"{sum(1 for s, _ in during if s == 503)} x 503, slowest {slowest:.2f} s, "
                    f"other answers {bad[:5] or 'none'}; /healthz {set(health) or '-'}; "
                    f"recovered {'after %.2f s' % (recovered_at - up_at) if recovered_at else 'NOT within 60 s'}; "
                    f"import exit {importer.returncode}, register {state} {counts}"
                )
                if bad or not during or recovered_at is None or set(health) - {200}:
                    ok = False
                if state == "PARTIAL":
                    ok = False
                # Afterwards, the same import runs to completion against the recovered database.
                if state == "absent":
                    rerun = routeplus_command(*workload.command(), env=dev_env, check=False)
                    final = verdict(count_rows(url, workload), workload.expected)
                    say(f"    interrupted import run again after recovery: exit {rerun.returncode}, register {final}")
                    ok = ok and rerun.returncode == 0 and final == "present"
            pages_ok = all(http_get(base + "/readyz")[0] == 200 for _ in range(4))
            say(f"  /readyz after recovery on every worker: {'200' if pages_ok else 'NOT 200'}")
            ok = ok and pages_ok
        return ok
    finally:
        cluster.destroy()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--full", action="store_true", help="The full form: 50 kill runs, 3 outages.")
    parser.add_argument("--runs", type=int, help="Kill runs (default 20, full 50).")
    parser.add_argument("--rows", type=int, help="Participants in the register (default 150, full 600).")
    parser.add_argument("--outages", type=int, help="Database outages (default 1, full 3).")
    parser.add_argument("--down-seconds", type=float, default=4.0, help="How long each outage lasts.")
    parser.add_argument("--seed", type=int, default=20260101)
    parser.add_argument("--only", choices=["kill", "outage"], help="Run one part only.")
    parser.add_argument("--verbose", action="store_true")
    parser.add_argument(
        "--postgres",
        default=os.environ.get("FAULTS_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432/postgres"),
        help="The PostgreSQL server for part 1 (databases are created and dropped there).",
    )
    args = parser.parse_args()
    exit_on_sigterm()
    args.runs = args.runs or (50 if args.full else 20)
    args.rows = args.rows or (600 if args.full else 150)
    args.outages = args.outages or (3 if args.full else 1)
    if LOOPBACK not in args.postgres and "localhost" not in args.postgres:
        parser.error("the drill runs against a loopback PostgreSQL only")

    results = {}
    with tempfile.TemporaryDirectory(prefix="rp-faults-") as tmp:
        work = Path(tmp)
        if args.only in (None, "kill"):
            say(f"== part 1: kill -9 the import, {args.runs} runs")
            started = time.monotonic()
            results["kill"] = part_kill(args, args.postgres, work)
            say(f"   {'PASS' if results['kill'] else 'FAIL'} in {time.monotonic() - started:.1f} s")
        if args.only in (None, "outage"):
            say(f"== part 2: PostgreSQL stopped during requests, {args.outages} outage(s)")
            started = time.monotonic()
            results["outage"] = part_outage(args, work)
            say(f"   {'PASS' if results['outage'] else 'FAIL'} in {time.monotonic() - started:.1f} s")
    passed = all(results.values())
    say(f"faults: {'PASS' if passed else 'FAIL'} ({', '.join(f'{k}: {v}' for k, v in results.items())})")
    return 0 if passed else 1


if __name__ == "__main__":
    sys.exit(main())
