"""Security keys and passkeys (WebAuthn) as a second factor beside TOTP, on django-otp-webauthn.

The library's four ceremony endpoints are mounted through the thin subclasses below (webauthn_urls.py), so
that each declares its access rule, writes the access log as the TOTP steps do, and a failed verification
counts towards the lockout. A key is a second step only: passwordless login is off and the library's
authentication backend is not installed, so the verification endpoint needs a password-logged-in user.
"""

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django.views.i18n import JavaScriptCatalog
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_otp_webauthn import exceptions
from django_otp_webauthn.models import WebAuthnCredential
from django_otp_webauthn.views import (
    BeginCredentialAuthenticationView,
    BeginCredentialRegistrationView,
    CompleteCredentialAuthenticationView,
    CompleteCredentialRegistrationView,
)

from routeplus.access.rules import Rule, access_rule
from routeplus.accounts import two_factor
from routeplus.accounts.lockout import second_step_failed, second_step_locked_out
from routeplus.audit.models import Action, Result
from routeplus.audit.services import Origin, access_log_account_event, access_log_append, change_log_record

PURPOSE = "webauthn"


# --- selectors ---------------------------------------------------------------------------------------------


def credentials_of(user: Any) -> list[WebAuthnCredential]:
    """The user's own confirmed keys, newest first."""
    return list(WebAuthnCredential.objects.filter(user=user, confirmed=True).order_by("-created_at", "-pk"))


def has_webauthn(user: Any) -> bool:
    return WebAuthnCredential.objects.filter(user=user, confirmed=True).exists()


# --- services ----------------------------------------------------------------------------------------------


@transaction.atomic
def webauthn_credential_remove(*, actor: Any, origin: Origin, credential_id: int) -> None:
    """Remove one of the actor's own keys. Another user's key is "not found"; the last second factor (no app
    and no other key) stays, so an account is never left without one."""
    credential = WebAuthnCredential.objects.select_for_update().filter(user=actor, pk=credential_id).first()
    if credential is None:
        raise ValidationError({"credential": _("Deze beveiligingssleutel bestaat niet (meer).")})
    others = (
        WebAuthnCredential.objects.filter(user=actor, confirmed=True).exclude(pk=credential.pk).exists()
        or TOTPDevice.objects.filter(user=actor, confirmed=True).exists()
    )
    if not others:
        raise ValidationError(
            {
                "credential": _(
                    "Dit is uw enige tweede stap. Voeg eerst een andere sleutel of een authenticator-app toe."
                )
            }
        )
    change_log_record(
        actor=actor,
        action=Action.DELETE,
        instance=credential,
        before={"created_at": credential.created_at.isoformat(), "user": str(actor.uuid)},
    )
    credential.delete()
    access_log_append(
        actor=actor,
        action=Action.DELETE,
        result=Result.ALLOWED,
        origin=origin,
        object_type="webauthn_credential",
        object_ref=str(actor.uuid),
        purpose="webauthn_removed",
    )


# --- the ceremony endpoints --------------------------------------------------------------------------------


class RegistrationMixin:
    """Enrolment is for the logged-in user's own account; a session with only a password may add a key only
    when the account has no second factor yet (the first enrolment), as with the authenticator app."""

    request: HttpRequest

    def user_is_mfa_enrolled(self, user: Any) -> bool:
        # The library refuses when this is true and user.is_verified() is false; a session verified by the
        # identity provider (SSO with MFA) counts as verified here too.
        return two_factor.has_second_factor(user) and not two_factor.is_verified(self.request)


class RegistrationBegin(RegistrationMixin, BeginCredentialRegistrationView):
    pass


class RegistrationComplete(RegistrationMixin, CompleteCredentialRegistrationView):
    def post(self, *args: Any, **kwargs: Any) -> HttpResponse:
        response = super().post(*args, **kwargs)
        access_log_account_event(self.request, Action.TWO_FACTOR_ENROL, Result.ALLOWED, PURPOSE)
        return response

    def handle_exception(self, exc: Exception) -> HttpResponse:
        response = super().handle_exception(exc)  # re-raises anything but the library's API errors
        if self.request.user.is_authenticated:
            access_log_account_event(self.request, Action.TWO_FACTOR_FAILED, Result.REFUSED, "enrolment")
        return response


class AuthenticationBegin(BeginCredentialAuthenticationView):
    def post(self, *args: Any, **kwargs: Any) -> HttpResponse:
        return second_step_locked_out(self.request) or super().post(*args, **kwargs)


class AuthenticationComplete(CompleteCredentialAuthenticationView):
    def post(self, *args: Any, **kwargs: Any) -> HttpResponse:
        return second_step_locked_out(self.request) or super().post(*args, **kwargs)

    def complete_auth(self, device: Any) -> None:
        if not self.request.user.is_authenticated:  # never a login on the key alone
            raise exceptions.NotAuthenticated()
        super().complete_auth(device)
        access_log_account_event(self.request, Action.TWO_FACTOR, Result.ALLOWED, PURPOSE)

    def handle_exception(self, exc: Exception) -> HttpResponse:
        response = super().handle_exception(exc)  # re-raises anything but the library's API errors
        if self.request.user.is_authenticated:
            access_log_account_event(self.request, Action.TWO_FACTOR_FAILED, Result.REFUSED, PURPOSE)
            # At the limit the session ends and django-axes' middleware answers with the lockout page.
            second_step_failed(self.request)
        return response


def _exempt(view: Any) -> Any:
    view.second_factor_exempt = True
    return view


# Enrolment: the logged-in user, on their own account (the first key also with a password-only session).
registration_begin = _exempt(access_rule(Rule.AUTHENTICATED)(RegistrationBegin.as_view()))
registration_complete = _exempt(access_rule(Rule.AUTHENTICATED)(RegistrationComplete.as_view()))
# Verification: the login's second step, after the password.
authentication_begin = _exempt(access_rule(Rule.AUTHENTICATED)(AuthenticationBegin.as_view()))
authentication_complete = _exempt(access_rule(Rule.AUTHENTICATED)(AuthenticationComplete.as_view()))
# The library's translations for its scripts (no personal data).
javascript_catalog = access_rule(Rule.PUBLIC)(
    JavaScriptCatalog.as_view(packages=["django_otp_webauthn"])  # type: ignore[arg-type]
)


@require_POST
@access_rule(Rule.AUTHENTICATED)
def credential_remove(request: HttpRequest) -> HttpResponse:
    """Remove one of one's own keys (needs a session verified with a second factor)."""
    raw = request.POST.get("credential", "")
    try:
        webauthn_credential_remove(
            actor=request.user, origin=Origin.from_request(request), credential_id=int(raw) if raw.isdigit() else 0
        )
    except ValidationError as error:
        for message in error.message_dict.get("credential", []):
            messages.error(request, message)
    else:
        messages.success(request, _("De beveiligingssleutel is verwijderd."))
    return redirect("accounts:two_factor_setup")
