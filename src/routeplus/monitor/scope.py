"""Which municipalities a user may see figures of: the werkgebied of their organisations.

The one place that decides the monitor's scope. Every monitor page, export and the API's council table ask
`monitor_scope(user)` which municipalities are the user's, and `scope_for(...)` to turn a request into a
`Scope`: nothing chosen means the whole werkgebied (never the whole country), a municipality outside it is
refused with a message, and an organisation without a werkgebied gives no figures at all.

The werkgebied is `Organisation.municipalities` of the user's active memberships in a role that sees figures.
A regional body (the labour-market region, iederz) simply serves several municipalities: no extra flag.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from routeplus.accounts.models import Municipality, Role
from routeplus.monitor.selectors import Scope

# The roles that see the monitor's figures (web pages) or the council table (API).
FIGURE_ROLES = frozenset({Role.POLICY, Role.FUNCTIONAL_ADMIN, *Role.case_roles()})


@dataclass(frozen=True)
class UserScope:
    """The municipalities in a user's werkgebied, as (CBS code, name), ordered by name."""

    municipalities: tuple[tuple[str, str], ...]

    @property
    def codes(self) -> tuple[str, ...]:
        return tuple(code for code, _name in self.municipalities)

    @property
    def is_regional(self) -> bool:
        return len(self.municipalities) > 1


def monitor_scope(user: Any) -> UserScope:
    """The user's werkgebied: one query, cached on the user object for the request."""
    cached = getattr(user, "_monitor_scope_cache", None)
    if cached is not None:
        return cached
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        scope = UserScope(())
    else:
        rows = (
            Municipality.objects.filter(
                organisations__memberships__user=user,
                organisations__memberships__is_active=True,
                organisations__memberships__role__in=FIGURE_ROLES,
            )
            .values_list("cbs_code", "name")
            .distinct()
            .order_by("name", "cbs_code")
        )
        scope = UserScope(tuple(rows))
    user._monitor_scope_cache = scope
    return scope


def no_werkgebied_message() -> str:
    return _(
        "Uw organisatie heeft geen werkgebied, dus de monitor heeft geen cijfers voor u. Vraag functioneel beheer "
        "om bij uw organisatie de gemeenten vast te leggen waarvoor zij werkt."
    )


def outside_message(codes: Iterable[str]) -> str:
    return _(
        "Gemeente %(codes)s valt buiten uw werkgebied. U ziet alleen cijfers van de gemeenten waarvoor uw "
        "organisatie werkt."
    ) % {"codes": ", ".join(sorted(codes))}


def scope_codes(user_scope: UserScope, requested: Iterable[str]) -> tuple[str, ...]:
    """The municipalities to count: the requested ones, or the whole werkgebied when none are requested.

    Raises ValidationError (on the field "municipality") for a municipality outside the werkgebied or a
    user without one; the request is never silently widened or narrowed.
    """
    if not user_scope.codes:
        raise ValidationError({"municipality": no_werkgebied_message()})
    wanted = {code.strip().upper() for code in requested if code.strip()}
    outside = wanted - set(user_scope.codes)
    if outside:
        raise ValidationError({"municipality": outside_message(outside)})
    return tuple(sorted(wanted)) if wanted else user_scope.codes


def scope_for(user: Any, route_code: str, requested: Iterable[str] = ()) -> Scope:
    """The Scope a user asks for, within their werkgebied (see `scope_codes`)."""
    return Scope.of(route_code, scope_codes(monitor_scope(user), requested))
