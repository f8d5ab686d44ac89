"""Reading the case file for the pages: only the sections and rows the user may see, with a fixed number of
queries whatever the length of the history. The trajectory always comes from the access door."""

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, time
from functools import lru_cache
from typing import Any

from django.db import connection
from django.db.models import Case, Count, Exists, OuterRef, Prefetch, Q, QuerySet, Subquery, When
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from routeplus.access.sections import (
    ALL_CATEGORIES,
    Section,
    visible_categories,
    visible_result_types,
    visible_sections,
)
from routeplus.casefile.models import (
    Bottleneck,
    BottleneckStatus,
    ContactMoment,
    DevelopmentPlan,
    Employer,
    GoalReview,
    GoalStatus,
    LearningGoal,
    Placement,
    PlacementKind,
    PlacementStatus,
    ProposalStatus,
    Provision,
    ProvisionStatus,
    Result,
    ResultProposal,
    ResultType,
)
from routeplus.trajectories.models import StatusChange, TeamMember, Trajectory


@dataclass
class CaseFileSections:
    """The state of each section at a glance, for the case file's overview: counts and the latest fact, never
    the rows themselves (those are on the section's own page, one click away in the case-file navigation).
    Hidden sections stay empty and say so."""

    sections: set[str]
    categories: frozenset[str]
    perspective: str = ""
    goals: int = 0
    goals_open: int = 0
    placements: int = 0
    placements_running: int = 0
    running_kind: str = ""
    running_employer: str = ""
    running_since: date | None = None
    provisions: int = 0
    provisions_granted: int = 0
    results: int = 0
    latest_result_type: str = ""
    latest_result_from: date | None = None
    proposals: int = 0
    contacts: int = 0
    last_contact_at: datetime | None = None
    last_contact_reached: bool | None = None
    contacts_failed_in_row: int = 0
    bottlenecks: int = 0
    bottlenecks_open: int = 0

    # For templates, which cannot pass arguments.
    shows_plan = property(lambda self: Section.PLAN in self.sections)
    shows_placements = property(lambda self: Section.PLACEMENTS in self.sections)
    shows_provisions = property(lambda self: Section.PROVISIONS in self.sections)
    shows_results = property(lambda self: Section.RESULTS in self.sections)
    shows_contacts = property(lambda self: Section.CONTACTS in self.sections)
    shows_bottlenecks = property(lambda self: Section.BOTTLENECKS in self.sections)
    shows_timeline = property(lambda self: Section.TIMELINE in self.sections)
    running_kind_label = property(lambda self: PlacementKind(self.running_kind).label if self.running_kind else "")
    latest_result_label = property(
        lambda self: ResultType(self.latest_result_type).label if self.latest_result_type else ""
    )

    @property
    def partly_hidden(self) -> bool:
        """Some categories are hidden for this user, so mixed sections may leave rows out."""
        return self.categories != ALL_CATEGORIES


def goals_with_reviews(trajectory: Trajectory) -> QuerySet[LearningGoal]:
    return (
        LearningGoal.objects.filter(trajectory=trajectory)
        .select_related("owner")
        .prefetch_related(Prefetch("reviews", queryset=GoalReview.objects.select_related("reviewed_by")))
        .order_by("status", "target_date", "created_at", "id")
    )


def placements_of(trajectory: Trajectory) -> QuerySet[Placement]:
    return Placement.objects.filter(trajectory=trajectory).select_related("employer").order_by("-start_date", "-id")


def provisions_of(trajectory: Trajectory, categories: frozenset[str]) -> QuerySet[Provision]:
    return (
        Provision.objects.filter(trajectory=trajectory, kind__category__in=categories)
        .select_related("kind")
        .order_by("kind__domain", "-created_at", "-id")
    )


def results_of(trajectory: Trajectory, categories: frozenset[str]) -> QuerySet[Result]:
    return (
        Result.objects.filter(trajectory=trajectory, type__in=visible_result_types(categories))
        .select_related("placement__employer", "provision__kind", "recorded_by")
        .order_by("start_date", "id")
    )


def open_proposals_of(trajectory: Trajectory, categories: frozenset[str]) -> QuerySet[ResultProposal]:
    return (
        ResultProposal.objects.filter(
            trajectory=trajectory, status=ProposalStatus.OPEN, type__in=visible_result_types(categories)
        )
        .select_related("placement__employer", "provision__kind")
        .order_by("start_date", "id")
    )


def contacts_of(trajectory: Trajectory) -> QuerySet[ContactMoment]:
    return ContactMoment.objects.filter(trajectory=trajectory).select_related("recorded_by").order_by("-at", "-id")


def bottlenecks_of(trajectory: Trajectory) -> QuerySet[Bottleneck]:
    return Bottleneck.objects.filter(trajectory=trajectory).select_related("recorded_by").order_by("-noticed_on", "-id")


def _count(rows: QuerySet[Any]) -> Coalesce:
    """How many of these rows (filtered on trajectory=OuterRef("pk")) there are, as a scalar subquery."""
    return Coalesce(Subquery(rows.order_by().values("trajectory").annotate(n=Count("pk")).values("n")), 0)


def _latest(rows: QuerySet[Any], field_name: str, *order: str) -> Subquery:
    return Subquery(rows.order_by(*order).values(field_name)[:1])


@lru_cache(maxsize=64)
def _overview_query(sections: frozenset[str], categories: frozenset[str]) -> QuerySet[Trajectory, Any]:
    """The overview's statement for one combination of visible sections and categories, as a query set: built
    and compiled once per process (`_overview_statement`), never evaluated itself."""
    mine = {"trajectory": OuterRef("pk")}
    figures: dict[str, Any] = {}
    if Section.PLAN in sections:
        goals = LearningGoal.objects.filter(**mine)
        figures["perspective"] = _latest(DevelopmentPlan.objects.filter(**mine), "perspective", "pk")
        figures["goals"] = _count(goals)
        figures["goals_open"] = _count(goals.filter(status=GoalStatus.OPEN))
    if Section.PLACEMENTS in sections:
        running = Placement.objects.filter(**mine, status=PlacementStatus.RUNNING)
        newest_first = ("-start_date", "-id")
        figures["placements"] = _count(Placement.objects.filter(**mine))
        figures["placements_running"] = _count(running)
        figures["running_kind"] = _latest(running, "kind", *newest_first)
        figures["running_employer"] = _latest(running, "employer__name", *newest_first)
        figures["running_since"] = _latest(running, "start_date", *newest_first)
    if Section.PROVISIONS in sections:
        provisions = Provision.objects.filter(**mine, kind__category__in=sorted(categories))
        figures["provisions"] = _count(provisions)
        figures["provisions_granted"] = _count(provisions.filter(status=ProvisionStatus.GRANTED))
    if Section.RESULTS in sections:
        types = visible_result_types(categories)
        results = Result.objects.filter(**mine, type__in=types)
        proposals = ResultProposal.objects.filter(**mine, status=ProposalStatus.OPEN, type__in=types)
        figures["results"] = _count(results)
        figures["latest_result_type"] = _latest(results, "type", "-start_date", "-id")
        figures["latest_result_from"] = _latest(results, "start_date", "-start_date", "-id")
        figures["proposals"] = _count(proposals)
    if Section.CONTACTS in sections:
        contacts = ContactMoment.objects.filter(**mine)
        # Compared inside the contacts' own subquery, so the trajectory is one level further out.
        reached = ContactMoment.objects.filter(trajectory=OuterRef(OuterRef("pk")), reached=True)
        reached = reached.order_by("-at", "-id")
        last_reached_at, last_reached_id = Subquery(reached.values("at")[:1]), Subquery(reached.values("id")[:1])
        figures["contacts"] = _count(contacts)
        figures["last_contact_at"] = _latest(contacts, "at", "-at", "-id")
        figures["last_contact_reached"] = _latest(contacts, "reached", "-at", "-id")
        # The attempts since the last one that reached someone (all of them when none did).
        since_reached = Q(at__gt=last_reached_at) | Q(at=last_reached_at, id__gt=last_reached_id)
        figures["contacts_failed_in_row"] = Case(
            When(Exists(contacts.filter(reached=True)), then=_count(contacts.filter(since_reached))),
            default=_count(contacts),
        )
    if Section.BOTTLENECKS in sections:
        bottlenecks = Bottleneck.objects.filter(**mine)
        figures["bottlenecks"] = _count(bottlenecks)
        figures["bottlenecks_open"] = _count(bottlenecks.filter(status=BottleneckStatus.OPEN))
    # Prefixed: several figures share their name with a reverse relation of the trajectory (placements, ...).
    return Trajectory.objects.values(**{f"figure_{name}": expression for name, expression in figures.items()})


# Stands in for the trajectory's id while the overview's statement is compiled; no trajectory has a negative id.
_ANY_TRAJECTORY = -7_301_934_551


@dataclass(frozen=True)
class _Statement:
    """A compiled statement with the position of its one per-request parameter, and how to read its row."""

    sql: str
    params: tuple[Any, ...]
    trajectory_at: int
    names: tuple[str, ...]
    converters: tuple[tuple[int, tuple[Any, ...], Any], ...]

    def row(self, trajectory_id: int) -> dict[str, Any]:
        params = list(self.params)
        params[self.trajectory_at] = trajectory_id
        with connection.cursor() as cursor:
            cursor.execute(self.sql, params)
            found = cursor.fetchone()
        if found is None:
            return {}
        values = list(found)
        for position, converters, expression in self.converters:
            for convert in converters:
                values[position] = convert(values[position], expression, connection)
        return dict(zip(self.names, values, strict=True))


@lru_cache(maxsize=64)
def _overview_statement(sections: frozenset[str], categories: frozenset[str], vendor: str) -> _Statement:
    """The overview's SQL, compiled once per process and database kind: compiling its twenty subqueries cost as
    much again as running them, on every case-file page. Only the trajectory's id differs between requests."""
    query = _overview_query(sections, categories).filter(pk=_ANY_TRAJECTORY).query
    compiler = query.get_compiler(connection=connection)
    sql, params = compiler.as_sql()
    (trajectory_at,) = (i for i, value in enumerate(params) if value == _ANY_TRAJECTORY)
    expressions = [expression for expression, _sql, _alias in compiler.select]
    converters = compiler.get_converters(expressions)
    return _Statement(
        sql=sql,
        params=tuple(params),
        trajectory_at=trajectory_at,
        names=tuple(alias for _expression, _sql, alias in compiler.select),
        converters=tuple((position, tuple(c), e) for position, (c, e) in converters.items()),
    )


def case_file_sections(*, user: Any, trajectory: Trajectory) -> CaseFileSections:
    """The overview of every visible section in one statement (a scalar subquery per figure on the trajectory's
    indexed rows), whatever the length of the history; nothing of a section the user may not see is read."""
    categories = visible_categories(user, trajectory)
    sections = visible_sections(user, trajectory)
    values: dict[str, Any] = {}
    if sections - {Section.TIMELINE}:
        found = _overview_statement(frozenset(sections), categories, connection.vendor).row(trajectory.pk)
        values = {name.removeprefix("figure_"): value for name, value in found.items() if value is not None}
    return CaseFileSections(sections=sections, categories=categories, **values)


def employer_list(*, search: str = "") -> QuerySet[Employer]:
    """Employers are shared across trajectories; the count of running placements helps coaches choose."""
    qs = Employer.objects.annotate(
        running=Count("placements", filter=Q(placements__status="running"), distinct=True)
    ).order_by("name", "id")
    return employers_matching(qs, search)


def employers_matching(employers: QuerySet[Employer], search: str) -> QuerySet[Employer]:
    """The employers with every word of the search in their name, place or sector (any case)."""
    for term in search.split():
        employers = employers.filter(Q(name__icontains=term) | Q(city__icontains=term) | Q(sector__icontains=term))
    return employers


# ---------------------------------------------------------------------------------------------------------
# Timeline


class Kind:
    STATUS = "status"
    TEAM = "team"
    GOAL = "goal"
    REVIEW = "review"
    PLACEMENT = "placement"
    PROVISION = "provision"
    RESULT = "result"
    CONTACT = "contact"
    BOTTLENECK = "bottleneck"
    SIGNAL = "signal"


KIND_LABELS = {
    Kind.STATUS: gettext_lazy("Status"),
    Kind.TEAM: gettext_lazy("Team"),
    Kind.GOAL: gettext_lazy("Leerdoelen"),
    Kind.REVIEW: gettext_lazy("Evaluaties"),
    Kind.PLACEMENT: gettext_lazy("Stages en werk"),
    Kind.PROVISION: gettext_lazy("Voorzieningen"),
    Kind.RESULT: gettext_lazy("Resultaten"),
    Kind.CONTACT: gettext_lazy("Contacten"),
    Kind.BOTTLENECK: gettext_lazy("Knelpunten"),
    Kind.SIGNAL: gettext_lazy("Signaleringen"),
}
# The section a kind belongs to; None: part of the case file itself, visible to whoever may open it.
KIND_SECTION: dict[str, str | None] = {
    Kind.STATUS: None,
    Kind.TEAM: None,
    Kind.GOAL: Section.PLAN,
    Kind.REVIEW: Section.PLAN,
    Kind.PLACEMENT: Section.PLACEMENTS,
    Kind.PROVISION: Section.PROVISIONS,
    Kind.RESULT: Section.RESULTS,
    Kind.CONTACT: Section.CONTACTS,
    Kind.BOTTLENECK: Section.BOTTLENECKS,
    Kind.SIGNAL: None,  # each signal carries its own data category, filtered row by row
}


@dataclass(frozen=True)
class TimelineEvent:
    on: date
    kind: str
    title: str
    detail: str = ""
    by: str = ""
    order: datetime = field(default_factory=timezone.now, compare=False)

    @property
    def kind_label(self) -> str:
        return str(KIND_LABELS[self.kind])


def timeline_kinds(*, user: Any, trajectory: Trajectory) -> list[str]:
    """The kinds of event this user may see in this case file, in display order."""
    sections = visible_sections(user, trajectory)
    return [kind for kind, section in KIND_SECTION.items() if section is None or section in sections]


def _midnight(on: date) -> datetime:
    return timezone.make_aware(datetime.combine(on, time.min))


def timeline(*, user: Any, trajectory: Trajectory, kinds: Iterable[str] | None = None) -> list[TimelineEvent]:
    """Everything that happened in the trajectory, newest first: one query per kind, merged in Python."""
    allowed = timeline_kinds(user=user, trajectory=trajectory)
    wanted = [k for k in allowed if kinds is None or k in set(kinds)] if kinds else allowed
    categories = visible_categories(user, trajectory)
    events: list[TimelineEvent] = []
    for kind in wanted:
        events.extend(_EVENTS[kind](trajectory, categories))
    events.sort(key=lambda e: (e.on, e.order), reverse=True)
    return events


def _status_events(trajectory: Trajectory, categories: frozenset[str]) -> list[TimelineEvent]:
    rows = StatusChange.objects.filter(trajectory=trajectory).select_related("changed_by")
    return [
        TimelineEvent(
            on=row.effective_date,
            kind=Kind.STATUS,
            title=_("Status: %(status)s") % {"status": row.get_to_status_display()},
            detail=row.reason,
            by=row.changed_by.full_name,
            order=row.changed_at,
        )
        for row in rows
    ]


def _team_events(trajectory: Trajectory, categories: frozenset[str]) -> list[TimelineEvent]:
    events = []
    for row in TeamMember.objects.filter(trajectory=trajectory).select_related("user", "organisation"):
        who = f"{row.user.full_name} ({row.get_role_display()}, {row.organisation.name})"
        events.append(
            TimelineEvent(
                on=row.start_date,
                kind=Kind.TEAM,
                title=_("In het team: %(who)s") % {"who": who},
                order=_midnight(row.start_date),
            )
        )
        if row.end_date:
            events.append(
                TimelineEvent(
                    on=row.end_date,
                    kind=Kind.TEAM,
                    title=_("Uit het team: %(who)s") % {"who": who},
                    order=_midnight(row.end_date),
                )
            )
    return events


def _goal_events(trajectory: Trajectory, categories: frozenset[str]) -> list[TimelineEvent]:
    rows = LearningGoal.objects.filter(trajectory=trajectory).select_related("created_by")
    return [
        TimelineEvent(
            on=timezone.localdate(row.created_at),
            kind=Kind.GOAL,
            title=_("Leerdoel (%(area)s): %(description)s")
            % {"area": row.get_area_display(), "description": row.description},
            detail=row.get_status_display() if row.status != GoalStatus.OPEN else "",
            by=row.created_by.full_name,
            order=row.created_at,
        )
        for row in rows
    ]


def _review_events(trajectory: Trajectory, categories: frozenset[str]) -> list[TimelineEvent]:
    rows = GoalReview.objects.filter(goal__trajectory=trajectory).select_related("goal", "reviewed_by")
    return [
        TimelineEvent(
            on=row.reviewed_on,
            kind=Kind.REVIEW,
            title=_("Evaluatie: %(score)s - %(goal)s")
            % {"score": row.get_score_display(), "goal": row.goal.description},
            detail=row.note,
            by=row.reviewed_by.full_name,
            order=row.created_at,
        )
        for row in rows
    ]


def _placement_events(trajectory: Trajectory, categories: frozenset[str]) -> list[TimelineEvent]:
    events = []
    for row in Placement.objects.filter(trajectory=trajectory).select_related("employer", "created_by"):
        what = f"{row.get_kind_display()} bij {row.employer.name}"
        events.append(
            TimelineEvent(
                on=row.start_date,
                kind=Kind.PLACEMENT,
                title=_("Start: %(what)s") % {"what": what},
                by=row.created_by.full_name,
                order=row.created_at,
            )
        )
        if row.end_date:
            events.append(
                TimelineEvent(
                    on=row.end_date,
                    kind=Kind.PLACEMENT,
                    title=_("Einde: %(what)s (%(status)s)") % {"what": what, "status": row.get_status_display()},
                    detail=row.evaluation,
                    order=row.created_at,
                )
            )
    return events


def _provision_events(trajectory: Trajectory, categories: frozenset[str]) -> list[TimelineEvent]:
    events = []
    rows = Provision.objects.filter(trajectory=trajectory, kind__category__in=categories).select_related(
        "kind", "created_by"
    )
    for row in rows:
        name = row.kind.name
        steps = [
            (row.applied_on, _("Aangevraagd: %(name)s")),
            (row.decided_on, _("Besluit: %(name)s - %(status)s")),
            (row.end_date if row.status == ProvisionStatus.ENDED else None, _("Beëindigd: %(name)s")),
        ]
        for on, title in steps:
            if on is not None:
                events.append(
                    TimelineEvent(
                        on=on,
                        kind=Kind.PROVISION,
                        title=title % {"name": name, "status": row.get_status_display()},
                        detail=row.decision_reference,
                        by=row.created_by.full_name,
                        order=row.created_at,
                    )
                )
        if row.applied_on is None and row.decided_on is None:
            on = row.start_date or timezone.localdate(row.created_at)
            events.append(
                TimelineEvent(
                    on=on,
                    kind=Kind.PROVISION,
                    title=_("%(name)s - %(status)s") % {"name": name, "status": row.get_status_display()},
                    by=row.created_by.full_name,
                    order=row.created_at,
                )
            )
    return events


def _result_events(trajectory: Trajectory, categories: frozenset[str]) -> list[TimelineEvent]:
    rows = Result.objects.filter(trajectory=trajectory, type__in=visible_result_types(categories)).select_related(
        "recorded_by"
    )
    return [
        TimelineEvent(
            on=row.start_date,
            kind=Kind.RESULT,
            title=_("Resultaat: %(type)s") % {"type": row.get_type_display()},
            detail=row.note,
            by=row.recorded_by.full_name if row.recorded_by else "",
            order=row.created_at,
        )
        for row in rows
    ]


def _contact_events(trajectory: Trajectory, categories: frozenset[str]) -> list[TimelineEvent]:
    rows = ContactMoment.objects.filter(trajectory=trajectory).select_related("recorded_by")
    return [
        TimelineEvent(
            on=timezone.localdate(row.at),
            kind=Kind.CONTACT,
            title=(_("Contact: %(channel)s met %(whom)s") if row.reached else _("Niet bereikt: %(channel)s, %(whom)s"))
            % {"channel": row.get_channel_display().lower(), "whom": row.get_with_whom_display().lower()},
            detail=row.summary,
            by=row.recorded_by.full_name,
            order=row.at,
        )
        for row in rows
    ]


def _bottleneck_events(trajectory: Trajectory, categories: frozenset[str]) -> list[TimelineEvent]:
    rows = Bottleneck.objects.filter(trajectory=trajectory).select_related("recorded_by")
    return [
        TimelineEvent(
            on=row.noticed_on,
            kind=Kind.BOTTLENECK,
            title=_("Knelpunt: %(category)s (%(domains)s)")
            % {"category": row.get_category_display(), "domains": ", ".join(row.domain_labels())},
            detail=row.description + (f" - {row.get_status_display()}" if row.status != BottleneckStatus.OPEN else ""),
            by=row.recorded_by.full_name,
            order=row.created_at,
        )
        for row in rows
    ]


def _signal_events(trajectory: Trajectory, categories: frozenset[str]) -> list[TimelineEvent]:
    from routeplus.alerts.selectors import signal_events_of

    return signal_events_of(trajectory=trajectory, categories=categories)


_EVENTS = {
    Kind.STATUS: _status_events,
    Kind.TEAM: _team_events,
    Kind.GOAL: _goal_events,
    Kind.REVIEW: _review_events,
    Kind.PLACEMENT: _placement_events,
    Kind.PROVISION: _provision_events,
    Kind.RESULT: _result_events,
    Kind.CONTACT: _contact_events,
    Kind.BOTTLENECK: _bottleneck_events,
    Kind.SIGNAL: _signal_events,
}


def visible_sections_for(user: Any, trajectory: Trajectory) -> set[str]:
    """The sections for the case-file navigation."""
    return visible_sections(user, trajectory)
