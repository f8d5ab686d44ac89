"""Reading the wegwijzer: the effective catalogue, and what applies to one participant now and next.

Facts about the participant come from the case file, and only from the data categories the acting user may see
(access.sections): a fact behind a hidden category is 'unknown', exactly as when nothing is recorded, so the
guide never reveals hidden data through the rules it shows.
"""

from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum
from typing import Any

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from routeplus.access.sections import DataCategory, visible_categories
from routeplus.casefile.models import Placement, PlacementStatus, Provision, ProvisionStatus
from routeplus.guide.catalogue import EVENTS, SITUATIONS, Rule, RuleError, repository_rules
from routeplus.guide.models import RevisionKind, RuleRevision
from routeplus.trajectories.models import Trajectory

WAJONG_CODES = ("wajong",)
SHELTERED_WORK_INDICATION_CODES = ("sheltered_work_indication",)
SOCIAL_ASSISTANCE_CODES = ("social_assistance",)
WLZ_CODES = ("wlz_indication",)


@dataclass(frozen=True)
class CatalogueEntry:
    """A rule as the catalogue shows it: the effective definition, whether it is retired, and its history."""

    rule: Rule
    retired: bool = False
    retired_reason: str = ""
    revisions: tuple[RuleRevision, ...] = ()

    @property
    def changed_by_admin(self) -> bool:
        return any(r.kind in (RevisionKind.ADD, RevisionKind.CHANGE) for r in self.revisions)


def guide_catalogue(*, include_retired: bool = True) -> list[CatalogueEntry]:
    """The repository rules with the administrator's revisions applied in order, sorted by domain and id.

    A revision whose definition no longer validates (e.g. after a schema change) is skipped, not fatal:
    the repository rule stays in force and the catalogue page shows the history.
    """
    rules: dict[str, Rule] = dict(repository_rules())
    retired: dict[str, str] = {}
    history: dict[str, list[RuleRevision]] = {}
    for revision in RuleRevision.objects.select_related("changed_by").order_by("changed_at", "id"):
        history.setdefault(revision.rule_id, []).append(revision)
        if revision.kind in (RevisionKind.ADD, RevisionKind.CHANGE):
            try:
                rules[revision.rule_id] = Rule.from_dict(revision.definition, origin="beheer")
            except RuleError:
                continue
        elif revision.kind == RevisionKind.RETIRE:
            retired[revision.rule_id] = revision.reason
        elif revision.kind == RevisionKind.RESTORE:
            retired.pop(revision.rule_id, None)
    entries = [
        CatalogueEntry(
            rule=rule,
            retired=rule_id in retired,
            retired_reason=retired.get(rule_id, ""),
            revisions=tuple(history.get(rule_id, ())),
        )
        for rule_id, rule in rules.items()
    ]
    if not include_retired:
        entries = [entry for entry in entries if not entry.retired]
    return sorted(entries, key=lambda entry: (entry.rule.domain, entry.rule.id))


def guide_rule(*, rule_id: str) -> CatalogueEntry | None:
    return next((entry for entry in guide_catalogue() if entry.rule.id == rule_id), None)


@dataclass(frozen=True)
class ParticipantFacts:
    """What the guide knows about a participant on a date. A situation is True, False or None (unknown)."""

    birth_date: date | None
    school_type: str
    situations: dict[str, bool | None]
    events: dict[str, date | None]


def _active_on(on: date) -> Q:
    return (Q(start_date__isnull=True) | Q(start_date__lte=on)) & (Q(end_date__isnull=True) | Q(end_date__gte=on))


def participant_facts(*, trajectory: Trajectory, on: date, categories: frozenset[str]) -> ParticipantFacts:
    """Facts for the guide from the participant and the case file, limited to the visible categories."""
    participant = trajectory.participant
    situations: dict[str, bool | None] = dict.fromkeys(SITUATIONS)
    events: dict[str, date | None] = {}
    provisions = [
        p
        for p in Provision.objects.filter(trajectory__participant_id=participant.pk).select_related("kind")
        if p.kind.category in categories
    ]

    def granted(*, codes: tuple[str, ...] = (), domain: str = "") -> bool:
        return any(
            p.status == ProvisionStatus.GRANTED
            and (p.kind.code in codes or p.kind.domain == domain)
            and (p.start_date is None or p.start_date <= on)
            and (p.end_date is None or p.end_date >= on)
            for p in provisions
        )

    def refused_on(codes: tuple[str, ...]) -> date | None:
        dates = [
            p.decided_on or p.applied_on
            for p in provisions
            if p.kind.code in codes and p.status == ProvisionStatus.REFUSED and (p.decided_on or p.applied_on)
        ]
        return max((d for d in dates if d is not None), default=None)

    if DataCategory.YOUTH_CARE in categories:
        situations["jeugdhulp"] = granted(domain="jeugdwet")
    if DataCategory.HEALTH in categories:
        situations["wajong_granted"] = granted(codes=WAJONG_CODES)
        events["wajong_refused_on"] = refused_on(WAJONG_CODES)
        situations["wajong_refused"] = events["wajong_refused_on"] is not None
        events["beschut_refused_on"] = refused_on(SHELTERED_WORK_INDICATION_CODES)
        situations["beschut_refused"] = events["beschut_refused_on"] is not None
        # Only a recorded indication says yes; no indication does not mean the need is absent.
        situations["needs_24h_care"] = True if granted(codes=WLZ_CODES) else None
    if DataCategory.INCOME in categories and any(
        p.kind.code in SOCIAL_ASSISTANCE_CODES and p.status in (ProvisionStatus.APPLIED, ProvisionStatus.GRANTED)
        for p in provisions
    ):
        situations["bijstand_application"] = True
    if DataCategory.WORK in categories:
        situations["has_placement"] = (
            Placement.objects.filter(trajectory__participant_id=participant.pk, status=PlacementStatus.RUNNING)
            .filter(_active_on(on))
            .exists()
        )
    return ParticipantFacts(
        birth_date=participant.birth_date,
        school_type=participant.school_type,
        situations=situations,
        events=events,
    )


class State(StrEnum):
    NOW = "now"
    NEXT = "next"


@dataclass(frozen=True)
class GuideItem:
    """One rule for one participant: when its window runs, its deadline, and what still needs checking."""

    rule: Rule
    state: State
    starts_on: date | None
    ends_on: date | None  # the first day it no longer applies
    deadline: date | None
    to_check: tuple[str, ...] = ()

    @property
    def deadline_label(self) -> str:
        return self.rule.deadline.label if self.rule.deadline else ""


@dataclass(frozen=True)
class GuideView:
    on: date
    now: list[GuideItem] = field(default_factory=list)
    check: list[GuideItem] = field(default_factory=list)
    next: list[GuideItem] = field(default_factory=list)


def evaluate_rule(rule: Rule, facts: ParticipantFacts, on: date) -> GuideItem | None:
    """Whether a rule applies now or later to these facts; None when it does not (any more)."""
    to_check: list[str] = []
    if rule.school_types:
        if not facts.school_type:
            to_check.append(_("schoolsoort"))
        elif facts.school_type not in rule.school_types:
            return None
    for key, wanted in rule.situations:
        value = facts.situations.get(key)
        if value is None:
            to_check.append(
                str(SITUATIONS[key]) if wanted else _("niet: %(situation)s") % {"situation": SITUATIONS[key]}
            )
        elif value != wanted:
            return None
    starts = rule.starts.resolve(birth_date=facts.birth_date, events=facts.events) if rule.starts else None
    ends = rule.ends.resolve(birth_date=facts.birth_date, events=facts.events) if rule.ends else None
    if rule.starts and starts is None:
        # The start depends on a date that is not recorded: the professional must check it.
        to_check.append(rule.starts.label or str(EVENTS.get(rule.starts.event, _("de startdatum van deze regel"))))
    if rule.valid_from and (starts is None or starts < rule.valid_from):
        starts = rule.valid_from
    if rule.valid_until and (ends is None or ends > rule.valid_until):
        ends = date.fromordinal(rule.valid_until.toordinal() + 1)
    if ends is not None and ends <= on:
        return None
    if starts is not None and ends is not None and ends <= starts:
        return None
    deadline = rule.deadline.resolve(birth_date=facts.birth_date, events=facts.events) if rule.deadline else None
    state = State.NEXT if starts is not None and starts > on else State.NOW
    return GuideItem(
        rule=rule, state=state, starts_on=starts, ends_on=ends, deadline=deadline, to_check=tuple(to_check)
    )


def guide_evaluate(*, facts: ParticipantFacts, on: date, rules: list[Rule]) -> GuideView:
    """Sort the applicable rules into now (certain), check (may apply: facts unknown) and next (by start)."""
    view = GuideView(on=on)
    for rule in rules:
        item = evaluate_rule(rule, facts, on)
        if item is None:
            continue
        if item.state == State.NEXT:
            view.next.append(item)
        elif item.to_check:
            view.check.append(item)
        else:
            view.now.append(item)
    far = date.max
    view.now.sort(key=lambda i: (i.deadline or i.ends_on or far, i.rule.id))
    view.check.sort(key=lambda i: (i.deadline or i.ends_on or far, i.rule.id))
    view.next.sort(key=lambda i: (i.starts_on or far, i.rule.id))
    return view


def guide_for_trajectory(*, user: Any, trajectory: Trajectory, on: date | None = None) -> GuideView:
    """The wegwijzer for a case file the user opened through the access door, on a date (default today)."""
    on = on or timezone.localdate()
    facts = participant_facts(trajectory=trajectory, on=on, categories=visible_categories(user, trajectory))
    rules = [entry.rule for entry in guide_catalogue(include_retired=False)]
    return guide_evaluate(facts=facts, on=on, rules=rules)
