"""The second factor: TOTP apps (RFC 6238) with one-time recovery codes, on django-otp, and security keys or
passkeys (WebAuthn, accounts/webauthn.py) beside them.

A session counts as verified when django-otp has a verified device in it, or when the identity provider
asserted a second factor at single sign-on (see accounts/oidc.py).
"""

import base64
import secrets
from binascii import unhexlify
from typing import Any

from django.conf import settings
from django.db import transaction
from django.http import HttpRequest
from django_otp import login as otp_login
from django_otp.oath import TOTP
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

IDP_MFA_SESSION_KEY = "rp_idp_mfa"  # the identity provider asserted two factors (acr/amr) at SSO
RECOVERY_CODE_COUNT = 10
TOTP_NAME = "app"
RECOVERY_NAME = "herstelcodes"


def is_verified(request: HttpRequest) -> bool:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return False
    if request.session.get(IDP_MFA_SESSION_KEY) is True:
        return True
    check = getattr(user, "is_verified", None)
    return bool(check and check())


def confirmed_totp(user: Any) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=True).first()


def has_second_factor(user: Any) -> bool:
    """A confirmed authenticator app or a confirmed security key (recovery codes alone are no second factor)."""
    from django_otp_webauthn.models import WebAuthnCredential

    return (
        TOTPDevice.objects.filter(user=user, confirmed=True).exists()
        or WebAuthnCredential.objects.filter(user=user, confirmed=True).exists()
    )


def pending_totp(user: Any) -> TOTPDevice:
    """The device being enrolled: unconfirmed until the user proves the app shows the right code."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=TOTP_NAME, confirmed=False)
    return device


def base32_secret(device: TOTPDevice) -> str:
    return base64.b32encode(unhexlify(device.key)).decode().rstrip("=")


def provisioning_uri(device: TOTPDevice) -> str:
    from urllib.parse import quote

    issuer = settings.ROUTEPLUS_TOTP_ISSUER
    label = quote(f"{issuer}:{device.user.email}")
    return (
        f"otpauth://totp/{label}?secret={base32_secret(device)}&issuer={quote(issuer)}"
        f"&digits={device.digits}&period={device.step}&algorithm=SHA1"
    )


def qr_code_data_uri(text: str) -> str:
    """An SVG QR code as a data: URI, so the page needs no inline markup the CSP would have to allow."""
    import qrcode
    import qrcode.image.svg

    image = qrcode.make(text, image_factory=qrcode.image.svg.SvgPathImage, box_size=8, border=2)
    return "data:image/svg+xml;base64," + base64.b64encode(image.to_string()).decode()


def current_code(device: TOTPDevice) -> str:
    """The code the app would show now (for tests and the demo helper only)."""
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    return f"{totp.token():0{device.digits}d}"


@transaction.atomic
def recovery_codes_reset(user: Any) -> list[str]:
    """Replace the user's recovery codes with fresh ones; returned once, stored as single-use tokens."""
    device, _ = StaticDevice.objects.get_or_create(user=user, name=RECOVERY_NAME, defaults={"confirmed": True})
    device.token_set.all().delete()
    codes = [f"{secrets.randbelow(10**10):010d}" for _ in range(RECOVERY_CODE_COUNT)]
    for code in codes:
        StaticToken.objects.create(device=device, token=code)
    return codes


def verify_code(user: Any, code: str) -> Any | None:
    """The device that accepts the code (an app code or an unused recovery code), or None.

    django-otp throttles failed attempts per device and refuses a TOTP code that was already used.
    """
    code = "".join(code.split())
    if not code.isdigit():
        return None
    for device in TOTPDevice.objects.filter(user=user, confirmed=True):
        if device.verify_token(code):
            return device
    for device in StaticDevice.objects.filter(user=user, confirmed=True):
        if device.verify_token(code):
            return device
    return None


def mark_verified(request: HttpRequest, device: Any) -> None:
    otp_login(request, device)


@transaction.atomic
def totp_set_fixed_secret(user: Any, hex_key: str) -> TOTPDevice:
    """Give a user a confirmed TOTP device with a known secret. Demo and test accounts only: the demo
    command refuses to run under the production settings, and tests use their own database."""
    if not settings.ROUTEPLUS_DEMO_ALLOWED:
        raise PermissionError("Fixed second-factor secrets are for the demo and tests only.")
    TOTPDevice.objects.filter(user=user).delete()
    return TOTPDevice.objects.create(user=user, name=TOTP_NAME, key=hex_key, confirmed=True)


# The demo accounts' authenticator secret (documented in the README): base32 JBSWY3DPEHPK3PXP...
DEMO_TOTP_HEX_KEY = "48656c6c6f21deadbeef48656c6c6f21deadbeef"


def demo_second_factor(user: Any) -> TOTPDevice:
    """Called by the demo world for each demo login: the same documented TOTP secret for all of them."""
    existing = confirmed_totp(user)
    if existing is not None and existing.key == DEMO_TOTP_HEX_KEY:
        return existing
    return totp_set_fixed_secret(user, DEMO_TOTP_HEX_KEY)
