"""Test clients logged in as a given user, with both factors done (the login flow itself is tested in
accounts/tests), and reading what a page offers."""

import re
from typing import Any

from django.test import Client
from django_otp import DEVICE_ID_SESSION_KEY

from routeplus.accounts.models import User
from routeplus.testing.factories import TEST_TOTP_HEX_KEY


def second_factor_device(user: User) -> Any:
    """The user's confirmed TOTP device, created with the fixed test secret when missing."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="app", key=TEST_TOTP_HEX_KEY, confirmed=True)
    return device


def logged_in(user: User, *, verified: bool = True, client: Client | None = None) -> Client:
    """A client with a session for user; with verified=False only the password step is done."""
    client = client or Client()
    client.force_login(user)
    if verified:
        session = client.session
        session[DEVICE_ID_SESSION_KEY] = second_factor_device(user).persistent_id
        session.save()
    return client


def select_options(page: str, name: str) -> list[str]:
    """The labels of the options a page's select `name` offers, leaving out the empty choice."""
    select = re.search(rf'<select name="{re.escape(name)}".*?</select>', page, re.S)
    assert select is not None, f"no select {name!r} on the page"
    found = re.findall(r'<option value="([^"]*)"[^>]*>([^<]*)</option>', select.group())
    return [label for value, label in found if value]
