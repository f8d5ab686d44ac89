"""`routeplus evaluate_signals`: evaluate every signal rule for every trajectory; run daily by cron."""

from datetime import date
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from routeplus.alerts.engine import signals_evaluate
from routeplus.alerts.tasks import evaluate_signals_task


class Command(BaseCommand):
    help = "Evalueer de signaleringsregels voor alle trajecten (dagelijks)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--date", type=date.fromisoformat, help="Peildatum (YYYY-MM-DD); standaard vandaag.")
        parser.add_argument("--enqueue", action="store_true", help="Zet de evaluatie in de takenwachtrij.")

    def handle(self, *args: Any, **options: Any) -> None:
        on = options["date"]
        if options["enqueue"]:
            result = evaluate_signals_task.enqueue(on.isoformat() if on else None)
            self.stdout.write(f"enqueued {result.id}")
            return
        report = signals_evaluate(on=on)
        self.stdout.write(
            f"trajectories={report.trajectories} created={report.created} "
            f"reopened={report.reopened} resolved={report.resolved}"
        )
