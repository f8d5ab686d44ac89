"""Reading trajectories for the pages: every selector starts from what the acting user may see."""

from dataclasses import dataclass
from datetime import date
from typing import Any, NamedTuple
from uuid import UUID

from django.db.models import Count, Q, QuerySet, Window
from django.utils import timezone

from routeplus.access.door import active_roles, trajectories_on_caseload_of
from routeplus.accounts.models import Municipality
from routeplus.conf.compiled import CompiledPages, CompiledQuery
from routeplus.conf.search import search_terms
from routeplus.trajectories.models import Handover, Route, RouteOffering, StatusChange, TeamMember, Trajectory
from routeplus.ui.pagination import with_total

CASELOAD_SORTS = {
    "name": ("participant__family_name", "participant__given_name", "id"),
    "-name": ("-participant__family_name", "-participant__given_name", "-id"),
    "age": ("-participant__birth_date", "id"),
    "-age": ("participant__birth_date", "id"),
    "registered": ("registered_on", "id"),
    "-registered": ("-registered_on", "-id"),
    "status": ("status", "participant__family_name", "id"),
    "route": ("route__name", "participant__family_name", "id"),
}
DEFAULT_SORT = "name"
RECENT_STATUS_CHANGES = 5  # on the case file, a glance like the sections above it; the whole history is on the timeline
# What a caseload row shows, read as plain values: 50 rows of model instances (trajectory, participant, route,
# municipality) cost more to build than the query took to run.
CASELOAD_VALUES = (
    "uuid",
    "participant__family_name",
    "participant__given_name",
    "participant__birth_date",
    "route__name",
    "status",
    "municipality__name",
    "registered_on",
    "total",
)


class CaseloadRow(NamedTuple):
    """One row of the caseload, in the order of CASELOAD_VALUES; total is the length of the whole list."""

    uuid: UUID
    family_name: str
    given_name: str
    birth_date: date | None
    route_name: str
    status: str
    municipality_name: str
    registered_on: date
    total: int


def _caseload(
    roles: tuple[str, ...],
    sort: str,
    terms: tuple[str, ...] = (),
    *,
    user_id: int,
    on: date,
    route_code: str = "",
    status: str = "",
    municipality_code: str = "",
) -> QuerySet[Trajectory, tuple[Any, ...]]:
    qs = trajectories_on_caseload_of(frozenset(roles), user_id=user_id, on=on)
    for term in terms:
        qs = qs.filter(Q(participant__given_name__icontains=term) | Q(participant__family_name__icontains=term))
    if route_code:
        qs = qs.filter(route__code=route_code)
    if status:
        qs = qs.filter(status=status)
    if municipality_code:
        qs = qs.filter(municipality__cbs_code=municipality_code)
    ordered = qs.order_by(*CASELOAD_SORTS.get(sort, CASELOAD_SORTS[DEFAULT_SORT]))
    return with_total(ordered).values_list(*CASELOAD_VALUES)


# The caseload without a search, compiled once per set of filters in use (conf.compiled): the page most visited.
# A search is not compiled: its terms reach the SQL inside LIKE patterns, not as parameters of their own.
_CASELOAD_FILTERS = ("route_code", "status", "municipality_code")
_COMPILED_CASELOADS = {
    used: CompiledQuery(_caseload, user_id=int, on=date, **dict.fromkeys(used, str))
    for used in (tuple(f for n, f in enumerate(_CASELOAD_FILTERS) if mask >> n & 1) for mask in range(8))
}


def caseload_list(
    *,
    user: Any,
    search: str = "",
    route_code: str = "",
    status: str = "",
    municipality_code: str = "",
    sort: str = DEFAULT_SORT,
) -> "QuerySet[Trajectory, tuple[Any, ...]] | CompiledPages[tuple[Any, ...]]":
    """The trajectories on the user's caseload as tuples of CASELOAD_VALUES (CaseloadRow._make reads one),
    filtered and sorted; one query for a page and the list's length (ui.pagination.CountedPaginator)."""
    roles = tuple(sorted(active_roles(user)))
    sort = sort if sort in CASELOAD_SORTS else DEFAULT_SORT
    filters = {"route_code": route_code, "status": str(status), "municipality_code": municipality_code}
    used = {name: value for name, value in filters.items() if value}
    terms = tuple(search_terms(search))
    if terms or type(user.pk) is not int:
        return _caseload(roles, sort, terms, user_id=user.pk, on=timezone.localdate(), **used)
    return _COMPILED_CASELOADS[tuple(used)].pages(roles, sort, user_id=user.pk, on=timezone.localdate(), **used)


@dataclass(frozen=True)
class CaseFileCore:
    """What the case-file header and the foundation sections show, loaded with a fixed number of queries."""

    trajectory: Trajectory
    team: list[TeamMember]
    recent_status_changes: list[StatusChange]  # the newest RECENT_STATUS_CHANGES, oldest first
    status_changes_total: int
    route_line: list[Trajectory]
    handover_in: Handover | None = None  # the warm handover this trajectory continues
    handover_out: Handover | None = None  # the warm handover to the next trajectory
    overlap_lasts: bool = False  # today lies in the overlap of handover_out: the previous team reads the next file


# What the case file shows of the people on its team and in its status history: their names. Read with only
# these fields, a long history's team builds no password, login times or e-mail addresses it never shows.
_PERSON_SHOWN = ("full_name",)
_TEAM_SHOWN = (
    *("trajectory_id", "user_id", "organisation_id", "role", "start_date", "end_date"),
    *(f"user__{name}" for name in _PERSON_SHOWN),
    "organisation__name",
)
_STATUS_CHANGE_SHOWN = (
    *("trajectory_id", "from_status", "to_status", "effective_date", "reason", "changed_by_id", "changed_at"),
    *(f"changed_by__{name}" for name in _PERSON_SHOWN),
)

# The core's three queries, compiled once per connection (conf.compiled): every case-file page runs them.
_TEAM = CompiledQuery(
    lambda *, trajectory_id: (
        TeamMember.objects.filter(trajectory_id=trajectory_id)
        .select_related("user", "organisation")
        .only(*_TEAM_SHOWN)
        .order_by("end_date", "role", "start_date")
    ),
    trajectory_id=int,
)
# Only the newest changes are shown (the rest is on the timeline); the total comes with them (a window counts all
# of the trajectory's changes before the limit), so a long history costs no more than a short one.
_RECENT_STATUS_CHANGES = CompiledQuery(
    lambda *, trajectory_id: (
        StatusChange.objects.filter(trajectory_id=trajectory_id)
        .select_related("changed_by")
        .only(*_STATUS_CHANGE_SHOWN)
        .annotate(total=Window(Count("id")))
        .order_by("-changed_at", "-id")[:RECENT_STATUS_CHANGES]
    ),
    trajectory_id=int,
)
# What the case file shows of a warm handover (not who recorded it, or when).
_HANDOVER_SHOWN = ("kind", "handover_date", "overlap_until", "what_to_know", "introductions")
# The whole route as one line: only route, dates and status of the participant's trajectories, each with its warm
# handovers in and out (a handover links two trajectories of one participant, so both ends are on the line).
_ROUTE_LINE_FIELDS = (
    *("uuid", "route__name", "registered_on", "start_date", "end_date", "status", "participant_id"),
    *(f"{side}__{name}" for side in ("handover_out", "handover_in") for name in _HANDOVER_SHOWN),
    *("handover_out__to_trajectory_id", "handover_in__from_trajectory_id"),
)
_ROUTE_LINE = CompiledQuery(
    lambda *, participant_id: (
        Trajectory.objects.filter(participant_id=participant_id)
        .select_related("route", "handover_out", "handover_in")
        .only(*_ROUTE_LINE_FIELDS)
        .order_by("registered_on", "id")
    ),
    participant_id=int,
)


def _handovers_on(route_line: list[Trajectory], trajectory: Trajectory) -> tuple[Handover | None, Handover | None]:
    """The warm handovers in and out of the trajectory, read with the route line, each with both of its ends from
    the line (one loaded with the handover; the other, should it not be on the line, loads as a relation does)."""
    on_line = {step.pk: step for step in route_line}
    step = on_line.get(trajectory.pk)
    handover_in: Handover | None = getattr(step, "handover_in", None) if step is not None else None
    handover_out: Handover | None = getattr(step, "handover_out", None) if step is not None else None
    if handover_in is not None and handover_in.from_trajectory_id in on_line:
        handover_in.from_trajectory = on_line[handover_in.from_trajectory_id]
    if handover_out is not None and handover_out.to_trajectory_id in on_line:
        handover_out.to_trajectory = on_line[handover_out.to_trajectory_id]
    return handover_in, handover_out


def case_file_core(*, trajectory: Trajectory) -> CaseFileCore:
    """Team, status history, the participant's route line and the warm handovers in and out of this
    trajectory; the trajectory comes from the access door."""
    team = _TEAM.all(trajectory_id=trajectory.pk)
    recent: list[Any] = _RECENT_STATUS_CHANGES.all(trajectory_id=trajectory.pk)
    route_line = _ROUTE_LINE.all(participant_id=trajectory.participant_id)
    handover_in, handover_out = _handovers_on(route_line, trajectory)
    today = timezone.localdate()
    return CaseFileCore(
        trajectory=trajectory,
        team=team,
        recent_status_changes=recent[::-1],
        status_changes_total=recent[0].total if recent else 0,
        route_line=route_line,
        handover_in=handover_in,
        handover_out=handover_out,
        overlap_lasts=handover_out is not None and handover_out.handover_date <= today <= handover_out.overlap_until,
    )


def route_offered(*, route: Route, municipality: Municipality, on: date) -> bool:
    """Whether the municipality runs the route on that day."""
    return (
        RouteOffering.objects.filter(route=route, municipality=municipality, start_date__lte=on)
        .filter(Q(end_date__isnull=True) | Q(end_date__gte=on))
        .exists()
    )


def municipalities_offering(*, route: Route, on: date) -> list[Municipality]:
    return list(
        Municipality.objects.filter(route_offerings__route=route, route_offerings__start_date__lte=on)
        .filter(Q(route_offerings__end_date__isnull=True) | Q(route_offerings__end_date__gte=on))
        .distinct()
    )


def region_offerings(*, on: date) -> dict[Municipality, list[Route]]:
    """Per municipality of the region: the routes it offers on that day (for the region page)."""
    offered: dict[Municipality, list[Route]] = {m: [] for m in Municipality.objects.all()}
    current = (
        RouteOffering.objects.filter(start_date__lte=on)
        .filter(Q(end_date__isnull=True) | Q(end_date__gte=on))
        .select_related("route", "municipality")
    )
    for offering in current:
        offered[offering.municipality].append(offering.route)
    return offered
