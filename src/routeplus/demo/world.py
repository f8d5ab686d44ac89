"""Builds the demo world through the same services the pages use. Deterministic: a fixed seed, fixed refs.

The world: Groningen, Het Hogeland and Westerkwartier; six invented schools; WIJ, iederz and the
municipality; one demo login per role; 132 invented participants with trajectories from 2022 to 2026,
planned so that the monitor reproduces the council letter's table for December 2023 and December 2024.
"""

import random
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from django.contrib.auth.hashers import make_password
from django.db import transaction

from routeplus.accounts.models import Membership, Municipality, Organisation, OrganisationKind, Role, User
from routeplus.accounts.two_factor import demo_second_factor
from routeplus.casefile.models import ResultType
from routeplus.casefile.services import result_record, signals_reevaluated_once
from routeplus.demo.casework import populate_casework
from routeplus.intake.models import BudgetKind, BudgetLine, CapacityArea, TrajectoryCost
from routeplus.intake.services import budget_line_create, trajectory_cost_set
from routeplus.participants.models import OutflowProfile, Participant
from routeplus.participants.services import participant_create
from routeplus.trajectories.models import Route, Status, Trajectory
from routeplus.trajectories.services import team_member_add, trajectory_change_status, trajectory_register

DEMO_PASSWORD = "demo-routeplus-2026"  # noqa: S105  (documented in the README; demo only, refused in production)
SEED = 20260101
REF_PREFIX = "DEMO-"
MUNICIPALITY_CODES = ["GM0014", "GM1966", "GM1969"]  # Groningen, Het Hogeland, Westerkwartier

SCHOOLS = [
    ("Praktijkschool De Wegwijzer", "PRO", "GM0014"),
    ("Praktijkcollege Noorderpoort-Stad", "PRO", "GM0014"),
    ("VSO De Zeilmaker", "VSO", "GM0014"),
    ("VSO Het Kompas", "VSO", "GM0014"),
    ("Praktijkschool Hogeland", "PRO", "GM1966"),
    ("VSO De Horizon Westerkwartier", "VSO", "GM1969"),
]


@dataclass(frozen=True)
class DemoLogin:
    email: str
    full_name: str
    role: str
    organisation: str


DEMO_LOGINS = [
    DemoLogin("regie@demo.routeplus.nl", "Sanne de Vries", Role.CASE_LEAD, "WIJ Groningen"),
    DemoLogin("school@demo.routeplus.nl", "Pieter Bakker", Role.SCHOOL_COORDINATOR, SCHOOLS[0][0]),
    DemoLogin("jobcoach@demo.routeplus.nl", "Fatima El Amrani", Role.JOB_COACH, "iederz"),
    DemoLogin("beleid@demo.routeplus.nl", "Marco Jansen", Role.POLICY, "Gemeente Groningen"),
    DemoLogin("beheer@demo.routeplus.nl", "Ingrid Smit", Role.FUNCTIONAL_ADMIN, "Gemeente Groningen"),
    DemoLogin("onderzoek@demo.routeplus.nl", "Dr. Lotte Visser", Role.RESEARCHER, "Gemeente Groningen"),
    DemoLogin("privacy@demo.routeplus.nl", "Yvonne de Boer", Role.PRIVACY_OFFICER, "Gemeente Groningen"),
]
# Colleagues who share the work, so that the demo logins do not see every case.
COLLEAGUES = [
    DemoLogin("regie2@demo.routeplus.nl", "Joris Mulder", Role.CASE_LEAD, "WIJ Groningen"),
    DemoLogin("jobcoach2@demo.routeplus.nl", "Anouk Hoekstra", Role.JOB_COACH, "iederz"),
] + [
    DemoLogin(f"school{n}@demo.routeplus.nl", name, Role.SCHOOL_COORDINATOR, school)
    for n, (name, (school, _, _)) in enumerate(
        zip(
            ["Kees Veenstra", "Mirjam Postma", "Bram Dijkstra", "Esther Wiersma", "Ruben Kuipers"],
            SCHOOLS[1:],
            strict=True,
        ),
        start=2,
    )
]

GIVEN_NAMES = [
    "Daan",
    "Sem",
    "Lucas",
    "Levi",
    "Finn",
    "Milan",
    "Noah",
    "Jesse",
    "Thijs",
    "Luuk",
    "Bram",
    "Ravi",
    "Emma",
    "Julia",
    "Mila",
    "Tess",
    "Sophie",
    "Zoë",
    "Sara",
    "Nora",
    "Fenna",
    "Lotte",
    "Yara",
    "Amira",
    "Mohammed",
    "Youssef",
    "Aylin",
    "Dewi",
    "Kai",
    "Jayden",
    "Ilse",
    "Romy",
]
FAMILY_NAMES = [
    "Hoving",
    "Oosterhof",
    "Zuidema",
    "Bosma",
    "Scholten",
    "Boerema",
    "Wierenga",
    "Mulder",
    "Huizinga",
    "Tuinstra",
    "Venema",
    "Kramer",
    "Doornbos",
    "Haan",
    "Nieboer",
    "Brouwer",
    "Pranger",
    "Stel",
    "Kalsbeek",
    "Meijer",
    "Smid",
    "Akkerman",
    "Reitsma",
    "Lubbers",
    "Dijk",
    "Bruins",
    "Yilmaz",
    "Bakker",
]


@dataclass
class World:
    municipalities: dict[str, Municipality] = field(default_factory=dict)
    organisations: dict[str, Organisation] = field(default_factory=dict)
    users: dict[str, User] = field(default_factory=dict)
    routes: dict[str, Route] = field(default_factory=dict)


def demo_exists() -> bool:
    return Participant.objects.filter(source_ref__startswith=REF_PREFIX).exists()


@transaction.atomic
def build_world(*, participants: int = 132) -> dict[str, int]:
    """Create what is missing of the demo world; running it again creates nothing twice."""
    world = World()
    world.municipalities = {m.cbs_code: m for m in Municipality.objects.filter(cbs_code__in=MUNICIPALITY_CODES)}
    world.routes = {r.code: r for r in Route.objects.all()}
    _organisations(world)
    _users(world)
    # Thousands of writes touch some 150 trajectories: their signals are evaluated once each, after the commit,
    # instead of once per write (which took two thirds of the build).
    with signals_reevaluated_once():
        created = _participants(world, participants)
        _budget(world)
        populate_casework()
    return {"participants_created": created, "participants_total": Participant.objects.count()}


def _organisations(world: World) -> None:
    groningen = world.municipalities["GM0014"]
    for name, school_type, code in SCHOOLS:
        org, _ = Organisation.objects.get_or_create(
            name=name, defaults={"kind": OrganisationKind.SCHOOL, "school_type": school_type}
        )
        org.municipalities.add(world.municipalities[code])
        world.organisations[name] = org
    for name, kind in [
        ("WIJ Groningen", OrganisationKind.SOCIAL_TEAM),
        ("iederz", OrganisationKind.WORK_COMPANY),
        ("Gemeente Groningen", OrganisationKind.MUNICIPALITY),
    ]:
        org, _ = Organisation.objects.get_or_create(name=name, defaults={"kind": kind})
        org.municipalities.add(groningen)
        world.organisations[name] = org
    # iederz and WIJ serve the whole demo region.
    for name in ("WIJ Groningen", "iederz"):
        world.organisations[name].municipalities.add(*world.municipalities.values())


def _users(world: World) -> None:
    password: str | None = None  # hashed once: the hasher is slow on purpose, and every demo login shares it
    for login in DEMO_LOGINS + COLLEAGUES:
        user = User.objects.filter(email=login.email).first()
        if user is None:
            password = password or make_password(DEMO_PASSWORD)
            user = User.objects.create_user(
                login.email, None, full_name=login.full_name, is_staff=login.role == Role.FUNCTIONAL_ADMIN
            )
            user.password = password
            user.save(update_fields=["password"])
        Membership.objects.get_or_create(
            user=user, organisation=world.organisations[login.organisation], role=login.role
        )
        if login.role == Role.FUNCTIONAL_ADMIN:
            from django.contrib.auth.models import Permission

            user.user_permissions.set(
                Permission.objects.filter(content_type__app_label__in=["accounts"])
                | Permission.objects.filter(content_type__app_label="trajectories", content_type__model="route")
            )
        world.users[login.email] = user
        demo_second_factor(user)  # the documented demo TOTP secret (README); refused under production settings


# The plan below is written so that the monitor on the demo data reproduces the council letter's table
# (shared/data/council-table-2023-2024.csv) for 31-12-2023 and 31-12-2024, row for row. Route Arbeid+ groups:
#   A  24 registered and started in 2022; 4 end in 2022, 6 in 2023, 6 in 2024, 4 in 2025, 4 still open
#   B  22 started in 2023 (3 registered late 2022); 2 end in 2023 (one on 31-12-2023), 5 in 2024, 4 in 2025
#   W23 6 registered in 2023 and waiting at its end; 4 start in 2024, 1 withdrawn in 2024, 1 starts in 2025
#   X23 2 registered and withdrawn in 2023
#   C   7 registered and started in 2024 (C6 is A5 coming back after dropping out); C0 ends in 2024
#   W24 20 registered after the intake stop of mid-2024; 12 start in 2025, 4 withdrawn, 4 still waiting
#   X24 1 registered and withdrawn in 2024
#   E   10 registered and started in 2025
# In view at 31-12-2023: 14 (A) + 20 (B) + 6 (W23) = 40; at 31-12-2024: 8 + 15 + 5 + 6 + 20 = 54.
# Started in 2023: 22 (B); in 2024: 4 (W23) + 7 (C) = 11. Results per phase: "23" counts from 31-12-2023,
# "24" from 31-12-2024 (A12 and A13 get a second result of a type they already had: they count once),
# "25" lies after both reference dates and must not count.
RESULT_PLAN: tuple[tuple[str, str, str], ...] = (
    *((ResultType.UITVAL, slot, "23") for slot in ("A0", "A4", "A5", "A6", "B0", "B1", "A16", "B10")),
    *((ResultType.DAGBESTEDING, slot, "23") for slot in ("A1", "A7")),
    *((ResultType.DAGBESTEDING_ONTWIKKELPERSPECTIEF, slot, "23") for slot in ("A2", "A8", "A17", "B4", "B11")),
    *((ResultType.STAGE_MAATWERK, slot, "23") for slot in ("A12", "A13", "A18", "A19", "B5", "B12")),
    *((ResultType.ARBEID, slot, "23") for slot in ("A3", "A9", "A12", "B6", "B14", "A20")),
    *((ResultType.HEEFT_GEWERKT, slot, "23") for slot in ("A13", "A19", "B7")),
    *((ResultType.ENTREE, slot, "23") for slot in ("A15", "A22", "B9", "B17", "B18", "B19", "A2", "A23")),
    (ResultType.NIEUW_BESCHUT, "A20", "23"),
    (ResultType.WAJONG, "A1", "23"),
    *((ResultType.UITVAL, slot, "24") for slot in ("A10", "B2", "B3", "C0")),
    (ResultType.DAGBESTEDING, "A11", "24"),
    *((ResultType.STAGE_MAATWERK, slot, "24") for slot in ("B13", "W23_0", "A12")),
    *((ResultType.ARBEID, slot, "24") for slot in ("A14", "B15", "C1")),
    *((ResultType.HEEFT_GEWERKT, slot, "24") for slot in ("A21", "B16", "C2", "B8", "A13")),
    (ResultType.NIEUW_BESCHUT, "B21", "24"),
    *((ResultType.WAJONG, slot, "24") for slot in ("A16", "A17", "B10", "B11", "B2", "W23_1", "C3")),
    (ResultType.DAGBESTEDING_ONTWIKKELPERSPECTIEF, "A18", "25"),
    (ResultType.ENTREE, "B20", "25"),
    (ResultType.ARBEID, "C4", "25"),
    (ResultType.WAJONG, "W23_2", "25"),
    (ResultType.STAGE_MAATWERK, "W24_0", "25"),
)
LATEST_DEMO_DATE = date(2026, 6, 30)
TRANSFERS_TO_ROUTE_ARBEID = ("A10", "A11", "A12")
REASONS_BY_RESULT: dict[str, str] = {
    ResultType.UITVAL: "Uitval: niet meer bereikbaar",
    ResultType.DAGBESTEDING: "Uitstroom naar dagbesteding",
    ResultType.ARBEID: "Uitstroom naar arbeid",
    ResultType.ENTREE: "Uitstroom naar school (Entree)",
}
RA_PLUS_PEOPLE = 91


@dataclass(frozen=True)
class Leg:
    """One planned trajectory and the results on it."""

    route: str
    registered_on: date
    start_date: date | None = None
    end_date: date | None = None
    end_reason: str = ""
    waits: bool = False
    results: tuple[tuple[str, date], ...] = ()


@dataclass(frozen=True)
class PersonPlan:
    ref: str
    school: int
    given_name: str
    family_name: str
    birth_date: date
    profile: str
    legs: tuple[Leg, ...]


def _day(rng: random.Random, lo: date, hi: date) -> date:
    return lo + timedelta(days=rng.randrange((hi - lo).days + 1))


def _ra_plus_legs(rng: random.Random) -> dict[str, dict[str, object]]:
    """Slot → the dates of its Route Arbeid+ trajectory, drawn in a fixed order."""
    legs: dict[str, dict[str, object]] = {}

    def add(slot: str, reg: date, start: date | None, end: date | None, waits: bool = False, reason: str = "") -> None:
        legs[slot] = {"reg": reg, "start": start, "end": end, "waits": waits, "reason": reason}

    for i in range(24):
        reg = _day(rng, date(2022, 1, 10), date(2022, 6, 30))
        start = reg + timedelta(days=rng.randrange(14, 61))
        end_window = (
            (date(2022, 10, 1), date(2022, 12, 20))
            if i < 4
            else (date(2023, 2, 1), date(2023, 12, 15))
            if i < 10
            else (date(2024, 2, 1), date(2024, 12, 15))
            if i < 16
            else (date(2025, 2, 1), date(2025, 10, 31))
            if i < 20
            else None
        )
        add(f"A{i}", reg, start, _day(rng, *end_window) if end_window else None)
    for i in range(22):
        if i < 3:
            reg = _day(rng, date(2022, 11, 1), date(2022, 12, 20))
            start = date(2023, 1, 1) if i == 0 else _day(rng, date(2023, 1, 2), date(2023, 3, 31))
        else:
            reg = _day(rng, date(2023, 1, 5), date(2023, 10, 31))
            start = reg + timedelta(days=rng.randrange(14, 51))
        end_window = (
            (start + timedelta(days=30), date(2023, 12, 20))
            if i == 0
            else (date(2023, 12, 31), date(2023, 12, 31))  # ends exactly on the reference date
            if i == 1
            else (date(2024, 2, 1), date(2024, 12, 15))
            if i < 7
            else (date(2025, 3, 1), date(2025, 10, 31))
            if i < 11
            else None
        )
        add(f"B{i}", reg, start, _day(rng, *end_window) if end_window else None, waits=i < 3)
    for i in range(6):
        reg = _day(rng, date(2023, 6, 1), date(2023, 12, 15))
        if i < 4:
            add(f"W23_{i}", reg, _day(rng, date(2024, 1, 8), date(2024, 4, 30)), None, waits=True)
        elif i == 4:
            add(
                f"W23_{i}",
                reg,
                None,
                _day(rng, date(2024, 2, 1), date(2024, 6, 30)),
                True,
                "Ingetrokken door school",
            )
        else:
            add(f"W23_{i}", reg, _day(rng, date(2025, 1, 15), date(2025, 3, 31)), None, waits=True)
    for i in range(2):
        reg = _day(rng, date(2023, 2, 1), date(2023, 9, 30))
        add(f"X23_{i}", reg, None, reg + timedelta(days=rng.randrange(20, 61)), reason="Ingetrokken: verhuisd")
    for i in range(7):
        reg = _day(rng, date(2024, 1, 8), date(2024, 5, 31))
        start = reg + timedelta(days=rng.randrange(14, 41))
        add(f"C{i}", reg, start, _day(rng, date(2024, 9, 1), date(2024, 12, 15)) if i == 0 else None)
    for i in range(20):
        reg = _day(rng, date(2024, 6, 1), date(2024, 12, 20))
        if i < 12:
            add(f"W24_{i}", reg, _day(rng, date(2025, 1, 10), date(2025, 6, 30)), None, waits=True)
        elif i < 16:
            end = _day(rng, date(2025, 1, 10), date(2025, 5, 31))
            add(f"W24_{i}", reg, None, end, True, "Ingetrokken: andere plek gevonden")
        else:
            add(f"W24_{i}", reg, None, None, waits=True)
    reg = _day(rng, date(2024, 1, 15), date(2024, 4, 30))
    add("X24_0", reg, None, reg + timedelta(days=rng.randrange(20, 61)), reason="Ingetrokken door jongere")
    for i in range(10):
        reg = _day(rng, date(2025, 1, 6), date(2025, 9, 30))
        start = reg + timedelta(days=rng.randrange(14, 46))
        add(f"E{i}", reg, start, _day(rng, date(2026, 2, 1), LATEST_DEMO_DATE) if i == 0 else None)
    return legs


def _result_date(rng: random.Random, leg: dict[str, object], phase: str) -> date:
    start = leg["start"]
    end = leg["end"] or LATEST_DEMO_DATE
    assert isinstance(start, date)
    assert isinstance(end, date)
    year = 2000 + int(phase)
    lo = max(start, date(year, 1, 1)) if phase != "23" else start
    hi = min(end, date(year, 12, 31), LATEST_DEMO_DATE)
    assert lo <= hi, "a planned result falls outside its trajectory"
    return _day(rng, lo, hi)


def demo_plan(count: int = 132) -> list[PersonPlan]:
    """Every participant of the demo world, as data; the same seed gives the same world."""
    rng = random.Random(SEED)  # noqa: S311  (reproducible invented data, not security)
    ra_legs = _ra_plus_legs(rng)
    results: dict[str, list[tuple[str, date]]] = defaultdict(list)
    for result_type, slot, phase in RESULT_PLAN:
        results[slot].append((result_type, _result_date(rng, ra_legs[slot], phase)))

    def leg_of(slot: str) -> Leg:
        data = ra_legs[slot]
        reason = str(data["reason"])
        if data["end"] and not reason:
            kinds = [t for t, _ in sorted(results[slot], key=lambda r: r[1], reverse=True)]
            reason = next((REASONS_BY_RESULT[t] for t in kinds if t in REASONS_BY_RESULT), "Traject afgerond")
            if slot in TRANSFERS_TO_ROUTE_ARBEID:
                reason = "Overgedragen naar Route Arbeid"
        return Leg(
            route="RA_PLUS",
            registered_on=data["reg"],  # type: ignore[arg-type]
            start_date=data["start"],  # type: ignore[arg-type]
            end_date=data["end"],  # type: ignore[arg-type]
            end_reason=reason,
            waits=bool(data["waits"]),
            results=tuple(sorted(results[slot], key=lambda r: r[1])),
        )

    slot_legs: list[list[Leg]] = []
    for slot in ra_legs:
        if slot == "C6":  # A5 comes back after dropping out: a second Route Arbeid+ trajectory
            continue
        legs = [leg_of(slot)]
        if slot == "A5":
            legs.append(leg_of("C6"))
        if slot in TRANSFERS_TO_ROUTE_ARBEID:
            moved = legs[0].end_date
            assert moved is not None
            start = moved + timedelta(days=7)
            outcome = ((ResultType.ARBEID, _day(rng, start, date(2025, 6, 30))),) if slot == "A10" else ()
            legs.append(Leg("ROUTE_ARBEID", moved, start, results=outcome))
        if slot == "B20":  # in two routes at once: Route Entree alongside Route Arbeid+
            reg = _day(rng, date(2024, 8, 1), date(2024, 8, 31))
            legs.append(Leg("ROUTE_ENTREE", reg, reg + timedelta(days=21)))
        slot_legs.append(legs)

    for n in range(max(0, count - RA_PLUS_PEOPLE)):
        route = "ROUTE_ARBEID" if n % 8 < 5 else "ROUTE_ENTREE"
        reg = _day(rng, date(2022, 1, 10), date(2026, 3, 31))
        start = reg + timedelta(days=rng.randrange(14, 61))
        end = start + timedelta(days=rng.randrange(200, 700)) if rng.random() < 0.4 else None
        if end is not None and end > LATEST_DEMO_DATE:
            end = None
        own = ResultType.ARBEID if route == "ROUTE_ARBEID" else ResultType.ENTREE
        outcome = ((own, _day(rng, start, end or LATEST_DEMO_DATE)),) if rng.random() < 0.5 else ()
        slot_legs.append([Leg(route, reg, start, end, "Traject afgerond" if end else "", results=outcome)])

    plans = []
    for n, legs in enumerate(slot_legs[:count], start=1):
        first = legs[0].registered_on
        age = rng.choice([16, 16, 17, 17, 17, 18, 18, 19, 20])
        plans.append(
            PersonPlan(
                ref=f"{REF_PREFIX}P{n:04d}",
                school=rng.randrange(len(SCHOOLS)),
                given_name=rng.choice(GIVEN_NAMES),
                family_name=rng.choice(FAMILY_NAMES),
                birth_date=first - timedelta(days=age * 365 + rng.randrange(0, 360)),
                profile=OutflowProfile.DAGBESTEDING
                if legs[0].route == "RA_PLUS" or rng.random() < 0.5
                else OutflowProfile.ARBEIDSMARKT,
                legs=tuple(legs),
            )
        )
    return plans


# Money for Route Arbeid+ in Groningen, so the capacity page has funded places. One trajectory-year costs
# 6.500 euro: the council letter (197775-2025) budgets 350.000 euro a year for 2026/2027 at 54 participants
# (finance parameter route_cost). The amounts are demo assumptions at the scale of the demo's Groningen pupils:
# 2024 paid for the 28 places in use when intake stopped halfway the year; 2025 added 2 places incidentally to
# lift the stop; 2026 pays for 30, all in use, so the 2 still waiting since 2024 wait for a free place
# (intake stop) and the page's "extra budget" question has something to answer.
COST_PER_TRAJECTORY_YEAR = Decimal("6500")
COST_SOURCE = "Raadsbrief Route Arbeid+ (197775-2025): 350.000 euro per jaar bij 54 deelnemers"
BUDGET_PLAN: tuple[tuple[int, int, str, str, str, str], ...] = (
    (
        2024,
        182_000,
        BudgetKind.STRUCTURAL,
        "Gemeentebegroting 2024 (demo)",
        "DEMO-BEGR-2024",
        "Demo-aanname: 28 plekken. Halverwege 2024 was het geld op: aanmeldstop.",
    ),
    (
        2025,
        182_000,
        BudgetKind.STRUCTURAL,
        "Gemeentebegroting 2025 (demo)",
        "DEMO-BEGR-2025",
        "Demo-aanname: de basisaanpak, 28 plekken.",
    ),
    (
        2025,
        13_000,
        BudgetKind.INCIDENTAL,
        "Opheffen aanmeldstop (demo)",
        "DEMO-RB-2025",
        "Demo-aanname: 2 plekken extra voor de wachtlijst van 2024.",
    ),
    (
        2026,
        195_000,
        BudgetKind.STRUCTURAL,
        "Gemeentebegroting 2026 (demo, naar raadsbrief 197775-2025)",
        "DEMO-BEGR-2026",
        "Demo-aanname: 30 plekken, op de schaal van de demo. De raadsbrief begroot 350.000 euro per jaar "
        "voor de hele aanpak.",
    ),
)


def _budget(world: World) -> None:
    """Trajectory costs and budget lines of Route Arbeid+ in Groningen; what is already there is kept."""
    route = world.routes["RA_PLUS"]
    admin = world.users["beheer@demo.routeplus.nl"]
    area, created = CapacityArea.objects.get_or_create(route=route, name="Gemeente Groningen")
    if created:
        area.municipalities.set([world.municipalities["GM0014"]])
    for year in sorted({year for year, *_rest in BUDGET_PLAN}):
        if TrajectoryCost.objects.filter(route=route, year=year).exists():
            continue
        trajectory_cost_set(actor=admin, route=route, year=year, amount=COST_PER_TRAJECTORY_YEAR, source=COST_SOURCE)
    for year, amount, kind, source, reference, note in BUDGET_PLAN:
        if BudgetLine.objects.filter(area=area, year=year, decision_reference=reference).exists():
            continue
        budget_line_create(
            actor=admin,
            area=area,
            year=year,
            amount=Decimal(amount),
            kind=kind,
            source=source,
            decision_reference=reference,
            note=note,
        )


def _participants(world: World, count: int) -> int:
    existing = set(Participant.objects.filter(source_ref__startswith=REF_PREFIX).values_list("source_ref", flat=True))
    schools = [world.organisations[name] for name, _, _ in SCHOOLS]
    school_coordinator = {
        login.organisation: world.users[login.email]
        for login in DEMO_LOGINS + COLLEAGUES
        if login.role == Role.SCHOOL_COORDINATOR
    }
    leads = [world.users["regie@demo.routeplus.nl"], world.users["regie2@demo.routeplus.nl"]]
    coaches = [world.users["jobcoach@demo.routeplus.nl"], world.users["jobcoach2@demo.routeplus.nl"]]
    created = 0
    for n, plan in enumerate(demo_plan(count), start=1):
        if plan.ref in existing:
            continue
        school = schools[plan.school]
        municipality = next(m for m in school.municipalities.all())
        lead, coach = leads[n % 2], coaches[(n // 2) % 2]
        coordinator = school_coordinator[school.name]
        participant = participant_create(
            actor=lead,
            given_name=plan.given_name,
            family_name=plan.family_name,
            birth_date=plan.birth_date,
            school=school,
            outflow_profile=plan.profile,
            municipality=municipality,
        )
        Participant.objects.filter(pk=participant.pk).update(source_ref=plan.ref)
        for number, leg in enumerate(plan.legs, start=1):
            trajectory = trajectory_register(
                actor=coordinator,
                participant=participant,
                route=world.routes[leg.route],
                municipality=municipality,
                registered_on=leg.registered_on,
                actor_role=Role.SCHOOL_COORDINATOR,
            )
            Trajectory.objects.filter(pk=trajectory.pk).update(source_ref=f"{plan.ref.replace('-P', '-T')}-{number}")
            team_member_add(
                actor=coordinator,
                trajectory=trajectory,
                user=lead,
                role=Role.CASE_LEAD,
                start_date=leg.registered_on,
            )
            _advance(trajectory, lead, coach, leg)
            for result_type, on in leg.results:
                result_record(actor=coach, trajectory=trajectory, type=result_type, start_date=on)
        created += 1
    return created


def _advance(trajectory: Trajectory, lead: User, coach: User, leg: Leg) -> None:
    """Walk the trajectory along the transition table to the planned dates."""
    reg = leg.registered_on
    first_move = leg.start_date or leg.end_date or reg
    if leg.waits:
        _move(
            trajectory,
            lead,
            Status.WAITING,
            min(reg + timedelta(days=3), first_move),
            "Geen plek vrij (aanmeldstop)",
        )
    if leg.start_date is not None:
        _move(
            trajectory,
            lead,
            Status.INTAKE,
            max(reg, leg.start_date - timedelta(days=7)),
            "Intakegesprek gepland",
        )
        _move(trajectory, lead, Status.ACTIVE, leg.start_date, "Gestart met stage")
        team_member_add(actor=lead, trajectory=trajectory, user=coach, role=Role.JOB_COACH, start_date=leg.start_date)
    if leg.end_date is not None:
        _move(trajectory, lead, Status.CLOSED, leg.end_date, leg.end_reason or "Traject afgerond")


def _move(trajectory: Trajectory, actor: User, to_status: str, on: date, reason: str) -> None:
    trajectory.refresh_from_db()
    trajectory_change_status(
        actor=actor,
        trajectory=trajectory,
        to_status=to_status,
        effective_date=on,
        reason=reason,
        expected_version=trajectory.version,
    )
