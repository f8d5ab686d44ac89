"""Reading the change history of case data (audit.ChangeLogEntry) per record and per case file.

The change log stores, per write, the object's type (`app.model`), its reference (UUID, or the primary key of
records without one) and per changed field the old and new value in plain JSON. This module decides which of
those entries a user may see and renders the values readably (choice labels, Dutch dates, related records by
their name).

Visibility follows the case file: a record's history is visible exactly to those who may see that record's
data category (access/sections.py). The reading views pass the door first (one access-log entry); the
selectors here then only return entries about records of that trajectory the user may see, so a hidden
category never shows up, not even in the history of the whole case file.

Query count: a constant number of queries per page, whatever the number of entries (records of the
trajectory are collected per type in one query each, the related records of one page in one query per
related model).
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any
from uuid import UUID

from django.apps import apps
from django.core.exceptions import FieldDoesNotExist
from django.core.paginator import Page, Paginator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.dateformat import format as date_format
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from routeplus.access.sections import (
    Section,
    visible_categories,
    visible_result_types,
    visible_sections,
)
from routeplus.accounts.models import Membership, Role
from routeplus.audit.models import Action, ChangeLogEntry
from routeplus.participants.bsn import mask_bsn
from routeplus.trajectories.models import TeamMember, Trajectory

PAGE_SIZE = 50
EMPTY = "–"
CASE_FILE = "case_file"


@dataclass(frozen=True)
class RecordKind:
    """A kind of record whose history has its own page: URL slug, label, section and model(s)."""

    slug: str
    label: Any
    section: str
    object_types: tuple[str, ...]
    has_uuid: bool = True


# The records of a case file with their own history page. `traject` is the trajectory itself with its team;
# `plan` is the development plan (one per trajectory); a learning goal's history includes its reviews.
KINDS: dict[str, RecordKind] = {
    kind.slug: kind
    for kind in (
        RecordKind(
            "traject",
            gettext_lazy("Traject en team"),
            CASE_FILE,
            ("trajectories.trajectory", "trajectories.teammember"),
            has_uuid=False,
        ),
        RecordKind("plan", gettext_lazy("Ontwikkelplan"), Section.PLAN, ("casefile.developmentplan",), has_uuid=False),
        RecordKind(
            "leerdoel", gettext_lazy("Leerdoel"), Section.PLAN, ("casefile.learninggoal", "casefile.goalreview")
        ),
        RecordKind("stage", gettext_lazy("Stage of werkplek"), Section.PLACEMENTS, ("casefile.placement",)),
        RecordKind("voorziening", gettext_lazy("Voorziening"), Section.PROVISIONS, ("casefile.provision",)),
        RecordKind("resultaat", gettext_lazy("Resultaat"), Section.RESULTS, ("casefile.result",)),
        RecordKind("contact", gettext_lazy("Contactmoment"), Section.CONTACTS, ("casefile.contactmoment",)),
        RecordKind("knelpunt", gettext_lazy("Knelpunt"), Section.BOTTLENECKS, ("casefile.bottleneck",)),
    )
}


@dataclass(frozen=True)
class RecordRef:
    """Where the history of one change-log object lives: its kind's slug and the record's UUID (if any).
    A UUID, not its text: the history table links with {% row_url %}, which reuses one reversed route for
    UUID arguments and would take text for a new route shape per row."""

    slug: str
    record_uuid: UUID | None = None


@dataclass
class Scope:
    """The change-log objects of one trajectory that one user may see: object type -> reference -> link."""

    refs: dict[str, dict[str, RecordRef]] = field(default_factory=dict)

    def add(self, object_type: str, pairs: Iterable[tuple[Any, Any]], slug: str) -> None:
        target = self.refs.setdefault(object_type, {})
        for ref, record_uuid in pairs:
            target[str(ref)] = RecordRef(slug, UUID(str(record_uuid)) if record_uuid else None)

    def condition(self) -> Q:
        condition = Q(pk__in=[])
        for object_type, refs in self.refs.items():
            if refs:
                condition |= Q(object_type=object_type, object_ref__in=list(refs))
        return condition

    def link(self, entry: ChangeLogEntry) -> RecordRef | None:
        return self.refs.get(entry.object_type, {}).get(entry.object_ref)


def _uuid_pairs(qs: models.QuerySet[Any]) -> list[tuple[Any, Any]]:
    return [(value, value) for value in qs.values_list("uuid", flat=True)]


def history_scope(
    *, user: Any, trajectory: Trajectory, kind: RecordKind | None = None, record_uuid: Any = None
) -> Scope:
    """The records of this trajectory whose history the user may see; narrowed to one record if asked.

    The header (trajectory, team, participant) is visible to everyone who may open the case file; every other
    record only when its section, and for provisions and results the record's own category, is visible.
    """
    from routeplus.casefile.models import (
        Bottleneck,
        ContactMoment,
        DevelopmentPlan,
        GoalReview,
        LearningGoal,
        Placement,
        Provision,
        Result,
        ResultProposal,
    )

    scope = Scope()
    sections = visible_sections(user, trajectory)
    categories = visible_categories(user, trajectory)
    only = kind.slug if kind is not None else None

    def wanted(slug: str, section: str) -> bool:
        return (only is None or only == slug) and (section == CASE_FILE or section in sections)

    def mine(model: type[models.Model], **filters: Any) -> models.QuerySet[Any]:
        qs = model._default_manager.filter(trajectory=trajectory, **filters)
        return qs.filter(uuid=record_uuid) if record_uuid is not None and only is not None else qs

    if wanted("traject", CASE_FILE):
        scope.add("trajectories.trajectory", [(trajectory.uuid, "")], "traject")
        team = TeamMember.objects.filter(trajectory=trajectory).values_list("pk", flat=True)
        scope.add("trajectories.teammember", [(pk, "") for pk in team], "traject")
        if only is None:
            scope.add("participants.participant", [(trajectory.participant.uuid, "")], "traject")
    if wanted("plan", Section.PLAN):
        plans = DevelopmentPlan.objects.filter(trajectory=trajectory).values_list("pk", flat=True)
        scope.add("casefile.developmentplan", [(pk, "") for pk in plans], "plan")
    if wanted("leerdoel", Section.PLAN):
        scope.add("casefile.learninggoal", _uuid_pairs(mine(LearningGoal)), "leerdoel")
        reviews = GoalReview.objects.filter(goal__trajectory=trajectory)
        if record_uuid is not None and only is not None:
            reviews = reviews.filter(goal__uuid=record_uuid)
        scope.add("casefile.goalreview", reviews.values_list("pk", "goal__uuid"), "leerdoel")
    if wanted("stage", Section.PLACEMENTS):
        scope.add("casefile.placement", _uuid_pairs(mine(Placement)), "stage")
    if wanted("voorziening", Section.PROVISIONS):
        scope.add("casefile.provision", _uuid_pairs(mine(Provision, kind__category__in=categories)), "voorziening")
    if wanted("resultaat", Section.RESULTS):
        types = visible_result_types(categories)
        scope.add("casefile.result", _uuid_pairs(mine(Result, type__in=types)), "resultaat")
        if only is None:
            proposals = ResultProposal.objects.filter(trajectory=trajectory, type__in=types)
            scope.add("casefile.resultproposal", [(u, "") for u in proposals.values_list("uuid", flat=True)], "")
    if wanted("contact", Section.CONTACTS):
        scope.add("casefile.contactmoment", _uuid_pairs(mine(ContactMoment)), "contact")
    if wanted("knelpunt", Section.BOTTLENECKS):
        scope.add("casefile.bottleneck", _uuid_pairs(mine(Bottleneck)), "knelpunt")
    return scope


def record_exists(*, user: Any, trajectory: Trajectory, kind: RecordKind, record_uuid: Any) -> bool:
    """Whether the record is there, of this trajectory, and of a category the user may see (for the door)."""
    if not kind.has_uuid:
        return True
    scope = history_scope(user=user, trajectory=trajectory, kind=kind, record_uuid=record_uuid)
    return any(scope.refs.get(object_type) for object_type in kind.object_types[:1])


# ---------------------------------------------------------------------------------------------------------
# Rendering


@dataclass(frozen=True)
class FieldChange:
    label: str
    old: str
    new: str


@dataclass(frozen=True)
class HistoryRow:
    at: datetime
    actor: str
    actor_place: str
    action: str
    record_label: str
    link: RecordRef | None
    changes: list[FieldChange]


# Fields stored as a list of choice codes (no choices on the JSON field itself).
LIST_CHOICES = {("casefile.bottleneck", "domains")}
MASKED = {("participants.participant", "bsn")}


def _display_placement(obj: Any) -> str:
    return f"{obj.get_kind_display()} ({obj.employer.name})"


def _display_goal(obj: Any) -> str:
    text = obj.description
    return text if len(text) <= 80 else text[:79] + "…"


# How a related record is named in the history; the default is str(obj). Extra related fields to fetch.
RELATED_DISPLAY: dict[str, tuple[tuple[str, ...], Callable[[Any], str]]] = {
    "casefile.placement": (("employer",), _display_placement),
    "casefile.provision": (("kind",), lambda obj: obj.kind.name),
    "casefile.learninggoal": ((), _display_goal),
    "accounts.user": ((), lambda obj: obj.full_name or _("onbekende gebruiker")),
}


def _model(object_type: str) -> type[models.Model] | None:
    try:
        return apps.get_model(object_type)
    except (LookupError, ValueError):
        return None


def _field(model: type[models.Model] | None, name: str) -> Any:
    if model is None:
        return None
    try:
        return model._meta.get_field(name)
    except FieldDoesNotExist:
        return None


def _related_names(entries: list[ChangeLogEntry]) -> dict[tuple[str, str], str]:
    """The display of every related record the page's changes point at: one query per related model."""
    wanted: dict[str, set[str]] = {}
    for entry in entries:
        model = _model(entry.object_type)
        for name, values in (entry.changes or {}).items():
            fk = _field(model, name)
            if fk is None or not fk.is_relation or not fk.many_to_one:
                continue
            label = fk.related_model._meta.label_lower
            wanted.setdefault(label, set()).update(str(v) for v in values if v not in (None, ""))
    names: dict[tuple[str, str], str] = {}
    for label, pks in wanted.items():
        related = apps.get_model(label)
        select, display = RELATED_DISPLAY.get(label, ((), str))
        keys = [pk for pk in pks if pk.isdigit()]
        found = related._default_manager.filter(pk__in=keys)
        for obj in found.select_related(*select) if select else found:
            names[(label, str(obj.pk))] = display(obj)
    return names


def _value(entry: ChangeLogEntry, name: str, value: Any, model: Any, names: dict[tuple[str, str], str]) -> str:
    if value is None or value == "" or value == []:
        return EMPTY
    if (entry.object_type, name) in MASKED:
        return mask_bsn(str(value))
    model_field = _field(model, name)
    if (entry.object_type, name) in LIST_CHOICES and isinstance(value, list):
        from routeplus.casefile.models import Domain

        choices = dict(Domain.choices)
        return ", ".join(str(choices.get(code, code)) for code in value)
    if model_field is None:
        return ", ".join(map(str, value)) if isinstance(value, list) else str(value)
    if model_field.is_relation and model_field.many_to_one:
        label = model_field.related_model._meta.label_lower
        return names.get((label, str(value)), _("(niet meer aanwezig)"))
    if model_field.choices:
        return str(dict(model_field.flatchoices).get(value, value))
    if isinstance(model_field, models.BooleanField):
        return _("Ja") if value else _("Nee")
    if isinstance(model_field, models.DateTimeField):
        try:
            moment = datetime.fromisoformat(str(value))
        except ValueError:
            return str(value)
        if timezone.is_aware(moment):
            moment = timezone.localtime(moment)
        return date_format(moment, "j-n-Y H:i")
    if isinstance(model_field, models.DateField):
        try:
            return date_format(date.fromisoformat(str(value)), "j-n-Y")
        except ValueError:
            return str(value)
    if isinstance(value, list):
        return ", ".join(map(str, value))
    return str(value)


def _label(model: Any, name: str) -> str:
    model_field = _field(model, name)
    if model_field is None:
        return name.replace("_", " ")
    return str(capfirst(getattr(model_field, "verbose_name", name)))


def _places(trajectory: Trajectory, entries: list[ChangeLogEntry]) -> Callable[[ChangeLogEntry], str]:
    """Organisation and role of the actor at the time of each entry: their place on this case's team on
    that day; otherwise their active memberships. Two queries, whatever the number of entries."""
    actor_ids = {entry.actor_id for entry in entries if entry.actor_id}
    team = list(TeamMember.objects.filter(trajectory=trajectory, user_id__in=actor_ids).select_related("organisation"))
    memberships: dict[int, list[Membership]] = {}
    for membership in Membership.objects.filter(user_id__in=actor_ids, is_active=True).select_related("organisation"):
        memberships.setdefault(membership.user_id, []).append(membership)
    roles = dict(Role.choices)

    def place(entry: ChangeLogEntry) -> str:
        day = timezone.localtime(entry.at).date()
        for member in team:
            if (
                member.user_id == entry.actor_id
                and member.start_date <= day
                and (member.end_date is None or member.end_date >= day)
            ):
                return f"{member.organisation.name}, {roles.get(member.role, member.role)}"
        held = memberships.get(entry.actor_id or 0, [])
        return "; ".join(sorted(f"{m.organisation.name}, {roles.get(m.role, m.role)}" for m in held))

    return place


def history_rows(*, trajectory: Trajectory, entries: list[ChangeLogEntry], scope: Scope) -> list[HistoryRow]:
    names = _related_names(entries)
    place = _places(trajectory, entries) if entries else (lambda entry: "")
    actions = dict(Action.choices)
    rows = []
    for entry in entries:
        model = _model(entry.object_type)
        changes = [
            FieldChange(
                label=_label(model, name),
                old=_value(entry, name, values[0] if len(values) > 0 else None, model, names),
                new=_value(entry, name, values[1] if len(values) > 1 else None, model, names),
            )
            for name, values in sorted((entry.changes or {}).items())
            if isinstance(values, list)
        ]
        rows.append(
            HistoryRow(
                at=entry.at,
                actor=(entry.actor.full_name or entry.actor.email) if entry.actor else _("het systeem"),
                actor_place=place(entry) if entry.actor_id else "",
                action=str(actions.get(entry.action, entry.action)),
                record_label=str(capfirst(model._meta.verbose_name)) if model is not None else entry.object_type,
                link=scope.link(entry),
                changes=changes,
            )
        )
    return rows


@dataclass
class History:
    page: Page[ChangeLogEntry]
    rows: list[HistoryRow]


def change_history(
    *, user: Any, trajectory: Trajectory, kind: RecordKind | None = None, record_uuid: Any = None, page: Any = 1
) -> History:
    """One page of the change history, newest first: of one record (kind and record_uuid) or of the whole case
    file. Only entries about records of this trajectory that the user may see."""
    scope = history_scope(user=user, trajectory=trajectory, kind=kind, record_uuid=record_uuid)
    entries = (
        ChangeLogEntry.objects.filter(participant_ref=str(trajectory.participant.uuid))
        .filter(scope.condition())
        .select_related("actor")
        .order_by("-at", "-id")
    )
    current = Paginator(entries, PAGE_SIZE).get_page(page)
    return History(
        page=current, rows=history_rows(trajectory=trajectory, entries=list(current.object_list), scope=scope)
    )
