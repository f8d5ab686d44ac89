"""The lockout backend: django-axes for every login that comes in over the network."""

from typing import Any

from axes.backends import AxesStandaloneBackend
from django.http import HttpRequest


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
