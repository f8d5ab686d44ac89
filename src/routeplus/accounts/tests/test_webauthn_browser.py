"""Security keys in a real browser: the library's scripts under our Content Security Policy, answered by
Chromium's virtual authenticator (DevTools protocol), from adding a key to logging in with it."""

import pytest
from django_otp_webauthn.models import WebAuthnCredential
from playwright.sync_api import expect

from routeplus.accounts.models import Role
from routeplus.testing.browser import assert_accessible, browser_login
from routeplus.testing.factories import professional

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

EMAIL, PASSWORD = "sleutel@example.nl", "secret-password-123"


def test_a_key_is_added_in_the_browser_and_then_is_the_second_step(live_server, page, settings):
    # The key is bound to the page's origin; the live server listens on a port of its own choosing.
    settings.OTP_WEBAUTHN_ALLOWED_ORIGINS = [live_server.url]
    user = professional(Role.CASE_LEAD, email=EMAIL)
    refused: list[str] = []
    page.on(
        "console", lambda message: refused.append(message.text) if "Content Security Policy" in message.text else None
    )
    devtools = page.context.new_cdp_session(page)
    devtools.send("WebAuthn.enable")
    devtools.send(
        "WebAuthn.addVirtualAuthenticator",
        {"options": {"protocol": "ctap2", "transport": "usb", "hasResidentKey": True, "hasUserVerification": True,
                     "isUserVerified": True, "automaticPresenceSimulation": True}},
    )  # fmt: skip

    browser_login(page, live_server.url, EMAIL, PASSWORD)  # password and app code, as enrolled earlier
    page.goto(f"{live_server.url}/inloggen/tweede-stap/instellen/")
    page.get_by_role("button", name="Beveiligingssleutel of passkey toevoegen").click()
    # The page reloads after the key is stored and lists it, not yet used.
    expect(page.get_by_role("cell", name="nog niet")).to_be_visible()
    assert WebAuthnCredential.objects.filter(user=user).count() == 1
    assert_accessible(page)

    with page.expect_navigation():
        page.get_by_role("button", name="Uitloggen").click()
    page.goto(f"{live_server.url}/inloggen/")
    page.get_by_label("E-mailadres").fill(EMAIL)
    page.get_by_label("Wachtwoord").fill(PASSWORD)
    page.get_by_role("button", name="Inloggen").click()
    page.get_by_role("button", name="Gebruik uw beveiligingssleutel").click()
    page.wait_for_url(lambda url: "/inloggen/" not in url)
    expect(page.get_by_role("button", name="Uitloggen")).to_be_visible()
    credential = WebAuthnCredential.objects.get(user=user)
    assert credential.last_used_at is not None
    assert not refused, refused
