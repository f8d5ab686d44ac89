"""Writing trajectories: registration, status moves through the transition table, and the team."""

from datetime import date, timedelta
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from routeplus.accounts.models import Membership, Municipality, Role
from routeplus.audit.models import Action
from routeplus.audit.services import change_log_record, snapshot
from routeplus.participants.models import Participant
from routeplus.trajectories.models import TRANSITIONS, Route, Status, StatusChange, TeamMember, Trajectory

TRAJECTORY_FIELDS = ["route", "municipality", "registered_on", "start_date", "end_date", "end_reason", "status"]
REASON_REQUIRED = frozenset({Status.CLOSED})


class StaleVersionError(ValidationError):
    """The record changed since the user loaded it; their save is refused so nothing is overwritten."""


def _membership_for(user: Any, role: str) -> Membership:
    membership = Membership.objects.filter(user=user, role=role, is_active=True).select_related("organisation").first()
    if membership is None:
        raise ValidationError(
            {"user": _("Deze persoon heeft geen actieve rol als %(role)s.") % {"role": Role(role).label}}
        )
    return membership


@transaction.atomic
def trajectory_register(
    *,
    actor: Any,
    participant: Participant,
    route: Route,
    municipality: Municipality,
    registered_on: date,
    actor_role: str,
) -> Trajectory:
    """Register a participant for a route; the registering professional joins the team."""
    if registered_on > timezone.localdate():
        raise ValidationError({"registered_on": _("De aanmelddatum kan niet in de toekomst liggen.")})
    if Trajectory.objects.filter(participant=participant, route=route).exclude(status=Status.CLOSED).exists():
        raise ValidationError(
            {"route": _("Deze jongere heeft al een lopend traject in %(route)s.") % {"route": route.name}}
        )
    trajectory = Trajectory(
        participant=participant,
        route=route,
        municipality=municipality,
        registered_on=registered_on,
        status=Status.REGISTERED,
    )
    trajectory.full_clean(validate_constraints=False)
    try:
        with transaction.atomic():
            trajectory.save()
    except IntegrityError as exc:  # a concurrent registration won the race for the one open trajectory
        raise ValidationError(
            {"route": _("Deze jongere heeft al een lopend traject in %(route)s.") % {"route": route.name}}
        ) from exc
    StatusChange.objects.create(
        trajectory=trajectory,
        from_status="",
        to_status=Status.REGISTERED,
        effective_date=registered_on,
        reason=_("Aangemeld"),
        changed_by=actor,
    )
    change_log_record(
        actor=actor,
        action=Action.CREATE,
        instance=trajectory,
        participant_ref=str(participant.uuid),
        after=snapshot(trajectory, TRAJECTORY_FIELDS),
    )
    if actor_role in Role.case_roles():
        team_member_add(actor=actor, trajectory=trajectory, user=actor, role=actor_role, start_date=registered_on)
    return trajectory


@transaction.atomic
def trajectory_change_status(
    *,
    actor: Any,
    trajectory: Trajectory,
    to_status: str,
    effective_date: date,
    reason: str,
    expected_version: int,
) -> Trajectory:
    """Move the status along the transition table, keep the move as history, refuse a stale version."""
    from_status = trajectory.status
    reason = reason.strip()
    reopening = from_status == Status.CLOSED
    if to_status not in TRANSITIONS[from_status]:
        raise ValidationError(
            {
                "to_status": _("Van %(from)s naar %(to)s kan niet.")
                % {
                    "from": Status(from_status).label,
                    "to": Status(to_status).label if to_status in Status else to_status,
                }
            }
        )
    if (to_status in REASON_REQUIRED or reopening) and not reason:
        raise ValidationError({"reason": _("Geef een reden op voor deze statuswijziging.")})
    if effective_date < trajectory.registered_on:
        raise ValidationError({"effective_date": _("De datum ligt vóór de aanmelddatum van het traject.")})
    if effective_date > timezone.localdate():
        raise ValidationError({"effective_date": _("De datum kan niet in de toekomst liggen.")})

    before = snapshot(trajectory, TRAJECTORY_FIELDS)
    changes: dict[str, Any] = {"status": to_status}
    if to_status == Status.ACTIVE and not reopening:
        changes["start_date"] = effective_date
    if to_status == Status.CLOSED:
        if trajectory.start_date and effective_date < trajectory.start_date:
            raise ValidationError({"effective_date": _("De einddatum ligt vóór de startdatum van het traject.")})
        changes["end_date"] = effective_date
        changes["end_reason"] = reason[:200]
    if reopening:
        if (
            Trajectory.objects.filter(participant_id=trajectory.participant_id, route_id=trajectory.route_id)
            .exclude(status=Status.CLOSED)
            .exists()
        ):
            raise ValidationError({"to_status": _("Er loopt al een ander traject in deze route voor deze jongere.")})
        changes["end_date"] = None
        changes["end_reason"] = ""
        if to_status == Status.ACTIVE and trajectory.start_date is None:
            raise ValidationError({"to_status": _("Dit traject is nooit gestart; heropen het als aanmelding.")})

    updated = Trajectory.objects.filter(pk=trajectory.pk, version=expected_version).update(
        **changes, version=F("version") + 1, updated_at=timezone.now()
    )
    if not updated:
        raise StaleVersionError(
            _("Iemand anders heeft dit traject intussen gewijzigd. Bekijk de nieuwe stand en probeer het opnieuw.")
        )
    trajectory.refresh_from_db()
    from routeplus.casefile.services import count_results_again, reevaluate_signals_after_commit

    reevaluate_signals_after_commit(trajectory)
    if "start_date" in changes:
        count_results_again(trajectory)
    StatusChange.objects.create(
        trajectory=trajectory,
        from_status=from_status,
        to_status=to_status,
        effective_date=effective_date,
        reason=reason,
        changed_by=actor,
    )
    change_log_record(
        actor=actor,
        action=Action.UPDATE,
        instance=trajectory,
        participant_ref=str(trajectory.participant.uuid),
        before=before,
        after=snapshot(trajectory, TRAJECTORY_FIELDS),
    )
    return trajectory


@transaction.atomic
def team_member_add(*, actor: Any, trajectory: Trajectory, user: Any, role: str, start_date: date) -> TeamMember:
    """Put a professional on the team in one of the case roles they hold in an organisation."""
    if role not in Role.case_roles():
        raise ValidationError({"role": _("Alleen regie, stagecoördinator en jobcoach kunnen in een team.")})
    membership = _membership_for(user, role)
    if TeamMember.objects.filter(trajectory=trajectory, user=user, role=role, end_date__isnull=True).exists():
        raise ValidationError({"user": _("Deze persoon staat al met deze rol in het team.")})
    member = TeamMember.objects.create(
        trajectory=trajectory, user=user, organisation=membership.organisation, role=role, start_date=start_date
    )
    change_log_record(
        actor=actor,
        action=Action.CREATE,
        instance=member,
        participant_ref=str(trajectory.participant.uuid),
        after=snapshot(member, ["user", "role", "organisation", "start_date"]),
    )
    return member


@transaction.atomic
def team_member_end(*, actor: Any, member: TeamMember, end_date: date) -> TeamMember:
    """End someone's place on the team; the last case lead cannot leave without a successor."""
    if member.end_date is not None:
        raise ValidationError({"member": _("Dit teamlid is al gestopt.")})
    if end_date < member.start_date:
        raise ValidationError({"end_date": _("De einddatum ligt vóór de startdatum van dit teamlid.")})
    if member.role == Role.CASE_LEAD and member.trajectory.is_open:
        other_leads = TeamMember.objects.filter(
            trajectory=member.trajectory, role=Role.CASE_LEAD, end_date__isnull=True
        ).exclude(pk=member.pk)
        if not other_leads.exists():
            raise ValidationError(
                {"member": _("Een lopend traject heeft altijd een regisseur. Voeg eerst een andere regisseur toe.")}
            )
    before = snapshot(member, ["end_date"])
    member.end_date = end_date
    member.save(update_fields=["end_date"])
    change_log_record(
        actor=actor,
        action=Action.UPDATE,
        instance=member,
        participant_ref=str(member.trajectory.participant.uuid),
        before=before,
        after=snapshot(member, ["end_date"]),
    )
    return member


DEFAULT_OVERLAP_DAYS = 42


@transaction.atomic
def trajectory_handover(
    *,
    actor: Any,
    trajectory: Trajectory,
    to_route: Route,
    to_municipality: Municipality,
    handover_date: date,
    new_case_lead: Any,
    what_to_know: str,
    introductions: str = "",
    overlap_days: int = DEFAULT_OVERLAP_DAYS,
) -> Trajectory:
    """A warm handover to another route or, after moving house, to another municipality.

    Creates the next trajectory linked to this one, closes this one on the same day (no gap), puts the new case
    lead on the new team, and lets the previous team read the new file until the overlap ends.
    """
    from routeplus.participants.services import participant_update
    from routeplus.trajectories.models import Handover, HandoverKind
    from routeplus.trajectories.selectors import municipalities_offering, route_offered

    errors: dict[str, str] = {}
    if trajectory.status not in (Status.INTAKE, Status.ACTIVE):
        errors["trajectory"] = _("Alleen een traject in intake of actief kan worden overgedragen.")
    moving = to_municipality.pk != trajectory.municipality_id
    if to_route.pk == trajectory.route_id and not moving:
        errors["to_route"] = _("Kies een andere route, of bij een verhuizing de nieuwe gemeente.")
    if not route_offered(route=to_route, municipality=to_municipality, on=handover_date):
        offered = ", ".join(m.name for m in municipalities_offering(route=to_route, on=handover_date)) or "–"
        errors["to_municipality"] = _("%(route)s wordt niet aangeboden in %(municipality)s. Wel in: %(offered)s.") % {
            "route": to_route.name,
            "municipality": to_municipality.name,
            "offered": offered,
        }
    if not what_to_know.strip():
        errors["what_to_know"] = _("Schrijf op wat het nieuwe team moet weten.")
    if not 0 <= overlap_days <= 183:
        errors["overlap_days"] = _("De overlap is 0 tot en met 183 dagen.")
    if handover_date < (trajectory.start_date or trajectory.registered_on) or handover_date > timezone.localdate():
        errors["handover_date"] = _("De overdrachtsdatum ligt tussen de start van het traject en vandaag.")
    if errors:
        raise ValidationError(errors)

    status_before = trajectory.status
    reason = _("Overgedragen naar %(route)s (%(municipality)s)") % {
        "route": to_route.name,
        "municipality": to_municipality.name,
    }
    closed = trajectory_change_status(
        actor=actor,
        trajectory=trajectory,
        to_status=Status.CLOSED,
        effective_date=handover_date,
        reason=reason,
        expected_version=trajectory.version,
    )
    successor = Trajectory(
        participant=trajectory.participant,
        route=to_route,
        municipality=to_municipality,
        registered_on=handover_date,
        start_date=handover_date if status_before == Status.ACTIVE else None,
        status=status_before,
        previous=closed,
    )
    successor.full_clean(validate_constraints=False)
    successor.save()
    StatusChange.objects.create(
        trajectory=successor,
        from_status="",
        to_status=successor.status,
        effective_date=handover_date,
        reason=_("Warme overdracht vanuit %(route)s") % {"route": trajectory.route.name},
        changed_by=actor,
    )
    change_log_record(
        actor=actor,
        action=Action.CREATE,
        instance=successor,
        participant_ref=str(trajectory.participant.uuid),
        after=snapshot(successor, TRAJECTORY_FIELDS),
    )
    team_member_add(
        actor=actor, trajectory=successor, user=new_case_lead, role=Role.CASE_LEAD, start_date=handover_date
    )
    Handover.objects.create(
        from_trajectory=closed,
        to_trajectory=successor,
        kind=HandoverKind.MOVE if moving else HandoverKind.ROUTE,
        handover_date=handover_date,
        overlap_until=handover_date + timedelta(days=overlap_days),
        what_to_know=what_to_know.strip(),
        introductions=introductions.strip(),
        created_by=actor,
    )
    if moving and trajectory.participant.municipality_id != to_municipality.pk:
        participant_update(actor=actor, participant=trajectory.participant, municipality=to_municipality)
    return successor
