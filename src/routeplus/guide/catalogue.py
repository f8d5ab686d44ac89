"""The wegwijzer rules: their schema, loading from the repository files, and date arithmetic on anchors.

Rules are data (guide/rules/*.yaml, one file per domain, reviewed like code). A functional administrator can add,
change or retire rules at runtime; those revisions live in the database (guide.models.RuleRevision) and are laid
over the files by guide.selectors.guide_catalogue. Both paths go through Rule.from_dict, so a rule added in the
database meets the same demands as one in a file: an id, a Dutch title, what to do, and at least one dated source.
"""

import calendar
import re
from dataclasses import dataclass, field
from datetime import date, timedelta
from enum import StrEnum
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml
from django.utils.translation import gettext_lazy as _

RULES_DIR = Path(__file__).resolve().parent / "rules"
RULE_ID = re.compile(r"^[A-Z]{2,5}-[0-9]{2}[A-Z]?$")
AGE = re.compile(r"^(?P<years>[0-9]{1,2})(?:y(?P<months>[0-9]{1,2})m)?$")


class RuleError(ValueError):
    """A rule definition that does not meet the schema; the message names the rule and the problem."""


class Certainty(StrEnum):
    IN_FORCE = "in_force"
    PRACTICE = "practice"
    TO_VERIFY = "to_verify"

    @property
    def label(self) -> str:
        return str(CERTAINTY_LABELS[self])


CERTAINTY_LABELS = {
    Certainty.IN_FORCE: _("Geldend recht"),
    Certainty.PRACTICE: _("Praktijk of beleid"),
    Certainty.TO_VERIFY: _("Nog te verifiëren"),
}

RELIABILITY_LABELS = {
    "verified": _("Officiële bron"),
    "secondary": _("Secundaire bron"),
    "uncertain": _("Onzekere bron"),
}

DOMAINS = {
    "onderwijs": _("Onderwijs"),
    "jeugdwet": _("Jeugdwet"),
    "wmo": _("Wmo 2015"),
    "wlz": _("Wlz"),
    "uwv": _("UWV"),
    "participatiewet": _("Participatiewet"),
    "banenafspraak": _("Banenafspraak"),
    "gemeente": _("Gemeente en regio"),
}

# Situations a rule can depend on. guide.selectors.participant_facts derives each from the case file where the
# data exists; the rest stay unknown and the page asks the professional to check them.
SITUATIONS = {
    "startkwalificatie": _("heeft een startkwalificatie"),
    "in_school": _("zit op school"),
    "left_school": _("heeft de school verlaten"),
    "jeugdhulp": _("krijgt jeugdhulp"),
    "pleegzorg": _("is in pleegzorg"),
    "needs_24h_care": _("heeft blijvend 24-uurszorg nodig"),
    "wajong_refused": _("Wajong is afgewezen"),
    "wajong_granted": _("heeft Wajong"),
    "beschut_refused": _("advies beschut werk is negatief"),
    "has_placement": _("heeft een stage of werkplek"),
    "bijstand_application": _("vraagt bijstand aan"),
}

# Dates an anchor can count from besides the birthday; each comes with the situation that makes it exist.
EVENTS = {
    "left_school_on": _("datum van verlaten school"),
    "wajong_refused_on": _("datum afwijzing Wajong"),
    "beschut_refused_on": _("datum negatief advies beschut werk"),
}

SCHOOL_TYPES = ("PRO", "VSO")
RULE_KEYS = {
    "id",
    "title",
    "domain",
    "applies",
    "what",
    "checklist",
    "deadline",
    "certainty",
    "sources",
    "valid_from",
    "valid_until",
}
APPLIES_KEYS = {"from", "until", "school_types", "situations"}
ANCHOR_KINDS = ("birthday", "school_year_end", "event", "date")


def add_months(day: date, months: int) -> date:
    """The same day some months later, clamped to the month's end (31 August + 6 months is 28/29 February)."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def date_of_age(birth_date: date, years: int, months: int = 0) -> date:
    """The day someone reaches an age; a 29 February birthday counts from 1 March in other years (as age_on)."""
    try:
        reached = birth_date.replace(year=birth_date.year + years)
    except ValueError:  # 29 February in a non-leap year
        reached = date(birth_date.year + years, 3, 1)
    return add_months(reached, months) if months else reached


def school_year_end_of_age(birth_date: date, years: int) -> date:
    """31 July ending the school year (1 August to 31 July) in which someone turns the given age."""
    reached = date_of_age(birth_date, years)
    return date(reached.year + 1 if reached.month >= 8 else reached.year, 7, 31)


def _parse_age(value: Any, rule_id: str) -> tuple[int, int]:
    match = AGE.match(str(value))
    if match is None:
        raise RuleError(f"{rule_id}: age {value!r} is not like 18 or '17y6m'.")
    return int(match["years"]), int(match["months"] or 0)


def _parse_date(value: Any, rule_id: str, name: str) -> date | None:
    if value in (None, ""):
        return None
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value))
    except ValueError as exc:
        raise RuleError(f"{rule_id}: {name} {value!r} is not a date (YYYY-MM-DD).") from exc


@dataclass(frozen=True)
class Anchor:
    """A date relative to the participant: a birthday, the end of a school year, an event, or a fixed date."""

    kind: str
    age_years: int = 0
    age_months: int = 0
    event: str = ""
    fixed: date | None = None
    years: int = 0
    months: int = 0
    label: str = ""

    @classmethod
    def from_dict(cls, data: Any, rule_id: str) -> "Anchor":
        if not isinstance(data, dict):
            raise RuleError(f"{rule_id}: an anchor must be a mapping, not {data!r}.")
        kinds = [kind for kind in ANCHOR_KINDS if kind in data]
        unknown = set(data) - {*ANCHOR_KINDS, "years", "months", "label"}
        if len(kinds) != 1 or unknown:
            raise RuleError(f"{rule_id}: an anchor needs exactly one of {', '.join(ANCHOR_KINDS)}: {data!r}.")
        kind = kinds[0]
        years, months = int(data.get("years", 0)), int(data.get("months", 0))
        label = str(data.get("label", ""))
        if kind in ("birthday", "school_year_end"):
            age_years, age_months = _parse_age(data[kind], rule_id)
            if kind == "school_year_end" and age_months:
                raise RuleError(f"{rule_id}: school_year_end takes whole years.")
            return cls(kind=kind, age_years=age_years, age_months=age_months, label=label, years=years, months=months)
        if kind == "event":
            if data["event"] not in EVENTS:
                raise RuleError(f"{rule_id}: unknown event {data['event']!r}; known: {', '.join(EVENTS)}.")
            return cls(kind=kind, event=data["event"], label=label, years=years, months=months)
        fixed = _parse_date(data["date"], rule_id, "date")
        return cls(kind=kind, fixed=fixed, label=label, years=years, months=months)

    def resolve(self, *, birth_date: date | None, events: dict[str, date | None]) -> date | None:
        """The anchor's date for this participant, or None when the data to compute it is missing."""
        base: date | None
        if self.kind == "birthday":
            base = date_of_age(birth_date, self.age_years, self.age_months) if birth_date else None
        elif self.kind == "school_year_end":
            base = school_year_end_of_age(birth_date, self.age_years) if birth_date else None
        elif self.kind == "event":
            base = events.get(self.event)
        else:
            base = self.fixed
        if base is None:
            return None
        return add_months(base, self.years * 12 + self.months)


@dataclass(frozen=True)
class Source:
    url: str
    title: str
    date: str
    reliability: str = "secondary"

    @property
    def reliability_label(self) -> str:
        return str(RELIABILITY_LABELS.get(self.reliability, self.reliability))


@dataclass(frozen=True)
class Rule:
    """One wegwijzer rule. `origin` says where it comes from: a repository file or the administrator."""

    id: str
    title: str
    domain: str
    what: str
    certainty: Certainty
    sources: tuple[Source, ...]
    starts: Anchor | None = None
    ends: Anchor | None = None
    school_types: tuple[str, ...] = ()
    situations: tuple[tuple[str, bool], ...] = ()
    checklist: tuple[str, ...] = ()
    deadline: Anchor | None = None
    valid_from: date | None = None
    valid_until: date | None = None
    origin: str = ""
    file_version: str = ""
    definition: dict[str, Any] = field(default_factory=dict, compare=False, hash=False, repr=False)

    @property
    def domain_label(self) -> str:
        return str(DOMAINS.get(self.domain, self.domain))

    @property
    def certainty_label(self) -> str:
        return self.certainty.label

    @property
    def situation_labels(self) -> list[str]:
        return [
            str(SITUATIONS[key]) if wanted else str(_("niet: %(situation)s") % {"situation": SITUATIONS[key]})
            for key, wanted in self.situations
        ]

    @classmethod
    def from_dict(cls, data: Any, *, origin: str, file_version: str = "") -> "Rule":
        if not isinstance(data, dict):
            raise RuleError(f"{origin}: a rule must be a mapping.")
        rule_id = str(data.get("id", ""))
        if not RULE_ID.match(rule_id):
            raise RuleError(f"{origin}: rule id {rule_id!r} is not like 'JW-01'.")
        unknown = set(data) - RULE_KEYS
        if unknown:
            raise RuleError(f"{rule_id}: unknown field(s) {', '.join(sorted(unknown))}.")
        for required in ("title", "domain", "what", "certainty"):
            if not str(data.get(required, "")).strip():
                raise RuleError(f"{rule_id}: {required} is required.")
        if data["domain"] not in DOMAINS:
            raise RuleError(f"{rule_id}: unknown domain {data['domain']!r}.")
        try:
            certainty = Certainty(data["certainty"])
        except ValueError as exc:
            raise RuleError(f"{rule_id}: certainty must be one of {', '.join(Certainty)}.") from exc
        sources = tuple(_source(item, rule_id) for item in data.get("sources") or [])
        if not sources:
            raise RuleError(f"{rule_id}: a rule needs at least one source.")
        applies = data.get("applies") or {}
        if not isinstance(applies, dict) or set(applies) - APPLIES_KEYS:
            raise RuleError(f"{rule_id}: applies may only hold {', '.join(sorted(APPLIES_KEYS))}.")
        school_types = tuple(applies.get("school_types") or ())
        if set(school_types) - set(SCHOOL_TYPES):
            raise RuleError(f"{rule_id}: school_types must be among {', '.join(SCHOOL_TYPES)}.")
        situations = applies.get("situations") or {}
        if not isinstance(situations, dict) or set(situations) - set(SITUATIONS):
            raise RuleError(f"{rule_id}: unknown situation in {situations!r}; known: {', '.join(SITUATIONS)}.")
        if not all(isinstance(value, bool) for value in situations.values()):
            raise RuleError(f"{rule_id}: a situation is true or false.")
        return cls(
            id=rule_id,
            title=str(data["title"]).strip(),
            domain=data["domain"],
            what=" ".join(str(data["what"]).split()),
            certainty=certainty,
            sources=sources,
            starts=Anchor.from_dict(applies["from"], rule_id) if applies.get("from") else None,
            ends=Anchor.from_dict(applies["until"], rule_id) if applies.get("until") else None,
            school_types=school_types,
            situations=tuple(sorted(situations.items())),
            checklist=tuple(str(item) for item in data.get("checklist") or ()),
            deadline=Anchor.from_dict(data["deadline"], rule_id) if data.get("deadline") else None,
            valid_from=_parse_date(data.get("valid_from"), rule_id, "valid_from"),
            valid_until=_parse_date(data.get("valid_until"), rule_id, "valid_until"),
            origin=origin,
            file_version=file_version,
            definition=data,
        )


def _source(item: Any, rule_id: str) -> Source:
    if not isinstance(item, dict):
        raise RuleError(f"{rule_id}: a source must be a mapping with url, title and date.")
    url, source_date = str(item.get("url", "")).strip(), str(item.get("date", "")).strip()
    if not url.startswith(("https://", "http://")):
        raise RuleError(f"{rule_id}: a source needs a web address (https://...).")
    if not source_date:
        raise RuleError(f"{rule_id}: a source needs a date ('ongedateerd' when the page shows none).")
    reliability = str(item.get("reliability", "secondary"))
    if reliability not in RELIABILITY_LABELS:
        raise RuleError(f"{rule_id}: reliability must be one of {', '.join(RELIABILITY_LABELS)}.")
    return Source(url=url, title=str(item.get("title") or url).strip(), date=source_date, reliability=reliability)


def load_file(path: Path) -> list[Rule]:
    """The rules of one repository file; raises RuleError naming the file on any problem."""
    content = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    if not isinstance(content, dict) or not isinstance(content.get("rules"), list):
        raise RuleError(f"{path.name}: expected a mapping with 'version' and a list 'rules'.")
    version = str(content.get("version", ""))
    return [Rule.from_dict(item, origin=path.name, file_version=version) for item in content["rules"]]


@lru_cache(maxsize=1)
def repository_rules(directory: Path = RULES_DIR) -> dict[str, Rule]:
    """All rules from the repository files, by id. Read once per process: the files change only on deploy."""
    rules: dict[str, Rule] = {}
    for path in sorted(directory.glob("*.yaml")):
        for rule in load_file(path):
            if rule.id in rules:
                raise RuleError(f"{rule.id}: defined twice ({rules[rule.id].origin} and {path.name}).")
            rules[rule.id] = rule
    return rules


def day_before(day: date | None) -> date | None:
    return day - timedelta(days=1) if day else None
