"""`routeplus bench`: the benchmark of issue 11 on a synthetic national data set (see docs/performance.md).

Without --phase it runs everything and exits non-zero when something failed (an error, not a slow figure).
The --phase options are how the runner starts its child processes; they are not meant to be typed.
"""

import json
import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from routeplus.benchmark import runner


class Command(BaseCommand):
    help = "Build a synthetic national data set in a separate benchmark database and measure routeplus on it."
    requires_system_checks: list[str] = []  # the runner opens no database connection of its own
    # It works in its own benchmark database; the default one may not even exist (CI runs it on a fresh clone
    # whose only databases are the test suite's), so there is no access log to write to.
    access_log_exempt = True

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--size", type=int, default=100_000, help="Participants (default 100,000).")
        parser.add_argument("--database", choices=["postgresql", "sqlite"], default="postgresql")
        parser.add_argument(
            "--database-url",
            default="",
            help=f"PostgreSQL URL; its name must start with 'routeplus_bench' ({runner.DEFAULT_PG_URL}).",
        )
        parser.add_argument("--duration", type=int, default=20, help="Seconds of load per page and user count.")
        parser.add_argument("--users", default="2,16", help="Concurrent users, comma-separated (default 2,16).")
        parser.add_argument("--workers", type=int, default=2, help="gunicorn workers (default 2).")
        parser.add_argument("--import-participants", type=int, default=0, help="Register size (default size/5).")
        parser.add_argument("--results-dir", type=Path, default=Path("bench/results"))
        parser.add_argument("--keep", action="store_true", help="Keep the small comparison database.")
        parser.add_argument(
            "--only",
            choices=["import"],
            default="",
            help="Run one part alone: 'import' builds the data set of --size and measures only the register import.",
        )
        parser.add_argument("--phase", choices=["build", "prepare", "monitor", "import"], help="(internal)")
        parser.add_argument("--phase-input", default="{}", help="(internal)")
        parser.add_argument("--phase-output", type=Path, help="(internal)")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["phase"]:
            self._phase(options)
            return
        size = options["size"]
        if size < 50:
            raise CommandError("The smallest size is 50 participants.")
        opts = runner.Options(
            size=size,
            database=options["database"],
            database_url=options["database_url"],
            duration=options["duration"],
            concurrency=tuple(int(u) for u in options["users"].split(",") if u.strip()),
            workers=options["workers"],
            results_dir=options["results_dir"],
            import_participants=options["import_participants"] or max(50, size // 5),
            keep=options["keep"],
            only=options["only"],
            command="routeplus " + " ".join(sys.argv[1:]),
            log=lambda message: self.stdout.write(message),
        )
        try:
            result = runner.run(opts)
        except runner.BenchError as error:
            raise CommandError(str(error)) from error
        for target in result["targets"]:
            self.stdout.write(f"{target['verdict']:>12}  {target['target']}: {target['measured']}")
        if result["errors"]:
            for message in result["errors"]:
                self.stderr.write(f"error: {message}")
            raise CommandError(f"The benchmark ran with {len(result['errors'])} error(s); see the results file.")

    def _phase(self, options: dict[str, Any]) -> None:
        from routeplus.benchmark import phases

        params = json.loads(options["phase_input"])
        name = options["phase"]
        if name == "build":
            out = phases.build(params["size"])
        elif name == "prepare":
            out = phases.prepare(params["build"])
        elif name == "monitor":
            out = phases.monitor(Path(params["export_dir"]), repeat=params.get("repeat", 5))
        else:
            out = phases.register_import(Path(params["directory"]), params["participants"])
        options["phase_output"].write_text(json.dumps(out, default=str))
