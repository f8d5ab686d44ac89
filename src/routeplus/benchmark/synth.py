"""The synthetic national data set of the benchmark, built with bulk paths (COPY / executemany).

Deterministic: one seed, one anchor date, identifiers drawn from the seeded generator, so two builds of the
same size hold the same rows. Every person is invented; e-mail addresses use the reserved .invalid domain.

At --size 100,000 (participants) the set holds 150,000 trajectories, 1,000,000 results, contact moments and
goal reviews together, 2,000 professionals in 40 organisations across the 13 region municipalities plus
329 synthetic others (342, the number of Dutch municipalities). Every count scales with the size.
The first few trajectories are "probes": a long history (status changes, team changes, goals, reviews,
results, contacts) on the caseload of the first case leads, for the case-file measurement.
Last, the daily signal evaluation (routeplus.alerts.engine, the product's own rules) runs on the anchor date, so
every professional's worklist holds what it would hold that day.
"""

import itertools
import random
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.contrib.auth.hashers import make_password
from django.db import DEFAULT_DB_ALIAS, transaction

from routeplus.accounts.models import Membership, Municipality, Organisation, OrganisationKind, Role, User
from routeplus.alerts.engine import signals_evaluate
from routeplus.benchmark.bulk import BulkLoader
from routeplus.casefile.models import (
    Bottleneck,
    BottleneckCategory,
    BottleneckStatus,
    ContactChannel,
    ContactMoment,
    ContactWith,
    DevelopmentPlan,
    Domain,
    Employer,
    EmployerKind,
    GoalArea,
    GoalReview,
    GoalStatus,
    LearningGoal,
    Placement,
    PlacementKind,
    PlacementStatus,
    Provision,
    ProvisionKind,
    ProvisionStatus,
    Result,
    ResultType,
)
from routeplus.monitor.derived import result_dates_rebuild
from routeplus.monitor.models import ResultDate
from routeplus.participants.models import OutflowProfile, Participant
from routeplus.trajectories.models import Route, Status, StatusChange, TeamMember, Trajectory

SEED = 20261101
ANCHOR = date(2026, 10, 1)  # every generated date lies on or before it (and so before "today")
FIRST_DATE = date(2018, 1, 1)
TZ = ZoneInfo("Europe/Amsterdam")
SYNTHETIC_MUNICIPALITIES = 329
ORGANISATIONS = 40
EMAIL_DOMAIN = "bench.routeplus.invalid"
PROBE_REF_PREFIX = "BENCH-PROBE-"

GIVEN_NAMES = (  # noqa: SIM905  (a sentence of names reads better than a list literal)
    "Daan Sem Lucas Levi Finn Milan Noah Jesse Thijs Luuk Bram Ravi Emma Julia Mila Tess Sophie Zoë Sara Nora "
    "Fenna Lotte Yara Amira Mohammed Youssef Aylin Dewi Kai Jayden Ilse Romy Sven Joep Lieke Anna Eva Lisa Noor "
    "Siem Mees Bo Jens Roos Floor Iris Jasmijn Ibrahim Fatma Elif Mehmet Priya Anouk Stijn Ruben Koen Femke"
).split()
FAMILY_NAMES = (  # noqa: SIM905
    "de Jong,Jansen,de Vries,van den Berg,van Dijk,Bakker,Janssen,Visser,Smit,Meijer,de Boer,Mulder,de Groot,"
    "Bos,Vos,Peters,Hendriks,van Leeuwen,Dekker,Brouwer,de Wit,Dijkstra,Smits,de Graaf,van der Meer,"
    "van der Linden,Kok,Jacobs,de Haan,Vermeulen,van den Heuvel,van der Veen,van den Broek,de Bruijn,"
    "de Bruin,van der Heijden,Schouten,van Beek,Willems,van Vliet,van de Ven,Hoekstra,Maas,Verhoeven,Koster,"
    "van Dam,van der Wal,Prins,Blom,Huisman,Peeters,de Jonge,Kuipers,van Veen,Post,Kuiper,Veenstra,Kramer,"
    "van den Brink,Scholten,van Wijk,Postma,Martens,Vink,de Ruiter,Timmermans,Groen,Gerritsen,Jonker,van Loon,"
    "Boer,van der Velde,Willemsen,Smeets,de Lange,de Vos,Bosch,van Dongen,Schipper,de Koning,van der Laan,"
    "Koning,van der Velden,Driessen,van Doorn,Hermans,Evers,van den Bosch,van der Meulen,Hofman,Bosman,"
    "Wolters,Sijbesma,Yilmaz,El Amrani,Öztürk,Hoving,Zuidema,Wierenga,Oosterhof"
).split(",")
CONTACT_SUMMARIES = (
    "Gesprek over de stage en de reistijd.",
    "Afspraak gemaakt voor een kennismaking bij de werkgever.",
    "Telefonisch niet bereikt, voicemail ingesproken.",
    "Voortgang leerdoelen besproken met jongere en ouder.",
    "Overleg met school over het uitstroomprofiel.",
    "",
)
# Roughly the proportions of the published council table (shared/domain.md).
RESULT_WEIGHTS = {
    ResultType.DAGBESTEDING: 3,
    ResultType.DAGBESTEDING_ONTWIKKELPERSPECTIEF: 5,
    ResultType.STAGE_MAATWERK: 8,
    ResultType.ARBEID: 9,
    ResultType.HEEFT_GEWERKT: 7,
    ResultType.ENTREE: 8,
    ResultType.NIEUW_BESCHUT: 2,
    ResultType.WAJONG: 8,
    ResultType.UITVAL: 12,
}


@dataclass(frozen=True)
class Plan:
    """How many rows of each kind a build of this size holds; exact, so tests can check them."""

    participants: int

    def _scaled(self, per_participant: float, minimum: int = 0) -> int:
        return max(minimum, round(self.participants * per_participant))

    @property
    def trajectories(self) -> int:
        return self._scaled(1.5)

    @property
    def results(self) -> int:
        return self._scaled(1.5)

    @property
    def goal_reviews(self) -> int:
        return self._scaled(2.5)

    @property
    def contact_moments(self) -> int:
        return self._scaled(6.0)

    @property
    def learning_goals(self) -> int:
        return self._scaled(1.0)

    @property
    def professionals(self) -> int:
        return self._scaled(0.02, minimum=60)

    @property
    def employers(self) -> int:
        return self._scaled(0.05, minimum=10)

    @property
    def placements(self) -> int:
        return self._scaled(0.4)

    @property
    def provisions(self) -> int:
        return self._scaled(0.4)

    @property
    def bottlenecks(self) -> int:
        return self._scaled(0.05)

    @property
    def probes(self) -> int:
        return max(1, min(16, self.participants // 50))

    def expected(self) -> dict[str, int]:
        """The number of rows per model label that a build on an empty database writes."""
        return {
            "participants.Participant": self.participants,
            "trajectories.Trajectory": self.trajectories,
            "casefile.Result": self.results,
            "casefile.GoalReview": self.goal_reviews,
            "casefile.ContactMoment": self.contact_moments,
            "casefile.LearningGoal": self.learning_goals,
            "accounts.User": self.professionals,
            "accounts.Organisation": ORGANISATIONS,
            "accounts.Municipality": SYNTHETIC_MUNICIPALITIES,
            "casefile.Employer": self.employers,
            "casefile.Placement": self.placements,
            "casefile.Provision": self.provisions,
            "casefile.Bottleneck": self.bottlenecks,
        }


@dataclass(slots=True)
class Traj:
    """What later steps need to know of a generated trajectory."""

    id: int
    participant: int
    registered: date
    start: date | None
    end: date | None
    status: str
    lead: int
    coach: int | None
    probe: bool = False


@dataclass
class Built:
    """What a build wrote: counts per model, seconds per step, and the probes the measurements use."""

    counts: dict[str, int] = field(default_factory=dict)
    seconds: dict[str, float] = field(default_factory=dict)
    probe_users: list[int] = field(default_factory=list)
    probe_trajectories: list[int] = field(default_factory=list)
    policy_users: list[int] = field(default_factory=list)


LOADED_MODELS = (
    Municipality, Organisation, Organisation.municipalities.through, User, Membership, Participant, Trajectory,
    StatusChange, TeamMember, DevelopmentPlan, LearningGoal, GoalReview, Employer, Placement, Provision, Result,
    ContactMoment, Bottleneck,
)  # fmt: skip


def _uuid(rng: random.Random) -> uuid.UUID:
    return uuid.UUID(int=rng.getrandbits(128), version=4)


def _bsn(n: int) -> str:
    """A unique nine-digit number passing the eleven-test, derived from n (None-free: skip n that fail)."""
    base = f"{100_000_00 + n:08d}"
    total = sum(int(d) * w for d, w in zip(base, (9, 8, 7, 6, 5, 4, 3, 2), strict=True))
    check = total % 11
    return base + str(check) if check < 10 else ""


def _at(day: date, rng: random.Random) -> datetime:
    """A working-hours moment on a day, in the municipality's time zone (stored as UTC)."""
    local = datetime(day.year, day.month, day.day, 8 + rng.randrange(9), rng.randrange(60), tzinfo=TZ)
    return local.astimezone(UTC)


def _days(a: date, b: date) -> int:
    return max(0, (b - a).days)


def _spread(total: int, slots: int, rng: random.Random) -> list[int]:
    """Distribute total units over slots at random (a multinomial draw): exact totals, uneven slots."""
    counts = [0] * slots
    if slots:
        pick = rng.randrange
        for _ in range(total):
            counts[pick(slots)] += 1
    return counts


class Generator:
    """Builds the data set into the database of `using`. Call build() inside an empty (migrated) database."""

    def __init__(self, plan: Plan, *, using: str = "default", seed: int = SEED) -> None:
        self.plan = plan
        self.rng = random.Random(seed)  # noqa: S311  (reproducible synthetic data, not secrets)
        self.loader = BulkLoader(using)
        self.using = using
        self.built = Built()

    # -- helpers ------------------------------------------------------------------------------------------

    def _step(self, name: str, started: float) -> None:
        self.built.seconds[name] = round(time.perf_counter() - started, 3)

    def build(self) -> Built:
        started_all = time.perf_counter()
        with (
            transaction.atomic(using=self.using),
            self.loader.foreign_keys_checked_at_the_end(LOADED_MODELS),
        ):
            self._reference_data()
            self._professionals()
            self._participants_and_trajectories()
            self._case_content()
            self.loader.reset_sequences(
                [
                    Municipality,
                    Organisation,
                    User,
                    Membership,
                    Participant,
                    Trajectory,
                    StatusChange,
                    TeamMember,
                    DevelopmentPlan,
                    LearningGoal,
                    GoalReview,
                    Employer,
                    Placement,
                    Provision,
                    Result,
                    ContactMoment,
                    Bottleneck,
                ]
            )
        started = time.perf_counter()
        self._result_dates()
        self._step("result dates", started)
        started = time.perf_counter()
        self._step(self.loader.vacuum_analyze(), started)
        self.built.counts = dict(self.loader.counts)
        started = time.perf_counter()
        self._signals()
        self._step("signals", started)
        # The signals came after the statistics above; without their own, the first worklist query planned on
        # an empty table's estimates (one request alone took 700 ms until autovacuum caught up).
        started = time.perf_counter()
        done = self.loader.vacuum_analyze(["alerts_signal", "alerts_signalevent"])
        self._step(f"{done} signals", started)
        self.built.seconds["total"] = round(time.perf_counter() - started_all, 3)
        return self.built

    def _result_dates(self) -> None:
        """The monitor's derived result dates, as the services keep them: rebuilt once from the loaded results."""
        if self.using != DEFAULT_DB_ALIAS:  # the rebuild, like every service, writes to the default database
            raise ValueError(f"The result dates are derived on the default database, not on {self.using!r}.")
        result_dates_rebuild()
        self.built.counts["monitor.ResultDate"] = ResultDate.objects.count()

    def _signals(self) -> None:
        """The open signals as the daily evaluation leaves them on the anchor date. The engine's own rules make
        them (not rows invented here), so a worklist measured on this data set is the worklist a professional
        with this caseload sees; at 100,000 participants that is about 69,000 signals in about 20 seconds."""
        if self.using != DEFAULT_DB_ALIAS:  # the engine, like every service, writes to the default database
            raise ValueError(f"The signal evaluation runs on the default database, not on {self.using!r}.")
        self.built.counts["alerts.Signal"] = signals_evaluate(on=ANCHOR).created

    # -- municipalities, organisations, professionals ----------------------------------------------------

    def _reference_data(self) -> None:
        started = time.perf_counter()
        rng = self.rng
        self.region = list(Municipality.objects.using(self.using).order_by("cbs_code").values_list("id", flat=True))
        first = self.loader.next_id(Municipality)
        synthetic = list(range(first, first + SYNTHETIC_MUNICIPALITIES))
        self.loader.load(
            Municipality,
            ["id", "cbs_code", "name", "province"],
            (
                (mid, f"GM{9000 + n:04d}", f"Synthetische gemeente {n:03d}", "Synthetisch")
                for n, mid in enumerate(synthetic, start=1)
            ),
        )
        self.municipalities = self.region + synthetic
        # Participants live everywhere, more of them in the region this software started in.
        self.region_share = 0.15

        first = self.loader.next_id(Organisation)
        kinds = (
            [(OrganisationKind.SCHOOL, "PRO")] * 11
            + [(OrganisationKind.SCHOOL, "VSO")] * 11
            + [(OrganisationKind.SOCIAL_TEAM, "")] * 10
            + [(OrganisationKind.WORK_COMPANY, "")] * 5
            + [(OrganisationKind.MUNICIPALITY, "")] * 3
        )
        assert len(kinds) == ORGANISATIONS
        self.organisations: list[tuple[int, str, str]] = []
        rows = []
        for n, (kind, school_type) in enumerate(kinds):
            oid = first + n
            self.organisations.append((oid, kind, school_type))
            label = {"school": "School", "social_team": "Sociaal team", "work_company": "Werkbedrijf"}.get(
                kind, "Gemeentelijke dienst"
            )
            name = f"Bench {label} {n + 1:02d}" + (f" ({school_type})" if school_type else "")
            rows.append((oid, _uuid(rng), name, kind, school_type))
        self.loader.load(Organisation, ["id", "uuid", "name", "kind", "school_type"], rows)
        through = Organisation.municipalities.through
        links: set[tuple[int, int]] = set()
        for n, (oid, org_kind, _type) in enumerate(self.organisations):
            # Every region municipality is served; the others spread over synthetic municipalities. The
            # municipal services (where the policy users work) serve the whole labour-market region, so the
            # monitor page is measured on its largest regular scope: every region municipality, per municipality.
            if org_kind == OrganisationKind.MUNICIPALITY:
                links.update((oid, region) for region in self.region)
            links.add((oid, self.region[n % len(self.region)]))
            for _ in range(rng.randrange(3)):
                links.add((oid, rng.choice(synthetic)))
        self.loader.load(through, ["organisation", "municipality"], sorted(links))
        self.schools = [o for o in self.organisations if o[1] == OrganisationKind.SCHOOL]
        self._step("reference_data", started)

    def _professionals(self) -> None:
        started = time.perf_counter()
        rng = self.rng
        n = self.plan.professionals
        first = self.loader.next_id(User)
        # One real hash for all: hashing 2,000 passwords would take minutes and prove nothing.
        password = make_password(f"bench-{rng.getrandbits(64):x}")
        social = [o[0] for o in self.organisations if o[1] in (OrganisationKind.SOCIAL_TEAM,)]
        work = [o[0] for o in self.organisations if o[1] == OrganisationKind.WORK_COMPANY]
        municipal = [o[0] for o in self.organisations if o[1] == OrganisationKind.MUNICIPALITY]
        schools = [o[0] for o in self.schools]
        users, memberships = [], []
        self.case_leads: list[int] = []
        self.job_coaches: list[int] = []
        self.coordinators_by_school: dict[int, list[int]] = {}
        self.user_org: dict[int, int] = {}
        # A fixed mix: 3 policy, 1 admin, 1 researcher per 100; of the rest 40% case lead, 30% job coach,
        # 25% school coordinator, 5% case lead again (some organisations only lead).
        for i in range(n):
            uid = first + i
            slot = i % 100
            if slot < 3:
                role, org = Role.POLICY, municipal[i % len(municipal)]
                self.built.policy_users.append(uid)
            elif slot == 3:
                role, org = Role.FUNCTIONAL_ADMIN, municipal[i % len(municipal)]
            elif slot == 4:
                role, org = Role.RESEARCHER, municipal[i % len(municipal)]
            else:
                r = (i * 7) % 20
                if r < 9:
                    role, org = Role.CASE_LEAD, social[i % len(social)]
                    self.case_leads.append(uid)
                elif r < 15:
                    role, org = Role.JOB_COACH, work[i % len(work)]
                    self.job_coaches.append(uid)
                else:
                    role, org = Role.SCHOOL_COORDINATOR, schools[i % len(schools)]
                    self.coordinators_by_school.setdefault(org, []).append(uid)
            self.user_org[uid] = org
            given, family = rng.choice(GIVEN_NAMES), rng.choice(FAMILY_NAMES)
            users.append((uid, _uuid(rng), f"bench-{i:05d}@{EMAIL_DOMAIN}", f"{given} {family}", password))
            memberships.append((uid, org, role))
        self.loader.load(User, ["id", "uuid", "email", "full_name", "password"], users)
        self.loader.load(Membership, ["user_id", "organisation_id", "role"], memberships)
        self._step("professionals", started)

    # -- participants, trajectories, status history, team -----------------------------------------------

    def _life(self, status: str, registered: date) -> tuple[date | None, date | None, list[tuple[str, date]]]:
        """Start, end and the status path (with dates) of a trajectory that ends up in `status`."""
        rng = self.rng
        room = _days(registered, ANCHOR)
        path = [(Status.REGISTERED.value, registered)]
        if status == Status.REGISTERED:
            return None, None, path
        step1 = registered + timedelta(days=min(room, 3 + rng.randrange(30)))
        if status == Status.WAITING or rng.random() < 0.3:
            path.append((Status.WAITING.value, step1))
        if status == Status.WAITING:
            return None, None, path
        if status == Status.CLOSED and rng.random() < 0.2:
            end = step1 + timedelta(days=min(_days(step1, ANCHOR), rng.randrange(90)))
            path.append((Status.CLOSED.value, end))
            return None, end, path
        intake = step1 + timedelta(days=min(_days(step1, ANCHOR), rng.randrange(40)))
        path.append((Status.INTAKE.value, intake))
        if status == Status.INTAKE:
            return None, None, path
        start = intake + timedelta(days=min(_days(intake, ANCHOR), 7 + rng.randrange(60)))
        path.append((Status.ACTIVE.value, start))
        if status == Status.ACTIVE:
            return start, None, path
        end = start + timedelta(days=min(_days(start, ANCHOR), 30 + rng.randrange(900)))
        path.append((Status.CLOSED.value, end))
        return start, end, path

    def _final_status(self) -> str:
        x = self.rng.random()
        if x < 0.05:
            return Status.REGISTERED
        if x < 0.10:
            return Status.WAITING
        if x < 0.15:
            return Status.INTAKE
        if x < 0.60:
            return Status.ACTIVE
        return Status.CLOSED

    def _participants_and_trajectories(self) -> None:
        started = time.perf_counter()
        rng = self.rng
        plan = self.plan
        routes = dict(Route.objects.using(self.using).values_list("code", "id"))
        ra_plus, arbeid, entree = routes["RA_PLUS"], routes["ROUTE_ARBEID"], routes["ROUTE_ENTREE"]
        p_first = self.loader.next_id(Participant)
        t_first = self.loader.next_id(Trajectory)
        probes = plan.probes
        if len(self.case_leads) < probes:
            raise ValueError("Too few case leads for the probes: raise the size.")
        # Which participants have a second trajectory (never a probe): exactly trajectories - participants.
        seconds = set(rng.sample(range(probes, plan.participants), plan.trajectories - plan.participants))
        span = _days(FIRST_DATE, ANCHOR - timedelta(days=10))
        region, municipalities = self.region, self.municipalities

        participants: list[tuple[object, ...]] = []
        self.trajs: list[Traj] = []
        changes: list[tuple[object, ...]] = []
        trajectory_rows: list[tuple[object, ...]] = []
        next_t = t_first
        self.participant_school: dict[int, int | None] = {}

        def add_trajectory(pid: int, route: int, municipality: int, registered: date, status: str) -> None:
            nonlocal next_t
            start, end, path = self._life(status, registered)
            lead = rng.choice(self.case_leads)
            coach = rng.choice(self.job_coaches) if start and self.job_coaches and rng.random() < 0.7 else None
            tid = next_t
            next_t += 1
            trajectory_rows.append(
                (tid, _uuid(rng), pid, route, municipality, registered, start, end,
                 "Traject afgerond" if end else "", status)
            )  # fmt: skip
            self.trajs.append(Traj(tid, pid, registered, start, end, status, lead, coach))
            previous = ""
            for to_status, day in path:
                changes.append((tid, previous, to_status, day, "", lead, _at(day, rng)))
                previous = to_status

        for i in range(plan.participants):
            pid = p_first + i
            school_org = rng.choice(self.schools) if rng.random() < 0.95 else None
            school_id = school_org[0] if school_org else None
            self.participant_school[pid] = school_id
            municipality = rng.choice(region) if rng.random() < self.region_share else rng.choice(municipalities)
            birth = date(2000, 1, 1) + timedelta(days=rng.randrange(12 * 365))
            participants.append(
                (pid, _uuid(rng), f"BENCH-P{i + 1:07d}", rng.choice(GIVEN_NAMES), rng.choice(FAMILY_NAMES), birth,
                 _bsn(i) if rng.random() < 0.6 else "", school_id, school_org[2] if school_org else "",
                 OutflowProfile.DAGBESTEDING if rng.random() < 0.7 else OutflowProfile.ARBEIDSMARKT,
                 municipality)
            )  # fmt: skip
            if i < probes:
                self._probe_trajectory(pid, ra_plus, municipality, trajectory_rows, changes, next_t, i)
                next_t += 1
                continue
            registered = FIRST_DATE + timedelta(days=rng.randrange(span))
            if i in seconds:
                # First Route Arbeid+, closed; then on to Route Arbeid or Entree.
                start, end, path = self._life(Status.CLOSED, registered)
                assert end is not None
                tid = next_t
                next_t += 1
                lead = rng.choice(self.case_leads)
                trajectory_rows.append(
                    (tid, _uuid(rng), pid, ra_plus, municipality, registered, start, end, "Doorgestroomd",
                     Status.CLOSED)
                )  # fmt: skip
                self.trajs.append(Traj(tid, pid, registered, start, end, Status.CLOSED, lead, None))
                previous = ""
                for to_status, day in path:
                    changes.append((tid, previous, to_status, day, "", lead, _at(day, rng)))
                    previous = to_status
                later = min(ANCHOR, end + timedelta(days=1 + rng.randrange(60)))
                add_trajectory(pid, arbeid if rng.random() < 0.7 else entree, municipality, later, self._final_status())
            else:
                route = ra_plus if rng.random() < 0.8 else (arbeid if rng.random() < 0.75 else entree)
                add_trajectory(pid, route, municipality, registered, self._final_status())

        self.loader.load(
            Participant,
            ["id", "uuid", "source_ref", "given_name", "family_name", "birth_date", "bsn", "school", "school_type",
             "outflow_profile", "municipality"],
            participants,
        )  # fmt: skip
        participants.clear()
        self.loader.load(
            Trajectory,
            ["id", "uuid", "participant", "route", "municipality", "registered_on", "start_date", "end_date",
             "end_reason", "status"],
            trajectory_rows,
        )  # fmt: skip
        trajectory_rows.clear()
        self.loader.load(
            StatusChange,
            ["trajectory", "from_status", "to_status", "effective_date", "reason", "changed_by", "changed_at"],
            changes,
        )
        changes.clear()
        self.loader.load(
            TeamMember, ["trajectory", "user", "organisation", "role", "start_date", "end_date"], self._team_rows()
        )
        self._step("participants_trajectories_team", started)

    def _probe_trajectory(
        self,
        pid: int,
        route: int,
        municipality: int,
        trajectory_rows: list[tuple[object, ...]],
        changes: list[tuple[object, ...]],
        tid: int,
        index: int,
    ) -> None:
        """A trajectory with a long history: reopened many times, on the caseload of the index-th case lead."""
        rng = self.rng
        registered = date(2019, 1, 7)
        start = date(2019, 2, 4)
        lead = self.case_leads[index]
        coach = self.job_coaches[index % len(self.job_coaches)] if self.job_coaches else None
        trajectory_rows.append((tid, _uuid(rng), pid, route, municipality, registered, start, None, "", Status.ACTIVE))
        self.trajs.append(Traj(tid, pid, registered, start, None, Status.ACTIVE, lead, coach, probe=True))
        self.built.probe_users.append(lead)
        self.built.probe_trajectories.append(tid)
        path = [("", Status.REGISTERED, registered), (Status.REGISTERED, Status.INTAKE, registered + timedelta(14))]
        path.append((Status.INTAKE, Status.ACTIVE, start))
        day = start
        for _ in range(10):  # ten closures and reopenings
            day += timedelta(days=60)
            path.append((Status.ACTIVE, Status.CLOSED, day))
            day += timedelta(days=30)
            path.append((Status.CLOSED, Status.ACTIVE, day))
        for previous, to_status, when in path:
            reason = "Heropend na contact met school." if previous == Status.CLOSED else ""
            changes.append((tid, str(previous), str(to_status), when, reason, lead, _at(when, rng)))

    def _team_rows(self) -> Iterator[tuple[object, ...]]:
        rng = self.rng
        org = self.user_org
        for t in self.trajs:
            if t.probe:
                # Six earlier case leads handed over before the current one.
                day = t.registered
                for k in range(6):
                    other = self.case_leads[(self.case_leads.index(t.lead) + 1 + k) % len(self.case_leads)]
                    until = day + timedelta(days=120)
                    yield (t.id, other, org[other], Role.CASE_LEAD, day, until)
                    day = until + timedelta(days=1)
                yield (t.id, t.lead, org[t.lead], Role.CASE_LEAD, day, None)
            elif t.start and rng.random() < 0.15 and _days(t.registered, t.end or ANCHOR) > 60:
                handover = t.registered + timedelta(days=_days(t.registered, t.end or ANCHOR) // 2)
                before = rng.choice(self.case_leads)
                yield (t.id, before, org[before], Role.CASE_LEAD, t.registered, handover - timedelta(days=1))
                yield (t.id, t.lead, org[t.lead], Role.CASE_LEAD, handover, t.end)
            else:
                yield (t.id, t.lead, org[t.lead], Role.CASE_LEAD, t.registered, t.end)
            if t.coach is not None and t.start is not None:
                yield (t.id, t.coach, org[t.coach], Role.JOB_COACH, t.start, t.end)
            school = self.participant_school.get(t.participant)
            coordinators = self.coordinators_by_school.get(school or 0)
            if coordinators and rng.random() < 0.4:
                coordinator = rng.choice(coordinators)
                yield (t.id, coordinator, org[coordinator], Role.SCHOOL_COORDINATOR, t.registered, t.end)

    # -- case content: goals and reviews, results, contacts, placements, provisions, bottlenecks -------

    def _allocate(self, total: int, eligible: list[Traj], per_probe: int) -> list[int]:
        """Units per eligible trajectory summing to total exactly; probes get per_probe first (if it fits)."""
        probes = [i for i, t in enumerate(eligible) if t.probe]
        per_probe = min(per_probe, total // (5 * max(1, len(probes))))
        counts = _spread(total - per_probe * len(probes), len(eligible), self.rng)
        for i in probes:
            counts[i] += per_probe
        return counts

    def _case_content(self) -> None:
        started = time.perf_counter()
        rng = self.rng
        plan = self.plan
        started_trajs = [t for t in self.trajs if t.start is not None]
        if not started_trajs:
            raise ValueError("No started trajectories: raise the size.")

        # Development plans for half of the started trajectories.
        self.loader.load(
            DevelopmentPlan,
            ["trajectory", "perspective", "agreed_on", "updated_by"],
            (
                (t.id, "Werken in een beschutte omgeving, met begeleiding.", t.start, t.lead)
                for t in started_trajs
                if rng.random() < 0.5 or t.probe
            ),
        )

        # Learning goals and their reviews.
        goal_counts = self._allocate(plan.learning_goals, started_trajs, per_probe=24)
        g_first = self.loader.next_id(LearningGoal)
        goals: list[tuple[int, Traj, date]] = []
        goal_rows = []
        areas = list(GoalArea.values)
        for t, count in zip(started_trajs, goal_counts, strict=True):
            for _ in range(count):
                gid = g_first + len(goals)
                assert t.start is not None
                created = t.start + timedelta(days=rng.randrange(1 + _days(t.start, t.end or ANCHOR)))
                goals.append((gid, t, created))
                status = GoalStatus.OPEN if t.end is None else rng.choice((GoalStatus.ACHIEVED, GoalStatus.STOPPED))
                goal_rows.append(
                    (gid, _uuid(rng), t.id, rng.choice(areas), "Zelfstandig met het openbaar vervoer naar de stage.",
                     "", t.lead, created + timedelta(days=180), status, t.lead, _at(created, rng))
                )  # fmt: skip
        self.loader.load(
            LearningGoal,
            ["id", "uuid", "trajectory", "area", "description", "own_words", "owner", "target_date", "status",
             "created_by", "created_at"],
            goal_rows,
        )  # fmt: skip
        goal_rows.clear()
        review_counts = _spread(plan.goal_reviews, len(goals), rng)
        probe_goal_idx = [i for i, g in enumerate(goals) if g[1].probe]
        # Probe goals are long: move reviews onto them from the pool, keeping the total exact.
        wanted = min(12, plan.goal_reviews // (5 * max(1, len(probe_goal_idx))))
        for i in probe_goal_idx:
            while review_counts[i] < wanted:
                donor = rng.randrange(len(goals))
                if review_counts[donor] > 0 and donor not in probe_goal_idx:
                    review_counts[donor] -= 1
                    review_counts[i] += 1

        def reviews() -> Iterator[tuple[object, ...]]:
            for (gid, t, created), count in zip(goals, review_counts, strict=True):
                for k in range(count):
                    day = created + timedelta(days=42 * (k + 1))
                    yield (gid, day, min(4, 1 + k // 2 + rng.randrange(2)), "", t.lead, _at(day, rng))

        self.loader.load(GoalReview, ["goal", "reviewed_on", "score", "note", "reviewed_by", "created_at"], reviews())
        goals.clear()

        # Results: unique per trajectory, type and start date.
        types = [str(t) for t in RESULT_WEIGHTS]
        cumulative = list(itertools.accumulate(RESULT_WEIGHTS.values()))
        result_counts = self._allocate(plan.results, started_trajs, per_probe=30)

        def results() -> Iterator[tuple[object, ...]]:
            for t, count in zip(started_trajs, result_counts, strict=True):
                assert t.start is not None
                seen: set[tuple[str, date]] = set()
                room = 1 + _days(t.start, t.end or ANCHOR)
                for _ in range(count):
                    kind = rng.choices(types, cum_weights=cumulative)[0]
                    day = t.start + timedelta(days=rng.randrange(room))
                    while (kind, day) in seen:
                        day += timedelta(days=1)
                    seen.add((kind, day))
                    yield (_uuid(rng), t.id, kind, day, None, "", t.lead, _at(day, rng))

        result_fields = ["uuid", "trajectory", "type", "start_date", "end_date", "note", "recorded_by", "created_at"]
        self.loader.load(Result, result_fields, results())

        # Contact moments over every trajectory, probes with hundreds.
        contact_counts = self._allocate(plan.contact_moments, self.trajs, per_probe=400)
        channels = list(ContactChannel.values)
        whom = list(ContactWith.values)

        def contacts() -> Iterator[tuple[object, ...]]:
            for t, count in zip(self.trajs, contact_counts, strict=True):
                room = 1 + _days(t.registered, t.end or ANCHOR)
                author = t.coach or t.lead
                for _ in range(count):
                    day = t.registered + timedelta(days=rng.randrange(room))
                    reached = rng.random() < 0.85
                    yield (
                        _uuid(rng), t.id, _at(day, rng), rng.choice(channels), rng.choice(whom), reached,
                        rng.choice(CONTACT_SUMMARIES) if reached else "Niet bereikt.", author,
                    )  # fmt: skip

        self.loader.load(
            ContactMoment,
            ["uuid", "trajectory", "at", "channel", "with_whom", "reached", "summary", "recorded_by"],
            contacts(),
        )

        # Employers, placements, provisions, bottlenecks.
        e_first = self.loader.next_id(Employer)
        employers = list(range(e_first, e_first + plan.employers))
        self.loader.load(
            Employer,
            ["id", "uuid", "name", "sector", "kind", "postal_code", "city"],
            (
                (eid, _uuid(rng), f"Bench werkgever {n:05d}", rng.choice(("Zorg", "Groen", "Logistiek", "Horeca")),
                 rng.choice(EmployerKind.values), f"{9700 + n % 300} AB", "Groningen")
                for n, eid in enumerate(employers)
            ),
        )  # fmt: skip
        placement_counts = self._allocate(plan.placements, started_trajs, per_probe=6)

        def placements() -> Iterator[tuple[object, ...]]:
            for t, count in zip(started_trajs, placement_counts, strict=True):
                assert t.start is not None
                for _ in range(count):
                    start = t.start + timedelta(days=rng.randrange(1 + _days(t.start, t.end or ANCHOR)))
                    end = start + timedelta(days=90) if rng.random() < 0.5 else None
                    status = PlacementStatus.ENDED if end else PlacementStatus.RUNNING
                    yield (
                        _uuid(rng), t.id, rng.choice(PlacementKind.values), rng.choice(employers), start, end,
                        status, Decimal(rng.choice((8, 12, 16, 24, 32))), t.coach or t.lead,
                    )  # fmt: skip

        self.loader.load(
            Placement,
            ["uuid", "trajectory", "kind", "employer", "start_date", "end_date", "status", "hours_per_week",
             "created_by"],
            placements(),
        )  # fmt: skip
        kinds = list(ProvisionKind.objects.using(self.using).values_list("id", flat=True))
        provision_counts = self._allocate(plan.provisions, started_trajs, per_probe=6) if kinds else []

        def provisions() -> Iterator[tuple[object, ...]]:
            for t, count in zip(started_trajs, provision_counts, strict=True):
                assert t.start is not None
                for _ in range(count):
                    applied = t.start + timedelta(days=rng.randrange(1 + _days(t.start, t.end or ANCHOR)))
                    granted = rng.random() < 0.7
                    yield (
                        _uuid(rng), t.id, rng.choice(kinds),
                        ProvisionStatus.GRANTED if granted else ProvisionStatus.APPLIED, applied,
                        applied + timedelta(days=28) if granted else None,
                        applied + timedelta(days=35) if granted else None, t.lead,
                    )  # fmt: skip

        self.loader.load(
            Provision,
            ["uuid", "trajectory", "kind", "status", "applied_on", "decided_on", "start_date", "created_by"],
            provisions(),
        )
        bottleneck_counts = self._allocate(plan.bottlenecks, self.trajs, per_probe=3)
        categories = list(BottleneckCategory.values)
        domains = list(Domain.values)

        def bottlenecks() -> Iterator[tuple[object, ...]]:
            for t, count in zip(self.trajs, bottleneck_counts, strict=True):
                for _ in range(count):
                    noticed = t.registered + timedelta(days=rng.randrange(1 + _days(t.registered, t.end or ANCHOR)))
                    yield (
                        _uuid(rng), t.id, rng.choice(categories), sorted(set(rng.sample(domains, 2))),
                        "Wachtlijst voor dagbesteding na het 18e jaar.", rng.choice(BottleneckStatus.values),
                        noticed, t.lead,
                    )  # fmt: skip

        self.loader.load(
            Bottleneck,
            ["uuid", "trajectory", "category", "domains", "description", "status", "noticed_on", "recorded_by"],
            bottlenecks(),
        )
        self._step("case_content", started)


def build(size: int, *, using: str = "default", seed: int = SEED) -> Built:
    """Build the data set for `size` participants into an empty, migrated database."""
    if size < 50:
        raise ValueError("The smallest size is 50 participants.")
    return Generator(Plan(size), using=using, seed=seed).build()
