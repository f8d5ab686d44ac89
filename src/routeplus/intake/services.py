"""Writing intake: registration with eligibility and placement, admission from the waiting list, priority, budget.

Placement and admission run under a lock on the capacity area's row (select_for_update; on SQLite the
IMMEDIATE transaction mode already serialises writers), so two admissions for the last place cannot
both succeed.
"""

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from routeplus.accounts.models import Municipality, Organisation, Role
from routeplus.audit.models import Action
from routeplus.audit.services import change_log_record, snapshot
from routeplus.intake import eligibility, schoollist
from routeplus.intake.eligibility import Facts, add_months
from routeplus.intake.models import (
    BudgetKind,
    BudgetLine,
    CapacityArea,
    PriorityMove,
    Registration,
    SchoolListUpload,
    TrajectoryCost,
)
from routeplus.intake.selectors import area_for, capacity_for_area, waiting_queryset
from routeplus.monitor.tabular import Problem
from routeplus.participants.models import Participant
from routeplus.participants.services import participant_create
from routeplus.trajectories.models import Route, Status, Trajectory
from routeplus.trajectories.services import team_member_add, trajectory_change_status, trajectory_register

# Registration date decides the order on the waiting list, so it can be set back only a little.
MAX_BACKDATE_DAYS = 30
MIN_REASON_LENGTH = 10
REGISTRATION_FIELDS = [
    "school",
    "school_type",
    "left_school_on",
    "outflow_profile",
    "municipality",
    "reason",
    "expected_start",
    "expected_end",
    "eligibility",
    "has_exception",
    "exception_rules",
    "exception_reason",
    "outcome",
]


@dataclass(frozen=True)
class NewPerson:
    """The personal details of a participant who is not yet in routeplus."""

    given_name: str
    family_name: str
    birth_date: date
    bsn: str = ""
    phone: str = ""
    email: str = ""


def duplicates_find(*, given_name: str, family_name: str, birth_date: date | None, bsn: str = "") -> list[Participant]:
    """Participants that may be the same person: same BSN, or same family name and birth date.

    The given name is not compared exactly: a nickname or a typo in it is the common case of a duplicate.
    """
    condition = Q(pk__in=[])
    if bsn.strip():
        condition |= Q(bsn=bsn.strip())
    if family_name.strip() and birth_date is not None:
        condition |= Q(family_name__iexact=family_name.strip(), birth_date=birth_date)
    return list(Participant.objects.filter(condition).select_related("school", "municipality").order_by("id")[:5])


def _lock(area: CapacityArea) -> None:
    """Hold the area's row until the transaction ends; every placement in the area waits for it."""
    CapacityArea.objects.select_for_update().filter(pk=area.pk).values_list("pk", flat=True).get()


def _admit_now(*, area: CapacityArea | None) -> bool:
    """Admit a new registration directly only when a place is free that nobody on the waiting list is due."""
    if area is None:
        return True
    _lock(area)
    capacity = capacity_for_area(area=area)
    return capacity.free > capacity.waiting


def _expected_end(registration: Registration | None, route: Route, admitted_on: date) -> date:
    start = admitted_on
    if registration is not None and registration.expected_start and registration.expected_start > start:
        start = registration.expected_start
    return add_months(start, eligibility.rule_config(route).expected_duration_months)


@dataclass(frozen=True)
class RegistrationCheck:
    """What the rules of a registration say: errors per field, the eligibility results, possible duplicates."""

    errors: dict[str, str]
    results: list[eligibility.RuleResult]
    failed: list[eligibility.RuleResult]
    matches: list[Participant]


def registration_check(
    *,
    actor_role: str,
    route: Route,
    registered_on: date,
    school_type: str,
    outflow_profile: str,
    municipality: Municipality,
    reason: str,
    left_school_on: date | None = None,
    expected_start: date | None = None,
    participant: Participant | None = None,
    person: NewPerson | None = None,
    confirmed_distinct: bool = False,
    case_lead: Any = None,
    exception_reason: str = "",
    config: eligibility.RuleConfig | None = None,
) -> RegistrationCheck:
    """Every rule of a registration, without writing: the single form and the school list both check here.

    config lets a caller that checks many registrations for one route load the route's settings once.
    """
    today = timezone.localdate()
    reason = reason.strip()
    exception_reason = exception_reason.strip()
    errors: dict[str, str] = {}
    if (participant is None) == (person is None):
        raise ValidationError(_("Kies een bestaande jongere of vul de gegevens van een nieuwe jongere in."))
    if not reason:
        errors["reason"] = _("Schrijf kort op waarom de jongere wordt aangemeld.")
    if registered_on > today:
        errors["registered_on"] = _("De aanmelddatum kan niet in de toekomst liggen.")
    elif (today - registered_on).days > MAX_BACKDATE_DAYS:
        errors["registered_on"] = _(
            "De aanmelddatum mag hoogstens %(days)s dagen terug liggen: de datum bepaalt de volgorde op de wachtlijst."
        ) % {"days": MAX_BACKDATE_DAYS}
    if expected_start and expected_start < registered_on:
        errors["expected_start"] = _("De verwachte start ligt vóór de aanmelddatum.")
    if actor_role == Role.SCHOOL_COORDINATOR and case_lead is None:
        errors["case_lead"] = _("Kies de regisseur die het traject gaat leiden.")
    matches: list[Participant] = []
    if person is not None:
        matches = duplicates_find(
            given_name=person.given_name, family_name=person.family_name, birth_date=person.birth_date, bsn=person.bsn
        )
        if person.bsn and any(match.bsn == person.bsn for match in matches):
            errors["bsn"] = _(
                "Er is al een jongere met dit BSN. Kies die jongere in plaats van een nieuwe aan te maken."
            )
        elif matches and not confirmed_distinct:
            errors["family_name"] = _(
                "Er is al een jongere met deze achternaam en geboortedatum. Kies "
                "die jongere, of bevestig dat het iemand anders is."
            )
    birth_date = participant.birth_date if participant is not None else person.birth_date  # type: ignore[union-attr]
    facts = Facts(
        registered_on=registered_on,
        birth_date=birth_date,
        school_type=school_type,
        left_school_on=left_school_on,
        outflow_profile=outflow_profile,
        municipality=municipality,
    )
    results = eligibility.check(config or eligibility.rule_config(route), facts)
    failed = eligibility.failed(results)
    if failed:
        if actor_role != Role.CASE_LEAD:
            errors["exception_reason"] = _(
                "De aanmelding voldoet niet aan: %(rules)s. Alleen een regisseur kan een "
                "uitzondering vastleggen; vraag de regisseur om de aanmelding te doen."
            ) % {"rules": ", ".join(result.title.lower() for result in failed)}
        elif len(exception_reason) < MIN_REASON_LENGTH:
            errors["exception_reason"] = _(
                "De aanmelding voldoet niet aan: %(rules)s. Onderbouw de uitzondering "
                "in minstens %(n)s tekens, of pas de gegevens aan."
            ) % {"rules": ", ".join(result.title.lower() for result in failed), "n": MIN_REASON_LENGTH}
    return RegistrationCheck(errors=errors, results=results, failed=failed, matches=matches)


@transaction.atomic
def registration_submit(
    *,
    actor: Any,
    actor_role: str,
    route: Route,
    registered_on: date,
    school: Organisation | None,
    school_type: str,
    outflow_profile: str,
    municipality: Municipality,
    reason: str,
    left_school_on: date | None = None,
    expected_start: date | None = None,
    participant: Participant | None = None,
    person: NewPerson | None = None,
    confirmed_distinct: bool = False,
    case_lead: Any = None,
    exception_reason: str = "",
    config: eligibility.RuleConfig | None = None,
) -> Registration:
    """Register a participant (existing, or new) for a route: check eligibility, then admit or put on the list.

    A failed rule needs a documented exception by a case lead. A new person who looks like an existing
    participant (same family name and birth date) is only created when the user confirmed it is someone else;
    a person with a known BSN always has to be the existing participant.
    """
    today = timezone.localdate()
    reason = reason.strip()
    exception_reason = exception_reason.strip()
    checked = registration_check(
        actor_role=actor_role,
        route=route,
        registered_on=registered_on,
        school_type=school_type,
        outflow_profile=outflow_profile,
        municipality=municipality,
        reason=reason,
        left_school_on=left_school_on,
        expected_start=expected_start,
        participant=participant,
        person=person,
        confirmed_distinct=confirmed_distinct,
        case_lead=case_lead,
        exception_reason=exception_reason,
        config=config,
    )
    if checked.errors:
        raise ValidationError(checked.errors)
    results, failed = checked.results, checked.failed

    if person is not None:
        participant = participant_create(
            actor=actor,
            given_name=person.given_name,
            family_name=person.family_name,
            birth_date=person.birth_date,
            bsn=person.bsn,
            school=school,
            school_type=school_type,
            outflow_profile=outflow_profile,
            municipality=municipality,
            phone=person.phone,
            email=person.email,
        )
    assert participant is not None
    trajectory = trajectory_register(
        actor=actor,
        participant=participant,
        route=route,
        municipality=municipality,
        registered_on=registered_on,
        actor_role=actor_role,
    )
    if case_lead is not None and not (case_lead == actor and actor_role == Role.CASE_LEAD):
        team_member_add(
            actor=actor, trajectory=trajectory, user=case_lead, role=Role.CASE_LEAD, start_date=registered_on
        )

    admitted = _admit_now(area=area_for(route=route, municipality=municipality))
    registration = Registration(
        trajectory=trajectory,
        school=school,
        school_type=school_type,
        left_school_on=left_school_on,
        outflow_profile=outflow_profile,
        municipality=municipality,
        reason=reason,
        expected_start=expected_start,
        eligibility=[result.as_json() for result in results],
        has_exception=bool(failed),
        exception_rules=[result.code for result in failed],
        exception_reason=exception_reason if failed else "",
        exception_by=actor if failed else None,
        outcome=Registration.Outcome.ADMITTED if admitted else Registration.Outcome.WAITING,
        registered_by=actor,
    )
    if admitted:
        registration.admitted_at = timezone.now()
        registration.admitted_by = actor
        registration.expected_end = _expected_end(registration, route, today)
    _move(actor=actor, trajectory=trajectory, admitted=admitted, on=today)
    registration.full_clean(exclude=["trajectory"])
    registration.save()
    change_log_record(
        actor=actor,
        action=Action.CREATE,
        instance=registration,
        participant_ref=str(participant.uuid),
        after=snapshot(registration, REGISTRATION_FIELDS),
    )
    return registration


def _move(*, actor: Any, trajectory: Trajectory, admitted: bool, on: date) -> Trajectory:
    return trajectory_change_status(
        actor=actor,
        trajectory=trajectory,
        to_status=Status.INTAKE if admitted else Status.WAITING,
        effective_date=on,
        reason=_("Aangemeld en toegelaten: er was een plek vrij.")
        if admitted
        else _("Aangemeld; geen vrije plek, dus op de wachtlijst."),
        expected_version=trajectory.version,
    )


@transaction.atomic
def trajectory_place(*, actor: Any, trajectory: Trajectory) -> Trajectory:
    """Admit a registered trajectory made outside the registration form (import, demo), or put it on the list.

    The same rule as for a registration: admitted only when a place is free that nobody waiting is due.
    """
    if trajectory.status != Status.REGISTERED:
        raise ValidationError({"trajectory": _("Alleen een nieuwe aanmelding kan worden geplaatst.")})
    admitted = _admit_now(area=area_for(route=trajectory.route, municipality=trajectory.municipality))
    return _move(actor=actor, trajectory=trajectory, admitted=admitted, on=timezone.localdate())


@transaction.atomic
def waiting_list_admit(*, actor: Any, trajectory: Trajectory) -> Trajectory:
    """Admit the first in line to intake when the area has a free place; never past capacity, never out of turn."""
    area = area_for(route=trajectory.route, municipality=trajectory.municipality)
    if area is not None:
        _lock(area)
    current = Trajectory.objects.select_related("participant", "route").get(pk=trajectory.pk)
    if current.status != Status.WAITING:
        raise ValidationError({"trajectory": _("Deze jongere staat niet (meer) op de wachtlijst.")})
    if area is not None:
        first = waiting_queryset(area).values_list("pk", flat=True).first()
        if first != current.pk:
            raise ValidationError(
                {
                    "trajectory": _(
                        "Alleen wie bovenaan de wachtlijst staat, kan worden toegelaten. Wie "
                        "eerder moet, krijgt eerst voorrang met een reden."
                    )
                }
            )
        capacity = capacity_for_area(area=area)
        if capacity.free < 1:
            raise ValidationError(
                {
                    "trajectory": _(
                        "Er is geen vrije plek: %(used)s van %(funded)s plekken zijn bezet. "
                        "Toelaten kan als er een traject stopt of het budget groeit."
                    )
                    % {"used": capacity.used, "funded": capacity.funded}
                }
            )
    today = timezone.localdate()
    updated = trajectory_change_status(
        actor=actor,
        trajectory=current,
        to_status=Status.INTAKE,
        effective_date=today,
        reason=_("Toegelaten van de wachtlijst: er is een plek vrij."),
        expected_version=current.version,
    )
    registration = Registration.objects.filter(trajectory=current).first()
    if registration is not None:
        before = snapshot(registration, ["expected_end"])
        registration.admitted_at = timezone.now()
        registration.admitted_by = actor
        registration.expected_end = _expected_end(registration, current.route, today)
        registration.save(update_fields=["admitted_at", "admitted_by", "expected_end"])
        change_log_record(
            actor=actor,
            action=Action.UPDATE,
            instance=registration,
            participant_ref=str(current.participant.uuid),
            before=before,
            after=snapshot(registration, ["expected_end"]),
        )
    return updated


@transaction.atomic
def waiting_list_prioritise(*, actor: Any, trajectory: Trajectory, reason: str) -> PriorityMove:
    """Move someone to the front of the waiting list; only with a written reason, which is kept and shown."""
    reason = reason.strip()
    if len(reason) < MIN_REASON_LENGTH:
        raise ValidationError(
            {"reason": _("Schrijf op waarom deze jongere voorgaat (minstens %(n)s tekens).") % {"n": MIN_REASON_LENGTH}}
        )
    area = area_for(route=trajectory.route, municipality=trajectory.municipality)
    if area is None:
        raise ValidationError({"reason": _("Voor deze route en gemeente is er geen wachtlijst.")})
    _lock(area)
    order = list(waiting_queryset(area).values_list("pk", flat=True))
    if trajectory.pk not in order:
        raise ValidationError({"reason": _("Deze jongere staat niet (meer) op de wachtlijst.")})
    position = order.index(trajectory.pk) + 1
    if position == 1:
        raise ValidationError({"reason": _("Deze jongere staat al bovenaan de wachtlijst.")})
    move = PriorityMove.objects.create(trajectory=trajectory, reason=reason, position_before=position, moved_by=actor)
    change_log_record(
        actor=actor,
        action=Action.CREATE,
        instance=move,
        participant_ref=str(trajectory.participant.uuid),
        after={"trajectory": str(trajectory.uuid), "reason": reason, "position_before": position},
    )
    return move


@transaction.atomic
def budget_line_create(
    *,
    actor: Any,
    area: CapacityArea,
    year: int,
    amount: Decimal,
    kind: str,
    source: str,
    decision_reference: str,
    places: int | None = None,
    note: str = "",
) -> BudgetLine:
    """Add money (and so places) to an area's year. The next in line is proposed as soon as places are free."""
    if kind not in BudgetKind.values:
        raise ValidationError({"kind": _("Kies structureel of incidenteel.")})
    line = BudgetLine(
        area=area,
        year=year,
        amount=amount,
        kind=kind,
        source=source.strip(),
        decision_reference=decision_reference.strip(),
        places=places,
        note=note.strip(),
    )
    line.full_clean()
    line.save()
    change_log_record(
        actor=actor,
        action=Action.CREATE,
        instance=line,
        after=snapshot(line, ["area", "year", "amount", "kind", "source", "decision_reference", "places"]),
    )
    return line


SCHOOL_LIST_HOURS = 24


class SchoolListImportError(ValidationError):
    """The school list was refused; `problems` lists every place to fix. Nothing was written."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = sorted(problems)
        super().__init__([str(p) for p in self.problems])


@transaction.atomic
def school_list_upload(
    *,
    actor: Any,
    school: Organisation,
    route: Route,
    case_lead: Any,
    file_name: str,
    content: bytes,
    default_reason: str,
) -> SchoolListUpload:
    """Check a school list and keep it, with every problem, as the preview the coordinator will confirm.

    The uploader's earlier previews and every preview older than a day are removed: they hold personal data.
    """
    checked = schoollist.school_list_read(
        content, file_name, school=school, route=route, case_lead=case_lead, default_reason=default_reason
    )
    schoollist.school_list_previews_purge()
    SchoolListUpload.objects.filter(state=SchoolListUpload.State.PREVIEW, uploaded_by=actor).delete()
    return SchoolListUpload.objects.create(
        school=school,
        route=route,
        case_lead=case_lead,
        uploaded_by=actor,
        file_name=file_name[:200],
        rows=[schoollist.to_json(values) for values in checked.rows],
        problems=[[p.row, p.column, p.message] for p in checked.problems],
    )


@transaction.atomic
def school_list_import(*, actor: Any, upload: SchoolListUpload) -> list[Registration]:
    """Register every pupil of a confirmed school list, all or nothing, exactly as shown in the preview.

    Each row goes through registration_submit, so every rule is checked again at this moment (the list may have
    been previewed a while ago). A single refused row refuses the whole list: SchoolListImportError names
    every row and column, and the transaction writes nothing.
    """
    current = SchoolListUpload.objects.select_for_update().get(pk=upload.pk)
    source = current.file_name
    if current.uploaded_by_id != actor.pk:
        raise SchoolListImportError([Problem(source, 0, "", _("Alleen wie de lijst inlas, kan haar bevestigen."))])
    if current.state != SchoolListUpload.State.PREVIEW:
        raise SchoolListImportError([Problem(source, 0, "", _("Deze lijst is al ingelezen."))])
    if current.created_at < timezone.now() - timedelta(hours=SCHOOL_LIST_HOURS):
        raise SchoolListImportError(
            [Problem(source, 0, "", _("Dit voorbeeld is verlopen. Lees het bestand opnieuw in."))]
        )
    if current.problems or not current.rows:
        raise SchoolListImportError(
            [Problem(source, 0, "", _("Deze lijst heeft nog problemen. Verbeter het bestand en lees het opnieuw in."))]
        )
    config = eligibility.rule_config(current.route)
    municipalities = Municipality.objects.in_bulk([row["municipality_id"] for row in current.rows])
    problems: list[Problem] = []
    registrations: list[Registration] = []
    for stored in current.rows:
        values = schoollist.from_json(stored)
        try:
            with transaction.atomic():
                registrations.append(
                    registration_submit(
                        actor=actor,
                        actor_role=Role.SCHOOL_COORDINATOR,
                        route=current.route,
                        registered_on=timezone.localdate(),
                        school=current.school,
                        **schoollist.registration_fields(values, municipalities),
                        case_lead=current.case_lead,
                        config=config,
                    )
                )
        except ValidationError as error:
            fields = error.message_dict if hasattr(error, "error_dict") else {"": error.messages}
            for name, messages in fields.items():
                column = schoollist.FIELD_COLUMNS.get(name, "")
                problems += [Problem(source, values["row"], column, message) for message in messages]
    if problems:
        transaction.set_rollback(True)
        raise SchoolListImportError(problems)
    SchoolListUpload.objects.filter(pk=current.pk).update(
        state=SchoolListUpload.State.IMPORTED, rows=[], imported_count=len(registrations)
    )
    change_log_record(
        actor=actor,
        action=Action.UPDATE,
        instance=current,
        before={"state": SchoolListUpload.State.PREVIEW},
        after={"state": SchoolListUpload.State.IMPORTED, "imported_count": len(registrations)},
    )
    return registrations


@transaction.atomic
def trajectory_cost_set(*, actor: Any, route: Route, year: int, amount: Decimal, source: str) -> TrajectoryCost:
    """Set what one trajectory-year of a route costs in a year (turns budget into places); kept in the change log."""
    cost = TrajectoryCost.objects.filter(route=route, year=year).first()
    before = snapshot(cost, ["amount", "source"]) if cost is not None else {}
    if cost is None:
        cost = TrajectoryCost(route=route, year=year)
    cost.amount = amount
    cost.source = source.strip()
    cost.full_clean()
    cost.save()
    change_log_record(
        actor=actor,
        action=Action.UPDATE if before else Action.CREATE,
        instance=cost,
        before=before,
        after=snapshot(cost, ["amount", "source"]),
    )
    return cost
