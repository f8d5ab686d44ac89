"""Background tasks of ops: the worker heartbeat that /readyz checks."""

from django.tasks import TaskContext, task
from django.utils import timezone

from routeplus.ops.models import WorkerHeartbeat


@task(takes_context=True)
def worker_heartbeat(context: TaskContext) -> str:
    """Record that a worker of this queue is running tasks now."""
    result = context.task_result
    worker_ids = list(getattr(result, "worker_ids", []) or [])
    WorkerHeartbeat.objects.update_or_create(
        queue_name=result.task.queue_name,
        defaults={"beat_at": timezone.now(), "worker_id": (worker_ids[-1] if worker_ids else "")[:64]},
    )
    return "ok"
