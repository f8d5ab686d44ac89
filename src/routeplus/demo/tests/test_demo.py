"""The demo command: a login per role that works, case files for the case roles, refused under production."""

import pytest
from django.core.management import CommandError, call_command
from django.test import Client

from routeplus.access.door import trajectories_visible_to
from routeplus.accounts.models import Role, User
from routeplus.demo.world import DEMO_LOGINS, DEMO_PASSWORD
from routeplus.participants.models import Participant
from routeplus.trajectories.models import Trajectory

pytestmark = pytest.mark.django_db


def test_demo_command_builds_a_login_per_role_once():
    # One build for all checks: the demo world takes a while, and it must live inside this test's transaction.
    call_command("demo", verbosity=0)
    before = (Participant.objects.count(), Trajectory.objects.count(), User.objects.count())
    call_command("demo", "--once", verbosity=0)
    assert (Participant.objects.count(), Trajectory.objects.count(), User.objects.count()) == before

    assert {login.role for login in DEMO_LOGINS} == set(Role)
    for login in DEMO_LOGINS:
        assert Client().login(username=login.email, password=DEMO_PASSWORD), login.email
        visible = trajectories_visible_to(User.objects.get(email=login.email)).count()
        assert (visible > 0) == (login.role in Role.case_roles()), login.email


def test_demo_is_refused_under_production_settings(settings):
    settings.ROUTEPLUS_DEMO_ALLOWED = False
    with pytest.raises(CommandError, match="production"):
        call_command("demo", verbosity=0)
