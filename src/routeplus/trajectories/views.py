"""Pages of the caseload, the case file, status changes and the team. Thin: parse, call, render."""

from dataclasses import dataclass
from datetime import date
from typing import Any
from uuid import UUID

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from routeplus.access.door import access_case_file, can_manage, current_team_places
from routeplus.access.rules import Rule, access_rule
from routeplus.access.sections import visible_sections
from routeplus.accounts.models import Role
from routeplus.alerts.selectors import attention_on
from routeplus.participants.models import age_on
from routeplus.trajectories.forms import (
    CaseloadFilterForm,
    SearchForm,
    StatusChangeForm,
    TeamAddForm,
    TeamEndForm,
)
from routeplus.trajectories.models import Status, TeamMember
from routeplus.trajectories.selectors import DEFAULT_SORT, CaseloadRow, case_file_core, caseload_list
from routeplus.trajectories.services import (
    team_member_add,
    team_member_end,
    trajectory_change_status,
)
from routeplus.ui.jinja import date_filter
from routeplus.ui.pagination import CountedPaginator
from routeplus.ui.row_urls import row_url

CASE_ROLES = Role.case_roles()
# The case file shows the latest status changes; the whole history is on the timeline (filtered on status).
SEARCH_SESSION_KEY = "caseload_search"


def add_form_errors(form: Any, error: ValidationError) -> None:
    """Show a service's validation errors next to the matching field, or above the form."""
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error)


@access_rule(Rule.ROLE, roles=CASE_ROLES)
def caseload(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        search_form = SearchForm(request.POST)
        if search_form.is_valid():
            request.session[SEARCH_SESSION_KEY] = search_form.cleaned_data["q"].strip()
        query = request.GET.urlencode()
        return redirect(f"{request.path}?{query}" if query else request.path)
    search = request.session.get(SEARCH_SESSION_KEY, "")
    filters = CaseloadFilterForm(request.GET or None, user=request.user)
    cleaned = filters.cleaned_data if filters.is_valid() else {}
    trajectories = caseload_list(
        user=request.user,
        search=search,
        route_code=cleaned.get("route", ""),
        status=cleaned.get("status", ""),
        municipality_code=cleaned.get("municipality", ""),
        sort=cleaned.get("sort") or DEFAULT_SORT,
    )
    page = CountedPaginator(trajectories, settings.ROUTEPLUS_CASELOAD_PAGE_SIZE).get_page(request.GET.get("page"))
    query_without_page = request.GET.copy()
    query_without_page.pop("page", None)
    context = {
        "filters": filters,
        "search_form": SearchForm(initial={"q": search}),
        "search": search,
        "page": page,
        "rows": caseload_lines(page.object_list, timezone.localdate()),
        "query": query_without_page.urlencode(),
    }
    template = "trajectories/caseload.html#results" if getattr(request, "htmx", False) else "trajectories/caseload.html"
    return render(request, template, context)


@dataclass(frozen=True, slots=True)
class CaseloadLine:
    """A caseload row as the page shows it, formatted once here so that the template only prints: 50 rows of
    lookups, filters and tags were a quarter of the page's time."""

    url: str
    name: str
    age: str
    route: str
    status: str
    municipality: str
    registered: str


def caseload_lines(rows: Any, today: date) -> list[CaseloadLine]:
    """The page's rows (tuples from caseload_list) as lines; today is the date the ages are counted on."""
    labels = {value: str(label) for value, label in Status.choices}  # each label translated once per page
    lines = []
    for row in map(CaseloadRow._make, rows):
        lines.append(
            CaseloadLine(
                url=row_url("trajectories:case_file", row.uuid),
                name=f"{row.family_name}, {row.given_name}",
                age="" if row.birth_date is None else str(age_on(row.birth_date, today)),
                route=row.route_name,
                status=labels.get(row.status, row.status),
                municipality=row.municipality_name,
                registered=date_filter(row.registered_on, "j-n-Y"),
            )
        )
    return lines


@access_rule(Rule.CASE_FILE)
def case_file(request: HttpRequest, trajectory_uuid: UUID) -> HttpResponse:
    trajectory = access_case_file(request=request, trajectory_uuid=trajectory_uuid)
    return _render_case_file(request, trajectory)


def _render_case_file(request: HttpRequest, trajectory: Any, **forms: Any) -> HttpResponse:
    from routeplus.casefile.selectors import case_file_sections  # the sections of issue 3 (casefile app)

    core = case_file_core(trajectory=trajectory)
    manage = can_manage(request.user, trajectory)
    casework = case_file_sections(user=request.user, trajectory=trajectory)
    context = {
        "attention": attention_on(trajectory=trajectory, categories=casework.categories),
        # Who works on the case now handles its signals; the previous team and other readers see them only.
        "attention_links": bool(current_team_places(request.user, trajectory)),
        "recent_status_changes": core.recent_status_changes,
        "earlier_status_changes": core.status_changes_total - len(core.recent_status_changes),
        "core": core,
        "casework": casework,
        "sections": casework.sections,
        "current": "overview",
        "trajectory": trajectory,
        "participant": trajectory.participant,
        "can_manage": manage,
        "status_form": forms.get("status_form") or (StatusChangeForm(trajectory=trajectory) if manage else None),
    }
    return render(request, "trajectories/case_file.html", context, status=400 if forms else 200)


@require_POST
@access_rule(Rule.CASE_FILE)
def change_status(request: HttpRequest, trajectory_uuid: UUID) -> HttpResponse:
    trajectory = access_case_file(request=request, trajectory_uuid=trajectory_uuid, section="status", manage=True)
    form = StatusChangeForm(request.POST, trajectory=trajectory)
    if form.is_valid():
        try:
            trajectory_change_status(
                actor=request.user,
                trajectory=trajectory,
                to_status=form.cleaned_data["to_status"],
                effective_date=form.cleaned_data["effective_date"],
                reason=form.cleaned_data["reason"],
                expected_version=form.cleaned_data["version"],
            )
        except ValidationError as error:
            add_form_errors(form, error)
        else:
            messages.success(request, _("De status is gewijzigd."))
            return redirect("trajectories:case_file", trajectory_uuid=trajectory.uuid)
    return _render_case_file(request, trajectory, status_form=form)


@access_rule(Rule.CASE_FILE)
def team_add(request: HttpRequest, trajectory_uuid: UUID) -> HttpResponse:
    """Its own page, not a form on the case file: the list of professionals who may join can run to hundreds,
    and the case file is opened many times a day for every time a team changes."""
    trajectory = access_case_file(request=request, trajectory_uuid=trajectory_uuid, section="team", manage=True)
    posted = request.method == "POST"
    form = TeamAddForm(request.POST if posted else None, trajectory=trajectory)
    if posted and form.is_valid():
        try:
            team_member_add(
                actor=request.user,
                trajectory=trajectory,
                user=form.cleaned_data["user"],
                role=form.cleaned_data["role"],
                start_date=form.cleaned_data["start_date"],
            )
        except ValidationError as error:
            add_form_errors(form, error)
        else:
            messages.success(request, _("Het teamlid is toegevoegd."))
            return redirect("trajectories:case_file", trajectory_uuid=trajectory.uuid)
    context = {
        "form": form,
        "trajectory": trajectory,
        "participant": trajectory.participant,
        "sections": visible_sections(request.user, trajectory),
    }
    return render(request, "trajectories/team_add.html", context, status=400 if form.is_bound else 200)


@require_POST
@access_rule(Rule.CASE_FILE)
def team_end(request: HttpRequest, trajectory_uuid: UUID) -> HttpResponse:
    trajectory = access_case_file(request=request, trajectory_uuid=trajectory_uuid, section="team", manage=True)
    form = TeamEndForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Vul een geldige einddatum in."))
        return redirect("trajectories:case_file", trajectory_uuid=trajectory.uuid)
    member = TeamMember.objects.filter(trajectory=trajectory, pk=form.cleaned_data["member"]).first()
    if member is None:
        raise Http404
    try:
        team_member_end(actor=request.user, member=member, end_date=form.cleaned_data["end_date"])
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Het teamlid is uit het team gehaald."))
    return redirect("trajectories:case_file", trajectory_uuid=trajectory.uuid)
