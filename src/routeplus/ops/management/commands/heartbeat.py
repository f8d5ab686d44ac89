"""Queue the worker heartbeat task (run every minute by a timer); /readyz reads the heartbeat it writes."""

from typing import Any

from django.core.management.base import BaseCommand
from django_tasks_db.models import DBTaskResult

from routeplus.ops.tasks import worker_heartbeat


class Command(BaseCommand):
    help = "Queues one heartbeat task unless one is still waiting; a running worker records it within seconds."

    def handle(self, *args: Any, **options: Any) -> None:
        # One waiting heartbeat is enough: a stopped worker must not come back to a pile of them.
        waiting = DBTaskResult.objects.ready().filter(task_path=worker_heartbeat.module_path).exists()
        if waiting:
            self.stdout.write("A heartbeat is already waiting for a worker; not queueing another.")
            return
        result = worker_heartbeat.enqueue()
        self.stdout.write(f"Heartbeat queued ({result.id}).")
