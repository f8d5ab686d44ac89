"""Restore a backup into a fresh database and verify it against the backup's manifest."""

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from routeplus.ops.backup import BackupError, Target, restore_backup


class Command(BaseCommand):
    help = (
        "Restores BACKUP (a directory made by `routeplus backup`) into the fresh database named by "
        "--database-url and fails unless every table's row count and checksum equal the manifest's. "
        "Never restores over a database that has tables."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("backup", type=Path)
        parser.add_argument(
            "--database-url",
            required=True,
            help="The fresh target, e.g. postgres://user@host:5432/routeplus_restore or sqlite:////path/new.sqlite3",
        )
        parser.add_argument("--create", action="store_true", help="Create the PostgreSQL database when missing.")
        parser.add_argument("--media-root", type=Path, help="Also unpack the uploaded files into this empty directory.")

    def handle(self, *args: Any, **options: Any) -> None:
        target = Target.from_url(options["database_url"])

        def report(step: str, seconds: float) -> None:
            if options["verbosity"] >= 1:
                self.stdout.write(f"  {step}: {seconds:.2f} s")

        try:
            result = restore_backup(
                backup=options["backup"],
                target=target,
                create=options["create"],
                media_root=options["media_root"],
                report=report,
            )
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        if not result.ok:
            for table, (expected, actual) in result.differing.items():
                self.stderr.write(f"  {table}: manifest {expected}, restored {actual}")
            raise CommandError(f"Restore does not match the manifest in {len(result.differing)} table(s).")
        self.stdout.write(
            self.style.SUCCESS(f"Restored and verified: {len(result.equal)} tables equal in row count and checksum.")
        )
