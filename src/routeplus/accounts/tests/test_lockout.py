"""Lockout after repeated failures holds under a rotating, spoofed X-Forwarded-For."""

import pytest
from django.test import Client
from django.urls import reverse

from routeplus.accounts.models import Role
from routeplus.audit.models import AccessLogEntry, Action
from routeplus.testing.factories import professional

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("proxies", [0, 1])
def test_100_attempts_with_rotating_forwarded_for_stay_locked_out(settings, proxies):
    settings.TRUSTED_PROXY_COUNT = proxies
    professional(Role.CASE_LEAD, email="target@example.nl")
    client = Client(REMOTE_ADDR="10.0.0.1")
    statuses = []
    for attempt in range(100):
        # The client writes any address it likes; a trusted proxy appends the real one (here 203.0.113.7).
        forwarded = f"198.51.100.{attempt % 250}, 203.0.113.7" if proxies else f"198.51.100.{attempt % 250}"
        response = client.post(
            reverse("accounts:login"),
            {"username": "target@example.nl", "password": f"wrong-{attempt}"},
            HTTP_X_FORWARDED_FOR=forwarded,
        )
        statuses.append(response.status_code)
    assert statuses[: settings.AXES_FAILURE_LIMIT - 1] == [200] * (settings.AXES_FAILURE_LIMIT - 1)
    assert set(statuses[settings.AXES_FAILURE_LIMIT :]) == {429}
    # Even the right password does not get through while locked.
    right = client.post(
        reverse("accounts:login"),
        {"username": "target@example.nl", "password": "secret-password-123"},
        HTTP_X_FORWARDED_FOR="192.0.2.55, 203.0.113.7",
    )
    assert right.status_code == 429
    assert AccessLogEntry.objects.filter(action=Action.LOCKED_OUT).exists()
    assert AccessLogEntry.objects.filter(action=Action.LOGIN_FAILED).count() >= settings.AXES_FAILURE_LIMIT - 1


def test_the_account_is_locked_from_other_addresses_too(settings):
    professional(Role.CASE_LEAD, email="target@example.nl")
    for n in range(settings.AXES_FAILURE_LIMIT):
        Client(REMOTE_ADDR=f"10.0.1.{n}").post(
            reverse("accounts:login"), {"username": "target@example.nl", "password": "nope-nope-nope"}
        )
    fresh = Client(REMOTE_ADDR="10.9.9.9").post(
        reverse("accounts:login"), {"username": "target@example.nl", "password": "secret-password-123"}
    )
    assert fresh.status_code == 429
