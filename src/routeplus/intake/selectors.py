"""Reading capacity, the waiting list and the forecast. The API other apps use (business case, signals).

Public functions:
- capacity_for(route=, municipality=, year=): funded, used and free places where a route runs, or None
  when the route has no capacity area for that municipality (then it has no capacity limit).
- capacity_overview(year=, route=): the same for every active area, with a fixed number of queries.
- waiting_list(area=, user=): the waiting list in order; names only for those the user may see.
- admission_proposals(area=): who is next in line now that places are free (a signal for the case lead).
- capacity_forecast(area=, on=, extra_amount=): free places and the waiting list month by month.
- exception_counts(route=, year=): registrations saved with a documented exception, per rule.
"""

from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from django.db.models import F, Max, Prefetch, Q, QuerySet
from django.utils import timezone

from routeplus.access.door import trajectories_visible_to
from routeplus.accounts.models import Municipality, Role
from routeplus.intake.eligibility import add_months, rule_config
from routeplus.intake.models import BudgetKind, BudgetLine, CapacityArea, PriorityMove, Registration, TrajectoryCost
from routeplus.trajectories.models import Route, Status, TeamMember, Trajectory

USED_STATUSES = (Status.INTAKE, Status.ACTIVE)


@dataclass(frozen=True)
class Funding:
    """The places a year's budget lines pay for. Assumed when carried over from structural lines of a past year."""

    year: int
    budget: Decimal
    cost_per_place: Decimal | None
    funded: int
    assumed: bool = False
    cost_missing: bool = False


@dataclass(frozen=True)
class Capacity:
    area: CapacityArea
    funding: Funding
    used: int
    waiting: int

    @property
    def year(self) -> int:
        return self.funding.year

    @property
    def funded(self) -> int:
        return self.funding.funded

    @property
    def free(self) -> int:
        return max(0, self.funded - self.used)

    @property
    def over(self) -> int:
        """Places in use beyond what is funded (e.g. after a budget cut); shown, never added to."""
        return max(0, self.used - self.funded)

    @property
    def intake_stop(self) -> bool:
        """New registrations go to the waiting list: no free place that is not already due to someone waiting."""
        return self.free <= self.waiting


def _lines_funding(year: int, lines: list[BudgetLine], cost: Decimal | None, *, assumed: bool = False) -> Funding:
    direct = sum(line.places or 0 for line in lines if line.places is not None)
    money = sum((line.amount for line in lines if line.places is None), Decimal("0"))
    budget = sum((line.amount for line in lines), Decimal("0"))
    cost_missing = money > 0 and cost is None
    from_money = int(money // cost) if cost else 0
    return Funding(
        year=year,
        budget=budget,
        cost_per_place=cost,
        funded=direct + from_money,
        assumed=assumed,
        cost_missing=cost_missing,
    )


def _cost_for(costs: dict[int, Decimal], year: int) -> Decimal | None:
    """The cost of the year, or of the latest year before it (costs are set per year, often unchanged)."""
    earlier = [y for y in costs if y <= year]
    return costs[max(earlier)] if earlier else None


def _funding(lines: list[BudgetLine], costs: dict[int, Decimal], year: int, *, carry_structural: bool) -> Funding:
    this_year = [line for line in lines if line.year == year]
    cost = _cost_for(costs, year)
    if this_year or not carry_structural:
        return _lines_funding(year, this_year, cost)
    earlier_years = [line.year for line in lines if line.year < year]
    if not earlier_years:
        return _lines_funding(year, [], cost)
    last = max(earlier_years)
    structural = [line for line in lines if line.year == last and line.kind == BudgetKind.STRUCTURAL]
    return _lines_funding(year, structural, cost, assumed=True)


def _area_for(route: Route, municipality: Municipality) -> CapacityArea | None:
    return (
        CapacityArea.objects.filter(route=route, municipalities=municipality, is_active=True)
        .select_related("route")
        .first()
    )


def _in_area(area: CapacityArea) -> Q:
    return Q(route_id=area.route_id, municipality__in=area.municipalities.all())


def _costs(route_id: int) -> dict[int, Decimal]:
    return dict(TrajectoryCost.objects.filter(route_id=route_id).values_list("year", "amount"))


def capacity_for_area(*, area: CapacityArea, year: int | None = None) -> Capacity:
    year = year or timezone.localdate().year
    lines = list(BudgetLine.objects.filter(area=area, year=year))
    funding = _lines_funding(year, lines, _cost_for(_costs(area.route_id), year))
    counts = Trajectory.objects.filter(_in_area(area), status__in=(*USED_STATUSES, Status.WAITING)).values_list(
        "status", flat=True
    )
    tally = Counter(counts)
    return Capacity(
        area=area,
        funding=funding,
        used=tally[Status.INTAKE] + tally[Status.ACTIVE],
        waiting=tally[Status.WAITING],
    )


def capacity_for(*, route: Route, municipality: Municipality, year: int | None = None) -> Capacity | None:
    """Capacity where the route runs for this municipality; None means no capacity limit is set there."""
    area = _area_for(route, municipality)
    return capacity_for_area(area=area, year=year) if area is not None else None


def capacity_overview(*, year: int | None = None, route: Route | None = None) -> list[Capacity]:
    """Every active area's capacity in four queries, however many areas and trajectories there are."""
    year = year or timezone.localdate().year
    areas = list(
        CapacityArea.objects.filter(is_active=True, **({"route": route} if route else {}))
        .select_related("route")
        .prefetch_related("municipalities")
        .order_by("route__name", "name")
    )
    lines_by_area: dict[int, list[BudgetLine]] = {}
    for line in BudgetLine.objects.filter(area__in=areas, year=year):
        lines_by_area.setdefault(line.area_id, []).append(line)
    costs: dict[int, dict[int, Decimal]] = {}
    for route_id, cost_year, amount in TrajectoryCost.objects.values_list("route_id", "year", "amount"):
        costs.setdefault(route_id, {})[cost_year] = amount
    route_ids = {area.route_id for area in areas}
    tally: Counter[tuple[int, int, str]] = Counter(
        Trajectory.objects.filter(route_id__in=route_ids, status__in=(*USED_STATUSES, Status.WAITING)).values_list(
            "route_id", "municipality_id", "status"
        )
    )
    result = []
    for area in areas:
        ids = {m.pk for m in area.municipalities.all()}
        used = sum(n for (r, m, s), n in tally.items() if r == area.route_id and m in ids and s in USED_STATUSES)
        waiting = sum(n for (r, m, s), n in tally.items() if r == area.route_id and m in ids and s == Status.WAITING)
        funding = _lines_funding(year, lines_by_area.get(area.pk, []), _cost_for(costs.get(area.route_id, {}), year))
        result.append(Capacity(area=area, funding=funding, used=used, waiting=waiting))
    return result


def waiting_queryset(area: CapacityArea) -> QuerySet[Trajectory]:
    """Waiting trajectories in the area in order: priority moves first (earliest move first), then FCFS."""
    return (
        Trajectory.objects.filter(_in_area(area), status=Status.WAITING)
        .annotate(priority_at=Max("priority_moves__moved_at"))
        .order_by(F("priority_at").asc(nulls_last=True), "registered_on", "created_at", "id")
    )


@dataclass(frozen=True)
class WaitingEntry:
    position: int
    trajectory: Trajectory
    registered_on: date
    waiting_days: int
    priority: PriorityMove | None
    visible: bool
    can_admit: bool
    has_exception: bool

    @property
    def waiting_months(self) -> int:
        return self.waiting_days * 12 // 365


def waiting_list(*, area: CapacityArea, user: Any = None, on: date | None = None) -> list[WaitingEntry]:
    """The waiting list in order. Names and reasons only for trajectories the user may see; none without user.

    A fixed number of queries whatever the length of the list.
    """
    on = on or timezone.localdate()
    trajectories = list(
        waiting_queryset(area)
        .select_related("participant", "participant__school", "registration")
        .prefetch_related(
            Prefetch("priority_moves", queryset=PriorityMove.objects.select_related("moved_by").order_by("moved_at"))
        )
    )
    ids = [t.pk for t in trajectories]
    visible: set[int] = set()
    manageable: set[int] = set()
    if user is not None and ids:
        visible = set(trajectories_visible_to(user).filter(id__in=ids).values_list("id", flat=True))
        manageable = set(
            TeamMember.objects.filter(user=user, role=Role.CASE_LEAD, trajectory_id__in=ids, start_date__lte=on)
            .filter(Q(end_date__isnull=True) | Q(end_date__gte=on))
            .values_list("trajectory_id", flat=True)
        )
    entries = []
    for position, trajectory in enumerate(trajectories, start=1):
        moves = list(trajectory.priority_moves.all())
        registration = getattr(trajectory, "registration", None)
        entries.append(
            WaitingEntry(
                position=position,
                trajectory=trajectory,
                registered_on=trajectory.registered_on,
                waiting_days=(on - trajectory.registered_on).days,
                priority=moves[-1] if moves else None,
                visible=trajectory.pk in visible,
                can_admit=trajectory.pk in manageable and trajectory.pk in visible,
                has_exception=bool(registration and registration.has_exception),
            )
        )
    return entries


def waiting_position(*, trajectory: Trajectory) -> int | None:
    """Place on the waiting list of the trajectory's area (1 is next), or None when it is not waiting."""
    if trajectory.status != Status.WAITING:
        return None
    area = _area_for(trajectory.route, trajectory.municipality)
    if area is None:
        return None
    ids = list(waiting_queryset(area).values_list("id", flat=True))
    return ids.index(trajectory.pk) + 1 if trajectory.pk in ids else None


@dataclass(frozen=True)
class Proposal:
    """A free place and the person next in line for it; the case lead on their team decides."""

    area: CapacityArea
    trajectory_uuid: str
    position: int
    registered_on: date


def admission_proposals(*, area: CapacityArea | None = None, year: int | None = None) -> list[Proposal]:
    """For each area with free places and people waiting: the first ones in line, as many as there are places."""
    capacities = [capacity_for_area(area=area, year=year)] if area is not None else capacity_overview(year=year)
    proposals = []
    for capacity in capacities:
        if not capacity.free or not capacity.waiting:
            continue
        nexts = waiting_queryset(capacity.area).values_list("uuid", "registered_on")[: capacity.free]
        for position, (trajectory_uuid, registered_on) in enumerate(nexts, start=1):
            proposals.append(Proposal(capacity.area, str(trajectory_uuid), position, registered_on))
    return proposals


def exception_counts(*, route: Route, year: int) -> dict[str, int]:
    """How many registrations of the year were saved with an exception, per rule code, and 'total'."""
    rows = Registration.objects.filter(
        trajectory__route=route, has_exception=True, trajectory__registered_on__year=year
    ).values_list("exception_rules", flat=True)
    counts: Counter[str] = Counter()
    total = 0
    for rules in rows:
        total += 1
        counts.update(rules or [])
    return {**counts, "total": total}


@dataclass(frozen=True)
class ForecastMonth:
    day: date
    funded: int
    used: int
    waiting: int
    assumed: bool
    actual: bool  # measured from trajectory dates (the past) rather than forecast

    @property
    def free(self) -> int:
        return max(0, self.funded - self.used)


@dataclass(frozen=True)
class Forecast:
    area: CapacityArea
    on: date
    months: list[ForecastMonth]
    extra_amount: Decimal
    extra_places: int
    waiting_now: int
    waiting_gone: date | None  # first month in which everyone now waiting has a place
    overdue: int  # trajectories past their expected end: assumed to end next month
    duration_months: int
    horizon_months: int
    cost_per_place: Decimal | None
    notes: list[str] = field(default_factory=list)


def _month_start(day: date) -> date:
    return day.replace(day=1)


def capacity_forecast(
    *,
    area: CapacityArea,
    on: date | None = None,
    extra_amount: Decimal = Decimal("0"),
    history_months: int = 12,
    horizon_months: int = 24,
) -> Forecast:
    """Places month by month: the past from trajectory dates, the future from expected end dates.

    The future assumes that everyone waiting now is admitted in order as places free up, that admitted
    trajectories last the route's expected duration, and that nobody new registers. An extra amount buys
    extra places at the cost per trajectory-year of the current year.
    """
    on = on or timezone.localdate()
    duration = rule_config(area.route).expected_duration_months
    lines = list(BudgetLine.objects.filter(area=area))
    costs = _costs(area.route_id)
    cost_now = _cost_for(costs, on.year)
    extra_places = int(extra_amount // cost_now) if cost_now and extra_amount > 0 else 0

    occupants = list(
        Trajectory.objects.filter(_in_area(area), status__in=USED_STATUSES)
        .select_related("registration")
        .only("start_date", "registered_on", "registration__expected_end")
    )
    next_month = add_months(_month_start(on), 1)
    ends: list[date] = []
    overdue = 0
    for trajectory in occupants:
        registration = getattr(trajectory, "registration", None)
        expected = registration.expected_end if registration and registration.expected_end else None
        if expected is None:
            expected = add_months(trajectory.start_date or trajectory.registered_on, duration)
        if expected < on:
            overdue += 1
            expected = date.fromordinal(next_month.toordinal() - 1)  # assumed to leave by the end of this month
        ends.append(expected)
    waiting_now = waiting_queryset(area).count()

    months: list[ForecastMonth] = []
    # The past: trajectories that had started and not yet ended on the first of each month.
    history_start = add_months(_month_start(on), -history_months)
    past = list(
        Trajectory.objects.filter(_in_area(area), start_date__isnull=False)
        .filter(Q(end_date__isnull=True) | Q(end_date__gte=history_start))
        .values_list("start_date", "end_date")
    )
    for index in range(history_months):
        day = add_months(history_start, index)
        used = sum(1 for start, end in past if start is not None and start <= day and (end is None or end >= day))
        funding = _funding(lines, costs, day.year, carry_structural=False)
        months.append(ForecastMonth(day, funding.funded, used, 0, False, True))

    # Today and the future: a simulation of places freeing up and being filled in order.
    waiting = waiting_now
    waiting_gone: date | None = on if waiting_now == 0 else None
    points = [on] + [add_months(next_month, index) for index in range(horizon_months)]
    any_assumed = False
    for day in points:
        funding = _funding(lines, costs, day.year, carry_structural=True)
        any_assumed = any_assumed or funding.assumed
        capacity = funding.funded + extra_places
        ends = [end for end in ends if end >= day]
        while waiting and len(ends) < capacity:
            waiting -= 1
            ends.append(add_months(day, duration))
        if waiting == 0 and waiting_gone is None:
            waiting_gone = day
        months.append(ForecastMonth(day, capacity, len(ends), waiting, funding.assumed, day == on))
    notes = []
    if any_assumed:
        notes.append("structural_assumed")
    if overdue:
        notes.append("overdue")
    if extra_amount > 0 and cost_now is None:
        notes.append("cost_missing")
    return Forecast(
        area=area,
        on=on,
        months=months,
        extra_amount=extra_amount,
        extra_places=extra_places,
        waiting_now=waiting_now,
        waiting_gone=waiting_gone,
        overdue=overdue,
        duration_months=duration,
        horizon_months=horizon_months,
        cost_per_place=cost_now,
        notes=notes,
    )


def area_for(*, route: Route, municipality: Municipality) -> CapacityArea | None:
    """The active capacity area of a route that includes the municipality."""
    return _area_for(route, municipality)


def areas_list() -> list[CapacityArea]:
    return list(CapacityArea.objects.filter(is_active=True).select_related("route").order_by("route__name", "name"))


def budget_lines(*, area: CapacityArea, year: int) -> list[BudgetLine]:
    return list(BudgetLine.objects.filter(area=area, year=year).order_by("id"))


def registration_for(*, trajectory: Trajectory) -> Registration | None:
    return Registration.objects.filter(trajectory=trajectory).select_related("exception_by").first()
