"""Tidy the temporary upload area: finish committed moves, remove leftovers of rolled-back uploads."""

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from routeplus.ops.storage import sweep_incoming


class Command(BaseCommand):
    help = "Finishes uploads whose transaction committed and removes those whose transaction did not (daily)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--older-than", type=int, default=3600, help="Only look at temporary files older than this (seconds)."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        counts = sweep_incoming(older_than_seconds=options["older_than"])
        self.stdout.write(f"moved {counts['moved']}, removed {counts['removed']}, kept {counts['kept']} (too recent)")
