"""Session limits and the second factor, enforced for every view except the public ones and the login steps."""

from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils.translation import gettext as _

from routeplus.accounts.sessions import session_expiry_reason, session_touch
from routeplus.accounts.two_factor import has_second_factor, is_verified
from routeplus.audit.models import Action, Result
from routeplus.audit.services import Origin, access_log_append


class SessionLimitsMiddleware:
    """Ends a session after the idle limit (default 15 minutes) or the absolute limit (default 10 hours)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            reason = session_expiry_reason(request)
            if reason:
                access_log_append(
                    actor=user,
                    action=Action.SESSION_END,
                    result=Result.ALLOWED,
                    origin=Origin.from_request(request),
                    object_type="session",
                    object_ref=str(user.uuid),
                    purpose=f"limit:{reason}",
                )
                logout(request)
                messages.info(request, _("U bent uitgelogd omdat uw sessie is verlopen. Log opnieuw in."))
            else:
                session_touch(request)
        return self.get_response(request)


class TwoFactorRequiredMiddleware:
    """A logged-in user without a verified second factor reaches only the login steps and logout."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(
        self, request: HttpRequest, view_func: Any, view_args: Any, view_kwargs: Any
    ) -> HttpResponse | None:
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated or is_verified(request):
            return None
        if getattr(view_func, "second_factor_exempt", False) or getattr(view_func, "login_required", True) is False:
            return None
        target = "accounts:two_factor" if has_second_factor(user) else "accounts:two_factor_setup"
        url = reverse(target)
        if request.method == "GET":
            url += "?" + urlencode({"next": request.get_full_path()})
        if getattr(request, "htmx", False):
            response = HttpResponse(status=204)
            response["HX-Redirect"] = url
            return response
        return HttpResponseRedirect(url)
