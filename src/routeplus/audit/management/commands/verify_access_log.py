"""Verify the hash chain of the access log and report the first break."""

from django.core.management.base import BaseCommand, CommandError

from routeplus.audit.selectors import access_log_verify


class Command(BaseCommand):
    help = "Checks that no access-log entry was changed, removed or reordered since it was written."

    def handle(self, *args: object, **options: object) -> None:
        checked, chain_break = access_log_verify()
        if chain_break is not None:
            raise CommandError(
                f"Access log chain broken at entry {chain_break.entry_id}: {chain_break.reason}. "
                f"{checked} entries before it are intact."
            )
        self.stdout.write(self.style.SUCCESS(f"Access log intact: {checked} entries verified."))
