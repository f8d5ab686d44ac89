"""Reading the case file for the pages: only the sections and rows the user may see, with a fixed number of
queries whatever the length of the history. The trajectory always comes from the access door."""

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time
from functools import lru_cache, partial
from typing import Any, overload

from django.db.models import Case, Count, Exists, F, OuterRef, Prefetch, Q, QuerySet, Subquery, When, Window
from django.db.models.functions import Coalesce, RowNumber
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
from routeplus.conf.compiled import CompiledQuery
from routeplus.conf.search import search_terms
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
    return Coalesce(Subquery(rows.order_by().values("trajectory").annotate(n=Count("*")).values("n")), 0)


def _latest(rows: QuerySet[Any], field_name: str, *order: str) -> Subquery:
    return Subquery(rows.order_by(*order).values(field_name)[:1])


@lru_cache(maxsize=64)
def _overview_query(sections: frozenset[str], categories: frozenset[str]) -> QuerySet[Trajectory, Any]:
    """The overview's statement for one combination of visible sections and categories, as a query set: built
    and compiled once per connection (`_OVERVIEW`), never evaluated itself."""
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
        # The attempts since the last one that reached someone (all of them when none did): later, or at the same
        # moment and recorded after it. Written with `at >=` on its own, so the index on (trajectory, at) starts
        # the scan at that moment instead of reading every contact of a long history.
        since_reached = Q(at__gte=last_reached_at) & (Q(at__gt=last_reached_at) | Q(id__gt=last_reached_id))
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


# The overview's SQL, compiled once per connection for each combination of visible sections and categories
# (conf.compiled): compiling its twenty subqueries cost as much again as running them, on every case-file page.
_OVERVIEW = CompiledQuery(
    lambda sections, categories, *, trajectory_id: (
        _overview_query(sections, categories).filter(pk=trajectory_id).order_by()[:1]
    ),
    trajectory_id=int,
)


def case_file_sections(*, user: Any, trajectory: Trajectory) -> CaseFileSections:
    """The overview of every visible section in one statement (a scalar subquery per figure on the trajectory's
    indexed rows), whatever the length of the history; nothing of a section the user may not see is read."""
    categories = visible_categories(user, trajectory)
    sections = visible_sections(user, trajectory)
    values: dict[str, Any] = {}
    if sections - {Section.TIMELINE}:
        found = _OVERVIEW.first(frozenset(sections), categories, trajectory_id=trajectory.pk) or {}
        values = {name.removeprefix("figure_"): value for name, value in found.items() if value is not None}
    return CaseFileSections(sections=sections, categories=categories, **values)


def employer_list(*, search: str = "") -> QuerySet[Employer]:
    """Employers are shared across trajectories; the count of running placements helps coaches choose."""
    qs = Employer.objects.annotate(
        running=Count("placements", filter=Q(placements__status="running"), distinct=True)
    ).order_by("name", "id")
    return employers_matching(qs, search)


def employers_matching(employers: QuerySet[Employer], search: str) -> QuerySet[Employer]:
    """The employers with every word of the search in their name, place or sector (any case). The search is cut
    to its field's length and a few words before it becomes a query: a posted value is checked only later."""
    for term in search_terms(search):
        employers = employers.filter(Q(name__icontains=term) | Q(city__icontains=term) | Q(sector__icontains=term))
    return employers


def numbered_newest_first(results: QuerySet[Result]) -> QuerySet[Any]:  # Any: rn is an annotation
    """The results with `rn`, their place among their trajectory's results newest first (by start date, then the
    one recorded last): `rn = 1` is a trajectory's latest result, as the monitor and the business case count it.
    Numbered in one pass over the results (a window), not with a lookup per trajectory."""
    return results.annotate(
        rn=Window(RowNumber(), partition_by=[F("trajectory_id")], order_by=[F("start_date").desc(), F("id").desc()])
    )


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


Description = tuple[str, str, str]  # an event's title, detail and author


@dataclass(frozen=True)
class PendingEvent:
    """An event placed on the timeline by its dates, described (labels, translations, names) only when shown: a
    long history is sorted whole, but only the page being read is written out."""

    on: date
    order: datetime
    kind: str
    describe: Callable[[], Description]

    def event(self) -> TimelineEvent:
        title, detail, by = self.describe()
        return TimelineEvent(on=self.on, kind=self.kind, title=title, detail=detail, by=by, order=self.order)


class Timeline(Sequence[TimelineEvent]):
    """The events newest first, each described when read (a page of them, as a Paginator reads them)."""

    def __init__(self, pending: list[PendingEvent]) -> None:
        self._pending = pending

    def __len__(self) -> int:
        return len(self._pending)

    @overload
    def __getitem__(self, index: int) -> TimelineEvent: ...

    @overload
    def __getitem__(self, index: slice) -> list[TimelineEvent]: ...

    def __getitem__(self, index: int | slice) -> TimelineEvent | list[TimelineEvent]:
        if isinstance(index, slice):
            return [pending.event() for pending in self._pending[index]]
        return self._pending[index].event()


def timeline(*, user: Any, trajectory: Trajectory, kinds: Iterable[str] | None = None) -> Timeline:
    """Everything that happened in the trajectory, newest first: one query per kind, merged in Python."""
    allowed = timeline_kinds(user=user, trajectory=trajectory)
    wanted = [k for k in allowed if kinds is None or k in set(kinds)] if kinds else allowed
    categories = visible_categories(user, trajectory)
    events: list[PendingEvent] = []
    for kind in wanted:
        events.extend(_EVENTS[kind](trajectory, categories))
    events.sort(key=lambda e: (e.on, e.order), reverse=True)
    return Timeline(events)


# Each kind reads only the columns its events show: a long history is read whole to be sorted, and the full rows
# (with their authors' whole accounts) cost twice as much to fetch and to make into objects.


def _status_events(trajectory: Trajectory, categories: frozenset[str]) -> list[PendingEvent]:
    rows = (
        StatusChange.objects.filter(trajectory=trajectory)
        .select_related("changed_by")
        .only("effective_date", "changed_at", "to_status", "reason", "changed_by__full_name")
    )
    return [PendingEvent(row.effective_date, row.changed_at, Kind.STATUS, partial(_status, row)) for row in rows]


def _status(row: StatusChange) -> Description:
    return _("Status: %(status)s") % {"status": row.get_to_status_display()}, row.reason, row.changed_by.full_name


def _team_events(trajectory: Trajectory, categories: frozenset[str]) -> list[PendingEvent]:
    events = []
    rows = (
        TeamMember.objects.filter(trajectory=trajectory)
        .select_related("user", "organisation")
        .only("start_date", "end_date", "role", "user__full_name", "organisation__name")
    )
    for row in rows:
        events.append(
            PendingEvent(
                row.start_date, _midnight(row.start_date), Kind.TEAM, partial(_team, row, _("In het team: %(who)s"))
            )
        )
        if row.end_date:
            events.append(
                PendingEvent(
                    row.end_date, _midnight(row.end_date), Kind.TEAM, partial(_team, row, _("Uit het team: %(who)s"))
                )
            )
    return events


def _team(row: TeamMember, title: str) -> Description:
    return title % {"who": f"{row.user.full_name} ({row.get_role_display()}, {row.organisation.name})"}, "", ""


def _goal_events(trajectory: Trajectory, categories: frozenset[str]) -> list[PendingEvent]:
    rows = (
        LearningGoal.objects.filter(trajectory=trajectory)
        .select_related("created_by")
        .only("created_at", "area", "description", "status", "created_by__full_name")
    )
    return [
        PendingEvent(timezone.localdate(row.created_at), row.created_at, Kind.GOAL, partial(_goal, row)) for row in rows
    ]


def _goal(row: LearningGoal) -> Description:
    return (
        _("Leerdoel (%(area)s): %(description)s") % {"area": row.get_area_display(), "description": row.description},
        row.get_status_display() if row.status != GoalStatus.OPEN else "",
        row.created_by.full_name,
    )


def _review_events(trajectory: Trajectory, categories: frozenset[str]) -> list[PendingEvent]:
    rows = (
        GoalReview.objects.filter(goal__trajectory=trajectory)
        .select_related("goal", "reviewed_by")
        .only("reviewed_on", "created_at", "score", "note", "goal__description", "reviewed_by__full_name")
    )
    return [PendingEvent(row.reviewed_on, row.created_at, Kind.REVIEW, partial(_review, row)) for row in rows]


def _review(row: GoalReview) -> Description:
    return (
        _("Evaluatie: %(score)s - %(goal)s") % {"score": row.get_score_display(), "goal": row.goal.description},
        row.note,
        row.reviewed_by.full_name,
    )


def _placement_events(trajectory: Trajectory, categories: frozenset[str]) -> list[PendingEvent]:
    events = []
    rows = (
        Placement.objects.filter(trajectory=trajectory)
        .select_related("employer", "created_by")
        .only(
            "start_date", "end_date", "created_at", "kind", "status", "evaluation", "employer__name",
            "created_by__full_name",
        )
    )  # fmt: skip
    for row in rows:
        events.append(PendingEvent(row.start_date, row.created_at, Kind.PLACEMENT, partial(_placement_start, row)))
        if row.end_date:
            events.append(PendingEvent(row.end_date, row.created_at, Kind.PLACEMENT, partial(_placement_end, row)))
    return events


def _placement_start(row: Placement) -> Description:
    what = f"{row.get_kind_display()} bij {row.employer.name}"
    return _("Start: %(what)s") % {"what": what}, "", row.created_by.full_name


def _placement_end(row: Placement) -> Description:
    what = f"{row.get_kind_display()} bij {row.employer.name}"
    return _("Einde: %(what)s (%(status)s)") % {"what": what, "status": row.get_status_display()}, row.evaluation, ""


def _provision_events(trajectory: Trajectory, categories: frozenset[str]) -> list[PendingEvent]:
    events = []
    rows = (
        Provision.objects.filter(trajectory=trajectory, kind__category__in=categories)
        .select_related("kind", "created_by")
        .only(
            "applied_on", "decided_on", "start_date", "end_date", "status", "created_at", "decision_reference",
            "kind__name", "created_by__full_name",
        )
    )  # fmt: skip
    for row in rows:
        # (date, title, whether the decision's reference goes with it)
        steps = [
            (row.applied_on, _("Aangevraagd: %(name)s"), True),
            (row.decided_on, _("Besluit: %(name)s - %(status)s"), True),
            (row.end_date if row.status == ProvisionStatus.ENDED else None, _("Beëindigd: %(name)s"), True),
        ]
        if row.applied_on is None and row.decided_on is None:
            steps.append((row.start_date or timezone.localdate(row.created_at), _("%(name)s - %(status)s"), False))
        events += [
            PendingEvent(on, row.created_at, Kind.PROVISION, partial(_provision, row, title, with_reference))
            for on, title, with_reference in steps
            if on is not None
        ]
    return events


def _provision(row: Provision, title: str, with_reference: bool) -> Description:
    return (
        title % {"name": row.kind.name, "status": row.get_status_display()},
        row.decision_reference if with_reference else "",
        row.created_by.full_name,
    )


def _result_events(trajectory: Trajectory, categories: frozenset[str]) -> list[PendingEvent]:
    rows = (
        Result.objects.filter(trajectory=trajectory, type__in=visible_result_types(categories))
        .select_related("recorded_by")
        .only("start_date", "created_at", "type", "note", "recorded_by__full_name")
    )
    return [PendingEvent(row.start_date, row.created_at, Kind.RESULT, partial(_result, row)) for row in rows]


def _result(row: Result) -> Description:
    by = row.recorded_by.full_name if row.recorded_by else ""
    return _("Resultaat: %(type)s") % {"type": row.get_type_display()}, row.note, by


def _contact_events(trajectory: Trajectory, categories: frozenset[str]) -> list[PendingEvent]:
    rows = (
        ContactMoment.objects.filter(trajectory=trajectory)
        .select_related("recorded_by")
        .only("at", "reached", "channel", "with_whom", "summary", "recorded_by__full_name")
    )
    return [PendingEvent(timezone.localdate(row.at), row.at, Kind.CONTACT, partial(_contact, row)) for row in rows]


def _contact(row: ContactMoment) -> Description:
    title = _("Contact: %(channel)s met %(whom)s") if row.reached else _("Niet bereikt: %(channel)s, %(whom)s")
    parts = {"channel": row.get_channel_display().lower(), "whom": row.get_with_whom_display().lower()}
    return title % parts, row.summary, row.recorded_by.full_name


def _bottleneck_events(trajectory: Trajectory, categories: frozenset[str]) -> list[PendingEvent]:
    rows = (
        Bottleneck.objects.filter(trajectory=trajectory)
        .select_related("recorded_by")
        .only("noticed_on", "created_at", "category", "domains", "description", "status", "recorded_by__full_name")
    )
    return [PendingEvent(row.noticed_on, row.created_at, Kind.BOTTLENECK, partial(_bottleneck, row)) for row in rows]


def _bottleneck(row: Bottleneck) -> Description:
    return (
        _("Knelpunt: %(category)s (%(domains)s)")
        % {"category": row.get_category_display(), "domains": ", ".join(row.domain_labels())},
        row.description + (f" - {row.get_status_display()}" if row.status != BottleneckStatus.OPEN else ""),
        row.recorded_by.full_name,
    )


def _signal_events(trajectory: Trajectory, categories: frozenset[str]) -> list[PendingEvent]:
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
