"""The authentication backends: django-axes' lockout for every login over the network, then Django's password
check, with the logged-in user and their active memberships loaded on each request by compiled SQL (one
statement, two for a user without an active membership)."""

from typing import Any

from axes.backends import AxesStandaloneBackend
from django.contrib.auth import backends
from django.http import HttpRequest

from routeplus.accounts.selectors import user_with_memberships


class LockoutBackend(AxesStandaloneBackend):
    """Checks the lockout of web logins. A call to authenticate() without a request does not come from a
    client over the network (a management command, Django's test client), so there is no address to lock
    and axes' check is skipped instead of raising; the password itself is still checked by ModelBackend."""

    def authenticate(
        self, request: HttpRequest | None, username: str | None = None, password: str | None = None, **kwargs: Any
    ) -> None:
        if request is None:
            return None
        return super().authenticate(request, username=username, password=password, **kwargs)


class ModelBackend(backends.ModelBackend):
    """Django's password backend. `get_user`, which runs on every request of a logged-in user, reads the user
    with SQL compiled once per worker (conf.compiled) instead of building the query each time, together with the
    user's active memberships (accounts.selectors.user_with_memberships); the answer is Django's: the user, or
    None when unknown or not allowed to log in (inactive)."""

    def get_user(self, user_id: Any) -> Any:
        if type(user_id) is not int:  # the session's id is an int (the primary key's to_python); else as Django
            return super().get_user(user_id)
        user = user_with_memberships(user_id)
        return user if user is not None and self.user_can_authenticate(user) else None
