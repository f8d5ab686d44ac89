"""`routeplus send_signal_digest`: the daily e-mail with counts of open signals to who asked for it."""

from typing import Any

from django.core.management.base import BaseCommand

from routeplus.alerts.digest import digest_send


class Command(BaseCommand):
    help = "Stuur de dagelijkse e-mail met aantallen open signaleringen (zonder persoonsgegevens)."

    def handle(self, *args: Any, **options: Any) -> None:
        self.stdout.write(f"sent={digest_send()}")
