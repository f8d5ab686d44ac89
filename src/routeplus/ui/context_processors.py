"""The main menu for the logged-in user's roles (shared/ux.md: navigation by role)."""

from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from routeplus.access.door import active_roles
from routeplus.accounts.models import Role
from routeplus.ui.row_urls import row_url

# (url name, label, roles that see it); only pages that exist are listed.
MENU = [
    ("alerts:worklist", _("Werkvoorraad"), Role.case_roles()),
    ("trajectories:caseload", _("Mijn jongeren"), Role.case_roles()),
    ("casefile:employers", _("Werkgevers"), frozenset({Role.JOB_COACH, Role.CASE_LEAD})),
    ("intake:register", _("Aanmelden"), frozenset({Role.CASE_LEAD, Role.SCHOOL_COORDINATOR})),
    ("intake:school_list", _("Schoollijst inlezen"), frozenset({Role.SCHOOL_COORDINATOR})),
    ("intake:waiting_list", _("Wachtlijst"), frozenset({Role.CASE_LEAD, Role.SCHOOL_COORDINATOR})),
    ("intake:capacity", _("Capaciteit"), frozenset({Role.POLICY, Role.CASE_LEAD, Role.FUNCTIONAL_ADMIN})),
    ("monitor:overview", _("Monitor"), frozenset({Role.POLICY}) | Role.case_roles()),
    ("monitor:import", _("Register inlezen"), frozenset({Role.FUNCTIONAL_ADMIN})),
    ("finance:page", _("Business case"), frozenset({Role.POLICY})),
    ("guide:catalogue", _("Wegwijzer"), Role.case_roles() | {Role.FUNCTIONAL_ADMIN}),
    ("audit:access_log", _("Toegangslog"), frozenset({Role.PRIVACY_OFFICER})),
    ("privacy:register", _("Verwerkingsregister"), frozenset({Role.PRIVACY_OFFICER})),
    ("privacy:requests", _("Inzage- en verwijderverzoeken"), frozenset({Role.PRIVACY_OFFICER})),
    ("privacy:research", _("Onderzoeksexport"), frozenset({Role.RESEARCHER})),
    ("admin:index", _("Beheer"), frozenset({Role.FUNCTIONAL_ADMIN})),
]


def navigation(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"menu": []}
    roles = active_roles(user)
    current = request.resolver_match.view_name if request.resolver_match else ""
    items = [
        # row_url: reversed once per process and script prefix, not on every page
        {"url": row_url(name), "label": label, "current": current == name}
        for name, label, allowed in MENU
        if roles & allowed and (name != "admin:index" or user.is_staff)
    ]
    return {"menu": items, "user_roles": sorted(Role(r).label for r in roles)}
