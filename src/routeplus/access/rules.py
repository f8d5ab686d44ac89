"""Every view declares which access rule guards it; a test refuses URLs that declare none.

A view may also declare the data category and action it touches (`category=`, `action=`); the policy table
(access/policy.toml) then decides, together with the roles given here. The declaration is read by the
access-log middleware (one entry per request touching personal data) and by the matrix test.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from enum import StrEnum
from functools import wraps
from typing import Any

from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse

from routeplus.access.door import active_roles


class Rule(StrEnum):
    PUBLIC = "public"  # no personal data: login page, health checks
    AUTHENTICATED = "authenticated"  # any logged-in user; shows only the user's own data
    ROLE = "role"  # a page for some roles only, without one participant's case file
    CASE_FILE = "case_file"  # one trajectory's case file: the door decides per record and logs
    ADMIN = "admin"  # beheer/: functional administrators (is_staff) with two factors; Django's admin


ViewFunc = Callable[..., HttpResponse]

METHOD_ACTIONS = {"GET": "read", "HEAD": "read", "OPTIONS": "read", "DELETE": "delete"}


def method_action(method: str | None) -> str:
    """The policy action of a request whose view does not declare one."""
    return METHOD_ACTIONS.get((method or "GET").upper(), "write")


@dataclass(frozen=True)
class AccessSpec:
    """What a view declared: its rule, the roles it is for, and the data category and action it touches."""

    rule: Rule
    roles: frozenset[str] = frozenset()
    category: str = ""
    action: str = ""
    personal: bool = False

    def action_for(self, method: str | None) -> str:
        return self.action or method_action(method)


def _default_personal(rule: Rule, category: str) -> bool:
    if rule in (Rule.CASE_FILE, Rule.ADMIN):
        return True
    if rule is Rule.ROLE:
        if not category:
            return True  # undeclared: assume personal data, so it is logged
        from routeplus.access.policy import policy

        return policy().is_personal(category)
    return False


def access_rule(
    rule: Rule,
    *,
    roles: Iterable[str] = (),
    category: str = "",
    action: str = "",
    personal: bool | None = None,
) -> Callable[[ViewFunc], ViewFunc]:
    """Mark a view with its rule; for Rule.ROLE also refuse (403) users without one of the roles.

    With a category, Rule.ROLE also asks the policy table: a role listed here but not granted the
    category and action there is refused. `personal` overrides whether requests are access-logged
    (default: case files, admin and role pages of personal categories are).
    """
    allowed = frozenset(roles)
    if rule is Rule.ROLE and not allowed:
        raise ValueError("Rule.ROLE needs the roles that may use the view.")

    def decorate(view: ViewFunc) -> ViewFunc:
        if rule is Rule.ROLE:

            @wraps(view)
            def guarded(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
                held = active_roles(request.user) & allowed
                if not held:
                    raise PermissionDenied
                if category:
                    from routeplus.access.policy import Relation, policy

                    wanted = action or method_action(request.method)
                    if not policy().allows_any(held, Relation.NONE, category, wanted):
                        raise PermissionDenied
                return view(request, *args, **kwargs)

            wrapped: Any = guarded
        else:
            wrapped = view
        if rule is Rule.PUBLIC:
            wrapped = login_not_required(wrapped)
        wrapped.access_rule = rule
        wrapped.access_roles = allowed
        wrapped.access_category = category
        wrapped.access_action = action
        wrapped.access_personal = personal
        return wrapped

    return decorate


def spec_of(view: Any, namespace: str = "") -> AccessSpec | None:
    """The declared access of a view (None when it declares none). Django's admin counts as Rule.ADMIN."""
    rule = getattr(view, "access_rule", None)
    if rule is None:
        if namespace == "admin" or namespace.startswith("admin:"):
            return AccessSpec(rule=Rule.ADMIN, category="administration", personal=True)
        return None
    category = getattr(view, "access_category", "")
    personal = getattr(view, "access_personal", None)
    return AccessSpec(
        rule=Rule(rule),
        roles=frozenset(getattr(view, "access_roles", ())),
        category=category,
        action=getattr(view, "access_action", ""),
        personal=_default_personal(Rule(rule), category) if personal is None else personal,
    )
