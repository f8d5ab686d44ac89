"""Computing the council table and the monitor's views on it, with a fixed number of queries per table.

Aggregates carry no personal data and take no user; the drill-down to participants starts from
`trajectories_visible_to(user)` like every selector that returns people.
"""

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db import connection
from django.db.models import Count, F, Min, Q, QuerySet, Subquery
from django.utils import timezone
from django.utils.translation import gettext as _

from routeplus.access.door import trajectories_visible_to
from routeplus.accounts.models import Municipality
from routeplus.casefile.models import Result, ResultType
from routeplus.casefile.selectors import numbered_newest_first
from routeplus.monitor.definitions import (
    ALL_CATEGORIES,
    DEFAULT_ROUTE,
    DEFINITIONS_VERSION,
    EXTRA,
    EXTRA_ACTIVE,
    EXTRA_ENDED_THIS_YEAR,
    EXTRA_REGISTERED_THIS_YEAR,
    EXTRA_WAITING,
    NEW_STARTS,
    OUTCOME_CODES,
    PARTICIPANTS,
    PUBLISHED,
)
from routeplus.monitor.models import ResultDate
from routeplus.participants.models import OutflowProfile
from routeplus.trajectories.models import Route, Trajectory

GROUPINGS = {"municipality": "municipality__name", "school": "participant__school__name"}


@dataclass(frozen=True)
class Scope:
    """Which trajectories a table is about: one route, and optionally some responsible municipalities."""

    route_code: str = DEFAULT_ROUTE
    municipality_codes: tuple[str, ...] = ()

    @classmethod
    def of(cls, route_code: str = DEFAULT_ROUTE, municipality_codes: Iterable[str] = ()) -> "Scope":
        return cls(route_code=route_code, municipality_codes=tuple(sorted(set(municipality_codes))))

    @property
    def key(self) -> str:
        """A stable text form, used to find an established report for the same scope."""
        return f"{self.route_code}|{','.join(self.municipality_codes)}"

    def q(self, prefix: str = "") -> Q:
        """The scope as a condition on a trajectory (reached through prefix, e.g. "trajectory__").

        The route and the municipalities are resolved inside the statement (a scalar subquery for the route,
        evaluated once; a small semi-join for the municipalities), so the trajectory table is filtered on its
        own indexed columns, without joining the route or municipality table row by row and without an extra
        query to look the ids up.
        """
        route_id = Subquery(Route.objects.filter(code=self.route_code).order_by().values("id")[:1])
        condition = Q(**{f"{prefix}route_id": route_id})
        if self.municipality_codes:
            ids = Municipality.objects.filter(cbs_code__in=self.municipality_codes).values("id")
            condition &= Q(**{f"{prefix}municipality_id__in": ids})
        return condition

    def trajectories(self) -> QuerySet[Trajectory]:
        return Trajectory.objects.filter(self.q())


@dataclass(frozen=True)
class Row:
    code: str
    label: str
    value: int
    kind: str


@dataclass(frozen=True)
class CouncilTable:
    peildatum: date
    scope: Scope
    rows: tuple[Row, ...]
    extra_rows: tuple[Row, ...]
    definitions_version: str = DEFINITIONS_VERSION

    def value(self, code: str) -> int:
        for row in self.rows + self.extra_rows:
            if row.code == code:
                return row.value
        raise KeyError(code)

    def figures(self) -> dict[str, int]:
        return {row.code: row.value for row in self.rows + self.extra_rows}


def _year_start(peildatum: date) -> date:
    return date(peildatum.year, 1, 1)


def _open_on(p: date, prefix: str = "") -> Q:
    """Registered on or before P and not ended on or before P."""
    return Q(**{f"{prefix}registered_on__lte": p}) & (
        Q(**{f"{prefix}end_date__isnull": True}) | Q(**{f"{prefix}end_date__gt": p})
    )


def _trajectory_aggregates(p: date) -> dict[str, Count]:
    """The categories counted on trajectories for reference date P (the result types are counted apart)."""
    year = Q(start_date__gte=_year_start(p), start_date__lte=p)
    not_started = Q(start_date__isnull=True) | Q(start_date__gt=p)
    started = Q(start_date__lte=p)
    return {
        PARTICIPANTS: Count("participant", filter=_open_on(p), distinct=True),
        NEW_STARTS: Count("id", filter=year),
        EXTRA_WAITING: Count("participant", filter=_open_on(p) & not_started, distinct=True),
        EXTRA_ACTIVE: Count("participant", filter=_open_on(p) & started, distinct=True),
        EXTRA_REGISTERED_THIS_YEAR: Count("id", filter=Q(registered_on__gte=_year_start(p), registered_on__lte=p)),
        EXTRA_ENDED_THIS_YEAR: Count("id", filter=Q(end_date__gte=_year_start(p), end_date__lte=p)),
    }


def _counts(peildatum: date, scope: Scope, group: str) -> dict[Any, dict[str, int]]:
    """All categories per group value (municipality, school) on one reference date. Two queries."""
    p = peildatum
    result: dict[Any, dict[str, int]] = defaultdict(lambda: dict.fromkeys(ALL_CATEGORIES, 0))
    trajectories = scope.trajectories()
    for values in trajectories.values(group).annotate(**_trajectory_aggregates(p)).order_by():
        key = values.pop(group)
        result[key].update(values)
    # A participant counts for a result type on P from its derived date (see ResultDate), once per group.
    results = ResultDate.objects.filter(scope.q(), counts_from__lte=p).order_by()
    for values in results.values(group, "type").annotate(n=Count("participant", distinct=True)):
        result[values[group]][values["type"]] = values["n"]
    return result


def _counts_on(peildata: Sequence[date], scope: Scope) -> list[dict[str, int]]:
    """All categories for the whole scope on each reference date: two queries, however many dates."""
    if not peildata:
        return []
    trajectories = scope.trajectories()
    per_date = [_trajectory_aggregates(p) for p in peildata]
    totals = trajectories.aggregate(
        **{f"p{i}_{code}": aggregate for i, aggregates in enumerate(per_date) for code, aggregate in aggregates.items()}
    )
    counts = [dict.fromkeys(ALL_CATEGORIES, 0) for _ in peildata]
    for i, aggregates in enumerate(per_date):
        counts[i].update({code: totals[f"p{i}_{code}"] for code in aggregates})
    # A participant counts for a result type on P from the earliest date on which a result of that type and
    # its trajectory had both begun: kept per participant, route and municipality in ResultDate, so no result is
    # joined to its trajectory here. One date: a distinct count per type. Several: the earliest date per
    # (type, participant) across the scope's municipalities first (one grouping), then counted per date,
    # instead of a distinct count per date that sorts every row again for each date.
    firsts = ResultDate.objects.filter(scope.q(), counts_from__lte=max(peildata)).order_by()
    if len(peildata) == 1:
        for kind, n in firsts.values_list("type").annotate(n=Count("participant", distinct=True)):
            counts[0][kind] = n
        return counts
    grouped = firsts.values(kind=F("type"), who=F("participant")).annotate(since=Min("counts_from"))
    inner, inner_params = grouped.query.sql_with_params()
    sums = ", ".join("SUM(CASE WHEN since <= %s THEN 1 ELSE 0 END)" for _ in peildata)
    dates = [connection.ops.adapt_datefield_value(p) for p in peildata]
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT kind, {sums} FROM ({inner}) firsts GROUP BY kind",  # noqa: S608  # nosec B608 (own SQL)
            [*dates, *inner_params],
        )
        for kind, *numbers in cursor.fetchall():
            for i, n in enumerate(numbers):
                if n:
                    counts[i][kind] = int(n)
    return counts


def _table(peildatum: date, scope: Scope, counts: dict[str, int]) -> CouncilTable:
    rows = tuple(Row(c.code, str(c.label), counts.get(c.code, 0), c.kind) for c in PUBLISHED)
    extra = tuple(Row(c.code, str(c.label), counts.get(c.code, 0), c.kind) for c in EXTRA)
    return CouncilTable(peildatum=peildatum, scope=scope, rows=rows, extra_rows=extra)


def council_table(*, peildatum: date, scope: Scope | None = None) -> CouncilTable:
    """The council table for one reference date under the versioned definitions. Two queries."""
    return council_tables(peildata=[peildatum], scope=scope)[0]


def council_tables(*, peildata: Sequence[date], scope: Scope | None = None) -> list[CouncilTable]:
    """The council table for each reference date, in the order given: two queries, however many dates."""
    scope = scope or Scope()
    return [_table(p, scope, counts) for p, counts in zip(peildata, _counts_on(peildata, scope), strict=True)]


@dataclass(frozen=True)
class Breakdown:
    """The council table split by municipality or school: one column per group."""

    by: str
    groups: tuple[str, ...]
    rows: tuple[tuple[Row, tuple[int, ...]], ...]
    peildatum: date | None = None
    scope: Scope | None = None

    @property
    def across_municipalities(self) -> bool:
        """Whether the figures span more than one municipality (no filter: the whole country)."""
        return self.scope is None or len(self.scope.municipality_codes) != 1


def council_table_breakdown(*, peildatum: date, scope: Scope | None = None, by: str = "municipality") -> Breakdown:
    scope = scope or Scope()
    counts = _counts(peildatum, scope, GROUPINGS[by])
    labels = {key: (key if key is not None else _("Geen school bekend")) for key in counts}
    keys = sorted(counts, key=lambda k: (k is None, labels[k]))
    rows = tuple(
        (Row(c.code, str(c.label), 0, c.kind), tuple(counts[k].get(c.code, 0) for k in keys)) for c in PUBLISHED
    )
    return Breakdown(by=by, groups=tuple(str(labels[k]) for k in keys), rows=rows, peildatum=peildatum, scope=scope)


def year_ends(*, scope: Scope | None = None, today: date | None = None) -> list[date]:
    """31 December of every year with data in the scope, and today for the running year."""
    scope = scope or Scope()
    today = today or timezone.localdate()
    first = scope.trajectories().aggregate(first=Min("registered_on"))["first"]
    if first is None:
        return []
    return [date(y, 12, 31) if y < today.year else today for y in range(first.year, today.year + 1)]


def council_trend(*, scope: Scope | None = None, today: date | None = None) -> list[CouncilTable]:
    """The council table at each year end: three queries, however many years and however much data."""
    return council_tables(peildata=year_ends(scope=scope, today=today), scope=scope)


@dataclass(frozen=True)
class Flow:
    source: str
    target: str
    value: int
    stage: int  # 0: outflow profile → route, 1: route → result


def outcome_flows(*, peildatum: date, municipality_codes: Iterable[str] = ()) -> list[Flow]:
    """Trajectories registered on or before P: outflow profile → route → latest result on P (one query).

    Every route is included (the route is the middle column); a trajectory counts once, with the most
    recent result that began on or before P, or "nog geen resultaat".
    """
    qs = Trajectory.objects.filter(registered_on__lte=peildatum)
    if municipality_codes:
        qs = qs.filter(municipality__cbs_code__in=list(municipality_codes))
    trajectories = qs.values("id", profile=F("participant__outflow_profile"), route_name=F("route__name")).order_by()
    # Each trajectory's latest result on P, numbered in one pass over the results (a window), then joined once;
    # a subquery per trajectory would look the results up 150,000 times at national scale.
    numbered = (
        numbered_newest_first(Result.objects.filter(start_date__lte=peildatum))
        .values("trajectory_id", "type", "rn")
        .order_by()
    )
    t_sql, t_params = trajectories.query.sql_with_params()
    r_sql, r_params = numbered.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT t.profile, t.route_name, r.type, COUNT(*) FROM ({t_sql}) t "  # noqa: S608  # nosec B608 (own SQL)
            f"LEFT JOIN ({r_sql}) r ON r.trajectory_id = t.id AND r.rn = 1 GROUP BY t.profile, t.route_name, r.type",
            [*t_params, *r_params],
        )
        rows = cursor.fetchall()
    profiles = dict(OutflowProfile.choices)
    results = dict(ResultType.choices)
    first: dict[tuple[str, str], int] = defaultdict(int)
    second: dict[tuple[str, str], int] = defaultdict(int)
    for profile_code, route, latest, n in rows:
        profile = str(profiles.get(profile_code, profile_code))
        outcome = str(results.get(latest, "")) if latest else _("Nog geen resultaat")
        first[(profile, route)] += n
        second[(route, outcome)] += n
    return [Flow(s, t, v, 0) for (s, t), v in sorted(first.items())] + [
        Flow(s, t, v, 1) for (s, t), v in sorted(second.items())
    ]


TIME_BUCKETS: tuple[tuple[int, str], ...] = (
    (3, "0 tot 3 maanden"),
    (6, "3 tot 6 maanden"),
    (12, "6 tot 12 maanden"),
    (24, "1 tot 2 jaar"),
    (10_000, "2 jaar of langer"),
)


@dataclass(frozen=True)
class TimeToResult:
    buckets: tuple[tuple[str, int], ...]
    without_result: int
    median_months: float | None


def time_to_first_result(*, peildatum: date, scope: Scope | None = None) -> TimeToResult:
    """Months from a trajectory's start to its first result (both on or before P). One query."""
    scope = scope or Scope()
    firsts = (
        scope.trajectories()
        .filter(start_date__lte=peildatum)
        .annotate(first=Min("results__start_date", filter=Q(results__start_date__lte=peildatum)))
        .values_list("start_date", "first")
    )
    counts = dict.fromkeys((label for _limit, label in TIME_BUCKETS), 0)
    months: list[float] = []
    without = 0
    for start, first in firsts:
        if first is None:
            without += 1
            continue
        m = max(0.0, (first - start).days / 30.4375)
        months.append(m)
        for limit, label in TIME_BUCKETS:
            if m < limit:
                counts[label] += 1
                break
    months.sort()
    median = None
    if months:
        mid = len(months) // 2
        median = months[mid] if len(months) % 2 else (months[mid - 1] + months[mid]) / 2
    return TimeToResult(buckets=tuple(counts.items()), without_result=without, median_months=median)


def trajectories_behind(*, user: Any, peildatum: date, scope: Scope, code: str) -> QuerySet[Trajectory]:
    """The trajectories behind one figure that the user may open; others are left out, never shown."""
    p = peildatum
    qs = trajectories_visible_to(user).filter(route__code=scope.route_code)
    if scope.municipality_codes:
        qs = qs.filter(municipality__cbs_code__in=scope.municipality_codes)
    if code == PARTICIPANTS:
        qs = qs.filter(_open_on(p))
    elif code == NEW_STARTS:
        qs = qs.filter(start_date__gte=_year_start(p), start_date__lte=p)
    elif code in OUTCOME_CODES:
        qs = qs.filter(
            start_date__lte=p,
            id__in=Result.objects.filter(type=code, start_date__lte=p).values("trajectory_id"),
        )
    elif code == EXTRA_WAITING:
        qs = qs.filter(_open_on(p)).filter(Q(start_date__isnull=True) | Q(start_date__gt=p))
    elif code == EXTRA_ACTIVE:
        qs = qs.filter(_open_on(p), start_date__lte=p)
    elif code == EXTRA_REGISTERED_THIS_YEAR:
        qs = qs.filter(registered_on__gte=_year_start(p), registered_on__lte=p)
    elif code == EXTRA_ENDED_THIS_YEAR:
        qs = qs.filter(end_date__gte=_year_start(p), end_date__lte=p)
    else:
        raise KeyError(code)
    return qs.select_related("participant", "route", "municipality").order_by(
        "participant__family_name", "participant__given_name", "id"
    )


def route_choices() -> list[tuple[str, str]]:
    return list(Route.objects.order_by("name").values_list("code", "name"))


@dataclass
class Difference:
    code: str
    label: str
    established: int | None
    current: int | None

    @property
    def delta(self) -> int:
        return (self.current or 0) - (self.established or 0)


def differences(established: dict[str, int], current: dict[str, int]) -> list[Difference]:
    """Figures that differ between what was established and what the data say now, in table order."""
    codes = [c for c in ALL_CATEGORIES if c in established or c in current]
    return [
        Difference(c, str(ALL_CATEGORIES[c].label), established.get(c), current.get(c))
        for c in codes
        if established.get(c) != current.get(c)
    ]


def established_for(*, peildatum: date, scope: Scope) -> Any:
    """The established report for this reference date and scope, if any (an EstablishedReport)."""
    from routeplus.monitor.models import EstablishedReport

    return (
        EstablishedReport.objects.filter(peildatum=peildatum, scope_key=scope.key)
        .select_related("established_by")
        .first()
    )


def bottleneck_counts(*, peildatum: date, scope: Scope | None = None) -> list[tuple[str, int, int]]:
    """Bottlenecks noticed on or before P in the scope's trajectories, per category: (label, all, still open)."""
    from routeplus.casefile.models import Bottleneck, BottleneckCategory, BottleneckStatus

    scope = scope or Scope()
    rows = (
        Bottleneck.objects.filter(trajectory__in=scope.trajectories(), noticed_on__lte=peildatum)
        .values("category")
        .annotate(n=Count("id"), open=Count("id", filter=Q(status=BottleneckStatus.OPEN)))
        .order_by()
    )
    labels = dict(BottleneckCategory.choices)
    counted = sorted(
        ((str(labels.get(r["category"], r["category"])), r["n"], r["open"]) for r in rows), key=lambda r: (-r[1], r[0])
    )
    return counted
