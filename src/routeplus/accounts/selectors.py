"""Reading users and their memberships: a user's own once per request, the case leads to choose from."""

from typing import Any

from django.db.models import Q, QuerySet

from routeplus.accounts.models import Membership, Role, User
from routeplus.conf.compiled import CompiledQuery
from routeplus.conf.search import search_terms


def _active_memberships(*, user_id: int) -> QuerySet[Membership]:
    return Membership.objects.filter(user_id=user_id, is_active=True).select_related("organisation")


# Read on every request that reaches a page: compiled once (conf.compiled).
_ACTIVE_MEMBERSHIPS = CompiledQuery(_active_memberships, user_id=int)


# The user of a request with those memberships, in one statement (the authentication backend's load).
_MEMBERSHIPS_WITH_USER = CompiledQuery(
    lambda *, user_id: _active_memberships(user_id=user_id).select_related("user"), user_id=int
)
_USER = CompiledQuery(lambda *, user_id: User.objects.filter(pk=user_id)[:1], user_id=int)


def user_with_memberships(user_id: int) -> User | None:
    """The user (any, active or not) with their active memberships already in `active_memberships`' cache: every
    page asks for the roles (the menu, the door, the access log), so they come with the user's own row, and only a
    user without active memberships takes a second statement."""
    memberships = _MEMBERSHIPS_WITH_USER.all(user_id=user_id)
    user = memberships[0].user if memberships else _USER.first(user_id=user_id)
    if user is not None:
        for membership in memberships:
            membership.user = user  # one user object, as a membership read from the user would have
        user.__dict__["_active_memberships_cache"] = memberships
    return user


def active_memberships(user: Any) -> list[Membership]:
    """The user's active memberships with their organisations, cached on the user object for one request:
    the door asks for the roles and the access log for the organisations and roles of every entry."""
    # getattr, not the instance dict: request.user is a lazy wrapper that forwards attributes to the user.
    cached: list[Membership] | None = getattr(user, "_active_memberships_cache", None)
    if cached is None:
        cached = _ACTIVE_MEMBERSHIPS.all(user_id=user.pk)
        user._active_memberships_cache = cached
    return cached


def active_case_leads() -> QuerySet[User]:
    """Everyone who may lead a trajectory now: active users with an active case-lead membership."""
    return User.objects.filter(is_active=True, memberships__is_active=True, memberships__role=Role.CASE_LEAD).distinct()


def users_matching(users: QuerySet[User], search: str) -> QuerySet[User]:
    """The users with every word of the search in their name, e-mail address or the name of an organisation
    they are an active member of (any case)."""
    for term in search_terms(search):
        users = users.filter(
            Q(full_name__icontains=term)
            | Q(email__icontains=term)
            | Q(memberships__is_active=True, memberships__organisation__name__icontains=term)
        )
    return users.distinct()
