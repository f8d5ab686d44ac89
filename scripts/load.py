#!/usr/bin/env python
"""Load test: gunicorn (production settings, access log on) against a seeded PostgreSQL database, driven by
locust on loopback with the mix in scripts/locustfile.py; prints throughput, p50/p95/p99 and errors per page
and in all (routeplus.ops.loadreport, from one sample per request).

    scripts/load.py                      short form (CI): 2,000 participants, 50 req/s for 1 minute, no timing checks
    scripts/load.py --seconds 20         an even shorter form
    scripts/load.py --find-max           then step up by 25 req/s (60 s each) until a step has errors or falls
                                         short of its rate: "the highest load with zero errors"
    scripts/load.py --full               full form: 100,000 participants, 50 req/s for 10 minutes, then the
                                         step-up; fails unless p95 < 500 ms
    scripts/load.py --keep-db NAME       seed once into database NAME and keep it for the next run

Every simulated user has its own session, logged in with both factors (routeplus.testing.http.logged_in, as
the benchmark does). An error is no answer, a 4xx/5xx, a redirect to the login steps, or a write that does not
redirect. Exit status 0 only when there were no errors at the target rate (and, in the full form, p95 < 500 ms);
never on timings otherwise.
"""

# ruff: noqa: S603
import argparse
import os
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from routeplus.ops.drilltools import (  # noqa: E402
    LOOPBACK,
    exit_on_sigterm,
    gunicorn,
    routeplus_command,
    server_env,
    shared_pg_admin,
    static_files,
)
from routeplus.ops.loadreport import Report, highest_clean_rate, read_samples  # noqa: E402

SEED = r"""
import os
import django
django.setup()
from routeplus.benchmark.synth import build
build(int(os.environ["LOAD_PARTICIPANTS"]))
"""

PREPARE = r"""
import json, os
import django
django.setup()
from django.conf import settings
from django.test import Client
from routeplus.accounts.models import Role, User
from routeplus.access.door import trajectories_visible_to
from routeplus.casefile.models import ContactChannel, ContactWith
from routeplus.testing.http import logged_in
from routeplus.trajectories.models import Status
wanted = int(os.environ["LOAD_SESSIONS"])
users, trajectories = [], []
# Case leads and job coaches with a caseload of active trajectories (they read and write those case files).
candidates = User.objects.filter(
    is_active=True, team_memberships__end_date__isnull=True, team_memberships__role__in=[Role.CASE_LEAD, Role.JOB_COACH]
).distinct().order_by("id")
for user in candidates[:60]:
    visible = list(trajectories_visible_to(user).filter(status=Status.ACTIVE).values_list("uuid", flat=True)[:500])
    if len(visible) >= 3:
        users.append(user)
        trajectories.append([str(u) for u in visible])
    if len(users) == 12:
        break
assert users, "no professional with a caseload in the seeded database"
# One session per simulated user, made as the test suite makes one (routeplus.testing.http.logged_in, as the
# benchmark does): a real login (signals, session register, limits) with the TOTP second factor verified in
# the session. The load test measures the pages, not the login steps.
sessions = []
for n in range(wanted):
    client = logged_in(users[n % len(users)], client=Client(HTTP_HOST="127.0.0.1"))
    sessions.append({"key": client.cookies[settings.SESSION_COOKIE_NAME].value, "trajectories": n % len(users)})
json.dump({"sessions": sessions, "trajectories": trajectories, "session_cookie": settings.SESSION_COOKIE_NAME,
           "contact_channel": ContactChannel.PHONE.value, "contact_with": ContactWith.PARTICIPANT.value},
          open(os.environ["LOAD_OUT"], "w"))  # a file: stdout carries the JSON log lines
"""


def say(message: str) -> None:
    print(message, flush=True)


def locust_users(rps: int) -> int:
    """Simulated users for a rate: each makes about 2 requests per second (a page every half second)."""
    return max(1, rps // 2)


def run_locust(base: str, data: Path, out: Path, *, rps: int, seconds: int) -> Report:
    """Drive the mix at `rps` for `seconds`; the report covers every request made (ramp-up included)."""
    users = locust_users(rps)
    samples = out / f"samples-{rps}-{time.monotonic_ns()}.jsonl"
    env = {
        **os.environ,
        "LOAD_DATA": str(data),
        "LOAD_SAMPLES": str(samples),
        "LOAD_RPS_PER_USER": str(rps / users),
    }
    started = time.monotonic()
    subprocess.run(
        [
            sys.executable,
            "-m",
            "locust",
            "-f",
            str(ROOT / "scripts" / "locustfile.py"),
            "--headless",
            "-u",
            str(users),
            "-r",
            str(max(1, users // 5)),
            "-t",
            f"{seconds}s",
            "--host",
            base,
            "--only-summary",
            "--stop-timeout",
            "10",
            "--exit-code-on-error",
            "0",
            "--loglevel",
            "WARNING",
        ],
        env=env,
        check=True,
        stdout=subprocess.DEVNULL,
    )
    report = Report.of(read_samples(samples), seconds=min(float(seconds), time.monotonic() - started))
    for line in report.lines():
        say("    " + line)
    return report


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--full", action="store_true")
    parser.add_argument("--participants", type=int)
    parser.add_argument("--rps", type=int, default=50, help="Target requests per second (default 50).")
    parser.add_argument("--seconds", type=int, help="Duration at the target rate (default 60, full 600).")
    parser.add_argument("--workers", type=int, default=5, help="gunicorn workers (default 5 = 2 x 2 cores + 1).")
    parser.add_argument("--keep-db", help="Seed into this database once and keep it (reused when it exists).")
    parser.add_argument(
        "--find-max", action="store_true", help="Then step up the rate to find the highest with zero errors."
    )
    parser.add_argument("--step", type=int, default=25, help="Rate increase per step (default 25 req/s).")
    parser.add_argument("--step-seconds", type=int, default=60, help="Duration of each step (default 60 s).")
    parser.add_argument("--max-rps", type=int, default=400, help="The step-up stops here (default 400 req/s).")
    parser.add_argument(
        "--postgres", default=os.environ.get("LOAD_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432/postgres")
    )
    args = parser.parse_args()
    exit_on_sigterm()
    participants = args.participants or (100_000 if args.full else 2000)
    seconds = args.seconds or (600 if args.full else 60)
    find_max = args.find_max or args.full
    if LOOPBACK not in args.postgres:
        parser.error("the load test runs against a loopback PostgreSQL only")
    server = args.postgres.rsplit("/", 1)[0]
    name = args.keep_db or f"rp_load_{uuid.uuid4().hex[:8]}"
    ok = True
    with tempfile.TemporaryDirectory(prefix="rp-load-") as tmp:
        work = Path(tmp)
        env = server_env(f"{server}/{name}", ROUTEPLUS_VAR_DIR=str(work / "var"), LOG_LEVEL="WARNING")
        try:
            started = time.monotonic()
            fresh = True
            try:
                shared_pg_admin(args.postgres, f'CREATE DATABASE "{name}"')
            except Exception:
                if not args.keep_db:
                    raise
                fresh = False
            routeplus_command("migrate", "--noinput", "-v", "0", env=env)
            if fresh:
                # The benchmark's synthetic national data set (bulk COPY): 100,000 participants in minutes.
                routeplus_command(
                    "shell", "-c", SEED, env={**env, "LOAD_PARTICIPANTS": str(participants)}, timeout=6 * 3600
                )
                say(f"seeded {participants} participants in {time.monotonic() - started:.0f} s (database {name})")
            else:
                say(f"reusing the seeded database {name}")
            started = time.monotonic()
            static = static_files(work / "var", env)
            routeplus_command("heartbeat", env=env)
            routeplus_command("db_worker", "--batch", "--no-startup-delay", "-v", "0", env=env)
            data = work / "load-data.json"
            most = args.max_rps if find_max else args.rps
            sessions = locust_users(max(most, args.rps))
            routeplus_command(
                "shell", "-c", PREPARE, env={**env, "LOAD_OUT": str(data), "LOAD_SESSIONS": str(sessions)}
            )
            say(
                f"prepared static files ({static}), worker heartbeat and {sessions} sessions of logged-in "
                f"professionals (both factors) in {time.monotonic() - started:.0f} s"
            )
            access_log = work / "access.log"
            with gunicorn(env, workers=args.workers, log=access_log) as base:
                say(
                    f"== {args.rps} req/s for {seconds} s against {base} ({args.workers} gunicorn workers, "
                    "access log on)"
                )
                result = run_locust(base, data, work, rps=args.rps, seconds=seconds)
                ok = result.ok
                if not result.ok:
                    say(f"  FAIL: {result.total.errors} errors in {result.total.requests} requests")
                if args.full and result.total.p95 >= 500:
                    say("  FAIL: p95 is not under 500 ms")
                    ok = False
                if find_max:
                    steps = [(args.rps, result)]
                    rate = args.rps + args.step
                    while rate <= args.max_rps and highest_clean_rate(steps) == steps[-1][0]:
                        say(f"== step: {rate} req/s for {args.step_seconds} s")
                        steps.append((rate, run_locust(base, data, work, rps=rate, seconds=args.step_seconds)))
                        rate += args.step
                    say(
                        f"highest load with zero errors (and at least 90% of the rate reached): "
                        f"{highest_clean_rate(steps)} req/s (steps tried: {', '.join(str(r) for r, _ in steps)})"
                    )
            lines = [line for line in access_log.read_text().splitlines() if '"event_kind": "access"' in line]
            say(f"access log: {len(lines)} JSON lines, e.g. {lines[-1] if lines else '-'}")
        finally:
            if not args.keep_db:
                shared_pg_admin(args.postgres, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    say(f"load: {'PASS' if ok else 'FAIL'}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
