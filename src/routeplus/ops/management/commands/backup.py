"""Make a consistent backup of the database (and uploaded files) with a manifest of row counts and checksums."""

from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import DEFAULT_DB_ALIAS, connections

from routeplus.ops.backup import BackupError, Target, make_backup, prune_backups, read_manifest


class Command(BaseCommand):
    help = (
        "Backs up the database (PostgreSQL: pg_dump custom format; SQLite: online backup) and MEDIA_ROOT into "
        "a new directory under BACKUP_DIR, with manifest.json: per-table row counts and checksums."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--output-dir", type=Path, help="Where to write (default: BACKUP_DIR).")
        parser.add_argument("--no-media", action="store_true", help="Leave out the uploaded files.")
        parser.add_argument("--keep", type=int, help="Afterwards, remove all but the newest KEEP backups.")

    def handle(self, *args: Any, **options: Any) -> None:
        output = options["output_dir"] or Path(settings.ROUTEPLUS_BACKUP_DIR)
        if options["keep"] is not None and options["keep"] < 1:
            raise CommandError("--keep must be at least 1.")
        source = Target.from_settings(connections[DEFAULT_DB_ALIAS].settings_dict)
        media = None if options["no_media"] else Path(settings.MEDIA_ROOT)

        def report(step: str, seconds: float) -> None:
            if options["verbosity"] >= 1:
                self.stdout.write(f"  {step}: {seconds:.2f} s")

        try:
            path = make_backup(source=source, backup_dir=output, media_root=media, report=report)
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        manifest = read_manifest(path)
        rows = sum(t["rows"] for t in manifest["tables"].values())
        self.stdout.write(self.style.SUCCESS(f"Backup written: {path} ({len(manifest['tables'])} tables, {rows} rows)"))
        if options["keep"] is not None:
            for removed in prune_backups(backup_dir=output, keep=options["keep"]):
                self.stdout.write(f"  removed old backup {removed.name}")
