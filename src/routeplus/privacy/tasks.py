"""Background task: the daily retention purge, for the Django Tasks worker."""

from django.tasks import task
from django.utils import timezone

from routeplus.privacy.retention import retention_purge


@task()
def purge_retention_task() -> int:
    """Run the purge for today; returns how many participants it touched."""
    return retention_purge(on=timezone.localdate(), dry_run=False).count
