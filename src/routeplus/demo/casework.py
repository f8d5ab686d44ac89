"""Fills every case-file section of the demo trajectories through the casefile services.

Deterministic (a seed per trajectory reference) and idempotent (a trajectory that already has a development
plan or any contact moment is left alone). No results are created here: the monitor's demo data reproduces
the council table; the placements and provisions below do create result *proposals*, as in real use.
"""

import random
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from routeplus.accounts.models import Role
from routeplus.casefile import services
from routeplus.casefile.models import (
    ContactMoment,
    DevelopmentPlan,
    Employer,
    PlacementKind,
    PlacementStatus,
    ProvisionKind,
    ProvisionStatus,
)
from routeplus.trajectories.models import Status, TeamMember, Trajectory

REF_PREFIX = "DEMO-T"

EMPLOYERS = [
    ("iederz Groenvoorziening", "social", "Groen", "Groningen", "9723 AB"),
    ("iederz Productie en Montage", "social", "Productie", "Groningen", "9723 AC"),
    ("Zorgboerderij De Hoeve", "social", "Zorg en agrarisch", "Winsum", "9951 AA"),
    ("Lunchroom Het Kookpunt", "social", "Horeca", "Groningen", "9711 BA"),
    ("Bakkerij Van der Molen", "regular", "Voeding", "Leek", "9351 AB"),
    ("Tuincentrum Noord", "regular", "Detailhandel", "Groningen", "9741 AA"),
    ("Supermarkt De Buurt", "regular", "Detailhandel", "Zuidhorn", "9801 AA"),
    ("Fietsenmakerij Op Wielen", "regular", "Techniek", "Groningen", "9712 CC"),
    ("Kringloop Het Tweede Leven", "social", "Logistiek", "Uithuizen", "9981 AA"),
    ("Schoonmaakbedrijf Glans", "regular", "Schoonmaak", "Groningen", "9727 DD"),
]
PERSPECTIVES = [
    "Werken met een jobcoach in de groenvoorziening, eerst als stage maatwerk.",
    "Een plek in beschut werk bij iederz, met ondersteuning bij reizen.",
    "Doorstromen naar de Entree-opleiding na een jaar arbeidsmatige dagbesteding.",
    "Een baan in de banenafspraak in de detailhandel, met loonkostensubsidie.",
    "Arbeidsmatige dagbesteding met ontwikkelperspectief; opnieuw kijken na één jaar.",
]
GOALS = [
    ("work_skills", "Op tijd komen en afmelden als het niet lukt.", "Ik wil niet meer te laat komen."),
    ("independence", "Zelfstandig met de bus naar de stageplek reizen.", "Ik wil zelf met de bus."),
    ("vocational", "Een kassa bedienen en klanten groeten.", ""),
    ("social", "Om hulp vragen aan de begeleider als iets niet duidelijk is.", "Vragen stellen vind ik lastig."),
    ("vocational", "Veilig werken met gereedschap in de werkplaats.", ""),
    ("independence", "Zelf een weekplanning maken en bijhouden.", ""),
]
REVIEW_NOTES = ["Gaat nog moeizaam.", "Lukt met hulp.", "Duidelijk vooruit.", "Lukt zelfstandig."]
CONTACT_SUMMARIES = [
    "Voortgang stage besproken; gaat goed.",
    "Afspraken gemaakt over reizen en werktijden.",
    "Gesprek met ouder over de overgang naar 18+.",
    "Evaluatie met werkgever; begeleider tevreden.",
    "Aanvraag voorziening toegelicht.",
]
BOTTLENECKS = [
    (
        "transition",
        ["jeugdwet", "wmo"],
        "Jeugdhulp stopt bij 18 jaar; het Wmo-besluit voor dagbesteding laat op zich wachten.",
    ),
    ("rules", ["participatiewet", "uwv"], "Onduidelijk of eerst Wajong of eerst beschut werk aangevraagd moet worden."),
    ("transport", ["education", "wmo"], "Leerlingenvervoer stopt na school; er is nog geen vervoer naar de stageplek."),
    ("funding", ["participatiewet", "education"], "Jobcoach tijdens de stage: school en gemeente wijzen naar elkaar."),
    ("waiting", ["wmo"], "Wachtlijst bij de dagbestedingsaanbieder van drie maanden."),
]


def populate_casework(*, today: date | None = None) -> dict[str, int]:
    """Fill the sections of every demo trajectory that has none yet; returns how many were filled."""
    today = today or timezone.localdate()
    lead_ids: dict[int, object] = {}
    employers = _employers()
    kinds = {kind.code: kind for kind in ProvisionKind.objects.all()}
    filled = 0
    trajectories = (
        Trajectory.objects.filter(source_ref__startswith=REF_PREFIX)
        .select_related("participant")
        .order_by("source_ref")
    )
    done = set(DevelopmentPlan.objects.values_list("trajectory_id", flat=True)) | set(
        ContactMoment.objects.values_list("trajectory_id", flat=True)
    )
    for member in TeamMember.objects.filter(
        trajectory__source_ref__startswith=REF_PREFIX, role=Role.CASE_LEAD
    ).select_related("user"):
        lead_ids.setdefault(member.trajectory_id, member.user)
    for trajectory in trajectories:
        if trajectory.pk in done or trajectory.pk not in lead_ids:
            continue
        _fill(trajectory, lead_ids[trajectory.pk], employers, kinds, today)
        filled += 1
    return {"casework_filled": filled}


def _employers() -> list[Employer]:
    result = []
    for name, kind, sector, city, postal_code in EMPLOYERS:
        employer = Employer.objects.filter(name=name).first()
        if employer is None:
            employer = Employer.objects.create(
                name=name, kind=kind, sector=sector, city=city, postal_code=postal_code.replace(" ", "")
            )
        result.append(employer)
    return result


def _at(on: date, hour: int) -> datetime:
    return timezone.make_aware(datetime.combine(on, time(hour, 0)))


@transaction.atomic
def _fill(
    trajectory: Trajectory, lead: object, employers: list[Employer], kinds: dict[str, ProvisionKind], today: date
) -> None:
    rng = random.Random(trajectory.source_ref)  # noqa: S311  (invented demo data, not security)
    last = min(trajectory.end_date or today, today)
    first = trajectory.registered_on
    # Registrations and the waiting list: an intake call, nothing more yet.
    services.contact_moment_record(
        actor=lead, trajectory=trajectory, at=_at(min(first + timedelta(days=2), last), 10), channel="phone",
        with_whom="school", reached=True, summary="Aanmelding besproken met de stagecoördinator.",
    )  # fmt: skip
    if trajectory.start_date is None:
        return
    start = trajectory.start_date
    services.development_plan_save(
        actor=lead, trajectory=trajectory, perspective=rng.choice(PERSPECTIVES),
        agreed_on=min(start + timedelta(days=14), last), expected_version=0,
    )  # fmt: skip
    for area, description, own_words in rng.sample(GOALS, 2):
        goal = services.learning_goal_create(
            actor=lead, trajectory=trajectory, area=area, description=description, own_words=own_words,
            owner=lead, target_date=start + timedelta(days=365),
        )  # fmt: skip
        score = rng.choice([1, 1, 2])
        on = start + timedelta(days=45)
        while on <= last and score <= 4:
            services.goal_review_add(actor=lead, goal=goal, reviewed_on=on, score=score, note=REVIEW_NOTES[score - 1])
            score += rng.choice([0, 1, 1])
            on += timedelta(days=rng.randrange(50, 90))
    _placements(trajectory, lead, employers, rng, start, last)
    _provisions(trajectory, lead, kinds, rng, start, last)
    _contacts(trajectory, lead, rng, start, last)
    if rng.random() < 0.35:
        category, domains, description = rng.choice(BOTTLENECKS)
        noticed = min(start + timedelta(days=rng.randrange(20, 200)), last)
        solved = rng.random() < 0.4 and noticed < last
        services.bottleneck_record(
            actor=lead, trajectory=trajectory, category=category, domains=domains, description=description,
            noticed_on=noticed, status="solved" if solved else rng.choice(["open", "open", "escalated"]),
            resolution="Opgelost in het casusoverleg met WIJ en iederz." if solved else "",
        )  # fmt: skip


def _placements(
    trajectory: Trajectory, lead: object, employers: list[Employer], rng: random.Random, start: date, last: date
) -> None:
    first_end = start + timedelta(days=rng.randrange(120, 240))
    ended = first_end <= last
    services.placement_create(
        actor=lead, trajectory=trajectory, kind=rng.choice([PlacementKind.INTERNSHIP, PlacementKind.WORKLIKE_DAY_CARE]),
        employer=rng.choice(employers[:4]), start_date=start, end_date=first_end if ended else None,
        status=PlacementStatus.ENDED if ended else PlacementStatus.RUNNING,
        hours_per_week=Decimal(rng.choice([8, 12, 16])), supervisor="Werkbegeleider ter plaatse",
        evaluation="Afgerond; de jongere wil verder in deze richting." if ended else "",
    )  # fmt: skip
    if not ended:
        return
    second_start = first_end + timedelta(days=1)
    worked = "werk" in trajectory.end_reason.lower()
    kind = PlacementKind.REGULAR_JOB if worked else rng.choice(
        [PlacementKind.TAILORED_INTERNSHIP, PlacementKind.INTERNSHIP, PlacementKind.JOBS_AGREEMENT]
    )  # fmt: skip
    services.placement_create(
        actor=lead, trajectory=trajectory, kind=kind, employer=rng.choice(employers[4:]), start_date=second_start,
        status=PlacementStatus.RUNNING if second_start <= last else PlacementStatus.PLANNED,
        hours_per_week=Decimal(rng.choice([16, 20, 24])),
    )  # fmt: skip


def _provisions(
    trajectory: Trajectory, lead: object, kinds: dict[str, ProvisionKind], rng: random.Random, start: date, last: date
) -> None:
    under_18 = trajectory.participant.age_on(start) < 18
    plan = [("youth_support" if under_18 else "wmo_day_care", ProvisionStatus.GRANTED), ("job_coach", None)]
    if rng.random() < 0.3:
        plan.append(("wajong", None))
    if rng.random() < 0.2:
        plan.append(("sheltered_work_indication", None))
    for code, fixed in plan:
        applied = min(start + timedelta(days=rng.randrange(0, 60)), last)
        decided = applied + timedelta(days=rng.randrange(20, 70))
        status = fixed or (
            ProvisionStatus.GRANTED if decided <= last and rng.random() < 0.7 else ProvisionStatus.APPLIED
        )
        if decided > last:
            status = ProvisionStatus.APPLIED
        granted = status == ProvisionStatus.GRANTED
        if granted and decided > last:
            decided = last
        services.provision_create(
            actor=lead, trajectory=trajectory, kind=kinds[code], status=status, applied_on=applied,
            decided_on=decided if granted else None, start_date=decided if granted else None,
            decision_reference=f"BS-{rng.randrange(10000, 99999)}" if granted else "",
        )  # fmt: skip


def _contacts(trajectory: Trajectory, lead: object, rng: random.Random, start: date, last: date) -> None:
    dropout = trajectory.status == Status.CLOSED and "uitval" in trajectory.end_reason.lower()
    on = start + timedelta(days=7)
    moments: list[date] = []
    while on <= last and len(moments) < 8:
        moments.append(on)
        on += timedelta(days=rng.randrange(18, 45))
    for n, moment in enumerate(moments):
        failing = dropout and n >= len(moments) - 3
        reached = not failing and rng.random() > 0.15
        services.contact_moment_record(
            actor=lead, trajectory=trajectory, at=_at(moment, rng.choice([9, 11, 14, 16])),
            channel=rng.choice(["in_person", "phone", "message", "home_visit"]),
            with_whom=rng.choice(["participant", "participant", "parent", "employer", "school"]),
            reached=reached, summary=rng.choice(CONTACT_SUMMARIES) if reached else "",
        )  # fmt: skip
