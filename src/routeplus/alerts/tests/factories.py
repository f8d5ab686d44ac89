"""Case-file records for the signal tests, made directly (the casefile services belong to another app)."""

import datetime as dt
from datetime import date
from typing import Any
from zoneinfo import ZoneInfo

from routeplus.casefile.models import (
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
)
from routeplus.testing.factories import UserFactory
from routeplus.trajectories.models import Trajectory

AMSTERDAM = ZoneInfo("Europe/Amsterdam")


def at(day: date, hour: int = 10) -> dt.datetime:
    return dt.datetime(day.year, day.month, day.day, hour, tzinfo=AMSTERDAM)


def contact(
    trajectory: Trajectory, day: date, *, reached: bool, with_whom: str = ContactWith.PARTICIPANT
) -> ContactMoment:
    return ContactMoment.objects.create(
        trajectory=trajectory,
        at=at(day),
        channel=ContactChannel.PHONE,
        with_whom=with_whom,
        reached=reached,
        recorded_by=UserFactory(),
    )


def goal(trajectory: Trajectory, created: date, *reviews: date) -> LearningGoal:
    user = UserFactory()
    learning_goal = LearningGoal.objects.create(
        trajectory=trajectory, area=GoalArea.WORK_SKILLS, description="Op tijd komen", created_by=user
    )
    LearningGoal.objects.filter(pk=learning_goal.pk).update(created_at=at(created))
    for day in reviews:
        GoalReview.objects.create(goal=learning_goal, reviewed_on=day, score=2, reviewed_by=user)
    return learning_goal


def placement(
    trajectory: Trajectory,
    start: date,
    end: date | None,
    *,
    kind: str = PlacementKind.INTERNSHIP,
    status: str = PlacementStatus.RUNNING,
    **fields: Any,
) -> Placement:
    employer, _ = Employer.objects.get_or_create(
        name="Kringloop Noord", postal_code="9700AA", defaults={"kind": EmployerKind.SOCIAL}
    )
    return Placement.objects.create(
        trajectory=trajectory,
        kind=kind,
        employer=employer,
        start_date=start,
        end_date=end,
        status=status,
        created_by=UserFactory(),
        **fields,
    )
