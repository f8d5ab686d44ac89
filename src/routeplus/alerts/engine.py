"""Evaluating the signal rules and reconciling their conditions with the stored signals.

Daily for every trajectory (the `evaluate_signals` command and task), and for one trajectory right after a
service changed its data (`signals_evaluate_trajectory`). Reconciliation per (trajectory, rule, key):
- a new condition creates an open signal;
- an open signal whose condition still holds keeps its status (its due date and text follow the data);
- a snoozed signal reopens once its date has passed; a resolved one reopens when its condition is back;
- an open or snoozed signal whose condition is gone is resolved ("vervallen") by the system;
- handled and dismissed signals stay as they are: only a new occurrence (a new key) raises work again.
Running twice on the same data changes nothing the second time.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime

from django.db import IntegrityError, transaction
from django.db.models import F, Max, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from routeplus.alerts.conf import thresholds
from routeplus.alerts.intake_data import left_school_dates, waiting_places
from routeplus.alerts.models import ACTIVE_STATUSES, Signal, SignalEvent, SignalStatus
from routeplus.alerts.rules import RULES, CaseData, Condition
from routeplus.casefile.models import ContactMoment, GoalStatus, LearningGoal, Placement, Provision
from routeplus.trajectories.models import OPEN_STATUSES, Trajectory

BATCH_SIZE = 500


@dataclass
class EvaluationReport:
    trajectories: int = 0
    created: int = 0
    reopened: int = 0
    resolved: int = 0

    def __add__(self, other: "EvaluationReport") -> "EvaluationReport":
        return EvaluationReport(
            self.trajectories + other.trajectories,
            self.created + other.created,
            self.reopened + other.reopened,
            self.resolved + other.resolved,
        )


def _load(trajectories: list[Trajectory], waiting_places: dict[str, list[int]]) -> list[CaseData]:
    ids = [t.pk for t in trajectories]
    cases = {
        t.pk: CaseData(trajectory=t, waiting_place_areas=waiting_places.get(str(t.uuid), [])) for t in trajectories
    }
    for contact in (
        ContactMoment.objects.filter(trajectory_id__in=ids)
        .only("uuid", "trajectory_id", "at", "reached", "with_whom")
        .order_by("at", "id")
    ):
        cases[contact.trajectory_id].contacts.append(contact)
    for goal in (
        LearningGoal.objects.filter(trajectory_id__in=ids, status=GoalStatus.OPEN)
        .annotate(last_review=Max("reviews__reviewed_on"))
        .only("uuid", "trajectory_id", "area", "created_at")
    ):
        cases[goal.trajectory_id].open_goals.append((goal, goal.last_review))
    for placement in Placement.objects.filter(trajectory_id__in=ids).only(
        "uuid", "trajectory_id", "kind", "status", "start_date", "end_date"
    ):
        cases[placement.trajectory_id].placements.append(placement)
    for provision in Provision.objects.filter(trajectory_id__in=ids).select_related("kind"):
        cases[provision.trajectory_id].provisions.append(provision)
    for trajectory_id, left in left_school_dates(ids).items():
        cases[trajectory_id].left_school_on = left
    return list(cases.values())


def _conditions(case: CaseData, on: date, cfg: dict) -> dict[tuple[str, str], Condition]:
    found: dict[tuple[str, str], Condition] = {}
    if case.trajectory.status not in OPEN_STATUSES:
        return found
    for code, rule in RULES.items():
        if code in cfg["disabled_rules"]:
            continue
        for condition in rule.evaluate(case, on, cfg):
            found[(condition.rule, condition.key)] = condition
    return found


def _event(signal: Signal, from_status: str, to_status: str, note: str, at: datetime) -> SignalEvent:
    return SignalEvent(signal=signal, from_status=from_status, to_status=to_status, note=note, actor=None, at=at)


@transaction.atomic
def _reconcile(cases: list[CaseData], on: date, cfg: dict) -> EvaluationReport:
    report = EvaluationReport(trajectories=len(cases))
    now = timezone.now()
    existing: dict[tuple[int, str, str], Signal] = {
        (s.trajectory_id, s.rule, s.key): s
        for s in Signal.objects.select_for_update().filter(trajectory_id__in=[c.trajectory.pk for c in cases])
    }
    events: list[SignalEvent] = []
    new: list[Signal] = []
    seen: set[tuple[int, str, str]] = set()
    for case in cases:
        for (rule, key), condition in _conditions(case, on, cfg).items():
            ident = (case.trajectory.pk, rule, key)
            seen.add(ident)
            signal = existing.get(ident)
            if signal is None:
                new.append(
                    Signal(
                        trajectory=case.trajectory,
                        rule=rule,
                        key=key,
                        due_date=condition.due_date,
                        detail=condition.detail,
                        category=condition.category,
                        raised_on=on,
                    )
                )
                continue
            changes: dict[str, object] = {}
            followed = signal.status in (SignalStatus.OPEN, SignalStatus.SNOOZED, SignalStatus.RESOLVED)
            current = (signal.due_date, signal.detail, signal.category)
            if followed and current != (condition.due_date, condition.detail, condition.category):
                changes.update(due_date=condition.due_date, detail=condition.detail, category=condition.category)
            reopen = (
                signal.status == SignalStatus.SNOOZED and signal.snoozed_until and signal.snoozed_until <= on
            ) or (signal.status == SignalStatus.RESOLVED)
            if reopen:
                note = (
                    _("Uitsteldatum bereikt") if signal.status == SignalStatus.SNOOZED else _("De situatie is er weer")
                )
                events.append(_event(signal, signal.status, SignalStatus.OPEN, note, now))
                changes.update(status=SignalStatus.OPEN, snoozed_until=None)
                report.reopened += 1
            if changes:
                Signal.objects.filter(pk=signal.pk).update(**changes, version=F("version") + 1, updated_at=now)
    for ident, signal in existing.items():
        if ident in seen or signal.status not in ACTIVE_STATUSES:
            continue
        if signal.rule in cfg["disabled_rules"]:
            continue
        events.append(_event(signal, signal.status, SignalStatus.RESOLVED, _("De situatie is er niet meer"), now))
        Signal.objects.filter(pk=signal.pk).update(
            status=SignalStatus.RESOLVED, snoozed_until=None, version=F("version") + 1, updated_at=now
        )
        report.resolved += 1
    for signal in _create(new):
        report.created += 1
        events.append(_event(signal, "", SignalStatus.OPEN, _("Gesignaleerd"), now))
    SignalEvent.objects.bulk_create(events)
    return report


def _create(new: list[Signal]) -> list[Signal]:
    """Store the batch's new signals in one statement and return those created. Another evaluation (the daily
    run and one after a write) may have raised one of them since this one read the table: then the batch falls
    back to one at a time, each created only if it is still missing (the unique condition decides)."""
    if not new:
        return []
    try:
        with transaction.atomic():
            return Signal.objects.bulk_create(new)
    except IntegrityError:
        created = []
        for signal in new:
            stored, was_created = Signal.objects.get_or_create(
                trajectory=signal.trajectory,
                rule=signal.rule,
                key=signal.key,
                defaults={f: getattr(signal, f) for f in ("due_date", "detail", "category", "raised_on")},
            )
            if was_created:
                created.append(stored)
        return created


def signals_evaluate(*, on: date | None = None, trajectories: Iterable[Trajectory] | None = None) -> EvaluationReport:
    """Evaluate every rule for open trajectories (and closed ones that still carry open signals)."""
    on = on or timezone.localdate()
    cfg = thresholds()
    if trajectories is None:
        queryset = Trajectory.objects.filter(
            Q(status__in=OPEN_STATUSES) | Q(signals__status__in=ACTIVE_STATUSES)
        ).distinct()
    else:
        queryset = Trajectory.objects.filter(pk__in=[t.pk for t in trajectories])
    ids = list(queryset.order_by("pk").values_list("pk", flat=True))
    waiting = waiting_places() if "waiting_place" not in cfg["disabled_rules"] else {}
    report = EvaluationReport()
    for start in range(0, len(ids), BATCH_SIZE):
        batch = list(Trajectory.objects.filter(pk__in=ids[start : start + BATCH_SIZE]).select_related("participant"))
        report += _reconcile(_load(batch, waiting), on, cfg)
    return report


def signals_evaluate_trajectory(trajectory: Trajectory, *, on: date | None = None) -> EvaluationReport:
    """Re-evaluate one trajectory after its data changed; call from a service once its write is committed."""
    return signals_evaluate(on=on, trajectories=[trajectory])
