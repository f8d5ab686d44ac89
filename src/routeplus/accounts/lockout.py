"""The second step counts towards the same lockout (django-axes) as the password.

A wrong TOTP code, recovery code or security-key assertion is recorded as a failed login for the account
and the client address, so whoever holds the password cannot try second factors without limit; at the
limit the session is logged out and the lockout page answers (django-axes' middleware sees the flag).
"""

from axes.handlers.proxy import AxesProxyHandler
from django.conf import settings
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse


def _credentials(request: HttpRequest) -> dict[str, str]:
    return {settings.AXES_USERNAME_FORM_FIELD: request.user.get_username()}


def second_step_locked_out(request: HttpRequest) -> HttpResponse | None:
    """The lockout page (and the session ended) when the account or address is locked, else None."""
    if AxesProxyHandler.is_allowed(request, _credentials(request)):
        return None
    from routeplus.accounts.views import locked_out

    logout(request)
    return locked_out(request)


def second_step_failed(request: HttpRequest) -> bool:
    """Record a failed second step; True when this failure reached the limit (the session is then ended)."""
    AxesProxyHandler.user_login_failed(sender=second_step_failed, credentials=_credentials(request), request=request)
    if getattr(request, "axes_locked_out", False):
        logout(request)
        return True
    return False
