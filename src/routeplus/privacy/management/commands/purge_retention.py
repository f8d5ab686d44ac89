"""Remove or anonymise personal data past its retention period (run daily; --dry-run lists what would go)."""

from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.utils import timezone

from routeplus.audit.models import Action, Result
from routeplus.audit.services import Origin, access_log_append
from routeplus.privacy.retention import retention_purge


class Command(BaseCommand):
    help = "Applies the retention periods: anonymises identities and deletes case content and old decisions."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--dry-run", action="store_true", help="List what would be purged; change nothing.")

    def handle(self, *args: Any, **options: Any) -> None:
        plan = retention_purge(on=timezone.localdate(), dry_run=options["dry_run"])
        verb = "would purge" if options["dry_run"] else "purged"
        for participant_uuid, rules in sorted(plan.participants.items()):
            self.stdout.write(f"  {participant_uuid}: {', '.join(rules)}")
        access_log_append(
            actor=None,
            action=Action.COMMAND,
            result=Result.ALLOWED,
            origin=Origin(ip_address="local", user_agent="purge_retention"),
            object_type="retention",
            purpose=f"{verb} {plan.count} participants",
        )
        self.stdout.write(self.style.SUCCESS(f"Retention: {verb} {plan.count} participants."))
