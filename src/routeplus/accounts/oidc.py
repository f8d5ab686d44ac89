"""Single sign-on for staff through OpenID Connect (mozilla-django-oidc), with our own safety rules.

- Only RS256 or ES256 signatures (settings refuse anything else; HS256 with a shared secret is not allowed).
- Every call to the identity provider has a timeout (OIDC_TIMEOUT); a provider that does not answer gives a
  clear page, not a hanging request or a stack trace.
- No accounts are created by SSO: the e-mail address must belong to an existing, active user.
- The second factor is still asked unless the provider asserts one (an `amr` value or an `acr` value that
  is configured as multi-factor).
"""

from typing import Any

import requests
from django.conf import settings
from django.contrib import auth
from django.core.exceptions import SuspiciousOperation
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from mozilla_django_oidc.auth import OIDCAuthenticationBackend
from mozilla_django_oidc.views import OIDCAuthenticationCallbackView, OIDCAuthenticationRequestView

from routeplus.access.rules import Rule, access_rule
from routeplus.accounts.two_factor import IDP_MFA_SESSION_KEY
from routeplus.audit.models import Action, Result
from routeplus.audit.services import Origin, access_log_append

ALLOWED_ALGORITHMS = frozenset({"RS256", "ES256"})
MFA_AMR_VALUES = frozenset({"mfa", "otp", "hwk", "swk", "sc", "fpt", "face", "iris", "pin"})


def asserts_second_factor(claims: dict[str, Any]) -> bool:
    """True when the ID token says the user passed more than a password (RFC 8176 amr, or a configured acr)."""
    amr = claims.get("amr") or []
    if isinstance(amr, str):
        amr = [amr]
    if MFA_AMR_VALUES & {str(value).lower() for value in amr}:
        return True
    acr = str(claims.get("acr") or "")
    return bool(acr) and acr in settings.ROUTEPLUS_OIDC_MFA_ACR_VALUES


class StaffOIDCBackend(OIDCAuthenticationBackend):
    """Matches the provider's verified e-mail to an existing active user; never creates one."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.OIDC_RP_SIGN_ALGO not in ALLOWED_ALGORITHMS:
            from django.core.exceptions import ImproperlyConfigured

            raise ImproperlyConfigured("OIDC_RP_SIGN_ALGO must be RS256 or ES256.")

    def filter_users_by_claims(self, claims: dict[str, Any]) -> Any:
        email = str(claims.get("email", "")).strip().lower()
        if not email:
            return self.UserModel.objects.none()
        return self.UserModel.objects.filter(email__iexact=email, is_active=True)

    def verify_claims(self, claims: dict[str, Any]) -> bool:
        return bool(claims.get("email")) and claims.get("email_verified", True) is not False

    def create_user(self, claims: dict[str, Any]) -> Any:
        raise SuspiciousOperation("SSO does not create accounts.")

    def get_or_create_user(self, access_token: str, id_token: str, payload: dict[str, Any]) -> Any:
        user = super().get_or_create_user(access_token, id_token, payload)
        if user is not None and self.request is not None:
            # Kept across login()'s session key rotation; read by the two-factor middleware.
            self.request.session[IDP_MFA_SESSION_KEY] = asserts_second_factor(payload)
            self.request._routeplus_login_method = "sso"
        return user


class CallbackView(OIDCAuthenticationCallbackView):
    """The provider's redirect back to us; a provider that fails or does not answer gets a clear page."""

    def get(self, request: HttpRequest) -> HttpResponse:
        try:
            return super().get(request)
        except requests.Timeout:
            return _sso_error(
                request, _("De inlogdienst van uw organisatie antwoordt niet. Probeer het later opnieuw.")
            )
        except (requests.RequestException, SuspiciousOperation, ValueError):
            return _sso_error(request, _("De inlogdienst van uw organisatie gaf een antwoord dat we niet vertrouwen."))

    def login_failure(self) -> HttpResponse:
        request = self.request
        access_log_append(
            actor=None,
            action=Action.LOGIN_FAILED,
            result=Result.REFUSED,
            origin=Origin.from_request(request),
            purpose="sso",
        )
        return _sso_error(
            request,
            _("U bent bij uw organisatie ingelogd, maar er is geen actief routeplus-account met dat e-mailadres."),
            status=403,
        )


def _sso_error(request: HttpRequest, message: str, status: int = 502) -> HttpResponse:
    if request.user.is_authenticated and not getattr(request.user, "is_verified", lambda: False)():
        auth.logout(request)
    return render(request, "accounts/sso_error.html", {"message": message}, status=status)


class RequestView(OIDCAuthenticationRequestView):
    """Sends the browser to the provider (with state, nonce and PKCE); 404 while SSO is not configured."""

    def get(self, request: HttpRequest) -> HttpResponse:
        if not settings.ROUTEPLUS_OIDC_ENABLED:
            raise Http404
        return super().get(request)


def _enabled_only(view: Any) -> Any:
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not settings.ROUTEPLUS_OIDC_ENABLED:
            raise Http404
        return view(request, *args, **kwargs)

    return wrapper


authenticate = access_rule(Rule.PUBLIC)(_enabled_only(RequestView.as_view()))
callback = access_rule(Rule.PUBLIC)(_enabled_only(CallbackView.as_view()))
