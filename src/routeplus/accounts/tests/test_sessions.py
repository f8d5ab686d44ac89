"""Session limits (idle 15 minutes, absolute 10 hours) with a frozen clock, and ending sessions."""

from datetime import timedelta

import pytest
import time_machine
from django.contrib.sessions.models import Session
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from routeplus.accounts.models import Membership, Role, UserSession
from routeplus.accounts.sessions import SEEN_AT_RESOLUTION
from routeplus.audit.models import AccessLogEntry, Action
from routeplus.testing.factories import professional
from routeplus.testing.http import logged_in

pytestmark = pytest.mark.django_db
START = "2026-03-02 08:00:00+01:00"


def caseload_status(client) -> int:
    return client.get(reverse("trajectories:caseload")).status_code


def test_idle_limit_ends_the_session():
    with time_machine.travel(START, tick=False) as clock:
        lead = professional(Role.CASE_LEAD)
        client = logged_in(lead)
        assert caseload_status(client) == 200
        clock.shift(timedelta(minutes=14))
        assert caseload_status(client) == 200  # activity resets the idle clock
        clock.shift(timedelta(minutes=14))
        assert caseload_status(client) == 200
        clock.shift(timedelta(minutes=16))
        response = client.get(reverse("trajectories:caseload"))
        assert response.status_code == 302 and response["Location"].startswith(reverse("accounts:login"))


def _session_writes(client) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert caseload_status(client) == 200
    return sum('UPDATE "django_session"' in q["sql"] for q in queries.captured_queries)


def test_the_session_is_written_only_when_the_idle_clock_moves():
    with time_machine.travel(START, tick=False) as clock:
        client = logged_in(professional(Role.CASE_LEAD))
        clock.shift(timedelta(seconds=SEEN_AT_RESOLUTION))
        assert _session_writes(client) == 1  # the clock moves: written, with a new expiry
        expiry = Session.objects.get().expire_date
        clock.shift(timedelta(seconds=SEEN_AT_RESOLUTION - 1))
        assert _session_writes(client) == 0  # within the resolution: a page costs no session write
        clock.shift(timedelta(seconds=1))
        assert _session_writes(client) == 1
        assert Session.objects.get().expire_date == expiry + timedelta(seconds=SEEN_AT_RESOLUTION)


def test_absolute_limit_ends_an_active_session():
    with time_machine.travel(START, tick=False) as clock:
        lead = professional(Role.CASE_LEAD)
        client = logged_in(lead)
        for _ in range(10 * 6):  # ten hours of steady work, a request every ten minutes
            assert caseload_status(client) == 200
            clock.shift(timedelta(minutes=10))
        clock.shift(timedelta(minutes=1))
        assert caseload_status(client) == 302
        assert AccessLogEntry.objects.filter(action=Action.SESSION_END, purpose="limit:absolute").exists()


def test_limits_are_configurable(settings):
    settings.ROUTEPLUS_SESSION_IDLE_SECONDS = 60
    with time_machine.travel(START, tick=False) as clock:
        client = logged_in(professional(Role.CASE_LEAD))
        clock.shift(timedelta(seconds=61))
        assert caseload_status(client) == 302


def test_disabling_an_account_ends_its_sessions_at_once():
    with time_machine.travel(START, tick=False):
        lead = professional(Role.CASE_LEAD)
        first, second = logged_in(lead), logged_in(lead)
        assert UserSession.objects.filter(user=lead).count() == 2
        lead.is_active = False
        lead.save()
        assert UserSession.objects.filter(user=lead).count() == 0
        assert not Session.objects.filter(expire_date__gt=timezone.now()).exists()
        assert caseload_status(first) == 302 and caseload_status(second) == 302
        assert AccessLogEntry.objects.filter(action=Action.ACCOUNT, purpose="disabled").exists()


def test_removing_a_membership_ends_the_sessions_and_is_logged():
    lead = professional(Role.CASE_LEAD)
    client = logged_in(lead)
    Membership.objects.filter(user=lead).get().delete()
    assert caseload_status(client) == 302
    entry = AccessLogEntry.objects.filter(action=Action.MEMBERSHIP).order_by("-id").first()
    assert entry is not None and entry.object_ref == str(lead.uuid) and entry.purpose == "removed:case_lead"


def test_logout_ends_the_session():
    lead = professional(Role.CASE_LEAD)
    client = logged_in(lead)
    client.post(reverse("accounts:logout"))
    assert not UserSession.objects.filter(user=lead).exists()
    assert caseload_status(client) == 302


def test_a_user_sees_and_ends_their_own_other_sessions():
    lead = professional(Role.CASE_LEAD)
    other_user = professional(Role.CASE_LEAD)
    mine, elsewhere = logged_in(lead), logged_in(lead)
    logged_in(other_user)
    page = mine.get(reverse("accounts:sessions"))
    assert page.status_code == 200
    assert len(page.context["sessions"]) == 2  # never another user's
    foreign = UserSession.objects.get(user=other_user)
    mine.post(reverse("accounts:sessions"), {"session": foreign.pk})
    assert UserSession.objects.filter(pk=foreign.pk).exists()  # not mine: untouched
    mine.post(reverse("accounts:sessions"), {"all_others": "on"})
    assert caseload_status(elsewhere) == 302
    assert caseload_status(mine) == 200
