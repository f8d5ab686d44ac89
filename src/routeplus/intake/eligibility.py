"""The eligibility rules of a route: each rule is checked on the facts of a registration and explains itself.

Pure functions on plain facts, so the page can check as the user types and a service can check again
before saving. A rule answers passed (True), failed (False) or "not enough information yet" (None).
"""

from dataclasses import asdict, dataclass
from datetime import date

from django.utils import timezone
from django.utils.translation import gettext as _

from routeplus.accounts.models import Municipality, SchoolType
from routeplus.intake.models import IntakeSettings
from routeplus.participants.models import OutflowProfile, age_on
from routeplus.trajectories.models import Route, RouteOffering

AGE = "age"
SCHOOL = "school"
PROFILE = "profile"
MUNICIPALITY = "municipality"
RULE_CODES = (AGE, SCHOOL, PROFILE, MUNICIPALITY)


def rule_title(code: str) -> str:
    return {
        AGE: _("Leeftijd"),
        SCHOOL: _("Leerling of schoolverlater van Pro of VSO"),
        PROFILE: _("Uitstroomprofiel dagbesteding"),
        MUNICIPALITY: _("Woont in een gemeente waar de route loopt"),
    }[code]


@dataclass(frozen=True)
class Facts:
    """What the registration form knows so far; any of it may still be missing while the user types."""

    registered_on: date | None = None
    birth_date: date | None = None
    school_type: str = ""
    left_school_on: date | None = None
    outflow_profile: str = ""
    municipality: Municipality | None = None


@dataclass(frozen=True)
class RuleResult:
    code: str
    title: str
    passed: bool | None
    explanation: str

    def as_json(self) -> dict[str, object]:
        return asdict(self)


@dataclass(frozen=True)
class Offering:
    """The route runs in a municipality from start to end (inclusive; no end: still running)."""

    municipality_id: int
    municipality_name: str
    start_date: date
    end_date: date | None = None

    def covers(self, on: date) -> bool:
        return self.start_date <= on and (self.end_date is None or on <= self.end_date)


@dataclass(frozen=True)
class RuleConfig:
    """The settings of one route in plain values, with where the route runs (trajectories.RouteOffering)."""

    age_rule: bool
    min_age: int
    max_age: int
    school_rule: bool
    recent_leaver_months: int
    profile_rule: bool
    municipality_rule: bool
    offerings: tuple[Offering, ...]
    expected_duration_months: int

    def offered_in(self, on: date) -> list[str]:
        """The names of the municipalities where the route runs on that day, sorted."""
        return sorted({o.municipality_name for o in self.offerings if o.covers(on)})


def rule_config(route: Route) -> RuleConfig:
    """The route's settings, or the defaults of the model when a functional administrator set none.

    Where the route runs is not an intake setting: it comes from the region's route offering
    (trajectories.RouteOffering), the one record of which municipality runs which route since when.
    """
    settings = IntakeSettings.objects.filter(route=route).first() or IntakeSettings(route=route)
    offerings = tuple(
        Offering(o.municipality_id, o.municipality.name, o.start_date, o.end_date)
        for o in RouteOffering.objects.filter(route=route).select_related("municipality").order_by("start_date", "id")
    )
    return RuleConfig(
        age_rule=settings.age_rule,
        min_age=settings.min_age,
        max_age=settings.max_age,
        school_rule=settings.school_rule,
        recent_leaver_months=settings.recent_leaver_months,
        profile_rule=settings.profile_rule,
        municipality_rule=settings.municipality_rule,
        offerings=offerings,
        expected_duration_months=settings.expected_duration_months,
    )


def add_months(day: date, months: int) -> date:
    """The same day some months later (or earlier), clipped to the end of a shorter month."""
    month_index = day.year * 12 + day.month - 1 + months
    year, month = divmod(month_index, 12)
    month += 1
    for candidate in (day.day, 30, 29, 28):
        try:
            return date(year, month, min(day.day, candidate))
        except ValueError:
            continue
    raise ValueError(day)  # pragma: no cover - every month has a 28th


def _age(config: RuleConfig, facts: Facts) -> RuleResult:
    bounds = {"min": config.min_age, "max": config.max_age}
    if facts.birth_date is None or facts.registered_on is None:
        return RuleResult(
            AGE,
            rule_title(AGE),
            None,
            _(
                "Vul geboortedatum en aanmelddatum in. De jongere moet op de "
                "aanmelddatum %(min)s tot en met %(max)s jaar zijn."
            )
            % bounds,
        )
    age = age_on(facts.birth_date, facts.registered_on)
    passed = config.min_age <= age <= config.max_age
    if passed:
        text = _("De jongere is %(age)s jaar op de aanmelddatum; dat valt binnen %(min)s tot en met %(max)s jaar.")
    elif age < config.min_age:
        text = _("De jongere is %(age)s jaar op de aanmelddatum; de route is vanaf %(min)s jaar.")
    else:
        text = _("De jongere is %(age)s jaar op de aanmelddatum; de route is tot en met %(max)s jaar.")
    return RuleResult(AGE, rule_title(AGE), passed, text % {"age": age, **bounds})


def _school(config: RuleConfig, facts: Facts) -> RuleResult:
    months = config.recent_leaver_months
    if not facts.school_type:
        return RuleResult(
            SCHOOL,
            rule_title(SCHOOL),
            None,
            _(
                "Kies de schoolsoort. De route is voor leerlingen van Pro of VSO en voor wie "
                "daar korter dan %(months)s maanden geleden van school ging."
            )
            % {"months": months},
        )
    if facts.school_type not in {SchoolType.PRO, SchoolType.VSO}:
        return RuleResult(SCHOOL, rule_title(SCHOOL), False, _("De route is alleen voor leerlingen van Pro of VSO."))
    school = SchoolType(facts.school_type).label
    if facts.left_school_on is None:
        return RuleResult(
            SCHOOL, rule_title(SCHOOL), True, _("De jongere zit op %(school)s.") % {"school": school.lower()}
        )
    if facts.registered_on is None:
        return RuleResult(SCHOOL, rule_title(SCHOOL), None, _("Vul de aanmelddatum in."))
    limit = add_months(facts.left_school_on, months)
    if facts.registered_on <= limit:
        return RuleResult(
            SCHOOL,
            rule_title(SCHOOL),
            True,
            _("De jongere ging van %(school)s af op %(left)s; dat is binnen %(months)s maanden voor de aanmelddatum.")
            % {"school": school.lower(), "left": facts.left_school_on.strftime("%d-%m-%Y"), "months": months},
        )
    return RuleResult(
        SCHOOL,
        rule_title(SCHOOL),
        False,
        _("De jongere ging van school af op %(left)s; dat is meer dan %(months)s maanden voor de aanmelddatum.")
        % {"left": facts.left_school_on.strftime("%d-%m-%Y"), "months": months},
    )


def _profile(config: RuleConfig, facts: Facts) -> RuleResult:
    if not facts.outflow_profile:
        return RuleResult(
            PROFILE, rule_title(PROFILE), None, _("Kies het uitstroomprofiel. De route is voor profiel dagbesteding.")
        )
    if facts.outflow_profile == OutflowProfile.DAGBESTEDING:
        return RuleResult(PROFILE, rule_title(PROFILE), True, _("Het uitstroomprofiel is dagbesteding."))
    label = OutflowProfile(facts.outflow_profile).label if facts.outflow_profile in OutflowProfile else ""
    return RuleResult(
        PROFILE,
        rule_title(PROFILE),
        False,
        _(
            "Het uitstroomprofiel is %(profile)s. De route is voor "
            "dagbesteding; anders alleen met een onderbouwde uitzondering."
        )
        % {"profile": label.lower()},
    )


def _municipality(config: RuleConfig, facts: Facts) -> RuleResult:
    """Offered in the pupil's municipality on the registration date (today while that date is not filled in)."""
    if not config.offerings:
        return RuleResult(
            MUNICIPALITY,
            rule_title(MUNICIPALITY),
            None,
            _("Voor deze route is niet vastgelegd in welke gemeenten zij loopt; de woongemeente is niet getoetst."),
        )
    on = facts.registered_on or timezone.localdate()
    offered = ", ".join(config.offered_in(on)) or _("geen enkele gemeente")
    if facts.municipality is None:
        return RuleResult(
            MUNICIPALITY,
            rule_title(MUNICIPALITY),
            None,
            _("Kies de woongemeente. De route loopt in: %(offered)s.") % {"offered": offered},
        )
    here = [o for o in config.offerings if o.municipality_id == facts.municipality.pk]
    if any(o.covers(on) for o in here):
        return RuleResult(
            MUNICIPALITY,
            rule_title(MUNICIPALITY),
            True,
            _("De route loopt in %(name)s.") % {"name": facts.municipality.name},
        )
    later = sorted(o.start_date for o in here if o.start_date > on)
    if later:
        text = _("De route loopt in %(name)s pas vanaf %(start)s; op %(on)s loopt zij alleen in: %(offered)s.") % {
            "name": facts.municipality.name,
            "start": later[0].strftime("%d-%m-%Y"),
            "on": on.strftime("%d-%m-%Y"),
            "offered": offered,
        }
    elif here:
        text = _("De route liep in %(name)s tot en met %(end)s; op %(on)s loopt zij alleen in: %(offered)s.") % {
            "name": facts.municipality.name,
            "end": max(o.end_date for o in here if o.end_date is not None).strftime("%d-%m-%Y"),
            "on": on.strftime("%d-%m-%Y"),
            "offered": offered,
        }
    else:
        text = _("De route loopt niet in %(name)s, alleen in: %(offered)s.") % {
            "name": facts.municipality.name,
            "offered": offered,
        }
    return RuleResult(MUNICIPALITY, rule_title(MUNICIPALITY), False, text)


def check(config: RuleConfig, facts: Facts) -> list[RuleResult]:
    """The result of every rule that is switched on for the route, in a fixed order."""
    results = []
    if config.age_rule:
        results.append(_age(config, facts))
    if config.school_rule:
        results.append(_school(config, facts))
    if config.profile_rule:
        results.append(_profile(config, facts))
    if config.municipality_rule:
        results.append(_municipality(config, facts))
    return results


def failed(results: list[RuleResult]) -> list[RuleResult]:
    return [result for result in results if result.passed is False]
