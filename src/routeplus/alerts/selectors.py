"""Reading signals: the worklist, the case lead's team overview, a case's timeline events and digest counts.

Every selector starts from trajectories_visible_to(user) and then keeps only signals whose data category the
user may see on that case (access.sections), so a signal never tells more than the case file would.
"""

from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from functools import partial
from typing import TYPE_CHECKING, Any, overload

from django.db.models import Count, Q, QuerySet, Window
from django.utils import timezone

if TYPE_CHECKING:
    from routeplus.casefile.selectors import Description, PendingEvent

from routeplus.access.door import (
    REGISTRATION_STATUSES,
    active_roles,
    team_places_on,
    trajectories_on_caseload_of,
    trajectories_visible_to,
)
from routeplus.access.sections import role_categories
from routeplus.accounts.models import Membership, Role
from routeplus.alerts.models import ACTIVE_STATUSES, DigestSubscription, Signal, SignalEvent, SignalStatus
from routeplus.alerts.rules import RULES, rule_title
from routeplus.conf.compiled import CompiledQuery
from routeplus.trajectories.models import TeamMember, Trajectory

RECENT_DAYS = 14


def _current_places(roles: tuple[str, ...], *, user_id: int, on: date) -> QuerySet[TeamMember, tuple[int, str]]:
    return team_places_on(on, user_id=user_id, role__in=roles).values_list("trajectory_id", "role")


# The user's current places on teams, in the roles they hold: what every worklist asks, compiled once per set of
# roles (conf.compiled). All of them, not only the cases asked about: a caseload's places are a few hundred short
# rows at most, cheaper to read than a query with their ids is to build.
_CURRENT_PLACES = CompiledQuery(_current_places, user_id=int, on=date)


def categories_by_trajectory(*, user: Any, trajectory_ids: list[int]) -> dict[int, frozenset[str]]:
    """The categories the user sees per trajectory, in two queries (access.sections.visible_categories in bulk)."""
    today = timezone.localdate()
    config = role_categories()
    held = active_roles(user)
    result: dict[int, frozenset[str]] = defaultdict(frozenset)
    asked = set(trajectory_ids)
    for trajectory_id, role in _CURRENT_PLACES.all(tuple(sorted(held)), user_id=user.pk, on=today):
        if trajectory_id in asked:
            result[trajectory_id] |= config.get(role, frozenset())
    if Role.SCHOOL_COORDINATOR in held:
        schools = Membership.objects.filter(
            user=user, is_active=True, role=Role.SCHOOL_COORDINATOR, organisation__kind="school"
        ).values("organisation_id")
        coordinator = config.get(Role.SCHOOL_COORDINATOR, frozenset())
        for trajectory_id in Trajectory.objects.filter(
            id__in=[i for i in trajectory_ids if i not in result],
            status__in=REGISTRATION_STATUSES,
            participant__school_id__in=schools,
        ).values_list("id", flat=True):
            result[trajectory_id] = coordinator
    return result


def _category_shown(category: str, categories: frozenset[str]) -> bool:
    """A signal tells no more than the case file: shown when about the case itself or a visible category."""
    return not category or category in categories


def _shown(signal: Signal, categories: frozenset[str]) -> bool:
    return _category_shown(signal.category, categories)


def _shown_in(categories: frozenset[str]) -> Q:
    """The rule of _shown as a condition, for a query that reads only the signals it shows."""
    return Q(category="") | Q(category__in=sorted(categories))


def _visible(user: Any, signals: list[Signal]) -> list[Signal]:
    categories = categories_by_trajectory(user=user, trajectory_ids=list({s.trajectory_id for s in signals}))
    return [s for s in signals if _shown(s, categories.get(s.trajectory_id, frozenset()))]


def _base(user: Any) -> QuerySet[Signal]:
    return Signal.objects.filter(trajectory__in=trajectories_visible_to(user)).select_related(
        "trajectory", "trajectory__participant", "trajectory__route"
    )


def _open_on(on: date) -> Q:
    # A snoozed signal whose date has passed is open again, even before the nightly run reopens it.
    return Q(status=SignalStatus.OPEN) | Q(status=SignalStatus.SNOOZED, snoozed_until__lte=on)


@dataclass(frozen=True)
class WorkItem:
    signal: Signal
    title: str
    overdue: bool
    due_soon: bool

    # Translated when read: the signal's own page and the API show them, the worklist's 25 rows do not.
    @property
    def what_to_do(self) -> str:
        """What the signal's rule asks of the professional."""
        rule = RULES.get(self.signal.rule)
        return str(rule.what_to_do) if rule else ""

    @property
    def checklist(self) -> tuple[str, ...]:
        """The points to go through, in the rule's order."""
        rule = RULES.get(self.signal.rule)
        return tuple(str(point) for point in rule.checklist) if rule else ()


def _overdue(due_date: date, on: date) -> bool:
    return due_date < on


def _due_soon(due_date: date, on: date) -> bool:
    return on <= due_date <= on + timedelta(days=7)


def overdue(signal: Signal, on: date) -> bool:
    return _overdue(signal.due_date, on)


def due_soon(signal: Signal, on: date) -> bool:
    return _due_soon(signal.due_date, on)


def work_item(signal: Signal, on: date) -> WorkItem:
    """A signal with what its rule asks of the professional and how urgent it is on `on`."""
    return WorkItem(
        signal=signal, title=rule_title(signal.rule), overdue=overdue(signal, on), due_soon=due_soon(signal, on)
    )


class Worklist(Sequence[Signal]):
    """Open signals on the user's cases, most urgent first, read in two steps: the order, case, category and due
    date of every one (plain values, for visibility, counts and paging), and whole rows only for the slice that is
    shown. A large caseload has a hundred open signals or more and a page shows 25: building every one as a record
    with its trajectory and participant cost more than the rest of the page. Takes what a paginator asks of a
    list (a length, slices, an index); a slice is one query. (Its inherited count(value) takes an argument, so
    Django's Paginator counts it with len().)"""

    def __init__(self, keys: list[tuple[int, date]]) -> None:
        self._ids = [signal_id for signal_id, _due in keys]
        self.due_dates = [due for _signal_id, due in keys]

    def __len__(self) -> int:
        return len(self._ids)

    def __iter__(self) -> Iterator[Signal]:
        return iter(self._rows(self._ids))

    @overload
    def __getitem__(self, index: int) -> Signal: ...

    @overload
    def __getitem__(self, index: slice) -> list[Signal]: ...

    def __getitem__(self, index: int | slice) -> Signal | list[Signal]:
        if isinstance(index, slice):
            return self._rows(self._ids[index])
        return self._rows([self._ids[index]])[0]

    @staticmethod
    def _rows(ids: list[int]) -> list[Signal]:
        """Only what a worklist row, its API form and the page's links read, in the worklist's order."""
        if not ids:
            return []
        size = next((size for size in _ROWS_SIZES if size >= len(ids)), None)
        if size is None:
            rows: Iterable[Signal] = _worklist_rows(*ids)
        else:  # the list filled up to a size compiled before (a repeated id matches nothing more)
            rows = _COMPILED_ROWS[size].all(**{f"id{n}": ids[min(n, len(ids) - 1)] for n in range(size)})
        found = {signal.pk: signal for signal in rows}
        # A signal handled between the two reads is still shown, as it was open when the list was made.
        return [found[signal_id] for signal_id in ids if signal_id in found]


def worklist_signals(*, user: Any, on: date | None = None) -> Worklist:
    """Open signals on the user's cases, most urgent first (due date, then oldest raised), in the categories the
    user sees on each case. A list pages these and describes only the page it shows (work_item)."""
    on = on or timezone.localdate()
    roles = tuple(sorted(active_roles(user)))
    keys = _WORKLIST_KEYS.all(roles, user_id=user.pk, today=timezone.localdate(), on=on)
    categories = categories_by_trajectory(user=user, trajectory_ids=list({key[1] for key in keys}))
    return Worklist(
        [
            (signal_id, due)
            for signal_id, trajectory_id, category, due in keys
            if _category_shown(category, categories.get(trajectory_id, frozenset()))
        ]
    )


def _worklist_keys(
    roles: tuple[str, ...], *, user_id: int, today: date, on: date
) -> QuerySet[Signal, tuple[int, int, str, date]]:
    """worklist_signals' first step: (id, case, category, due date) of every signal open on `on` on the caseload
    today (trajectories_visible_to, from plain values), most urgent first."""
    caseload = trajectories_on_caseload_of(frozenset(roles), user_id=user_id, on=today)
    return (
        Signal.objects.filter(_open_on(on), trajectory__in=caseload)
        .order_by("due_date", "raised_on", "id")
        .values_list("id", "trajectory_id", "category", "due_date")
    )


# Every worklist, digest count and API worklist page asks it: compiled once per set of roles (conf.compiled); built
# anew, the caseload condition's subqueries cost about a millisecond a request.
_WORKLIST_KEYS = CompiledQuery(_worklist_keys, user_id=int, today=date, on=date)


WORKLIST_FIELDS = (
    "uuid", "trajectory", "rule", "category", "status", "raised_on", "due_date", "snoozed_until", "detail",
    "trajectory__uuid", "trajectory__participant", "trajectory__participant__uuid",
    "trajectory__participant__given_name", "trajectory__participant__family_name",
)  # fmt: skip


def _worklist_rows(*ids: int) -> QuerySet[Signal]:
    return Signal.objects.filter(id__in=ids).select_related("trajectory__participant").only(*WORKLIST_FIELDS)


# A page of the worklist (25 on the web, 50 or up to 100 through the API, one for an index) reads its rows by
# compiled SQL (conf.compiled), one statement per size of list; built anew, the query cost a third of a millisecond.
_ROWS_SIZES = (1, 25, 50, 100)
_COMPILED_ROWS = {
    size: CompiledQuery(
        lambda **ids: _worklist_rows(*ids.values()),
        **dict.fromkeys((f"id{n}" for n in range(size)), int),
    )
    for size in _ROWS_SIZES
}


@dataclass(frozen=True)
class Attention:
    """What needs attention on one case file: the most urgent open signals the reader may see, and how many."""

    items: list[WorkItem]
    total: int


ATTENTION_SHOWN = 3


# On every case-file page: compiled once per set of categories the reader sees (conf.compiled). Only the signals
# the header shows are read, with the number of all the reader may see beside each; a long-running case has
# twenty open signals or more, and building each as a record cost more than finding it.
_ATTENTION = CompiledQuery(
    lambda categories, *, trajectory_id, on: (
        Signal.objects.filter(_open_on(on), _shown_in(categories), trajectory_id=trajectory_id)
        .annotate(shown_total=Window(Count("id")))
        .order_by("due_date", "raised_on", "id")[:ATTENTION_SHOWN]
    ),
    trajectory_id=int,
    on=date,
)


def attention_on(*, trajectory: Trajectory, categories: frozenset[str], on: date | None = None) -> Attention:
    """The open signals of one trajectory in the categories the reader sees there (the door's
    visible_categories for this case), most urgent first: one query, whatever the number of signals."""
    on = on or timezone.localdate()
    signals = _ATTENTION.all(frozenset(categories), trajectory_id=trajectory.pk, on=on)
    return Attention(items=[work_item(s, on) for s in signals], total=signals[0].shown_total if signals else 0)


def signal_for_action(*, user: Any, signal_uuid: Any) -> Signal | None:
    """One signal the user may act on: on a visible case and in a visible category."""
    signal = _base(user).filter(uuid=signal_uuid).first()
    if signal is None or not _visible(user, [signal]):
        return None
    return signal


@dataclass(frozen=True)
class TeamRow:
    trajectory: Trajectory
    open: int
    overdue: int
    snoozed: int
    next_due: date | None


@dataclass(frozen=True)
class TeamOverview:
    rows: list[TeamRow]
    snoozed: list[Signal]
    recent: list[Signal]


def team_overview(*, user: Any, on: date | None = None) -> TeamOverview:
    """For a case lead: per case they lead, the open, overdue and snoozed signals, and what the team recently did."""
    on = on or timezone.localdate()
    led = team_places_on(on, user=user, role=Role.CASE_LEAD).values("trajectory_id")
    trajectories = list(
        trajectories_visible_to(user)
        .filter(id__in=led)
        .select_related("participant")
        .order_by("participant__family_name", "participant__given_name", "id")
    )
    signals = _visible(
        user,
        list(
            Signal.objects.filter(trajectory__in=[t.pk for t in trajectories])
            .filter(Q(status__in=ACTIVE_STATUSES) | Q(handled_at__gte=timezone.now() - timedelta(days=RECENT_DAYS)))
            .select_related("trajectory", "trajectory__participant", "handled_by")
        ),
    )
    per_case: dict[int, list[Signal]] = defaultdict(list)
    for signal in signals:
        per_case[signal.trajectory_id].append(signal)
    rows = []
    for trajectory in trajectories:
        own = per_case.get(trajectory.pk, [])
        opened = [s for s in own if s.status == SignalStatus.OPEN or (s.snoozed_until and s.snoozed_until <= on)]
        rows.append(
            TeamRow(
                trajectory=trajectory,
                open=len(opened),
                overdue=sum(1 for s in opened if s.due_date < on),
                snoozed=sum(
                    1 for s in own if s.status == SignalStatus.SNOOZED and s.snoozed_until and s.snoozed_until > on
                ),
                next_due=min((s.due_date for s in opened), default=None),
            )
        )
    rows.sort(key=lambda row: (-row.overdue, row.next_due or date.max))
    snoozed = sorted(
        (s for s in signals if s.status == SignalStatus.SNOOZED and s.snoozed_until and s.snoozed_until > on),
        key=lambda s: s.snoozed_until or date.max,
    )
    recent = sorted(
        (s for s in signals if s.status in (SignalStatus.HANDLED, SignalStatus.DISMISSED)),
        key=lambda s: s.handled_at or timezone.now(),
        reverse=True,
    )
    return TeamOverview(rows=rows, snoozed=snoozed, recent=recent)


def signal_events_of(*, trajectory: Trajectory, categories: frozenset[str]) -> list["PendingEvent"]:
    """Signals of one case and their handling, as case-timeline events (the trajectory comes from the door)."""
    from routeplus.casefile.selectors import Kind, PendingEvent

    signals = {
        s.pk: s for s in Signal.objects.filter(trajectory=trajectory) if not s.category or s.category in categories
    }
    events = SignalEvent.objects.filter(signal_id__in=list(signals)).select_related("actor").order_by("at", "id")
    return [
        PendingEvent(
            timezone.localtime(event.at).date(),
            event.at,
            Kind.SIGNAL,
            partial(_signal_event, signals[event.signal_id], event),
        )
        for event in events
    ]


def _signal_event(signal: Signal, event: SignalEvent) -> "Description":
    return (
        f"{rule_title(signal.rule)}: {SignalStatus(event.to_status).label.lower()}",
        " · ".join(part for part in (signal.detail, event.note) if part),
        event.actor.full_name if event.actor else "routeplus",
    )


def signal_counts(due_dates: list[date], on: date) -> dict[str, int]:
    """How many signals there are, how many overdue and how many due this week, on `on`, from their due dates."""
    return {
        "open": len(due_dates),
        "overdue": sum(1 for due in due_dates if _overdue(due, on)),
        "due_soon": sum(1 for due in due_dates if _due_soon(due, on)),
    }


def open_signal_counts(*, user: Any, on: date | None = None) -> dict[str, int]:
    """For the daily e-mail: numbers only, never who or what."""
    on = on or timezone.localdate()
    return signal_counts(worklist_signals(user=user, on=on).due_dates, on)


# Asked on every worklist page: compiled once (conf.compiled).
_DIGEST_ON = CompiledQuery(
    lambda *, user_id: DigestSubscription.objects.filter(user_id=user_id, is_active=True).values_list("id")[:1],
    user_id=int,
)


def digest_is_on(*, user: Any) -> bool:
    """Whether the user gets the daily e-mail (alerts.digest)."""
    return user.pk is not None and _DIGEST_ON.first(user_id=user.pk) is not None
