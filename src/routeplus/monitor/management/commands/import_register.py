"""Import the team's existing register (an .xlsx workbook or a folder of CSV files): all or nothing."""

import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from routeplus.accounts.models import User
from routeplus.monitor.register import END_REASONS, ImportPlan, RegisterImportError, register_import_path, system_actor


class ProgressBar:
    """A one-line progress bar on stderr for large registers; silent for small ones or when not a terminal."""

    def __init__(self, stream: Any, *, minimum_rows: int = 5000) -> None:
        self.stream = stream
        self.minimum_rows = minimum_rows
        self.shown = False

    def __call__(self, stage: str, done: int, total: int) -> None:
        if total < self.minimum_rows:
            return
        width = 30
        filled = int(width * done / total) if total else width
        label = {"check": "controleren", "write": "schrijven"}.get(stage, stage)
        self.stream.write(f"\r{label:12} [{'#' * filled}{'.' * (width - filled)}] {done}/{total} rijen")
        self.stream.flush()
        self.shown = True

    def finish(self) -> None:
        if self.shown:
            self.stream.write("\n")


class Command(BaseCommand):
    help = (
        "Import the existing register: PATH is an .xlsx workbook with sheets participants, trajectories and results "
        "(or deelnemers, trajecten, resultaten) or a folder with participants.csv, trajectories.csv and results.csv. "
        "Nothing is written when any row breaks a rule; every problem is listed."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", type=Path)
        parser.add_argument("--dry-run", action="store_true", help="Check and report what would change; write nothing.")
        parser.add_argument(
            "--actor",
            default="",
            help="E-mail address of the user the history names (default: the inactive 'Registerimport' account).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        actor = None
        if options["actor"]:
            actor = User.objects.filter(email=options["actor"].strip().lower(), is_active=True).first()
            if actor is None:
                raise CommandError(f"No active user with e-mail address {options['actor']!r}.")
        progress = ProgressBar(sys.stderr)
        try:
            plan = register_import_path(
                actor=actor or system_actor(), path=options["path"], dry_run=options["dry_run"], progress=progress
            )
        except RegisterImportError as error:
            progress.finish()
            for problem in error.problems:
                self.stderr.write(str(problem))
            raise CommandError(
                f"The register was not imported: {len(error.problems)} problem(s) found. Nothing was written."
            ) from None
        progress.finish()
        self.stdout.write(summary(plan, dry_run=options["dry_run"]))


def summary(plan: ImportPlan, *, dry_run: bool) -> str:
    lines = [("Dry run: nothing written. " if dry_run else "") + f"{plan.rows} rows checked."]
    for name, counts in (
        ("participants", plan.participants),
        ("trajectories", plan.trajectories),
        ("results", plan.results),
    ):
        verb = "would be " if dry_run else ""
        lines.append(
            f"  {name:13} {counts.created} {verb}created, {counts.updated} {verb}updated, {counts.unchanged} unchanged"
        )
    if plan.schools_created:
        lines.append(f"  new schools: {len(plan.schools_created)}")
    if plan.end_reasons:
        known = ", ".join(f"{k}: {plan.end_reasons[k]}" for k in [*END_REASONS, "anders"] if plan.end_reasons[k])
        lines.append(f"  end reasons: {known}")
    if not plan.changes_anything:
        lines.append("Nothing to change: routeplus already holds this register.")
    return "\n".join(lines)
