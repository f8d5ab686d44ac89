"""Factories for case-file records, built on the foundation factories."""

from datetime import UTC, date, datetime

import factory

from routeplus.casefile.models import (
    Bottleneck,
    BottleneckCategory,
    ContactChannel,
    ContactMoment,
    ContactWith,
    Employer,
    EmployerKind,
    GoalArea,
    GoalReview,
    LearningGoal,
    Placement,
    PlacementKind,
    PlacementStatus,
    Provision,
    ProvisionKind,
    ProvisionStatus,
)
from routeplus.testing.factories import TrajectoryFactory, UserFactory


def provision_kind(code: str) -> ProvisionKind:
    """The kinds are loaded by a migration; tests use them instead of inventing kinds."""
    return ProvisionKind.objects.get(code=code)


class EmployerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Employer

    name = factory.Sequence(lambda n: f"Werkgever {n}")
    kind = EmployerKind.REGULAR
    city = "Groningen"


class LearningGoalFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = LearningGoal

    trajectory = factory.SubFactory(TrajectoryFactory)
    area = GoalArea.WORK_SKILLS
    description = factory.Sequence(lambda n: f"Op tijd komen, doel {n}")
    created_by = factory.SubFactory(UserFactory)


class GoalReviewFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = GoalReview

    goal = factory.SubFactory(LearningGoalFactory)
    reviewed_on = date(2024, 6, 1)
    score = 2
    reviewed_by = factory.SubFactory(UserFactory)


class PlacementFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Placement

    trajectory = factory.SubFactory(TrajectoryFactory)
    kind = PlacementKind.INTERNSHIP
    employer = factory.SubFactory(EmployerFactory)
    start_date = date(2024, 4, 1)
    status = PlacementStatus.RUNNING
    created_by = factory.SubFactory(UserFactory)


class ProvisionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Provision

    trajectory = factory.SubFactory(TrajectoryFactory)
    kind = factory.LazyFunction(lambda: provision_kind("job_coach"))
    status = ProvisionStatus.APPLIED
    applied_on = date(2024, 4, 1)
    created_by = factory.SubFactory(UserFactory)


class ContactMomentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ContactMoment

    trajectory = factory.SubFactory(TrajectoryFactory)
    at = datetime(2024, 5, 1, 10, 0, tzinfo=UTC)
    channel = ContactChannel.PHONE
    with_whom = ContactWith.PARTICIPANT
    reached = True
    summary = "Gesprek over de stage"
    recorded_by = factory.SubFactory(UserFactory)


class BottleneckFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Bottleneck

    trajectory = factory.SubFactory(TrajectoryFactory)
    category = BottleneckCategory.RULES
    domains = factory.LazyFunction(lambda: ["jeugdwet", "wmo"])
    description = "Dagbesteding jeugd stopt op 18, Wmo-indicatie nog niet rond"
    noticed_on = date(2024, 5, 1)
    recorded_by = factory.SubFactory(UserFactory)
