"""Writing the case file: the only code that creates or changes plans, goals, reviews, employers, placements,
provisions, results (and their proposals), contact moments and bottlenecks.

Every write validates, runs in a transaction, keeps the old and new values in the change log, and refuses a
stale version (optimistic locking) so that two people cannot silently overwrite each other.
"""

from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, models, transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from routeplus.audit.models import Action
from routeplus.audit.services import change_log_record, snapshot
from routeplus.casefile.models import (
    Bottleneck,
    BottleneckCategory,
    BottleneckStatus,
    ContactChannel,
    ContactMoment,
    ContactWith,
    DevelopmentPlan,
    Domain,
    Employer,
    GoalArea,
    GoalReview,
    GoalStatus,
    LearningGoal,
    Placement,
    PlacementKind,
    PlacementStatus,
    ProposalStatus,
    Provision,
    ProvisionKind,
    ProvisionStatus,
    Result,
    ResultProposal,
    ResultType,
)
from routeplus.trajectories.models import TeamMember, Trajectory
from routeplus.trajectories.services import StaleVersionError

PLAN_FIELDS = ["perspective", "agreed_on"]
GOAL_FIELDS = ["area", "description", "own_words", "owner", "target_date", "status"]
REVIEW_FIELDS = ["goal", "reviewed_on", "score", "note"]
EMPLOYER_FIELDS = [
    "name", "sector", "kind", "contact_name", "contact_phone", "contact_email",
    "address", "postal_code", "city", "is_active",
]  # fmt: skip
PLACEMENT_FIELDS = [
    "kind", "employer", "supervisor", "hours_per_week", "start_date", "end_date", "status", "evaluation",
]  # fmt: skip
PROVISION_FIELDS = [
    "kind", "status", "applied_on", "decided_on", "start_date", "end_date", "decision_reference", "note",
]  # fmt: skip
RESULT_FIELDS = ["type", "start_date", "end_date", "note", "placement", "provision"]
CONTACT_FIELDS = ["at", "channel", "with_whom", "reached", "summary"]
BOTTLENECK_FIELDS = ["category", "domains", "description", "status", "resolution", "noticed_on"]

# A placement of these kinds implies a result when it starts; a person confirms it before it counts.
PLACEMENT_IMPLIES: dict[str, str] = {
    PlacementKind.TAILORED_INTERNSHIP: ResultType.STAGE_MAATWERK,
    PlacementKind.WORKLIKE_DAY_CARE: ResultType.DAGBESTEDING_ONTWIKKELPERSPECTIEF,
    PlacementKind.JOBS_AGREEMENT: ResultType.ARBEID,
    PlacementKind.REGULAR_JOB: ResultType.ARBEID,
}
# A job that has ended still shows that the young person has worked.
PAID_WORK = frozenset({PlacementKind.JOBS_AGREEMENT, PlacementKind.REGULAR_JOB, PlacementKind.SHELTERED_WORK})
FINISHED_PLACEMENT = frozenset({PlacementStatus.ENDED, PlacementStatus.STOPPED})
DECIDED_PROVISION = frozenset({ProvisionStatus.GRANTED, ProvisionStatus.REFUSED})
# A contact may be logged a little ahead of the clock (clock skew); further in the future is a typo.
CONTACT_FUTURE_SLACK = timedelta(minutes=15)

STALE_MESSAGE = _(
    "Iemand anders heeft dit intussen gewijzigd. Uw invoer is niet opgeslagen, "
    "maar staat nog in het formulier. Bekijk de nieuwe stand hieronder en sla opnieuw op."
)


_signals_batch: ContextVar[dict[int, Trajectory] | None] = ContextVar("signals_batch", default=None)


@contextmanager
def signals_reevaluated_once() -> Iterator[None]:
    """For bulk writers (the demo world): every trajectory written inside the block is re-evaluated once, in one
    pass after commit, instead of once per write. Use inside the writer's transaction."""
    batch: dict[int, Trajectory] = {}
    token = _signals_batch.set(batch)
    try:
        yield
    finally:
        _signals_batch.reset(token)
    if batch:
        from routeplus.alerts.engine import signals_evaluate

        transaction.on_commit(lambda: signals_evaluate(trajectories=batch.values()), robust=True)


def reevaluate_signals_after_commit(trajectory: Trajectory) -> None:
    """Signals follow the data: once this write is committed, the trajectory's signal rules run again.

    robust: a failing evaluation is logged by Django and never undoes or fails the user's write.
    """
    from routeplus.alerts.engine import signals_evaluate_trajectory

    batch = _signals_batch.get()
    if batch is not None:
        batch[trajectory.pk] = trajectory
        return
    transaction.on_commit(lambda: signals_evaluate_trajectory(trajectory), robust=True)


def count_results_again(trajectory: Trajectory) -> None:
    """The council table counts from dates derived from the results and the trajectory's start: derive this
    participant's again, in the writer's transaction, so the monitor never lags behind the case file."""
    from routeplus.monitor.derived import result_dates_refresh  # the monitor sits above the case file

    result_dates_refresh(participant_ids=[trajectory.participant_id])


def _ref(trajectory: Trajectory) -> str:
    return str(trajectory.participant.uuid)


def _versioned_update[M: models.Model](instance: M, *, expected_version: int, changes: dict[str, Any]) -> M:
    """Write changes only if nobody saved since expected_version; otherwise refuse with StaleVersionError."""
    model = type(instance)
    extra: dict[str, Any] = {"version": F("version") + 1}
    if any(f.name == "updated_at" for f in model._meta.concrete_fields):
        extra["updated_at"] = timezone.now()
    updated = model._default_manager.filter(pk=instance.pk, version=expected_version).update(**changes, **extra)
    if not updated:
        raise StaleVersionError(STALE_MESSAGE)
    instance.refresh_from_db()
    return instance


def _merged(instance: models.Model, names: list[str], fields: dict[str, Any], *, strip: tuple[str, ...] = ()) -> dict:
    """The record's current values with the given changes; text fields stripped. An unknown field is a bug."""
    unknown = set(fields) - set(names)
    if unknown:
        raise TypeError(f"Unknown {type(instance).__name__} fields: {sorted(unknown)}")
    data = {name: getattr(instance, name) for name in names} | fields
    for name in strip:
        data[name] = (data[name] or "").strip()
    return data


def _update_logged[M: models.Model](
    instance: M, *, actor: Any, expected_version: int, changes: dict[str, Any], trajectory: Trajectory | None,
    fields: list[str],
) -> M:  # fmt: skip
    """Write a versioned update and record the old and new values of `fields` in the change log."""
    before = snapshot(instance, fields)
    instance = _versioned_update(instance, expected_version=expected_version, changes=changes)
    _log(actor=actor, action=Action.UPDATE, instance=instance, trajectory=trajectory, fields=fields, before=before)
    return instance


def _log(
    *, actor: Any, action: str, instance: models.Model, trajectory: Trajectory | None, fields: list[str],
    before: dict[str, Any] | None = None,
) -> None:  # fmt: skip
    change_log_record(
        actor=actor,
        action=action,
        instance=instance,
        participant_ref=_ref(trajectory) if trajectory is not None else "",
        before=before,
        after=snapshot(instance, fields),
    )
    if trajectory is not None:
        reevaluate_signals_after_commit(trajectory)


def _not_in_future(errors: dict[str, str], field: str, value: date | None, label: str) -> None:
    if value is not None and value > timezone.localdate():
        errors[field] = _("%(label)s kan niet in de toekomst liggen.") % {"label": label}


def _raise(errors: dict[str, Any]) -> None:
    if errors:
        raise ValidationError(errors)


def _required_text(errors: dict[str, str], field: str, value: str, message: str) -> str:
    value = (value or "").strip()
    if not value:
        errors[field] = message
    return value


# ---------------------------------------------------------------------------------------------------------
# Development plan and learning goals


@transaction.atomic
def development_plan_save(
    *,
    actor: Any,
    trajectory: Trajectory,
    perspective: str,
    agreed_on: date | None,
    expected_version: int | None,
) -> DevelopmentPlan:
    """Create the plan, or change it when expected_version matches the stored one."""
    errors: dict[str, str] = {}
    _not_in_future(errors, "agreed_on", agreed_on, _("De datum van afspraak"))
    if agreed_on is not None and agreed_on < trajectory.registered_on:
        errors["agreed_on"] = _("De datum ligt vóór de aanmelddatum van het traject.")
    _raise(errors)
    plan = DevelopmentPlan.objects.filter(trajectory=trajectory).first()
    changes = {"perspective": perspective.strip(), "agreed_on": agreed_on}
    if plan is None:
        if expected_version not in (None, 0):
            raise StaleVersionError(STALE_MESSAGE)
        try:
            with transaction.atomic():
                plan = DevelopmentPlan.objects.create(trajectory=trajectory, updated_by=actor, **changes)
        except IntegrityError as exc:  # someone else created the plan at the same moment
            raise StaleVersionError(STALE_MESSAGE) from exc
        _log(actor=actor, action=Action.CREATE, instance=plan, trajectory=trajectory, fields=PLAN_FIELDS)
        return plan
    if expected_version is None:
        raise StaleVersionError(STALE_MESSAGE)
    return _update_logged(
        plan, actor=actor, expected_version=expected_version, changes={**changes, "updated_by": actor},
        trajectory=trajectory, fields=PLAN_FIELDS,
    )  # fmt: skip


def _check_goal(
    *, trajectory: Trajectory, area: str, description: str, owner: Any, target_date: date | None
) -> tuple[dict[str, str], str]:
    errors: dict[str, str] = {}
    description = _required_text(errors, "description", description, _("Beschrijf het leerdoel."))
    if area not in GoalArea.values:
        errors["area"] = _("Kies een gebied.")
    if owner is not None:
        today = timezone.localdate()
        on_team = (
            TeamMember.objects.filter(trajectory=trajectory, user=owner, start_date__lte=today)
            .filter(Q(end_date__isnull=True) | Q(end_date__gte=today))
            .exists()
        )
        if not on_team:
            errors["owner"] = _("De eigenaar moet in het team van dit traject zitten.")
    if target_date is not None and target_date < trajectory.registered_on:
        errors["target_date"] = _("De streefdatum ligt vóór de aanmelddatum van het traject.")
    return errors, description


@transaction.atomic
def learning_goal_create(
    *,
    actor: Any,
    trajectory: Trajectory,
    area: str,
    description: str,
    own_words: str = "",
    owner: Any = None,
    target_date: date | None = None,
) -> LearningGoal:
    errors, description = _check_goal(
        trajectory=trajectory, area=area, description=description, owner=owner, target_date=target_date
    )
    _raise(errors)
    goal = LearningGoal.objects.create(
        trajectory=trajectory,
        area=area,
        description=description,
        own_words=own_words.strip(),
        owner=owner,
        target_date=target_date,
        created_by=actor,
    )
    _log(actor=actor, action=Action.CREATE, instance=goal, trajectory=trajectory, fields=GOAL_FIELDS)
    return goal


@transaction.atomic
def learning_goal_update(
    *,
    actor: Any,
    goal: LearningGoal,
    expected_version: int,
    area: str,
    description: str,
    own_words: str,
    owner: Any,
    target_date: date | None,
    status: str,
) -> LearningGoal:
    trajectory = goal.trajectory
    errors, description = _check_goal(
        trajectory=trajectory, area=area, description=description, owner=owner, target_date=target_date
    )
    if status not in GoalStatus.values:
        errors["status"] = _("Kies een status.")
    _raise(errors)
    changes = {
        "area": area,
        "description": description,
        "own_words": own_words.strip(),
        "owner": owner,
        "target_date": target_date,
        "status": status,
    }
    return _update_logged(
        goal, actor=actor, expected_version=expected_version, changes=changes, trajectory=trajectory,
        fields=GOAL_FIELDS,
    )  # fmt: skip


@transaction.atomic
def goal_review_add(*, actor: Any, goal: LearningGoal, reviewed_on: date, score: int, note: str = "") -> GoalReview:
    """Add a review to a goal; a review at the top of the scale marks an open goal as achieved."""
    trajectory = goal.trajectory
    errors: dict[str, str] = {}
    _not_in_future(errors, "reviewed_on", reviewed_on, _("De datum van de evaluatie"))
    if reviewed_on < trajectory.registered_on:
        errors["reviewed_on"] = _("De datum ligt vóór de aanmelddatum van het traject.")
    if score not in (1, 2, 3, 4):
        errors["score"] = _("Kies hoe ver de jongere is met dit doel.")
    _raise(errors)
    review = GoalReview.objects.create(
        goal=goal, reviewed_on=reviewed_on, score=score, note=note.strip(), reviewed_by=actor
    )
    _log(actor=actor, action=Action.CREATE, instance=review, trajectory=trajectory, fields=REVIEW_FIELDS)
    if score == 4 and goal.status == GoalStatus.OPEN:
        before = snapshot(goal, GOAL_FIELDS)
        LearningGoal.objects.filter(pk=goal.pk).update(
            status=GoalStatus.ACHIEVED, version=F("version") + 1, updated_at=timezone.now()
        )
        goal.refresh_from_db()
        _log(
            actor=actor,
            action=Action.UPDATE,
            instance=goal,
            trajectory=trajectory,
            fields=GOAL_FIELDS,
            before=before,
        )
    return review


# ---------------------------------------------------------------------------------------------------------
# Employers and placements


def _check_employer(fields: dict[str, Any], exclude_pk: int | None = None) -> dict[str, Any]:
    errors: dict[str, str] = {}
    cleaned = {k: (v.strip() if isinstance(v, str) else v) for k, v in fields.items()}
    _required_text(errors, "name", cleaned.get("name", ""), _("Vul de naam van de werkgever in."))
    if cleaned.get("kind") not in ("social", "regular"):
        errors["kind"] = _("Kies of dit een sociale onderneming of een reguliere werkgever is.")
    cleaned["postal_code"] = cleaned.get("postal_code", "").replace(" ", "").upper()
    duplicate = Employer.objects.filter(name__iexact=cleaned.get("name", ""), postal_code=cleaned["postal_code"])
    if exclude_pk is not None:
        duplicate = duplicate.exclude(pk=exclude_pk)
    if cleaned.get("name") and duplicate.exists():
        errors["name"] = _("Deze werkgever staat er al in (zelfde naam en postcode). Kies hem uit de lijst.")
    _raise(errors)
    return cleaned


@transaction.atomic
def employer_create(
    *,
    actor: Any,
    name: str,
    kind: str,
    sector: str = "",
    contact_name: str = "",
    contact_phone: str = "",
    contact_email: str = "",
    address: str = "",
    postal_code: str = "",
    city: str = "",
) -> Employer:
    cleaned = _check_employer(
        {
            "name": name,
            "kind": kind,
            "sector": sector,
            "contact_name": contact_name,
            "contact_phone": contact_phone,
            "contact_email": contact_email,
            "address": address,
            "postal_code": postal_code,
            "city": city,
        }
    )
    employer = Employer.objects.create(**cleaned)
    _log(actor=actor, action=Action.CREATE, instance=employer, trajectory=None, fields=EMPLOYER_FIELDS)
    return employer


@transaction.atomic
def employer_update(*, actor: Any, employer: Employer, expected_version: int, **fields: Any) -> Employer:
    cleaned = _check_employer(_merged(employer, EMPLOYER_FIELDS, fields), exclude_pk=employer.pk)
    return _update_logged(
        employer, actor=actor, expected_version=expected_version, changes={k: cleaned[k] for k in EMPLOYER_FIELDS},
        trajectory=None, fields=EMPLOYER_FIELDS,
    )  # fmt: skip


def _check_placement(*, trajectory: Trajectory, data: dict[str, Any]) -> None:
    errors: dict[str, str] = {}
    if data["kind"] not in PlacementKind.values:
        errors["kind"] = _("Kies een soort plek.")
    if data["status"] not in PlacementStatus.values:
        errors["status"] = _("Kies een status.")
    employer = data["employer"]
    if employer is None:
        errors["employer"] = _("Kies een werkgever.")
    start, end = data["start_date"], data["end_date"]
    if start is None:
        errors["start_date"] = _("Vul de startdatum in.")
    elif start < trajectory.registered_on:
        errors["start_date"] = _("De startdatum ligt vóór de aanmelddatum van het traject.")
    if start is not None and end is not None and end < start:
        errors["end_date"] = _("De einddatum ligt vóór de startdatum.")
    if data["status"] in FINISHED_PLACEMENT and end is None:
        errors["end_date"] = _("Vul de einddatum in: de plek is afgerond of gestopt.")
    if data["status"] in FINISHED_PLACEMENT and end is not None and end > timezone.localdate():
        errors["end_date"] = _("Een afgeronde plek kan geen einddatum in de toekomst hebben.")
    if data["status"] == PlacementStatus.RUNNING and start is not None and start > timezone.localdate():
        errors["status"] = _("Een plek die nog moet beginnen heeft de status 'Gepland'.")
    hours = data["hours_per_week"]
    if hours is not None and not (Decimal(0) <= Decimal(hours) <= Decimal(60)):
        errors["hours_per_week"] = _("Vul een aantal uren tussen 0 en 60 in.")
    _raise(errors)


def _propose_for_placement(placement: Placement) -> None:
    if placement.status == PlacementStatus.PLANNED:
        return
    implied = PLACEMENT_IMPLIES.get(placement.kind)
    if implied:
        _propose(placement.trajectory, implied, placement.start_date, placement=placement)
    if placement.kind in PAID_WORK and placement.status in FINISHED_PLACEMENT:
        _propose(placement.trajectory, ResultType.HEEFT_GEWERKT, placement.start_date, placement=placement)


def _propose(
    trajectory: Trajectory,
    result_type: str,
    start_date: date,
    *,
    placement: Placement | None = None,
    provision: Provision | None = None,
) -> ResultProposal | None:
    """Propose a result once per source; nothing when the trajectory already has that result."""
    if Result.objects.filter(trajectory=trajectory, type=result_type).exists():
        return None
    source = {"placement": placement} if placement is not None else {"provision": provision}
    proposal, _created = ResultProposal.objects.get_or_create(
        type=result_type, **source, defaults={"trajectory": trajectory, "start_date": start_date}
    )
    return proposal


@transaction.atomic
def placement_create(
    *,
    actor: Any,
    trajectory: Trajectory,
    kind: str,
    employer: Employer,
    start_date: date,
    status: str = PlacementStatus.RUNNING,
    supervisor: str = "",
    hours_per_week: Decimal | None = None,
    end_date: date | None = None,
    evaluation: str = "",
) -> Placement:
    data = {
        "kind": kind,
        "employer": employer,
        "supervisor": supervisor.strip(),
        "hours_per_week": hours_per_week,
        "start_date": start_date,
        "end_date": end_date,
        "status": status,
        "evaluation": evaluation.strip(),
    }
    _check_placement(trajectory=trajectory, data=data)
    placement = Placement.objects.create(trajectory=trajectory, created_by=actor, **data)
    _log(actor=actor, action=Action.CREATE, instance=placement, trajectory=trajectory, fields=PLACEMENT_FIELDS)
    _propose_for_placement(placement)
    return placement


@transaction.atomic
def placement_update(*, actor: Any, placement: Placement, expected_version: int, **fields: Any) -> Placement:
    trajectory = placement.trajectory
    data = _merged(placement, PLACEMENT_FIELDS, fields, strip=("supervisor", "evaluation"))
    _check_placement(trajectory=trajectory, data=data)
    placement = _update_logged(
        placement, actor=actor, expected_version=expected_version, changes=data, trajectory=trajectory,
        fields=PLACEMENT_FIELDS,
    )  # fmt: skip
    _propose_for_placement(placement)
    return placement


# ---------------------------------------------------------------------------------------------------------
# Provisions


def _check_provision(*, trajectory: Trajectory, data: dict[str, Any]) -> None:
    errors: dict[str, str] = {}
    kind: ProvisionKind | None = data["kind"]
    if kind is None:
        errors["kind"] = _("Kies een voorziening.")
    status = data["status"]
    if status not in ProvisionStatus.values:
        errors["status"] = _("Kies een status.")
    for field, label in (("applied_on", _("De aanvraagdatum")), ("decided_on", _("De besluitdatum"))):
        _not_in_future(errors, field, data[field], label)
    if data["applied_on"] and data["decided_on"] and data["decided_on"] < data["applied_on"]:
        errors["decided_on"] = _("Het besluit ligt vóór de aanvraag.")
    if data["start_date"] and data["end_date"] and data["end_date"] < data["start_date"]:
        errors["end_date"] = _("De einddatum ligt vóór de ingangsdatum.")
    if status == ProvisionStatus.APPLIED and not data["applied_on"]:
        errors["applied_on"] = _("Vul in wanneer de voorziening is aangevraagd.")
    if status in DECIDED_PROVISION and not data["decided_on"]:
        errors["decided_on"] = _("Vul de datum van het besluit in.")
    if status == ProvisionStatus.GRANTED and not data["start_date"]:
        errors["start_date"] = _("Vul in vanaf wanneer de voorziening is toegekend.")
    if status == ProvisionStatus.ENDED and not data["end_date"]:
        errors["end_date"] = _("Vul de einddatum in: de voorziening is beëindigd.")
    _raise(errors)


def _propose_for_provision(provision: Provision) -> None:
    implied = provision.kind.implies_result
    if implied and provision.status == ProvisionStatus.GRANTED:
        start = provision.start_date or provision.decided_on or timezone.localdate()
        _propose(provision.trajectory, implied, start, provision=provision)


@transaction.atomic
def provision_create(
    *,
    actor: Any,
    trajectory: Trajectory,
    kind: ProvisionKind,
    status: str,
    applied_on: date | None = None,
    decided_on: date | None = None,
    start_date: date | None = None,
    end_date: date | None = None,
    decision_reference: str = "",
    note: str = "",
) -> Provision:
    data = {
        "kind": kind,
        "status": status,
        "applied_on": applied_on,
        "decided_on": decided_on,
        "start_date": start_date,
        "end_date": end_date,
        "decision_reference": decision_reference.strip(),
        "note": note.strip(),
    }
    _check_provision(trajectory=trajectory, data=data)
    provision = Provision.objects.create(trajectory=trajectory, created_by=actor, **data)
    _log(actor=actor, action=Action.CREATE, instance=provision, trajectory=trajectory, fields=PROVISION_FIELDS)
    _propose_for_provision(provision)
    return provision


@transaction.atomic
def provision_update(*, actor: Any, provision: Provision, expected_version: int, **fields: Any) -> Provision:
    trajectory = provision.trajectory
    data = _merged(provision, PROVISION_FIELDS, fields, strip=("decision_reference", "note"))
    _check_provision(trajectory=trajectory, data=data)
    provision = _update_logged(
        provision, actor=actor, expected_version=expected_version, changes=data, trajectory=trajectory,
        fields=PROVISION_FIELDS,
    )  # fmt: skip
    _propose_for_provision(provision)
    return provision


# ---------------------------------------------------------------------------------------------------------
# Results


def _check_result(
    *,
    trajectory: Trajectory,
    type: str,
    start_date: date,
    end_date: date | None,
    placement: Placement | None,
    provision: Provision | None,
    exclude_pk: int | None = None,
) -> None:
    errors: dict[str, str] = {}
    if type not in ResultType.values:
        errors["type"] = _("Kies een soort resultaat.")
    if start_date is None:
        errors["start_date"] = _("Vul in vanaf wanneer het resultaat geldt.")
    else:
        _not_in_future(errors, "start_date", start_date, _("De begindatum van een resultaat"))
        if start_date < trajectory.registered_on:
            errors["start_date"] = _("De datum ligt vóór de aanmelddatum van het traject.")
        if end_date is not None and end_date < start_date:
            errors["end_date"] = _("De einddatum ligt vóór de begindatum.")
    if placement is not None and placement.trajectory_id != trajectory.pk:
        errors["placement"] = _("Deze stage of werkplek hoort bij een ander traject.")
    if provision is not None and provision.trajectory_id != trajectory.pk:
        errors["provision"] = _("Deze voorziening hoort bij een ander traject.")
    duplicate = Result.objects.filter(trajectory=trajectory, type=type, start_date=start_date)
    if exclude_pk is not None:
        duplicate = duplicate.exclude(pk=exclude_pk)
    if start_date is not None and "type" not in errors and duplicate.exists():
        errors["type"] = _("Dit resultaat staat al met deze datum in het dossier.")
    _raise(errors)


@transaction.atomic
def result_record(
    *,
    actor: Any,
    trajectory: Trajectory,
    type: str,
    start_date: date,
    end_date: date | None = None,
    note: str = "",
    placement: Placement | None = None,
    provision: Provision | None = None,
) -> Result:
    """Record a result a person has decided on; it counts in the council table from its start date."""
    _check_result(
        trajectory=trajectory,
        type=type,
        start_date=start_date,
        end_date=end_date,
        placement=placement,
        provision=provision,
    )
    result = Result.objects.create(
        trajectory=trajectory,
        type=type,
        start_date=start_date,
        end_date=end_date,
        note=note.strip(),
        placement=placement,
        provision=provision,
        recorded_by=actor,
    )
    _log(actor=actor, action=Action.CREATE, instance=result, trajectory=trajectory, fields=RESULT_FIELDS)
    count_results_again(trajectory)
    # An open proposal for the same outcome is settled by this decision.
    ResultProposal.objects.filter(trajectory=trajectory, type=type, status=ProposalStatus.OPEN).update(
        status=ProposalStatus.CONFIRMED, result=result, decided_by=actor, decided_at=timezone.now(),
        version=F("version") + 1,
    )  # fmt: skip
    return result


@transaction.atomic
def result_update(
    *, actor: Any, result: Result, expected_version: int, start_date: date, end_date: date | None, note: str
) -> Result:
    trajectory = result.trajectory
    _check_result(
        trajectory=trajectory,
        type=result.type,
        start_date=start_date,
        end_date=end_date,
        placement=result.placement,
        provision=result.provision,
        exclude_pk=result.pk,
    )
    updated = _update_logged(
        result, actor=actor, expected_version=expected_version,
        changes={"start_date": start_date, "end_date": end_date, "note": note.strip()}, trajectory=trajectory,
        fields=RESULT_FIELDS,
    )  # fmt: skip
    count_results_again(trajectory)
    return updated


def _settle(proposal: ResultProposal, *, expected_version: int, status: str, actor: Any, result: Result | None) -> None:
    updated = ResultProposal.objects.filter(
        pk=proposal.pk, version=expected_version, status=ProposalStatus.OPEN
    ).update(status=status, result=result, decided_by=actor, decided_at=timezone.now(), version=F("version") + 1)
    if not updated:
        raise StaleVersionError(_("Over dit voorstel is al besloten. Bekijk de resultaten hieronder."))
    proposal.refresh_from_db()


@transaction.atomic
def result_proposal_confirm(
    *,
    actor: Any,
    proposal: ResultProposal,
    expected_version: int,
    start_date: date | None = None,
    note: str = "",
) -> Result:
    """A person confirms what a placement or provision implies; only now does it count."""
    if proposal.status != ProposalStatus.OPEN:
        raise StaleVersionError(_("Over dit voorstel is al besloten. Bekijk de resultaten hieronder."))
    trajectory = proposal.trajectory
    start = start_date or proposal.start_date
    _check_result(
        trajectory=trajectory,
        type=proposal.type,
        start_date=start,
        end_date=None,
        placement=proposal.placement,
        provision=proposal.provision,
    )
    before = snapshot(proposal, ["status"])
    result = Result.objects.create(
        trajectory=trajectory,
        type=proposal.type,
        start_date=start,
        note=note.strip(),
        placement=proposal.placement,
        provision=proposal.provision,
        recorded_by=actor,
    )
    _settle(
        proposal,
        expected_version=expected_version,
        status=ProposalStatus.CONFIRMED,
        actor=actor,
        result=result,
    )
    count_results_again(trajectory)
    _log(actor=actor, action=Action.CREATE, instance=result, trajectory=trajectory, fields=RESULT_FIELDS)
    _log(
        actor=actor,
        action=Action.UPDATE,
        instance=proposal,
        trajectory=trajectory,
        fields=["status"],
        before=before,
    )
    return result


@transaction.atomic
def result_proposal_reject(*, actor: Any, proposal: ResultProposal, expected_version: int) -> ResultProposal:
    """A person decides the implied result does not apply; it is kept as a decision, never counted."""
    before = snapshot(proposal, ["status"])
    _settle(proposal, expected_version=expected_version, status=ProposalStatus.REJECTED, actor=actor, result=None)
    _log(
        actor=actor,
        action=Action.UPDATE,
        instance=proposal,
        trajectory=proposal.trajectory,
        fields=["status"],
        before=before,
    )
    return proposal


# ---------------------------------------------------------------------------------------------------------
# Contact moments


def _check_contact(*, trajectory: Trajectory, data: dict[str, Any]) -> None:
    errors: dict[str, str] = {}
    at: datetime | None = data["at"]
    if at is None:
        errors["at"] = _("Vul datum en tijd in.")
    elif at > timezone.now() + CONTACT_FUTURE_SLACK:
        errors["at"] = _("Een contactmoment kan niet in de toekomst liggen.")
    elif timezone.localdate(at) < trajectory.registered_on:
        errors["at"] = _("De datum ligt vóór de aanmelddatum van het traject.")
    if data["channel"] not in ContactChannel.values:
        errors["channel"] = _("Kies hoe het contact was.")
    if data["with_whom"] not in ContactWith.values:
        errors["with_whom"] = _("Kies met wie het contact was.")
    if data["reached"] and not data["summary"]:
        errors["summary"] = _("Schrijf in een paar woorden wat er besproken is.")
    _raise(errors)


@transaction.atomic
def contact_moment_record(
    *,
    actor: Any,
    trajectory: Trajectory,
    at: datetime,
    channel: str,
    with_whom: str,
    reached: bool,
    summary: str = "",
) -> ContactMoment:
    """Log a contact or a failed attempt; failed attempts need no summary and feed the dropout signals."""
    data = {
        "at": at,
        "channel": channel,
        "with_whom": with_whom,
        "reached": reached,
        "summary": summary.strip(),
    }
    _check_contact(trajectory=trajectory, data=data)
    contact = ContactMoment.objects.create(trajectory=trajectory, recorded_by=actor, **data)
    _log(actor=actor, action=Action.CREATE, instance=contact, trajectory=trajectory, fields=CONTACT_FIELDS)
    return contact


@transaction.atomic
def contact_moment_update(*, actor: Any, contact: ContactMoment, expected_version: int, **fields: Any) -> ContactMoment:
    trajectory = contact.trajectory
    data = _merged(contact, CONTACT_FIELDS, fields, strip=("summary",))
    _check_contact(trajectory=trajectory, data=data)
    return _update_logged(
        contact, actor=actor, expected_version=expected_version, changes=data, trajectory=trajectory,
        fields=CONTACT_FIELDS,
    )  # fmt: skip


# ---------------------------------------------------------------------------------------------------------
# Bottlenecks


def _check_bottleneck(*, trajectory: Trajectory, data: dict[str, Any]) -> None:
    errors: dict[str, str] = {}
    if data["category"] not in BottleneckCategory.values:
        errors["category"] = _("Kies de soort knelpunt.")
    domains = data["domains"]
    if not domains or any(d not in Domain.values for d in domains):
        errors["domains"] = _("Kies de domeinen waar het knelpunt tussen zit (minstens één).")
    if not data["description"]:
        errors["description"] = _("Beschrijf het knelpunt.")
    if data["status"] not in BottleneckStatus.values:
        errors["status"] = _("Kies een status.")
    if data["status"] == BottleneckStatus.SOLVED and not data["resolution"]:
        errors["resolution"] = _("Schrijf op hoe het is opgelost, zodat anderen ervan leren.")
    noticed_on = data["noticed_on"]
    if noticed_on is None:
        errors["noticed_on"] = _("Vul in wanneer het knelpunt is gesignaleerd.")
    else:
        _not_in_future(errors, "noticed_on", noticed_on, _("De datum"))
        if noticed_on < trajectory.registered_on:
            errors["noticed_on"] = _("De datum ligt vóór de aanmelddatum van het traject.")
    _raise(errors)


def _domains(domains: Iterable[str]) -> list[str]:
    order = list(Domain.values)
    unique = set(domains)
    return sorted(unique, key=lambda d: order.index(d) if d in order else len(order))


@transaction.atomic
def bottleneck_record(
    *,
    actor: Any,
    trajectory: Trajectory,
    category: str,
    domains: Iterable[str],
    description: str,
    noticed_on: date,
    status: str = BottleneckStatus.OPEN,
    resolution: str = "",
) -> Bottleneck:
    data = {
        "category": category,
        "domains": _domains(domains),
        "description": description.strip(),
        "status": status,
        "resolution": resolution.strip(),
        "noticed_on": noticed_on,
    }
    _check_bottleneck(trajectory=trajectory, data=data)
    bottleneck = Bottleneck.objects.create(trajectory=trajectory, recorded_by=actor, **data)
    _log(
        actor=actor,
        action=Action.CREATE,
        instance=bottleneck,
        trajectory=trajectory,
        fields=BOTTLENECK_FIELDS,
    )
    return bottleneck


@transaction.atomic
def bottleneck_update(*, actor: Any, bottleneck: Bottleneck, expected_version: int, **fields: Any) -> Bottleneck:
    trajectory = bottleneck.trajectory
    data = _merged(bottleneck, BOTTLENECK_FIELDS, fields, strip=("description", "resolution"))
    data["domains"] = _domains(data["domains"])
    _check_bottleneck(trajectory=trajectory, data=data)
    return _update_logged(
        bottleneck, actor=actor, expected_version=expected_version, changes=data, trajectory=trajectory,
        fields=BOTTLENECK_FIELDS,
    )  # fmt: skip
