"""Logging in with two factors: password, then a TOTP code or a recovery code; enrolment; admin too."""

import pytest
import time_machine
from django.test import Client
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from routeplus.accounts.models import Role
from routeplus.accounts.two_factor import current_code, recovery_codes_reset
from routeplus.audit.models import AccessLogEntry, Action, Result
from routeplus.testing.factories import professional
from routeplus.testing.http import logged_in, second_factor_device

pytestmark = pytest.mark.django_db
PASSWORD = "secret-password-123"


def password_step(client: Client, email: str) -> object:
    return client.post(reverse("accounts:login"), {"username": email, "password": PASSWORD})


def test_password_alone_opens_nothing_but_the_second_step():
    lead = professional(Role.CASE_LEAD, email="lead@example.nl")
    second_factor_device(lead)
    client = Client()
    password_step(client, "lead@example.nl")
    response = client.get(reverse("trajectories:caseload"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:two_factor"))


@time_machine.travel("2026-03-02 09:00:00+01:00", tick=False)
def test_the_right_code_completes_the_login_and_is_logged():
    lead = professional(Role.CASE_LEAD, email="lead@example.nl")
    device = second_factor_device(lead)
    client = Client()
    password_step(client, "lead@example.nl")
    response = client.post(reverse("accounts:two_factor"), {"code": current_code(device)})
    assert response.status_code == 302
    assert client.get(reverse("trajectories:caseload")).status_code == 200
    entry = AccessLogEntry.objects.filter(action=Action.TWO_FACTOR).get()
    assert entry.actor == lead and entry.result == Result.ALLOWED and entry.purpose == "totp"


@time_machine.travel("2026-03-02 09:00:00+01:00", tick=False)
def test_a_wrong_or_reused_code_is_refused_and_logged():
    lead = professional(Role.CASE_LEAD, email="lead@example.nl")
    device = second_factor_device(lead)
    client = Client()
    password_step(client, "lead@example.nl")
    wrong = client.post(
        reverse("accounts:two_factor"), {"code": "000000" if current_code(device) != "000000" else "111111"}
    )
    assert wrong.status_code == 400
    assert "klopt niet" in wrong.content.decode()
    assert AccessLogEntry.objects.filter(action=Action.TWO_FACTOR_FAILED, result=Result.REFUSED).count() == 1
    # Throttling of django-otp: after a failure the next try must wait; travel past it.
    with time_machine.travel("2026-03-02 09:00:02+01:00", tick=False):
        code = current_code(device)
        assert client.post(reverse("accounts:two_factor"), {"code": code}).status_code == 302
        other = Client()
        password_step(other, "lead@example.nl")
        reused = other.post(reverse("accounts:two_factor"), {"code": code})
        assert reused.status_code == 400  # a TOTP code works once


def test_a_recovery_code_works_once():
    lead = professional(Role.CASE_LEAD, email="lead@example.nl")
    second_factor_device(lead)
    codes = recovery_codes_reset(lead)
    assert len(codes) == 10 and len(set(codes)) == 10
    first = Client()
    password_step(first, "lead@example.nl")
    assert first.post(reverse("accounts:two_factor"), {"code": codes[0]}).status_code == 302
    second = Client()
    password_step(second, "lead@example.nl")
    assert second.post(reverse("accounts:two_factor"), {"code": codes[0]}).status_code == 400


@time_machine.travel("2026-03-02 09:00:00+01:00", tick=False)
def test_enrolment_shows_a_qr_code_and_gives_recovery_codes_once():
    lead = professional(Role.CASE_LEAD, email="new@example.nl")
    client = Client()
    password_step(client, "new@example.nl")
    assert client.get(reverse("trajectories:caseload"))["Location"].startswith(reverse("accounts:two_factor_setup"))
    page = client.get(reverse("accounts:two_factor_setup"))
    html = page.content.decode()
    assert page.status_code == 200 and 'src="data:image/svg+xml;base64,' in html
    device = TOTPDevice.objects.get(user=lead, confirmed=False)
    done = client.post(reverse("accounts:two_factor_setup"), {"code": current_code(device)})
    assert done.status_code == 200
    assert done.content.decode().count("<code>") == 10
    device.refresh_from_db()
    assert device.confirmed
    assert client.get(reverse("trajectories:caseload")).status_code == 200
    assert AccessLogEntry.objects.filter(action=Action.TWO_FACTOR_ENROL, actor=lead).exists()


def test_a_password_only_session_cannot_enrol_a_second_device():
    lead = professional(Role.CASE_LEAD, email="lead@example.nl")
    second_factor_device(lead)
    client = logged_in(lead, verified=False)
    response = client.get(reverse("accounts:two_factor_setup"))
    assert response.status_code == 302 and response["Location"] == reverse("accounts:two_factor")


def test_admin_needs_staff_functional_admin_role_and_two_factors():
    admin_user = professional(Role.FUNCTIONAL_ADMIN, is_staff=True)
    assert logged_in(admin_user).get("/beheer/").status_code == 200
    half = logged_in(admin_user, verified=False).get("/beheer/")
    assert half.status_code == 302 and "/inloggen/tweede-stap/" in half["Location"]
    staff_without_role = professional(Role.CASE_LEAD, is_staff=True)
    assert logged_in(staff_without_role).get("/beheer/").status_code in (302, 403)
    # The admin's own login page sends everyone to the same two-step login.
    assert Client().get("/beheer/login/")["Location"].startswith(reverse("accounts:login"))


def test_demo_accounts_get_the_documented_secret():
    from routeplus.accounts.two_factor import DEMO_TOTP_HEX_KEY, demo_second_factor

    user = professional(Role.POLICY)
    device = demo_second_factor(user)
    assert device.confirmed and device.key == DEMO_TOTP_HEX_KEY
    assert demo_second_factor(user).pk == device.pk  # idempotent


def test_fixed_secrets_are_refused_under_production_settings(settings):
    from routeplus.accounts.two_factor import demo_second_factor

    settings.ROUTEPLUS_DEMO_ALLOWED = False
    with pytest.raises(PermissionError):
        demo_second_factor(professional(Role.POLICY))
