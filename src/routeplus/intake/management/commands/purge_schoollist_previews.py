"""Delete unconfirmed school-list previews older than a day (run daily): they hold pupils' personal data."""

from typing import Any

from django.core.management.base import BaseCommand

from routeplus.audit.models import Action, Result
from routeplus.audit.services import Origin, access_log_append
from routeplus.intake.schoollist import school_list_previews_purge


class Command(BaseCommand):
    help = "Deletes school-list previews that were not confirmed within a day."

    def handle(self, *args: Any, **options: Any) -> None:
        count = school_list_previews_purge()
        access_log_append(
            actor=None,
            action=Action.COMMAND,
            result=Result.ALLOWED,
            origin=Origin(ip_address="local", user_agent="purge_schoollist_previews"),
            object_type="schoollist",
            purpose=f"purged {count} school-list previews",
        )
        self.stdout.write(self.style.SUCCESS(f"School-list previews: purged {count}."))
