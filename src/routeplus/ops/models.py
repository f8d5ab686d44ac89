"""Operational state kept in the database: the background worker's heartbeat."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class WorkerHeartbeat(models.Model):
    """The last time a worker ran the heartbeat task; /readyz reads it to tell whether tasks are being run.

    The heartbeat travels the whole path that real background work travels (timer, queue, worker,
    database), so a fresh beat shows that queued work is actually picked up, not merely that a process exists.
    """

    queue_name = models.CharField(_("wachtrij"), max_length=32, unique=True)
    beat_at = models.DateTimeField(_("laatste hartslag"))
    worker_id = models.CharField(_("worker"), max_length=64, blank=True)

    class Meta:
        verbose_name = _("hartslag van de worker")
        verbose_name_plural = _("hartslagen van de worker")

    def __str__(self) -> str:
        return f"{self.queue_name} @ {self.beat_at.isoformat()}"
