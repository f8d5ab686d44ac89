"""factory_boy factories for the foundation models; other apps add theirs beside their own tests."""

from datetime import date

import factory

from routeplus.accounts.models import Membership, Municipality, Organisation, OrganisationKind, Role, User
from routeplus.participants.models import OutflowProfile, Participant
from routeplus.trajectories.models import Route, Status, TeamMember, Trajectory

# The authenticator secret of test users (hex, as django-otp stores it): browser_login and logged_in use it
# to pass the second factor. Tests only; demo accounts have their own (accounts.two_factor).
TEST_TOTP_HEX_KEY = "3132333435363738393031323334353637383930"


def municipality(code: str = "GM0014") -> Municipality:
    """The region's municipalities are loaded by a migration; tests use them instead of inventing codes."""
    return Municipality.objects.get(cbs_code=code)


def route(code: str = "RA_PLUS") -> Route:
    return Route.objects.get(code=code)


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation

    name = factory.Sequence(lambda n: f"Organisatie {n}")
    kind = OrganisationKind.SOCIAL_TEAM


class SchoolFactory(OrganisationFactory):
    name = factory.Sequence(lambda n: f"School {n}")
    kind = OrganisationKind.SCHOOL
    school_type = "PRO"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"user{n}@example.nl")
    full_name = factory.Sequence(lambda n: f"Professional {n}")
    password = factory.PostGenerationMethodCall("set_password", "secret-password-123")

    @factory.post_generation
    def saved(self, create: bool, extracted: object, **kwargs: object) -> None:
        if create:
            self.save()


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    organisation = factory.SubFactory(OrganisationFactory)
    role = Role.CASE_LEAD


class ParticipantFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Participant

    given_name = factory.Sequence(lambda n: f"Jongere{n}")
    family_name = factory.Sequence(lambda n: f"Achternaam{n}")
    birth_date = date(2008, 5, 17)
    school = factory.SubFactory(SchoolFactory)
    school_type = "PRO"
    outflow_profile = OutflowProfile.DAGBESTEDING
    municipality = factory.LazyFunction(municipality)


class TrajectoryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Trajectory

    participant = factory.SubFactory(ParticipantFactory)
    route = factory.LazyFunction(route)
    municipality = factory.LazyFunction(municipality)
    registered_on = date(2024, 2, 1)
    start_date = date(2024, 3, 1)
    status = Status.ACTIVE


class TeamMemberFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = TeamMember

    trajectory = factory.SubFactory(TrajectoryFactory)
    user = factory.SubFactory(UserFactory)
    organisation = factory.SubFactory(OrganisationFactory)
    role = Role.CASE_LEAD
    start_date = date(2024, 2, 1)


def professional(role: str = Role.CASE_LEAD, organisation: Organisation | None = None, **user_fields: object) -> User:
    """A user with one active membership in the given role."""
    if organisation is None:
        organisation = SchoolFactory() if role == Role.SCHOOL_COORDINATOR else OrganisationFactory()
    user = UserFactory(**user_fields)
    MembershipFactory(user=user, organisation=organisation, role=role)
    return user


def on_team(user: User, trajectory: Trajectory, role: str = Role.CASE_LEAD, **fields: object) -> TeamMember:
    membership = user.memberships.filter(role=role).select_related("organisation").first()
    organisation = membership.organisation if membership else OrganisationFactory()
    return TeamMemberFactory(user=user, trajectory=trajectory, role=role, organisation=organisation, **fields)
