"""Reading a user's memberships, once per request."""

from typing import Any

from routeplus.accounts.models import Membership


def active_memberships(user: Any) -> list[Membership]:
    """The user's active memberships with their organisations, cached on the user object for one request:
    the door asks for the roles and the access log for the organisations and roles of every entry."""
    # getattr, not the instance dict: request.user is a lazy wrapper that forwards attributes to the user.
    cached: list[Membership] | None = getattr(user, "_active_memberships_cache", None)
    if cached is None:
        cached = list(Membership.objects.filter(user=user, is_active=True).select_related("organisation"))
        user._active_memberships_cache = cached
    return cached
