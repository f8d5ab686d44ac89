"""Who may see which trajectory's case file, and who may change it. Every case-file read passes here.

Access is granted per trajectory: a professional sees a case file while they are on its team (and hold an
active membership with a case role); a school coordinator also sees registrations (not yet started) of
pupils of their own school. After a warm handover the previous team may read (never change) the new case
file until the overlap ends (Handover.overlap_until). Policy users, researchers and functional
administrators see no case file.
"Not there" and "not yours" both raise Http404, and both are logged.
"""

from datetime import date
from typing import Any
from uuid import UUID

from django.db.models import F, Q, QuerySet
from django.http import Http404, HttpRequest
from django.utils import timezone

from routeplus.access.policy import CASE_FILE as POLICY_CASE_FILE
from routeplus.access.policy import policy, relation_to
from routeplus.accounts.models import Membership, Role
from routeplus.accounts.selectors import active_memberships
from routeplus.audit.models import Action, Result
from routeplus.audit.services import Origin, access_log_append
from routeplus.conf.compiled import CompiledQuery
from routeplus.trajectories.models import Status, TeamMember, Trajectory

CASE_FILE = "case_file"
REGISTRATION_STATUSES = (Status.REGISTERED, Status.WAITING)
READING_ACTIONS = frozenset({Action.READ, Action.SEARCH})


def active_roles(user: Any) -> frozenset[str]:
    """The roles of the user's active memberships, cached on the user object for one request."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return frozenset()
    cached = getattr(user, "_active_roles_cache", None)
    if cached is None:
        cached = frozenset(membership.role for membership in active_memberships(user))
        user._active_roles_cache = cached
    return cached


def _school_ids_of(user_id: int) -> QuerySet[Membership, int]:
    return Membership.objects.filter(
        user_id=user_id, is_active=True, role=Role.SCHOOL_COORDINATOR, organisation__kind="school"
    ).values_list("organisation_id", flat=True)


def team_places_on(on: date, **filters: Any) -> QuerySet[TeamMember]:
    """Places on a team that have begun by `on` and not ended before it; the one definition of "current"."""
    current = Q(end_date__isnull=True) | Q(end_date__gte=on)
    return TeamMember.objects.filter(start_date__lte=on, **filters).filter(current)


def previous_team_places(user: Any, on: date) -> QuerySet[TeamMember]:
    """The user's places on the team of a handed-over trajectory whose overlap lasts on `on`.

    A place counts when it was current on the handover date (so not for someone who joined the old team
    afterwards or had left it before) and the user still holds the role. Each place reads the successor,
    `trajectory__handover_out__to_trajectory`; a single join, as a trajectory is handed over once.
    """
    return _previous_team_places_of(active_roles(user), user_id=user.pk, on=on)


def _previous_team_places_of(roles: frozenset[str], *, user_id: int, on: date) -> QuerySet[TeamMember]:
    handover_date = F("trajectory__handover_out__handover_date")
    return TeamMember.objects.filter(
        user_id=user_id,
        role__in=sorted(roles & Role.case_roles()),
        trajectory__handover_out__handover_date__lte=on,
        trajectory__handover_out__overlap_until__gte=on,
        start_date__lte=handover_date,
    ).filter(Q(end_date__isnull=True) | Q(end_date__gte=handover_date))


def trajectories_on_caseload_of(
    roles: frozenset[str], *, user_id: int, on: date, previous_team: bool = False
) -> QuerySet[Trajectory]:
    """The caseload condition shared by the lists and the door, for a user with these active roles on `on`;
    with previous_team, also the trajectories the user reads because they were on the previous team and the
    handover's overlap has not ended. From plain values, so that a list can compile it (conf.compiled)."""
    if not roles & Role.case_roles():
        return Trajectory.objects.none()
    on_team = team_places_on(on, user_id=user_id)
    condition = Q(id__in=on_team.values("trajectory_id"))
    if previous_team:
        previous = _previous_team_places_of(roles, user_id=user_id, on=on)
        condition |= Q(id__in=previous.values("trajectory__handover_out__to_trajectory_id"))
    if Role.SCHOOL_COORDINATOR in roles:
        condition |= Q(status__in=REGISTRATION_STATUSES, participant__school_id__in=_school_ids_of(user_id))
    # A restriction of processing (GDPR art. 18, privacy app) closes the case file to everyone.
    return Trajectory.objects.filter(condition).exclude(participant__restriction__is_active=True)


def trajectories_visible_to(user: Any) -> QuerySet[Trajectory]:
    """Every trajectory on the user's caseload today: the base of every selector that lists cases.

    The files the previous team may still read after a handover are left out: they read them, but they are
    not their case (see trajectories_readable_by).
    """
    return trajectories_on_caseload_of(active_roles(user), user_id=user.pk, on=timezone.localdate())


def trajectories_readable_by(user: Any) -> QuerySet[Trajectory]:
    """Who reads a case file, as a list: the caseload plus the files the user reads while a handover's overlap
    lasts. No page lists these; the door asks the same rule of one trajectory (`readable`), which
    access/tests/test_door.py holds equal to this form, and the policy table then has the last word."""
    return trajectories_on_caseload_of(active_roles(user), user_id=user.pk, on=timezone.localdate(), previous_team=True)


def _team_places(roles: tuple[str, ...], *, trajectory_id: int, user_id: int, on: date) -> QuerySet[TeamMember, Any]:
    return team_places_on(on, trajectory_id=trajectory_id, user_id=user_id, role__in=roles).values_list(
        "role", "organisation_id"
    )


# Asked on every page of a case file: compiled once per set of roles (conf.compiled).
_TEAM_PLACES = CompiledQuery(_team_places, trajectory_id=int, user_id=int, on=date)


def _team_places_cache(user: Any) -> dict[int, frozenset[tuple[str, int]]]:
    cache: dict[int, frozenset[tuple[str, int]]] = user.__dict__.setdefault("_team_places_cache", {})
    return cache


def current_team_places(user: Any, trajectory: Trajectory) -> frozenset[tuple[str, int]]:
    """The (role, organisation id) of the user's current places on the trajectory's team, in roles the user
    still holds. Cached on the user object for one request: the door, the policy relation, the management check
    and the visible sections all ask it. The door's look-up (readable_trajectory) fills it; else one query."""
    roles = active_roles(user)
    if not roles:
        return frozenset()
    cache = _team_places_cache(user)
    if trajectory.pk not in cache:
        cache[trajectory.pk] = frozenset(
            _TEAM_PLACES.all(
                tuple(sorted(roles)), trajectory_id=trajectory.pk, user_id=user.pk, on=timezone.localdate()
            )
        )
    return cache[trajectory.pk]


def can_manage(user: Any, trajectory: Trajectory) -> bool:
    """Case leads currently on the team change status and team; others on the team read."""
    return any(role == Role.CASE_LEAD for role, _organisation in current_team_places(user, trajectory))


def access_case_file(
    *,
    request: HttpRequest,
    trajectory_uuid: UUID,
    section: str = CASE_FILE,
    action: str = Action.READ,
    manage: bool = False,
) -> Trajectory:
    """Return the trajectory (with its participant) if the user may open it; log the decision either way.

    With manage=True only the case lead on the team passes (status, team); any action but reading needs a
    write grant in the user's relation to the case (so the previous team after a handover only reads).
    Exactly one log entry per call.
    """
    return admit_case_file(
        request=request,
        trajectory_uuid=trajectory_uuid,
        trajectory=readable_trajectory(request.user, trajectory_uuid),
        section=section,
        action=action,
        manage=manage,
    )


def readable(user: Any, trajectory: Trajectory) -> bool:
    """trajectories_readable_by's rule asked of one trajectory at hand, in the order of likelihood.

    The door asks this instead of filtering the list query by uuid: that query's subqueries cost a few
    milliseconds to build and to plan on every case-file page, while a team member (nearly every reader) is
    answered here by current_team_places, which the policy relation asks anyway. The two forms are held equal
    by access/tests/test_door.py, over every way of being (or not being) a reader.
    """
    roles = active_roles(user)
    if not roles & Role.case_roles():
        return False
    restriction = getattr(trajectory.participant, "restriction", None)  # select_related, or one query
    if restriction is not None and restriction.is_active:
        return False
    if current_team_places(user, trajectory):
        return True
    today = timezone.localdate()
    # Rarer ways in: on the team in a role no longer held, the previous team during a handover's overlap, the
    # school coordinator of a pupil who is registered or waiting.
    if team_places_on(today, trajectory=trajectory, user=user).exists():
        return True
    if previous_team_places(user, today).filter(trajectory__handover_out__to_trajectory=trajectory).exists():
        return True
    school_id = trajectory.participant.school_id
    return (
        Role.SCHOOL_COORDINATOR in roles
        and trajectory.status in REGISTRATION_STATUSES
        and school_id is not None
        and _school_ids_of(user.pk).filter(organisation_id=school_id).exists()
    )


# What every page of a case file shows of the trajectory, read with it.
_SHOWN_WITH_TRAJECTORY = (
    "participant",
    "participant__school",
    "participant__municipality",
    "participant__restriction",
    "route",
    "municipality",
)


def _trajectory_shown(*, trajectory_uuid: UUID) -> QuerySet[Trajectory]:
    """The trajectory with what every page of a case file shows of it."""
    return Trajectory.objects.select_related(*_SHOWN_WITH_TRAJECTORY).filter(uuid=trajectory_uuid).order_by()[:1]


def _team_places_with_trajectory(
    roles: tuple[str, ...], *, trajectory_uuid: UUID, user_id: int, on: date
) -> QuerySet[TeamMember]:
    """current_team_places' rows for the trajectory with this uuid, each with the trajectory as _trajectory_shown
    reads it."""
    places = team_places_on(on, trajectory__uuid=trajectory_uuid, user_id=user_id, role__in=roles)
    return places.select_related(*(f"trajectory__{name}" for name in _SHOWN_WITH_TRAJECTORY)).order_by()


# Every case-file page opens with one of them: compiled once (conf.compiled).
_TRAJECTORY_SHOWN = CompiledQuery(_trajectory_shown, trajectory_uuid=UUID)
_TEAM_PLACES_WITH_TRAJECTORY = CompiledQuery(_team_places_with_trajectory, trajectory_uuid=UUID, user_id=int, on=date)


def readable_trajectory(user: Any, trajectory_uuid: UUID) -> Trajectory | None:
    """The door's pre-filter for one trajectory, with what every page of a case file shows of it.

    A reader is nearly always on the team: their places there (what current_team_places answers) are read in
    the same statement as the trajectory and kept for the request; anyone else's look-up reads the trajectory
    alone, and `readable` then asks the rarer ways in.
    """
    roles = active_roles(user)
    places = (
        _TEAM_PLACES_WITH_TRAJECTORY.all(
            tuple(sorted(roles)), trajectory_uuid=trajectory_uuid, user_id=user.pk, on=timezone.localdate()
        )
        if roles
        else []
    )
    trajectory: Trajectory | None
    if places:
        trajectory = places[0].trajectory
        _team_places_cache(user)[trajectory.pk] = frozenset((place.role, place.organisation_id) for place in places)
    else:
        trajectory = _TRAJECTORY_SHOWN.first(trajectory_uuid=trajectory_uuid)
        if trajectory is not None and roles:
            _team_places_cache(user)[trajectory.pk] = frozenset()  # the statement above found no current place
    return trajectory if trajectory is not None and readable(user, trajectory) else None


def admit_case_file(
    *,
    request: HttpRequest,
    trajectory_uuid: UUID,
    trajectory: Trajectory | None,
    section: str = CASE_FILE,
    action: str = Action.READ,
    manage: bool = False,
) -> Trajectory:
    """The door's decision and its one log entry, for a trajectory already looked up with
    `readable_trajectory` (None: not there, or not readable). The section door looks it up once for both."""
    allowed = trajectory is not None and (not manage or can_manage(request.user, trajectory))
    if allowed and trajectory is not None:
        # The query above is the quick pre-filter; the policy table has the last word.
        relation, roles = relation_to(request.user, trajectory)
        table = policy()
        allowed = table.allows_any(roles, relation, POLICY_CASE_FILE, "manage" if manage else "read", trajectory.status)
        if allowed and action not in READING_ACTIONS:
            allowed = table.allows_writing(roles, relation, trajectory.status)
    access_log_append(
        actor=request.user,
        action=action,
        result=Result.ALLOWED if allowed else Result.REFUSED,
        origin=Origin.from_request(request),
        object_type="trajectory",
        object_ref=str(trajectory_uuid),
        participant_ref=str(trajectory.participant.uuid) if trajectory is not None else "",
        section=section,
        purpose=request.resolver_match.view_name if request.resolver_match else "",
    )
    if not allowed or trajectory is None:
        raise Http404
    return trajectory
