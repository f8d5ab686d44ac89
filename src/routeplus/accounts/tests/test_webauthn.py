"""Security keys (WebAuthn) as the second step, driven through our endpoints by a software authenticator."""

import json
import re
from typing import Any

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_otp_webauthn.models import WebAuthnCredential

from routeplus.accounts.models import Role
from routeplus.accounts.two_factor import current_code, has_second_factor
from routeplus.audit.models import AccessLogEntry, Action, ChangeLogEntry, Result
from routeplus.testing.factories import professional
from routeplus.testing.http import logged_in, second_factor_device
from routeplus.testing.soft_authenticator import SoftAuthenticator

pytestmark = pytest.mark.django_db
PASSWORD = "secret-password-123"
EMAIL = "lead@example.nl"


def _post_json(client: Client, name: str, body: object = None, query: str = "") -> Any:
    return client.post(
        reverse(f"otp_webauthn:{name}") + query,
        data=json.dumps(body) if body is not None else "",
        content_type="application/json",
    )


def enrol(client: Client) -> SoftAuthenticator:
    authenticator = SoftAuthenticator(settings.OTP_WEBAUTHN_ALLOWED_ORIGINS[0])
    begin = _post_json(client, "credential-registration-begin")
    assert begin.status_code == 200, begin.content
    done = _post_json(client, "credential-registration-complete", authenticator.create(begin.json()))
    assert done.status_code == 200, done.content
    return authenticator


def assertion(client: Client, authenticator: SoftAuthenticator, *, query: str = "", **how: bool) -> Any:
    begin = _post_json(client, "credential-authentication-begin")
    assert begin.status_code == 200, begin.content
    return _post_json(client, "credential-authentication-complete", authenticator.get(begin.json(), **how), query)


def password_step(client: Client) -> None:
    response = client.post(reverse("accounts:login"), {"username": EMAIL, "password": PASSWORD})
    assert response.status_code == 302


def test_enrol_a_key_then_log_in_with_password_and_key():
    lead = professional(Role.CASE_LEAD, email=EMAIL)
    settings_page = logged_in(lead).get(reverse("accounts:two_factor_setup"))
    assert "Beveiligingssleutel of passkey toevoegen" in settings_page.content.decode()
    client = logged_in(lead)
    authenticator = enrol(client)
    credential = WebAuthnCredential.objects.get(user=lead)
    assert credential.confirmed
    enrolled = AccessLogEntry.objects.get(action=Action.TWO_FACTOR_ENROL, actor=lead)
    assert enrolled.purpose == "webauthn" and enrolled.result == Result.ALLOWED
    assert "Laatst gebruikt" in client.get(reverse("accounts:two_factor_setup")).content.decode()

    browser = Client()
    password_step(browser)
    caseload = reverse("trajectories:caseload")
    assert browser.get(caseload)["Location"].startswith(reverse("accounts:two_factor"))
    page = browser.get(reverse("accounts:two_factor"))
    assert "Gebruik uw beveiligingssleutel" in page.content.decode()
    done = assertion(browser, authenticator, query=f"?next={caseload}")
    assert done.status_code == 200, done.content
    assert done.json()["redirect_url"] == caseload
    assert browser.get(caseload).status_code == 200
    verified = AccessLogEntry.objects.get(action=Action.TWO_FACTOR, actor=lead)
    assert verified.purpose == "webauthn" and verified.result == Result.ALLOWED
    credential.refresh_from_db()
    assert credential.sign_count == 1 and credential.last_used_at is not None


def test_a_key_alone_is_a_second_factor_and_the_first_one_may_be_added_after_the_password():
    lead = professional(Role.CASE_LEAD, email=EMAIL)
    browser = Client()
    password_step(browser)
    assert browser.get(reverse("trajectories:caseload"))["Location"].startswith(reverse("accounts:two_factor_setup"))
    authenticator = enrol(browser)  # the first second factor, with the password-only session
    assert has_second_factor(lead) and not TOTPDevice.objects.filter(user=lead, confirmed=True).exists()
    assert browser.get(reverse("trajectories:caseload")).status_code == 200  # enrolment verified this session

    other = Client()
    password_step(other)
    assert other.get(reverse("trajectories:caseload"))["Location"].startswith(reverse("accounts:two_factor"))
    assert assertion(other, authenticator).status_code == 200
    assert other.get(reverse("trajectories:caseload")).status_code == 200


def test_a_password_only_session_cannot_add_a_key_to_an_account_with_a_second_factor():
    lead = professional(Role.CASE_LEAD, email=EMAIL)
    second_factor_device(lead)
    half = logged_in(lead, verified=False)
    response = _post_json(half, "credential-registration-begin")
    assert response.status_code == 403
    assert not WebAuthnCredential.objects.filter(user=lead).exists()


def test_a_key_never_logs_anyone_in_without_the_password():
    lead = professional(Role.CASE_LEAD, email=EMAIL)
    authenticator = enrol(logged_in(lead))
    anonymous = Client()
    begin = _post_json(anonymous, "credential-authentication-begin")
    assert begin.status_code == 302 and reverse("accounts:login") in begin["Location"]
    complete = _post_json(anonymous, "credential-authentication-complete", {"id": authenticator.credential_id.hex()})
    assert complete.status_code == 302 and reverse("accounts:login") in complete["Location"]
    assert "_auth_user_id" not in anonymous.session
    assert settings.OTP_WEBAUTHN_ALLOW_PASSWORDLESS_LOGIN is False


def test_another_users_key_is_refused_at_the_second_step():
    owner = professional(Role.CASE_LEAD, email="owner@example.nl")
    authenticator = enrol(logged_in(owner))
    second_factor_device(professional(Role.CASE_LEAD, email=EMAIL))
    intruder = Client()
    password_step(intruder)
    assert assertion(intruder, authenticator, forced=True).status_code == 403
    assert intruder.get(reverse("trajectories:caseload")).status_code == 302
    assert AccessLogEntry.objects.filter(action=Action.TWO_FACTOR_FAILED, purpose="webauthn").count() == 1


def test_a_wrong_assertion_is_refused_logged_and_counts_towards_the_lockout():
    lead = professional(Role.CASE_LEAD, email=EMAIL)
    authenticator = enrol(logged_in(lead))
    browser = Client(REMOTE_ADDR="10.0.0.1")
    password_step(browser)
    limit = settings.AXES_FAILURE_LIMIT
    for _ in range(limit - 1):
        refused = assertion(browser, authenticator, tamper=True)
        assert refused.status_code == 422
        assert browser.get(reverse("trajectories:caseload")).status_code == 302
    failed = AccessLogEntry.objects.filter(action=Action.TWO_FACTOR_FAILED, actor=lead)
    assert failed.count() == limit - 1 and {e.result for e in failed} == {Result.REFUSED}
    last = assertion(browser, authenticator, tamper=True)
    assert last.status_code == 429
    assert AccessLogEntry.objects.filter(action=Action.LOCKED_OUT).exists()
    assert "_auth_user_id" not in browser.session  # the half-logged-in session is ended
    # The account is locked, from another address too, even with the right password.
    fresh = Client(REMOTE_ADDR="10.9.9.9")
    assert fresh.post(reverse("accounts:login"), {"username": EMAIL, "password": PASSWORD}).status_code == 429


def test_a_good_key_is_refused_while_the_account_is_locked():
    lead = professional(Role.CASE_LEAD, email=EMAIL)
    authenticator = enrol(logged_in(lead))
    browser = Client(REMOTE_ADDR="10.0.0.2")
    password_step(browser)
    for n in range(settings.AXES_FAILURE_LIMIT):
        Client(REMOTE_ADDR=f"10.0.1.{n}").post(reverse("accounts:login"), {"username": EMAIL, "password": "nope"})
    begin = _post_json(browser, "credential-authentication-begin")
    assert begin.status_code == 429
    assert "_auth_user_id" not in browser.session
    assert not AccessLogEntry.objects.filter(action=Action.TWO_FACTOR, actor=lead).exists()
    assert authenticator.sign_count == 0


def test_wrong_app_codes_count_towards_the_lockout_too():
    lead = professional(Role.CASE_LEAD, email=EMAIL)
    device = second_factor_device(lead)
    browser = Client(REMOTE_ADDR="10.0.0.3")
    password_step(browser)
    wrong = "000000" if current_code(device) != "000000" else "111111"
    statuses = [
        browser.post(reverse("accounts:two_factor"), {"code": wrong}).status_code
        for _ in range(settings.AXES_FAILURE_LIMIT)
    ]
    assert statuses == [400] * (settings.AXES_FAILURE_LIMIT - 1) + [429]
    assert "_auth_user_id" not in browser.session


def test_the_key_scripts_carry_the_nonce_and_a_parsable_configuration():
    lead = professional(Role.CASE_LEAD, email=EMAIL)
    enrol(logged_in(lead))
    browser = Client()
    password_step(browser)
    for page in (
        browser.get(reverse("accounts:two_factor")),
        logged_in(lead).get(reverse("accounts:two_factor_setup")),
    ):
        html = page.content.decode()
        nonce = re.search(r"'nonce-([^']+)'", page["Content-Security-Policy"]).group(1)
        tags = re.findall(r"<script\b[^>]*>", html)
        assert len(tags) >= 4 and all(f'nonce="{nonce}"' in tag for tag in tags), tags
        config = json.loads(re.search(r'<script id="otp_webauthn_config"[^>]*>(.*?)</script>', html).group(1))
        assert config["completeAuthenticationUrl"] == reverse("otp_webauthn:credential-authentication-complete")
        assert config["autocompleteLoginFieldSelector"] is None  # no passwordless autofill
    assert logged_in(lead).get(reverse("otp_webauthn:js-i18n-catalog")).status_code == 200


def test_removing_a_key_is_logged_and_only_ones_own_and_never_the_last_factor():
    lead = professional(Role.CASE_LEAD, email=EMAIL)
    client = logged_in(lead)  # has an authenticator app (the test secret)
    enrol(client)
    key = WebAuthnCredential.objects.get(user=lead)
    stranger = professional(Role.CASE_LEAD, email="other@example.nl")
    logged_in(stranger).post(reverse("accounts:webauthn_remove"), {"credential": key.pk})
    assert WebAuthnCredential.objects.filter(pk=key.pk).exists()

    response = client.post(reverse("accounts:webauthn_remove"), {"credential": key.pk})
    assert response.status_code == 302 and not WebAuthnCredential.objects.filter(pk=key.pk).exists()
    removed = AccessLogEntry.objects.get(action=Action.DELETE, object_type="webauthn_credential")
    assert removed.actor == lead and removed.purpose == "webauthn_removed"
    assert ChangeLogEntry.objects.filter(object_type="django_otp_webauthn.webauthncredential").exists()

    only_key = professional(Role.CASE_LEAD, email="keyonly@example.nl")
    browser = Client()
    browser.post(reverse("accounts:login"), {"username": "keyonly@example.nl", "password": PASSWORD})
    enrol(browser)
    last = WebAuthnCredential.objects.get(user=only_key)
    page = browser.post(reverse("accounts:webauthn_remove"), {"credential": last.pk}, follow=True)
    assert "enige tweede stap" in page.content.decode()
    assert WebAuthnCredential.objects.filter(pk=last.pk).exists()
