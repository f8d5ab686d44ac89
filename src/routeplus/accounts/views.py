"""Logging in (password, then a second factor), enrolling the second factor, and seeing one's own sessions."""

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django_otp_webauthn.settings import app_settings as webauthn_settings
from django_otp_webauthn.templatetags.otp_webauthn import get_configuration

from routeplus.access.rules import Rule, access_rule
from routeplus.accounts import two_factor, webauthn
from routeplus.accounts.forms import CodeForm, EndSessionForm, SetupForm
from routeplus.accounts.lockout import second_step_failed, second_step_locked_out
from routeplus.accounts.models import UserSession
from routeplus.accounts.sessions import session_end, sessions_end_for_user, sessions_of
from routeplus.audit.models import Action, Result
from routeplus.audit.services import Origin, access_log_account_event, access_log_append


def second_factor_exempt(view: Any) -> Any:
    """Reachable with a password-only session: the login steps themselves and logging out."""
    view.second_factor_exempt = True
    return view


class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    redirect_authenticated_user = True

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["sso_enabled"] = settings.ROUTEPLUS_OIDC_ENABLED
        return context


login = access_rule(Rule.PUBLIC)(LoginView.as_view())  # type: ignore[arg-type]
logout = second_factor_exempt(access_rule(Rule.AUTHENTICATED)(auth_views.LogoutView.as_view()))


def webauthn_auth_configuration(request: HttpRequest) -> dict[str, Any]:
    """The configuration of django-otp-webauthn's authentication script, as its tag
    render_otp_webauthn_auth_scripts (without arguments) computes it; the page prints it in
    accounts/_webauthn_auth_scripts.html."""
    extra_options: dict[str, Any] = {}
    if webauthn_settings.OTP_WEBAUTHN_ALLOW_PASSWORDLESS_LOGIN:
        extra_options["autocompleteLoginFieldSelector"] = None  # the tag's username_field_selector: no autofill
    return get_configuration(request, extra_options)


def webauthn_register_configuration(request: HttpRequest) -> dict[str, Any]:
    """The configuration of django-otp-webauthn's registration script, as its tag
    render_otp_webauthn_register_scripts computes it (accounts/_webauthn_register_scripts.html)."""
    return get_configuration(request)


def _next_url(request: HttpRequest) -> str:
    candidate = request.POST.get("next") or request.GET.get("next") or ""
    if candidate and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return str(settings.LOGIN_REDIRECT_URL)


@second_factor_exempt
@access_rule(Rule.AUTHENTICATED)
def two_factor_verify(request: HttpRequest) -> HttpResponse:
    """Step two of logging in: a code from the app, a recovery code, or the user's security key."""
    if two_factor.is_verified(request):
        return redirect(_next_url(request))
    if not two_factor.has_second_factor(request.user):
        return redirect("accounts:two_factor_setup")
    if request.method == "POST" and (locked := second_step_locked_out(request)) is not None:
        return locked
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        device = two_factor.verify_code(request.user, form.cleaned_data["code"])
        if device is not None:
            two_factor.mark_verified(request, device)
            kind = "recovery_code" if device.name == two_factor.RECOVERY_NAME else "totp"
            access_log_account_event(request, Action.TWO_FACTOR, Result.ALLOWED, kind)
            if kind == "recovery_code":
                messages.warning(
                    request,
                    _("U heeft een herstelcode gebruikt. Elke code werkt maar één keer; maak zo nodig nieuwe aan."),
                )
            return redirect(_next_url(request))
        access_log_account_event(request, Action.TWO_FACTOR_FAILED, Result.REFUSED)
        if second_step_failed(request):  # the limit is reached: django-axes answers with the lockout page
            return redirect("accounts:login")
        form.add_error("code", _("Deze code klopt niet of is al gebruikt. Probeer de volgende code uit de app."))
    status = 400 if form.errors else 200
    has_key = webauthn.has_webauthn(request.user)
    context = {
        "form": form,
        "next": _next_url(request),
        "has_key": has_key,
        "has_app": two_factor.confirmed_totp(request.user) is not None,
        "configuration": webauthn_auth_configuration(request) if has_key else None,
    }
    return render(request, "accounts/two_factor.html", context, status=status)


@second_factor_exempt
@access_rule(Rule.AUTHENTICATED)
def two_factor_setup(request: HttpRequest) -> HttpResponse:
    """Enrolment: scan the QR code, prove it with one code, receive recovery codes once."""
    if two_factor.has_second_factor(request.user) and not two_factor.is_verified(request):
        return redirect("accounts:two_factor")  # a second device needs the first one
    device = two_factor.pending_totp(request.user)
    form = SetupForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        code = "".join(form.cleaned_data["code"].split())
        if code.isdigit() and device.verify_token(code):
            device.confirmed = True
            device.save(update_fields=["confirmed"])
            codes = two_factor.recovery_codes_reset(request.user)
            two_factor.mark_verified(request, device)
            access_log_account_event(request, Action.TWO_FACTOR_ENROL, Result.ALLOWED, "totp")
            return render(request, "accounts/recovery_codes.html", {"codes": codes, "next": _next_url(request)})
        access_log_account_event(request, Action.TWO_FACTOR_FAILED, Result.REFUSED, "enrolment")
        form.add_error("code", _("Deze code klopt niet. Controleer of de tijd op uw telefoon goed staat."))
    verified = two_factor.is_verified(request)
    context = {
        "form": form,
        "qr": two_factor.qr_code_data_uri(two_factor.provisioning_uri(device)),
        "secret": two_factor.base32_secret(device),
        "next": _next_url(request),
        "verified": verified,
        "keys": webauthn.credentials_of(request.user) if verified else [],
        "has_app": two_factor.confirmed_totp(request.user) is not None,
        "configuration": webauthn_register_configuration(request),
    }
    return render(request, "accounts/two_factor_setup.html", context, status=400 if form.errors else 200)


@require_POST
@access_rule(Rule.AUTHENTICATED)
def recovery_codes_new(request: HttpRequest) -> HttpResponse:
    codes = two_factor.recovery_codes_reset(request.user)
    access_log_account_event(request, Action.TWO_FACTOR_ENROL, Result.ALLOWED, "recovery_codes")
    return render(request, "accounts/recovery_codes.html", {"codes": codes, "next": str(settings.LOGIN_REDIRECT_URL)})


@access_rule(Rule.AUTHENTICATED)
def my_sessions(request: HttpRequest) -> HttpResponse:
    """The user's own sessions, with a button to end one or all others."""
    if request.method == "POST":
        form = EndSessionForm(request.POST)
        if form.is_valid():
            origin = Origin.from_request(request)
            if form.cleaned_data["all_others"]:
                ended = sessions_end_for_user(
                    request.user, actor=request.user, origin=origin, reason="by_user", keep=request.session.session_key
                )
                messages.success(request, _("%(count)d andere sessie(s) beëindigd.") % {"count": ended})
            else:
                session = UserSession.objects.filter(
                    user_id=request.user.pk or 0, pk=form.cleaned_data["session"]
                ).first()
                if session is not None:
                    current = session.session_key == request.session.session_key
                    session_end(session=session, actor=request.user, origin=origin, reason="by_user")
                    if current:
                        return redirect("accounts:login")
                    messages.success(request, _("De sessie is beëindigd."))
        return redirect("accounts:sessions")
    sessions = sessions_of(request.user)
    return render(request, "accounts/sessions.html", {"sessions": sessions, "current_key": request.session.session_key})


def locked_out(request: HttpRequest, credentials: Any = None, *args: Any, **kwargs: Any) -> HttpResponse:
    """django-axes calls this when an address or account is locked after repeated failures."""
    access_log_append(
        actor=None,
        action=Action.LOCKED_OUT,
        result=Result.REFUSED,
        origin=Origin.from_request(request),
        object_type="login",
    )
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    return render(request, "accounts/locked_out.html", {"minutes": minutes}, status=429)
