"""Check or rebuild the derived result dates the council table counts from (after data written outside the services)."""

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction

from routeplus.monitor.derived import result_dates_rebuild
from routeplus.monitor.models import ResultDate


def _rows() -> set[tuple[int, int, int, str, Any]]:
    return set(ResultDate.objects.values_list("participant_id", "route_id", "municipality_id", "type", "counts_from"))


class Command(BaseCommand):
    help = (
        "Compute the council table's derived result dates again from the results and trajectories. The services "
        "keep them current; run this after correcting data by hand in the database. With --check nothing changes "
        "and the exit status is 1 when the stored dates differ from the computed ones."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--check", action="store_true", help="Only compare; change nothing.")

    def handle(self, *args: Any, check: bool, **options: Any) -> None:
        with transaction.atomic():
            stored = _rows()
            result_dates_rebuild()
            computed = _rows()
            if check:
                transaction.set_rollback(True)
        missing, stale = len(computed - stored), len(stored - computed)
        # Counts only: the rows are personal data (who had which result when).
        summary = f"{len(computed)} result dates; {missing} were missing, {stale} were out of date."
        if check and (missing or stale):
            raise CommandError(f"{summary} Run `routeplus result_dates` to rebuild them.")
        self.stdout.write(summary if check else f"Rebuilt: {summary}")
