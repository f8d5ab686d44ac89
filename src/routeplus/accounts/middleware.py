"""The second factor's device loaded per request, session limits and the second factor, enforced for every view
except the public ones and the login steps."""

from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode

from django.apps import apps
from django.contrib import messages
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils.functional import LazyObject, empty
from django.utils.translation import gettext as _
from django_otp import middleware as otp_middleware
from django_otp.models import Device

from routeplus.accounts.sessions import session_expiry_reason, session_touch
from routeplus.accounts.two_factor import has_second_factor, is_verified
from routeplus.audit.models import Action, Result
from routeplus.audit.services import Origin, access_log_append
from routeplus.conf.compiled import CompiledQuery

# One statement per kind of device (TOTP, recovery codes, security key), the model's label being the shape.
_DEVICE = CompiledQuery(
    lambda label, *, device_id: apps.get_model(label).objects.filter(id=device_id)[:1], device_id=int
)
_LARGEST_ID = 2**63 - 1


def _resolved(user: Any) -> Any:
    """The user behind Django's and django-otp's lazy wrappers (each a proxy in front of the one before)."""
    while isinstance(user, LazyObject):
        if user._wrapped is empty:
            user._setup()
        user = user._wrapped
    return user


class OTPMiddleware(otp_middleware.OTPMiddleware):
    """django-otp's middleware (request.user.otp_device, is_verified()), with the device that verified the
    session read by SQL compiled once per worker (conf.compiled): it runs on every request. The persistent id
    is read as django-otp reads it (`app_label.model/id`); anything else means no device (where django-otp would
    fail on an id naming a model that is no device, this answers no device too).

    request.user is then the user itself, not the two lazy proxies in front of it: every request reads it at
    once anyway (SessionLimitsMiddleware, further down MIDDLEWARE, checks every request's session limits), and a
    page reads it some hundreds of times, each read through both proxies."""

    def __call__(self, request: HttpRequest) -> Any:
        if self._is_async:
            return super().__call__(request)
        self._install_lazy_accessors(request)
        if getattr(request, "user", None) is not None:
            request.user = _resolved(request.user)
        return self.get_response(request)

    def _device_from_persistent_id(self, persistent_id: str) -> Device | None:
        try:
            label, device_id = self._normalize_persistent_id(persistent_id).rsplit("/", 1)
            model = apps.get_model(label)
            pk = int(device_id)
        except (ValueError, LookupError):
            return None
        if not issubclass(model, Device) or not 0 < pk <= _LARGEST_ID:
            return None
        device: Device | None = _DEVICE.first(model._meta.label, device_id=pk)
        return device


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
