"""The home page: sends each role to its own start page (shared/ux.md, navigation by role)."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from routeplus.access.door import active_roles
from routeplus.access.rules import Rule, access_rule
from routeplus.accounts.models import Role

# The first role a user holds in this order decides their home page.
HOMES = [
    (Role.CASE_LEAD, "alerts:worklist"),
    (Role.JOB_COACH, "alerts:worklist"),
    (Role.SCHOOL_COORDINATOR, "trajectories:caseload"),
    (Role.POLICY, "monitor:overview"),
    (Role.PRIVACY_OFFICER, "audit:access_log"),
    (Role.RESEARCHER, "privacy:research"),
]


@access_rule(Rule.AUTHENTICATED)
def home(request: HttpRequest) -> HttpResponse:
    roles = active_roles(request.user)
    for role, url_name in HOMES:
        if role in roles:
            return redirect(url_name)
    return render(request, "ui/home.html")
