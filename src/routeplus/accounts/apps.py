"""App configuration of accounts."""

from typing import Any

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "routeplus.accounts"
    verbose_name = _("Accounts en organisaties")

    def ready(self) -> None:
        from django.contrib import admin

        from routeplus.accounts import receivers  # noqa: F401  (connects the login and change receivers)

        # beheer/ is for functional administrators: staff, with an active functional-administrator role and
        # both factors (the two-factor middleware guards every view; this also covers the admin's own checks).
        admin.site.has_permission = _admin_has_permission  # type: ignore[method-assign]
        admin.site.login = _admin_login  # type: ignore[method-assign]


def _admin_has_permission(request: Any) -> bool:
    from routeplus.access.door import active_roles
    from routeplus.accounts.models import Role
    from routeplus.accounts.two_factor import is_verified

    user = request.user
    if not (user.is_active and user.is_staff and is_verified(request)):
        return False
    return bool(user.is_superuser or Role.FUNCTIONAL_ADMIN in active_roles(user))


def _admin_login(request: Any, extra_context: Any = None) -> Any:
    """The admin has no login of its own: everyone logs in through the same two steps."""
    from django.contrib.auth.views import redirect_to_login
    from django.core.exceptions import PermissionDenied

    if request.user.is_authenticated:
        raise PermissionDenied
    return redirect_to_login(request.get_full_path())
