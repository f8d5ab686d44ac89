"""The signal rules: each looks at one trajectory's data on a date and returns the conditions that hold.

A condition carries its instance key: the same occurrence always yields the same key (so evaluation is
idempotent), and a new occurrence a new one (so a handled signal returns only when its condition arises anew).
Rules are pure functions of CaseData; guide-related dates come from routeplus.guide.catalogue.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from routeplus.access.sections import DataCategory
from routeplus.casefile.models import (
    ContactMoment,
    ContactWith,
    GoalArea,
    LearningGoal,
    Placement,
    PlacementKind,
    PlacementStatus,
    Provision,
    ProvisionStatus,
)
from routeplus.guide.catalogue import add_months, date_of_age
from routeplus.trajectories.models import Status, Trajectory

WAJONG_CODES = ("wajong",)
SHELTERED_WORK_INDICATION_CODES = ("sheltered_work_indication",)
REACH_ATTEMPT_WITH = (ContactWith.PARTICIPANT, ContactWith.PARENT)
LIVE_PLACEMENT = (PlacementStatus.PLANNED, PlacementStatus.RUNNING)
ACTIVE_TRAJECTORY = (Status.INTAKE, Status.ACTIVE)


@dataclass(frozen=True)
class Condition:
    rule: str
    key: str
    due_date: date
    detail: str = ""
    category: str = ""


@dataclass
class CaseData:
    """What the rules read about one trajectory, loaded in bulk by the engine."""

    trajectory: Trajectory
    contacts: list[ContactMoment] = field(default_factory=list)  # oldest first
    open_goals: list[tuple[LearningGoal, date | None]] = field(default_factory=list)  # with last review date
    placements: list[Placement] = field(default_factory=list)
    provisions: list[Provision] = field(default_factory=list)
    left_school_on: date | None = None
    waiting_place_areas: list[int] = field(default_factory=list)


@dataclass(frozen=True)
class SignalRule:
    code: str
    title: Any
    what_to_do: Any
    evaluate: Callable[[CaseData, date, dict[str, Any]], list[Condition]]
    checklist: tuple[Any, ...] = ()


def _d(day: date) -> str:
    return date_format(day, "j-n-Y")


def transition_18(case: CaseData, on: date, cfg: dict[str, Any]) -> list[Condition]:
    eighteen = date_of_age(case.trajectory.participant.birth_date, 18)
    if add_months(eighteen, -cfg["transition_18_months"]) <= on < eighteen:
        detail = str(_("18 jaar op %(date)s")) % {"date": _d(eighteen)}
        return [Condition("transition_18", "18", eighteen, detail)]
    return []


def _age_milestone(age: int) -> Callable[[CaseData, date, dict[str, Any]], list[Condition]]:
    def evaluate(case: CaseData, on: date, cfg: dict[str, Any]) -> list[Condition]:
        birthday = date_of_age(case.trajectory.participant.birth_date, age)
        if add_months(birthday, -cfg["age_milestone_months"]) <= on < birthday:
            detail = str(_("%(age)s jaar op %(date)s")) % {"age": age, "date": _d(birthday)}
            return [Condition(f"age_{age}", str(age), birthday, detail)]
        return []

    return evaluate


def _last_reached(case: CaseData) -> ContactMoment | None:
    return next((c for c in reversed(case.contacts) if c.reached), None)


def no_contact(case: CaseData, on: date, cfg: dict[str, Any]) -> list[Condition]:
    if case.trajectory.status not in ACTIVE_TRAJECTORY:
        return []
    last = _last_reached(case)
    if last is not None:
        since, key = last.at.date(), f"contact:{last.uuid}"
    else:
        since = case.trajectory.start_date or case.trajectory.registered_on
        key = f"start:{since.isoformat()}"
    due = since + timedelta(days=cfg["no_contact_days"])
    if on < due:
        return []
    if last is not None:
        detail = str(_("Laatste bereikte contact %(date)s")) % {"date": _d(since)}
    else:
        detail = str(_("Nog geen bereikt contact sinds de start op %(date)s")) % {"date": _d(since)}
    return [Condition("no_contact", key, due, detail, DataCategory.CONTACTS)]


def failed_attempts(case: CaseData, on: date, cfg: dict[str, Any]) -> list[Condition]:
    if case.trajectory.status not in ACTIVE_TRAJECTORY:
        return []
    streak: list[ContactMoment] = []
    for contact in reversed([c for c in case.contacts if c.with_whom in REACH_ATTEMPT_WITH]):
        if contact.reached:
            break
        streak.append(contact)
    if len(streak) < cfg["failed_attempts"]:
        return []
    first = streak[-1]  # the streak is newest first; its first attempt names the occurrence
    third = streak[-cfg["failed_attempts"]]
    detail = str(_("%(count)s pogingen niet bereikt sinds %(date)s")) % {
        "count": len(streak),
        "date": _d(first.at.date()),
    }
    return [Condition("failed_attempts", f"attempt:{first.uuid}", third.at.date(), detail, DataCategory.CONTACTS)]


def goal_review(case: CaseData, on: date, cfg: dict[str, Any]) -> list[Condition]:
    conditions = []
    areas = dict(GoalArea.choices)
    for goal, last_review in case.open_goals:
        since = last_review or goal.created_at.date()
        due = add_months(since, cfg["goal_review_months"])
        if on >= due:
            if last_review:
                detail = str(_("Leerdoel %(area)s, laatst geëvalueerd %(date)s"))
            else:
                detail = str(_("Leerdoel %(area)s, nog niet geëvalueerd sinds %(date)s"))
            detail %= {"area": str(areas.get(goal.area, goal.area)).lower(), "date": _d(since)}
            conditions.append(
                Condition("goal_review", f"{goal.uuid}:{since.isoformat()}", due, detail, DataCategory.EDUCATION)
            )
    return conditions


def placement_ending(case: CaseData, on: date, cfg: dict[str, Any]) -> list[Condition]:
    conditions = []
    live = [p for p in case.placements if p.status in LIVE_PLACEMENT]
    kinds = dict(PlacementKind.choices)
    for placement in live:
        end = placement.end_date
        if end is None or not (on <= end <= on + timedelta(days=cfg["placement_ending_days"])):
            continue
        followed = any(
            other.pk != placement.pk and other.start_date > placement.start_date and (other.end_date or date.max) > end
            for other in live
        )
        if not followed:
            detail = str(_("%(kind)s eindigt %(date)s, daarna niets gepland")) % {
                "kind": kinds.get(placement.kind, placement.kind),
                "date": _d(end),
            }
            key = f"{placement.uuid}:{end.isoformat()}"
            conditions.append(Condition("placement_ending", key, end, detail, DataCategory.WORK))
    return conditions


def provision_ending(case: CaseData, on: date, cfg: dict[str, Any]) -> list[Condition]:
    conditions = []
    for provision in case.provisions:
        end = provision.end_date
        if provision.status != ProvisionStatus.GRANTED or end is None:
            continue
        if on <= end <= on + timedelta(days=cfg["provision_ending_days"]):
            detail = str(_("%(kind)s eindigt %(date)s")) % {"kind": provision.kind.name, "date": _d(end)}
            key = f"{provision.uuid}:{end.isoformat()}"
            conditions.append(Condition("provision_ending", key, end, detail, provision.kind.category))
    return conditions


def reintegration_short(case: CaseData, on: date, cfg: dict[str, Any]) -> list[Condition]:
    minimum = cfg["reintegration_min_days"]
    conditions = []
    kinds = dict(PlacementKind.choices)
    candidates: list[tuple[Any, str, str]] = [
        (p, str(kinds.get(p.kind, p.kind)), DataCategory.WORK)
        for p in case.placements
        if p.kind in cfg["reintegration_placement_kinds"] and p.status == PlacementStatus.PLANNED
    ] + [
        (p, p.kind.name, p.kind.category)
        for p in case.provisions
        if p.kind.code in cfg["reintegration_provision_codes"]
        and p.status in (ProvisionStatus.APPLIED, ProvisionStatus.GRANTED)
    ]
    for record, label, category in candidates:
        start, end = record.start_date, record.end_date
        if start is None or end is None or start <= on:
            continue
        length = (end - start).days + 1
        if length < minimum:
            detail = str(_("%(kind)s duurt %(days)s dagen (minimaal %(minimum)s), start %(date)s")) % {
                "kind": label,
                "days": length,
                "minimum": minimum,
                "date": _d(start),
            }
            key = f"{record.uuid}:{start.isoformat()}:{end.isoformat()}"
            conditions.append(Condition("reintegration_short", key, start, detail, category))
    return conditions


def uwv_windows(case: CaseData, on: date, cfg: dict[str, Any]) -> list[Condition]:
    """Wajong refused: the five-year window for a new application closes, and the ten-year mark is reached
    (guide UWV-03, UWV-03B); a negative sheltered-work advice: a new one can be asked after 12 months (UWV-07B)."""
    before = cfg["wajong_window_months_before"]
    conditions = []
    for provision in case.provisions:
        decided = provision.decided_on or provision.applied_on
        if provision.status != ProvisionStatus.REFUSED or decided is None:
            continue
        if provision.kind.code in WAJONG_CODES:
            windows = [
                ("5y", add_months(decided, 60), _("Termijn voor opnieuw Wajong aanvragen sluit %(date)s")),
                ("10y", add_months(decided, 120), _("10 jaar na afwijzing Wajong op %(date)s: opnieuw aanvragen")),
            ]
        elif provision.kind.code in SHELTERED_WORK_INDICATION_CODES:
            windows = [("12m", add_months(decided, 12), _("Nieuw advies beschut werk mogelijk vanaf %(date)s"))]
        else:
            continue
        for name, due, text in windows:
            if add_months(due, -before) <= on < due + timedelta(days=1):
                detail = str(text) % {"date": _d(due)}
                conditions.append(Condition("uwv_window", f"{provision.uuid}:{name}", due, detail, DataCategory.HEALTH))
    return conditions


def school_guidance_ending(case: CaseData, on: date, cfg: dict[str, Any]) -> list[Condition]:
    participant = case.trajectory.participant
    if case.left_school_on is None or participant.school_type not in ("PRO", "VSO"):
        return []
    ends = add_months(case.left_school_on, cfg["school_guidance_months"])
    if add_months(ends, -cfg["school_guidance_warning_months"]) <= on < ends:
        detail = str(_("Begeleiding door de school na uitstroom eindigt %(date)s")) % {"date": _d(ends)}
        return [
            Condition("school_guidance_ending", case.left_school_on.isoformat(), ends, detail, DataCategory.EDUCATION)
        ]
    return []


def waiting_place(case: CaseData, on: date, cfg: dict[str, Any]) -> list[Condition]:
    if case.trajectory.status != Status.WAITING:
        return []
    detail = str(_("Er is een plek vrij: deze jongere is als eerste aan de beurt"))
    return [Condition("waiting_place", f"area:{area}", on, detail) for area in case.waiting_place_areas]


TRANSITION_CHECKLIST = (
    _("Wettelijke vertegenwoordiging (mentorschap, bewind)"),
    _("Inkomen na 18 (werk, studiefinanciering, Wajong, uitkering)"),
    _("Indicaties die na 18 doorlopen, of Wmo/Wlz-aanvraag gedaan"),
    _("Beoordeling arbeidsvermogen bij UWV aangevraagd"),
    _("Wmo-aanvraag voor begeleiding of dagbesteding"),
)

RULES: dict[str, SignalRule] = {
    rule.code: rule
    for rule in [
        SignalRule(
            "transition_18",
            _("Overgang 18-/18+ plannen"),
            _("Plan de overgang naar 18 met de jongere en ouders. Zie de wegwijzer (JW-01, UWV-01, WMO-01)."),
            transition_18,
            TRANSITION_CHECKLIST,
        ),
        SignalRule(
            "no_contact",
            _("Al lang geen contact"),
            _("Neem contact op met de jongere of een ouder en leg het contactmoment vast."),
            no_contact,
        ),
        SignalRule(
            "failed_attempts",
            _("Jongere niet bereikt"),
            _("Meerdere pogingen zonder contact. Overleg met het team of er sprake is van uitval."),
            failed_attempts,
        ),
        SignalRule(
            "goal_review",
            _("Leerdoel evalueren"),
            _("Bespreek het leerdoel met de jongere en leg de evaluatie vast."),
            goal_review,
        ),
        SignalRule(
            "placement_ending",
            _("Stage of werkplek loopt af"),
            _("Plan wat er na deze plek komt, zodat er geen gat valt."),
            placement_ending,
        ),
        SignalRule(
            "provision_ending",
            _("Voorziening loopt af"),
            _("Vraag verlenging of een vervolg aan, of leg vast waarom dat niet nodig is."),
            provision_ending,
        ),
        SignalRule(
            "reintegration_short",
            _("Re-integratieplek te kort"),
            _(
                "Deze plek is korter dan de afgesproken minimale duur. "
                "Een te korte plek geeft kans op een faalervaring."
            ),
            reintegration_short,
        ),
        SignalRule(
            "uwv_window",
            _("Termijn bij UWV"),
            _("Bekijk met de jongere of een nieuwe aanvraag bij UWV zinvol is. Zie de wegwijzer (UWV-03, UWV-07B)."),
            uwv_windows,
        ),
        SignalRule(
            "school_guidance_ending",
            _("Begeleiding door de school stopt"),
            _("Spreek met de school af wie de begeleiding overneemt. Zie de wegwijzer (SNDW-01)."),
            school_guidance_ending,
        ),
        SignalRule(
            "age_23",
            _("Jongere wordt 23"),
            _("Verlengde jeugdhulp stopt bij 23. Regel wat daarna nodig is."),
            _age_milestone(23),
        ),
        SignalRule(
            "age_27",
            _("Jongere wordt 27"),
            _(
                "Na 27 vervallen de regelingen voor jongeren (Doorstroompunt, art. 7a Participatiewet). "
                "Zorg voor een overdracht."
            ),
            _age_milestone(27),
        ),
        SignalRule(
            "waiting_place",
            _("Plek vrij op de wachtlijst"),
            _("Er is een plek vrij en deze jongere is aan de beurt. Start de intake of leg vast waarom niet."),
            waiting_place,
        ),
    ]
}


def rule_title(code: str) -> str:
    rule = RULES.get(code)
    return str(rule.title) if rule else code
