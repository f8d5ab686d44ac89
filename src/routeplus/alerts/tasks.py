"""Background tasks (django.tasks; the database queue of django-tasks-db, run by `routeplus db_worker`)."""

from datetime import date

from django.tasks import task

from routeplus.alerts.digest import digest_send
from routeplus.alerts.engine import signals_evaluate, signals_evaluate_trajectory
from routeplus.trajectories.models import Trajectory


@task()
def evaluate_signals_task(on: str | None = None) -> dict[str, int]:
    """The daily evaluation of every trajectory; returns the counts (no personal data in task results)."""
    report = signals_evaluate(on=date.fromisoformat(on) if on else None)
    return {
        "trajectories": report.trajectories,
        "created": report.created,
        "reopened": report.reopened,
        "resolved": report.resolved,
    }


@task()
def evaluate_trajectory_signals_task(trajectory_uuid: str) -> int:
    """Re-evaluate one trajectory in the background after a change; returns the number of new signals."""
    trajectory = Trajectory.objects.filter(uuid=trajectory_uuid).first()
    return signals_evaluate_trajectory(trajectory).created if trajectory else 0


@task()
def send_signal_digest_task() -> int:
    return digest_send()
