"""Handling signals: a professional on the case handles one (with the action taken), snoozes it until a date
(with a reason) or dismisses it (with a reason). Checked against PERSON_TRANSITIONS, versioned, logged."""

from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from routeplus.alerts.models import PERSON_TRANSITIONS, Signal, SignalEvent, SignalStatus
from routeplus.audit.models import Action
from routeplus.audit.services import change_log_record, snapshot
from routeplus.trajectories.services import StaleVersionError

SIGNAL_FIELDS = ["status", "snoozed_until", "action_taken", "reason"]
MAX_SNOOZE_DAYS = 366


@transaction.atomic
def _move(
    *, actor: Any, signal: Signal, to_status: str, note: str, expected_version: int | None, **fields: Any
) -> Signal:
    if to_status not in PERSON_TRANSITIONS[signal.status]:
        raise ValidationError(_("Deze signalering is al %(status)s.") % {"status": signal.get_status_display().lower()})
    before = snapshot(signal, SIGNAL_FIELDS)
    now = timezone.now()
    version = signal.version if expected_version is None else expected_version
    updated = Signal.objects.filter(pk=signal.pk, version=version).update(
        status=to_status, handled_by=actor, handled_at=now, version=F("version") + 1, updated_at=now, **fields
    )
    if not updated:
        raise StaleVersionError(_("Iemand anders heeft deze signalering net behandeld. Bekijk de nieuwe stand."))
    SignalEvent.objects.create(
        signal=signal, from_status=signal.status, to_status=to_status, note=note, actor=actor, at=now
    )
    signal.refresh_from_db()
    change_log_record(
        actor=actor,
        action=Action.UPDATE,
        instance=signal,
        participant_ref=str(signal.trajectory.participant.uuid),
        before=before,
        after=snapshot(signal, SIGNAL_FIELDS),
    )
    return signal


def signal_handle(*, actor: Any, signal: Signal, action_taken: str, expected_version: int | None = None) -> Signal:
    action_taken = action_taken.strip()
    if not action_taken:
        raise ValidationError({"action_taken": _("Schrijf kort op wat er is gedaan.")})
    return _move(
        actor=actor,
        signal=signal,
        to_status=SignalStatus.HANDLED,
        note=action_taken,
        expected_version=expected_version,
        action_taken=action_taken,
        snoozed_until=None,
    )


def signal_snooze(
    *, actor: Any, signal: Signal, until: date, reason: str, expected_version: int | None = None
) -> Signal:
    reason = reason.strip()
    today = timezone.localdate()
    errors = {}
    if until <= today:
        errors["until"] = _("Kies een datum na vandaag.")
    elif (until - today).days > MAX_SNOOZE_DAYS:
        errors["until"] = _("Stel hoogstens een jaar uit.")
    if not reason:
        errors["reason"] = _("Geef een reden op.")
    if errors:
        raise ValidationError(errors)
    return _move(
        actor=actor,
        signal=signal,
        to_status=SignalStatus.SNOOZED,
        note=_("Uitgesteld tot %(date)s: %(reason)s") % {"date": until.strftime("%d-%m-%Y"), "reason": reason},
        expected_version=expected_version,
        snoozed_until=until,
        reason=reason,
    )


def signal_dismiss(*, actor: Any, signal: Signal, reason: str, expected_version: int | None = None) -> Signal:
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": _("Geef een reden op.")})
    return _move(
        actor=actor,
        signal=signal,
        to_status=SignalStatus.DISMISSED,
        note=reason,
        expected_version=expected_version,
        reason=reason,
        snoozed_until=None,
    )
