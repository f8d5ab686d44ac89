"""The council table for a reference date, as a table, CSV, JSON, XLSX or PDF."""

import sys
from datetime import date
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from routeplus.accounts.models import Municipality
from routeplus.monitor.exports import (
    Publication,
    breakdown_csv,
    suppression_threshold,
    to_csv,
    to_json,
    to_pdf,
    to_text,
    to_xlsx,
)
from routeplus.monitor.selectors import Scope, council_table, council_table_breakdown
from routeplus.monitor.tabular import DateError, parse_date
from routeplus.trajectories.models import Route

FORMATS = ("table", "csv", "json", "xlsx", "pdf")


class Command(BaseCommand):
    help = "The council table for a reference date (peildatum) under the versioned definitions in docs/monitor.md."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--peildatum", required=True, action="append", help="YYYY-MM-DD; repeat for columns side by side."
        )
        parser.add_argument("--route", default="RA_PLUS", help="Route code (default RA_PLUS).")
        parser.add_argument("--municipality", nargs="+", default=[], help="CBS codes (GM0014 ...); default all.")
        parser.add_argument("--format", choices=FORMATS, default="table")
        parser.add_argument("--output", type=Path, help="Write to this file instead of standard output.")
        parser.add_argument("--publication", action="store_true", help="Hide small numbers (publication mode).")
        parser.add_argument("--threshold", type=int, default=None, help="Smallest number shown in publication mode.")
        parser.add_argument("--breakdown", choices=("municipality", "school"), help="CSV: one column per group.")

    def handle(self, *args: Any, **options: Any) -> None:
        dates: list[date] = []
        for text in options["peildatum"]:
            try:
                value = parse_date(text)
            except DateError as error:
                raise CommandError(f"--peildatum {text!r}: not a date; use YYYY-MM-DD.") from error
            if value is None:
                raise CommandError("--peildatum is empty; use YYYY-MM-DD.")
            dates.append(value)
        if not Route.objects.filter(code=options["route"]).exists():
            known = ", ".join(Route.objects.values_list("code", flat=True))
            raise CommandError(f"Unknown route {options['route']!r}; choose from {known}.")
        codes = [c.upper() for c in options["municipality"]]
        unknown = set(codes) - set(Municipality.objects.filter(cbs_code__in=codes).values_list("cbs_code", flat=True))
        if unknown:
            raise CommandError(f"Unknown municipality code(s): {', '.join(sorted(unknown))}.")
        threshold = options["threshold"] if options["threshold"] is not None else suppression_threshold()
        if threshold < 1:
            raise CommandError("--threshold must be at least 1.")
        publication = Publication(on=options["publication"], threshold=threshold)
        scope = Scope.of(options["route"], codes)
        tables = [council_table(peildatum=p, scope=scope) for p in dates]
        fmt = options["format"]
        if options["breakdown"]:
            if fmt != "csv":
                raise CommandError("--breakdown goes with --format csv.")
            content: str | bytes = breakdown_csv(
                council_table_breakdown(peildatum=dates[0], scope=scope, by=options["breakdown"]), publication
            )
        elif fmt == "csv":
            if len(tables) > 1:
                raise CommandError("CSV has one value column: give one --peildatum (or use xlsx, json or table).")
            content = to_csv(tables[0], publication)
        elif fmt == "json":
            content = to_json(tables, publication)
        elif fmt == "xlsx":
            breakdowns = [
                council_table_breakdown(peildatum=dates[-1], scope=scope, by=b) for b in ("municipality", "school")
            ]
            content = to_xlsx(tables, publication, breakdowns)
        elif fmt == "pdf":
            content = to_pdf(tables, publication)
        else:
            content = to_text(tables, publication)
        if options["output"]:
            path: Path = options["output"]
            if isinstance(content, bytes):
                path.write_bytes(content)
            else:
                path.write_text(content, encoding="utf-8")
            self.stderr.write(f"Written to {path}.")
        elif isinstance(content, bytes):
            if sys.stdout.isatty():
                raise CommandError(f"{fmt.upper()} is binary: give --output FILE.")
            self.stdout.flush()
            sys.stdout.buffer.write(content)
        else:
            self.stdout.write(content, ending="")
