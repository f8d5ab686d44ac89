"""How an API request is authenticated and which access rule guards it.

Two ways in: the browser's session (with both login factors done, as for the pages) and a partner system's
token (`Authorization: Bearer rp_...`). The token is resolved *before* the route's access rule runs, so the
rule, the door and the access log see the token's user exactly as they see a logged-in person.
"""

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from rest_framework import authentication, permissions
from rest_framework.request import Request

from routeplus.access.rules import Rule, access_rule
from routeplus.accounts.models import Membership
from routeplus.accounts.two_factor import is_verified
from routeplus.api.models import ApiToken, parse_token
from routeplus.api.problems import problem_response

TOKEN_ATTRIBUTE = "_routeplus_api_token"  # noqa: S105 (an attribute name, not a secret)
KEYWORDS = ("bearer", "token")


def _token_from_header(request: HttpRequest) -> tuple[bool, ApiToken | None]:
    """(header present, usable token or None)."""
    header = request.headers.get("Authorization", "")
    if not header:
        return False, None
    keyword, _sep, value = header.strip().partition(" ")
    if keyword.casefold() not in KEYWORDS:
        return True, None
    value = value.strip()
    prefix = parse_token(value)
    if prefix is None:
        return True, None
    token = ApiToken.objects.select_related("user").filter(prefix=prefix).first()
    if token is None or not token.matches(value) or not token.is_usable() or not token.user.is_active:
        return True, None
    # The token is bound to its organisation: it stops working when the user no longer works there.
    if not Membership.objects.filter(user=token.user, organisation_id=token.organisation_id, is_active=True).exists():
        return True, None
    now = timezone.now()
    if token.last_used_at is None or (now - token.last_used_at).total_seconds() > 60:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return True, token


def unauthenticated() -> HttpResponse:
    response = problem_response(
        status=401, title=_("Niet aangemeld"), detail=_("Geef een geldig API-token mee of meld u aan.")
    )
    response["WWW-Authenticate"] = 'Bearer realm="routeplus"'
    return response


def api_route(
    view: Callable[..., HttpResponse],
    rule: Rule,
    *,
    roles: tuple[str, ...] = (),
    category: str = "",
    personal: bool | None = None,
) -> Callable[..., HttpResponse]:
    """Wrap a DRF view (the output of `as_view()`) with its access rule and the API's way of logging in.

    Without credentials a browser is sent to the login page like for any page; with a bad token the answer
    is 401. The access rule's refusals become problem documents (403; 404 for "not there" and "not yours").
    """
    guarded = access_rule(rule, roles=roles, category=category, personal=personal)(view)

    @wraps(guarded)
    def entry(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        present, token = _token_from_header(request)
        if present:
            if token is None:
                return unauthenticated()
            request.user = token.user
            setattr(request, TOKEN_ATTRIBUTE, token)
        elif not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        elif not is_verified(request):
            return problem_response(
                status=403, title=_("Tweede stap nodig"), detail=_("Rond eerst de tweede inlogstap af.")
            )
        try:
            return guarded(request, *args, **kwargs)
        except PermissionDenied:
            return problem_response(status=403, title=_("Geen toegang"), detail=_("Uw rol geeft geen toegang."))
        except Http404:
            return problem_response(status=404, title=_("Niet gevonden"))

    # The login middleware must let token requests through: this wrapper checks every request itself.
    entry.login_required = False  # type: ignore[attr-defined]
    return entry


class TokenAuthentication(authentication.BaseAuthentication):
    """The token resolved by api_route; DRF only picks it up."""

    def authenticate(self, request: Request) -> tuple[Any, ApiToken] | None:
        token = getattr(request._request, TOKEN_ATTRIBUTE, None)
        if token is None:
            return None
        return token.user, token

    def authenticate_header(self, request: Request) -> str:
        return 'Bearer realm="routeplus"'


class VerifiedSessionAuthentication(authentication.SessionAuthentication):
    """The browser session, only with both login factors done; CSRF is enforced on writes."""

    def authenticate(self, request: Request) -> tuple[Any, None] | None:
        if getattr(request._request, TOKEN_ATTRIBUTE, None) is not None:
            return None
        found = super().authenticate(request)
        if found is None or not is_verified(request._request):
            return None
        return found


class TokenScope(permissions.BasePermission):
    """A token may use a resource only with the matching scope (read for safe methods, write otherwise).
    A person in the browser has no scopes: their role and the door decide."""

    message = "Dit token heeft geen bevoegdheid voor deze bron."

    def has_permission(self, request: Request, view: Any) -> bool:
        if not request.user or not request.user.is_authenticated:
            return False
        token = request.auth if isinstance(request.auth, ApiToken) else None
        if token is None:
            return True
        action = "read" if request.method in permissions.SAFE_METHODS else "write"
        return token.allows(getattr(view, "resource", ""), action)
