"""Build the demo world (synthetic; never under the production settings)."""

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from routeplus.demo.world import DEMO_LOGINS, DEMO_PASSWORD, build_world, demo_exists


class Command(BaseCommand):
    help = "Builds the synthetic demo world: organisations, one login per role and 132 invented participants."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--once", action="store_true", help="Do nothing when the demo world is already there.")
        parser.add_argument("--participants", type=int, default=132, help="How many participants (default 132).")

    def handle(self, *args: Any, **options: Any) -> None:
        if not settings.ROUTEPLUS_DEMO_ALLOWED:
            raise CommandError(
                "The demo world cannot be loaded under the production settings: it holds known passwords."
            )
        if options["participants"] < 1:
            raise CommandError("--participants must be at least 1.")
        if options["once"] and demo_exists():
            self.stdout.write("Demo world already present; nothing to do.")
            return
        counts = build_world(participants=options["participants"])
        self.stdout.write(
            self.style.SUCCESS(
                f"Demo world ready: {counts['participants_created']} participants created, "
                f"{counts['participants_total']} in total."
            )
        )
        self.stdout.write(f"Demo logins (password {DEMO_PASSWORD}):")
        for login in DEMO_LOGINS:
            self.stdout.write(f"  {login.email:32} {login.role}")
