"""Restore-drill seed: fills, through the services and the pages, every table the bulk data and the demo leave empty."""

from datetime import date, timedelta
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.urls import reverse
from django.utils import timezone

# Tables that may stay empty in the drill, and why. Every other table must hold rows after the seed: an empty
# table proves nothing about a restore.
ALLOWED_EMPTY: dict[str, str] = {
    "auth_group": "routeplus gives roles through memberships, never through Django groups",
    "auth_group_permissions": "routeplus gives roles through memberships, never through Django groups",
    "accounts_user_groups": "routeplus gives roles through memberships, never through Django groups",
    "axes_accessfailurelog": "written only with AXES_ENABLE_ACCESS_FAILURE_LOG, off in the base settings",
    "axes_accessattemptexpiration": "written only with AXES_USE_ATTEMPT_EXPIRATION, off by default in axes",
}
# What this seed fills by itself, on a database that holds only what the migrations load.
SEEDED_TABLES = (
    "accounts_usersession",
    "alerts_digestsubscription",
    "api_apitoken",
    "axes_accessattempt",
    "axes_accesslog",
    "django_admin_log",
    "django_otp_webauthn_webauthnattestation",
    "django_otp_webauthn_webauthncredential",
    "django_otp_webauthn_webauthnuserhandle",
    "django_session",
    "django_tasks_database_dbtaskresult",
    "finance_scenario",
    "guide_rulerevision",
    "intake_prioritymove",
    "intake_registration",
    "intake_schoollistupload",
    "monitor_establishedreport",
    "ops_workerheartbeat",
    "otp_static_staticdevice",
    "otp_static_statictoken",
    "privacy_consent",
    "privacy_requestapproval",
    "privacy_restriction",
    "privacy_subjectrequest",
    "trajectories_handover",
)
# What the migrations, the synthetic bulk data (benchmark.synth) and the demo world fill before this seed runs.
FILLED_BEFORE = (
    "accounts_membership",
    "accounts_municipality",
    "accounts_organisation",
    "accounts_organisation_municipalities",
    "accounts_user",
    "accounts_user_user_permissions",
    "alerts_signal",
    "alerts_signalevent",
    "audit_accesslogentry",
    "audit_chainhead",
    "audit_changelogentry",
    "auth_permission",
    "casefile_bottleneck",
    "casefile_contactmoment",
    "casefile_developmentplan",
    "casefile_employer",
    "casefile_goalreview",
    "casefile_learninggoal",
    "casefile_placement",
    "casefile_provision",
    "casefile_provisionkind",
    "casefile_result",
    "casefile_resultproposal",
    "django_content_type",
    "django_migrations",
    "intake_budgetline",
    "intake_capacityarea",
    "intake_capacityarea_municipalities",
    "intake_intakesettings",
    "intake_trajectorycost",
    "monitor_resultdate",
    "otp_totp_totpdevice",
    "participants_participant",
    "privacy_sharingbasis",
    "trajectories_route",
    "trajectories_routeoffering",
    "trajectories_statuschange",
    "trajectories_teammember",
    "trajectories_trajectory",
)
PASSWORD = "drill-seed-password-2026"  # noqa: S105  (a throwaway drill database only)
PREFIX = "drill-"


def table_counts() -> dict[str, int]:
    """Rows per table of the default database (the drill compares its own, independent counts)."""
    with connection.cursor() as cursor:
        counts = {}
        for table in connection.introspection.table_names(cursor):
            cursor.execute(f"SELECT COUNT(*) FROM {connection.ops.quote_name(table)}")  # noqa: S608  # nosec B608 - a table name from the schema
            counts[table] = cursor.fetchone()[0]
    return counts


def empty_tables(counts: dict[str, int]) -> tuple[list[str], list[str]]:
    """The empty tables: those the allow-list excuses, and the others (which fail the drill)."""
    empty = sorted(table for table, rows in counts.items() if rows == 0)
    return [t for t in empty if t in ALLOWED_EMPTY], [t for t in empty if t not in ALLOWED_EMPTY]


class _World:
    """The organisations and people the seed acts as; created here so the seed needs nothing but migrations."""

    def __init__(self) -> None:
        from routeplus.accounts.models import Municipality, Organisation, OrganisationKind, Role, SchoolType
        from routeplus.trajectories.models import Route

        self.municipality = Municipality.objects.get(cbs_code="GM0014")
        self.route = Route.objects.get(code="RA_PLUS")
        self.school, _ = Organisation.objects.get_or_create(
            name=f"{PREFIX}Praktijkschool", defaults={"kind": OrganisationKind.SCHOOL, "school_type": SchoolType.PRO}
        )
        self.school.municipalities.add(self.municipality)
        self.care, _ = Organisation.objects.get_or_create(
            name=f"{PREFIX}Sociaal team", defaults={"kind": OrganisationKind.SOCIAL_TEAM}
        )
        self.care.municipalities.add(self.municipality)
        self.city, _ = Organisation.objects.get_or_create(
            name=f"{PREFIX}Gemeente", defaults={"kind": OrganisationKind.MUNICIPALITY}
        )
        self.city.municipalities.add(self.municipality)
        self.lead = self._user("regie", Role.CASE_LEAD, self.care, password=True)
        self.lead2 = self._user("regie2", Role.CASE_LEAD, self.care)
        self.coordinator = self._user("school", Role.SCHOOL_COORDINATOR, self.school)
        self.policy = self._user("beleid", Role.POLICY, self.city)
        self.admin = self._user("beheer", Role.FUNCTIONAL_ADMIN, self.city, password=True, staff=True)
        self.privacy = self._user("privacy", Role.PRIVACY_OFFICER, self.city)
        self.privacy2 = self._user("privacy2", Role.PRIVACY_OFFICER, self.city)

    @staticmethod
    def _user(name: str, role: str, organisation: Any, *, password: bool = False, staff: bool = False) -> Any:
        from routeplus.accounts.models import Membership, User

        email = f"{PREFIX}{name}@drill.routeplus.nl"
        user = User.objects.filter(email=email).first()
        if user is None:
            user = User.objects.create_user(
                email, PASSWORD if password else None, full_name=f"Drill {name}", is_staff=staff
            )
        Membership.objects.get_or_create(user=user, organisation=organisation, role=role)
        return user


def _client(remote_addr: str = "127.0.0.1") -> Client:
    hosts = [h for h in settings.ALLOWED_HOSTS if h and not h.startswith((".", "*", "["))]
    return Client(HTTP_HOST=hosts[0] if hosts else "localhost", REMOTE_ADDR=remote_addr)


def _expect(response: Any, status: int, what: str) -> Any:
    if response.status_code != status:
        raise RuntimeError(f"drill seed: {what} answered {response.status_code}, expected {status}")
    return response


def _log_in(user: Any) -> Client:
    """The real login: password, then the app code (writes the session, the user session, the axes access log)."""
    from routeplus.accounts.two_factor import DEMO_TOTP_HEX_KEY, current_code, totp_set_fixed_secret

    device = totp_set_fixed_secret(user, DEMO_TOTP_HEX_KEY)
    client = _client()
    _expect(
        client.post(reverse("accounts:login"), {"username": user.email, "password": PASSWORD}), 302, "the password step"
    )
    _expect(client.post(reverse("accounts:two_factor"), {"code": current_code(device)}), 302, "the second step")
    return client


def _people(world: _World) -> dict[str, Any]:
    """Registrations (one admitted to intake, later handed over; one on the waiting list, prioritised)."""
    from routeplus.accounts.models import Role
    from routeplus.intake.services import NewPerson, registration_submit, waiting_list_prioritise
    from routeplus.participants.models import OutflowProfile
    from routeplus.trajectories.models import Route, Status
    from routeplus.trajectories.selectors import route_offered
    from routeplus.trajectories.services import trajectory_change_status, trajectory_handover

    today = timezone.localdate()
    registrations = []
    for n, (given, family) in enumerate([("Daan", "Drilsma"), ("Noor", "Herstelda"), ("Sem", "Terugzet")]):
        registrations.append(
            registration_submit(
                actor=world.coordinator,
                actor_role=Role.SCHOOL_COORDINATOR,
                route=world.route,
                registered_on=today,
                school=world.school,
                school_type=world.school.school_type,
                outflow_profile=OutflowProfile.DAGBESTEDING,
                municipality=world.municipality,
                reason="Verwachte schoolverlater (hersteloefening).",
                case_lead=world.lead,
                person=NewPerson(given_name=given, family_name=family, birth_date=date(today.year - 18, 3, 1 + n)),
            )
        )
    trajectories = [r.trajectory for r in registrations]
    waiting = [t for t in trajectories if t.status == Status.WAITING]
    if waiting:
        waiting_list_prioritise(
            actor=world.lead, trajectory=waiting[-1], reason="Dreigende uitval zonder dagbesteding (hersteloefening)."
        )
    moving = trajectories[0]
    moving.refresh_from_db()
    if moving.status in (Status.REGISTERED, Status.WAITING):
        moving = trajectory_change_status(
            actor=world.lead,
            trajectory=moving,
            to_status=Status.INTAKE,
            effective_date=today,
            reason="Intakegesprek gepland (hersteloefening).",
            expected_version=moving.version,
        )
    to_route = next(
        r
        for r in Route.objects.exclude(pk=world.route.pk).order_by("code")
        if route_offered(route=r, municipality=world.municipality, on=today)
    )
    trajectory_handover(
        actor=world.lead,
        trajectory=moving,
        to_route=to_route,
        to_municipality=world.municipality,
        handover_date=today,
        new_case_lead=world.lead2,
        what_to_know="Werkt graag met de handen (hersteloefening).",
    )
    return {"participants": [t.participant for t in trajectories], "trajectories": trajectories}


def _privacy(world: _World, participants: list[Any]) -> None:
    """A consent, and a restriction request approved by two privacy officers and carried out."""
    from routeplus.access.sections import DataCategory
    from routeplus.audit.services import Origin
    from routeplus.privacy.models import ConsentGiver, ConsentStatus, RequestKind
    from routeplus.privacy.services import (
        consent_record,
        subject_request_approve,
        subject_request_create,
        subject_request_execute,
    )

    today = timezone.localdate()
    consent_record(
        actor=world.lead,
        participant=participants[0],
        category=DataCategory.values[0],
        organisation=world.school,
        status=ConsentStatus.GIVEN,
        given_by=ConsentGiver.PARTICIPANT,
        stated_on=today,
        form_reference="DRILL-TOESTEMMING-1",
    )
    origin = Origin(ip_address="local", user_agent="drill-seed")
    request = subject_request_create(
        actor=world.privacy,
        participant=participants[-1],
        kind=RequestKind.RESTRICTION,
        received_on=today,
        reference="DRILL-AVG-18",
        origin=origin,
    )
    subject_request_approve(actor=world.privacy, request=request, origin=origin)
    subject_request_approve(actor=world.privacy2, request=request, origin=origin)
    request.refresh_from_db()
    subject_request_execute(actor=world.privacy2, request=request, origin=origin)


def _school_list(world: _World) -> None:
    from routeplus.intake.services import school_list_upload

    content = (
        "leerlingnummer;voornaam;achternaam;geboortedatum;woongemeente;uitstroomprofiel;verwachte_uitstroomdatum\n"
        f"DRILL-1;Lotte;Lijstema;01-02-2009;Groningen;dagbesteding;10-07-{timezone.localdate().year + 1}\n"
    ).encode()
    school_list_upload(
        actor=world.coordinator,
        school=world.school,
        route=world.route,
        case_lead=world.lead,
        file_name="leerlingen.csv",
        content=content,
        default_reason="Verwachte schoolverlater (hersteloefening).",
    )


def _policy(world: _World) -> None:
    from routeplus.alerts.digest import digest_subscribe
    from routeplus.finance.selectors import Choices
    from routeplus.finance.services import scenario_create
    from routeplus.guide.services import guide_rule_save
    from routeplus.monitor.selectors import Scope
    from routeplus.monitor.services import report_establish

    scenario_create(actor=world.policy, name=f"{PREFIX}scenario", description="Hersteloefening", choices=Choices())
    report_establish(
        actor=world.policy, peildatum=timezone.localdate() - timedelta(days=1), scope=Scope.of(), note="Hersteloefening"
    )
    digest_subscribe(user=world.lead, active=True)
    guide_rule_save(
        actor=world.admin,
        reason="Lokale afspraak (hersteloefening)",
        definition={
            "id": "DRILL-01",
            "title": "Warme overdracht naar het sociaal team",
            "domain": "gemeente",
            "applies": {"from": {"birthday": 17}, "until": {"birthday": 18}},
            "what": "Plan een overdrachtsgesprek.",
            "deadline": {"birthday": 18, "label": "18e verjaardag"},
            "certainty": "practice",
            "sources": [{"url": "https://gemeente.groningen.nl/", "title": "Werkafspraak", "date": "2026-01-01"}],
        },
    )


def _accounts(world: _World) -> None:
    """Logins through the pages: a failed one (axes), real ones (sessions), a security key, recovery codes, and
    an API token issued in the beheer (admin log)."""
    from django.contrib.auth.models import Permission

    from routeplus.accounts.two_factor import recovery_codes_reset
    from routeplus.testing.soft_authenticator import SoftAuthenticator

    # Another account from another address: a successful login resets the attempts of its user and address.
    _expect(
        _client("127.0.0.2").post(
            reverse("accounts:login"), {"username": world.policy.email, "password": "not-the-password"}
        ),
        200,
        "a wrong password",
    )
    client = _log_in(world.lead)
    authenticator = SoftAuthenticator(settings.OTP_WEBAUTHN_ALLOWED_ORIGINS[0])
    begin = _expect(
        client.post(reverse("otp_webauthn:credential-registration-begin"), content_type="application/json"),
        200,
        "the key enrolment",
    )
    _expect(
        client.post(
            reverse("otp_webauthn:credential-registration-complete"),
            data=authenticator.create(begin.json()),
            content_type="application/json",
        ),
        200,
        "the key enrolment's completion",
    )
    recovery_codes_reset(world.lead)

    world.admin.user_permissions.add(*Permission.objects.filter(content_type__app_label="api"))
    admin = _log_in(world.admin)
    _expect(
        admin.post(
            reverse("admin:api_apitoken_add"),
            {
                "name": f"{PREFIX}koppeling",
                "user": world.policy.pk,
                "organisation": world.city.pk,
                "scopes": ["monitor:read"],
                "days": 30,
            },
        ),
        302,
        "issuing an API token in the beheer",
    )


def _worker() -> None:
    """A heartbeat queued and run by a worker (task result, worker heartbeat)."""
    call_command("heartbeat", verbosity=0)
    call_command("db_worker", batch=True, startup_delay=False, verbosity=0)


def seed() -> dict[str, int]:
    """Fill the tables the bulk data and the demo world leave empty; returns rows per table afterwards."""
    world = _World()
    people = _people(world)
    _privacy(world, people["participants"])
    _school_list(world)
    _policy(world)
    _accounts(world)
    _worker()
    return table_counts()
