"""Signals: work a rule raises for the professionals on a case, with their handling and its history.

One signal per (trajectory, rule, condition instance). The instance key names the occurrence of the condition
(e.g. the date of the last reached contact), so evaluating twice creates nothing twice and a handled signal
comes back only when its condition arises anew, with a new key.
"""

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from routeplus.conf.choices import ChoiceDisplay
from routeplus.trajectories.models import Trajectory


class SignalStatus(models.TextChoices):
    OPEN = "open", _("Open")
    SNOOZED = "snoozed", _("Uitgesteld")
    HANDLED = "handled", _("Afgehandeld")
    DISMISSED = "dismissed", _("Niet nodig")
    RESOLVED = "resolved", _("Vervallen")


# Who may move a signal where. People handle, snooze and dismiss; the evaluation reopens a snoozed signal when
# its date has passed, resolves a signal whose condition is gone, and reopens a resolved one if it comes back.
PERSON_TRANSITIONS: dict[str, frozenset[str]] = {
    SignalStatus.OPEN: frozenset({SignalStatus.HANDLED, SignalStatus.SNOOZED, SignalStatus.DISMISSED}),
    SignalStatus.SNOOZED: frozenset({SignalStatus.HANDLED, SignalStatus.SNOOZED, SignalStatus.DISMISSED}),
    SignalStatus.HANDLED: frozenset(),
    SignalStatus.DISMISSED: frozenset(),
    SignalStatus.RESOLVED: frozenset(),
}
SYSTEM_TRANSITIONS: dict[str, frozenset[str]] = {
    SignalStatus.OPEN: frozenset({SignalStatus.RESOLVED}),
    SignalStatus.SNOOZED: frozenset({SignalStatus.OPEN, SignalStatus.RESOLVED}),
    SignalStatus.RESOLVED: frozenset({SignalStatus.OPEN}),
    SignalStatus.HANDLED: frozenset(),
    SignalStatus.DISMISSED: frozenset(),
}
ACTIVE_STATUSES = (SignalStatus.OPEN, SignalStatus.SNOOZED)


class Signal(ChoiceDisplay, models.Model):
    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    # No index of its own: signal_trajectory_status_idx starts with it and serves the same look-ups.
    trajectory = models.ForeignKey(Trajectory, on_delete=models.CASCADE, related_name="signals", db_index=False)
    rule = models.CharField(_("signalering"), max_length=40)
    key = models.CharField(_("aanleiding"), max_length=120)
    # The data category the signal tells something about ("" when only age or the trajectory itself):
    # the worklist shows a signal only to who may see that category on the case (access.sections).
    category = models.CharField(_("gegevenscategorie"), max_length=20, blank=True)
    due_date = models.DateField(_("uiterlijk"))
    detail = models.CharField(_("toelichting"), max_length=200, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=SignalStatus.choices, default=SignalStatus.OPEN)
    raised_on = models.DateField(_("gesignaleerd op"))
    snoozed_until = models.DateField(_("uitgesteld tot"), null=True, blank=True)
    action_taken = models.TextField(_("wat is er gedaan"), blank=True)
    reason = models.TextField(_("reden"), blank=True)
    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    handled_at = models.DateTimeField(_("behandeld op"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        ordering = ["due_date", "id"]
        verbose_name = _("signalering")
        verbose_name_plural = _("signaleringen")
        indexes = [
            models.Index(fields=["status", "due_date"], name="signal_status_due_idx"),
            models.Index(fields=["trajectory", "status"], name="signal_trajectory_status_idx"),
        ]
        constraints = [
            models.UniqueConstraint(fields=["trajectory", "rule", "key"], name="signal_once_per_condition"),
            models.CheckConstraint(
                condition=~models.Q(status="snoozed") | models.Q(snoozed_until__isnull=False),
                name="signal_snoozed_has_date",
            ),
        ]

    def __str__(self) -> str:
        return f"Signal {self.uuid}"


class SignalEvent(ChoiceDisplay, models.Model):
    """One step in a signal's life: raised, reopened, handled, snoozed, dismissed, resolved; who, when, why."""

    signal = models.ForeignKey(Signal, on_delete=models.CASCADE, related_name="events")
    from_status = models.CharField(max_length=10, choices=SignalStatus.choices, blank=True)
    to_status = models.CharField(max_length=10, choices=SignalStatus.choices)
    note = models.TextField(_("toelichting"), blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    at = models.DateTimeField(_("tijdstip"))

    class Meta:
        ordering = ["at", "id"]
        verbose_name = _("verloop van een signalering")
        verbose_name_plural = _("verloop van signaleringen")

    def __str__(self) -> str:
        return f"SignalEvent {self.pk}: {self.from_status} -> {self.to_status}"


class DigestSubscription(models.Model):
    """A professional who wants the daily e-mail with counts of open signals (never names)."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="signal_digest")
    is_active = models.BooleanField(_("dagelijkse e-mail"), default=True)
    last_sent_on = models.DateField(null=True, blank=True)

    class Meta:
        verbose_name = _("dagelijkse e-mail met signaleringen")
        verbose_name_plural = _("dagelijkse e-mails met signaleringen")

    def __str__(self) -> str:
        return f"DigestSubscription {self.pk}"
