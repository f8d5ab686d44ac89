"""URLs of the API. Every route carries its access rule (api_route), like every page."""

from collections.abc import Callable

from django.http import HttpResponse
from django.urls import path, re_path

from routeplus.access.rules import Rule
from routeplus.accounts.models import Role
from routeplus.api import docs, views
from routeplus.api.auth import api_route

CASE_ROLES = tuple(sorted(Role.case_roles()))
REGISTRATION_ROLES = (Role.CASE_LEAD, Role.SCHOOL_COORDINATOR)
MONITOR_ROLES = (Role.CASE_LEAD, Role.POLICY, Role.FUNCTIONAL_ADMIN)
T = "trajectories/<uuid:trajectory_uuid>"


def case(view: type[views.Base]) -> Callable[..., HttpResponse]:
    return api_route(view.as_view(), Rule.CASE_FILE)


app_name = "api"
urlpatterns = [
    path("schema/", api_route(docs.SchemaView.as_view(), Rule.AUTHENTICATED, personal=False), name="schema"),
    path("docs/", api_route(docs.docs_page, Rule.AUTHENTICATED, personal=False), name="docs"),
    path(
        "participants/",
        api_route(views.ParticipantList.as_view(), Rule.ROLE, roles=CASE_ROLES, category="caseload"),
        name="participants",
    ),
    path(
        "trajectories/",
        api_route(views.TrajectoryList.as_view(), Rule.ROLE, roles=CASE_ROLES, category="caseload"),
        name="trajectories",
    ),
    path(f"{T}/", case(views.TrajectoryDetail), name="trajectory"),
    path(f"{T}/status/", case(views.TrajectoryStatus), name="trajectory_status"),
    path(f"{T}/team/", case(views.TeamList), name="team"),
    path(f"{T}/goals/", case(views.GoalList), name="goals"),
    path(f"{T}/goals/<uuid:goal_uuid>/", case(views.GoalDetail), name="goal"),
    path(f"{T}/goals/<uuid:goal_uuid>/reviews/", case(views.GoalReviewAdd), name="goal_reviews"),
    path(f"{T}/placements/", case(views.PlacementList), name="placements"),
    path(f"{T}/placements/<uuid:placement_uuid>/", case(views.PlacementDetail), name="placement"),
    path(f"{T}/provisions/", case(views.ProvisionList), name="provisions"),
    path(f"{T}/provisions/<uuid:provision_uuid>/", case(views.ProvisionDetail), name="provision"),
    path(f"{T}/results/", case(views.ResultList), name="results"),
    path(f"{T}/results/<uuid:result_uuid>/", case(views.ResultDetail), name="result"),
    path(f"{T}/contacts/", case(views.ContactList), name="contacts"),
    path(f"{T}/contacts/<uuid:contact_uuid>/", case(views.ContactDetail), name="contact"),
    path(
        "signals/",
        api_route(views.SignalList.as_view(), Rule.ROLE, roles=CASE_ROLES, category="worklist"),
        name="signals",
    ),
    path(
        "registrations/",
        api_route(views.RegistrationList.as_view(), Rule.ROLE, roles=REGISTRATION_ROLES, category="registration"),
        name="registrations",
    ),
    path(
        "monitor/council-table/",
        api_route(views.CouncilTableView.as_view(), Rule.ROLE, roles=MONITOR_ROLES, category="aggregates"),
        name="council_table",
    ),
    # Last: any other path under /api/ answers 404 as a problem document.
    re_path(
        r"^(?P<rest>[\s\S]*)$",
        api_route(views.NotFound.as_view(), Rule.AUTHENTICATED, personal=False),
        name="not_found",
    ),
]
