"""Pages of registration, the waiting list and capacity. Thin: parse, call a service or selector, render."""

from decimal import Decimal
from typing import Any
from uuid import UUID

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from routeplus.access.door import access_case_file, active_roles
from routeplus.access.rules import Rule, access_rule
from routeplus.accounts.models import Membership, Organisation, OrganisationKind, Role
from routeplus.audit.models import Action, Result
from routeplus.audit.services import Origin, access_log_append
from routeplus.intake import eligibility, selectors
from routeplus.intake.chart import capacity_chart
from routeplus.intake.forms import NEW_PARTICIPANT, AreaForm, PriorityForm, RegistrationForm, SchoolListForm
from routeplus.intake.models import SchoolListUpload
from routeplus.intake.schoollist import OPTIONAL, REQUIRED, from_json
from routeplus.intake.services import (
    NewPerson,
    SchoolListImportError,
    duplicates_find,
    registration_submit,
    school_list_import,
    school_list_upload,
    waiting_list_admit,
    waiting_list_prioritise,
)
from routeplus.participants.models import Participant
from routeplus.ui.choice_search import form_or_search

REGISTER_ROLES = (Role.CASE_LEAD, Role.SCHOOL_COORDINATOR)
WAITING_LIST_ROLES = (Role.CASE_LEAD, Role.SCHOOL_COORDINATOR)
CAPACITY_ROLES = (Role.CASE_LEAD, Role.POLICY, Role.FUNCTIONAL_ADMIN)
SCHOOL_LIST_ROLES = (Role.SCHOOL_COORDINATOR,)


def _add_errors(form: Any, error: ValidationError) -> None:
    """Show a service's validation errors next to the matching field, or above the form."""
    if hasattr(error, "error_dict"):
        for name, errors in error.error_dict.items():
            form.add_error(name if name in form.fields else None, errors)
    else:
        form.add_error(None, error)


def _actor_role(request: HttpRequest) -> str:
    return Role.CASE_LEAD if Role.CASE_LEAD in active_roles(request.user) else Role.SCHOOL_COORDINATOR


def _initial(request: HttpRequest, actor_role: str) -> dict[str, Any]:
    """A school coordinator usually registers a pupil of their own school: start with it selected."""
    if actor_role != Role.SCHOOL_COORDINATOR:
        return {}
    user: Any = request.user
    membership = (
        Membership.objects.filter(user=user, role=Role.SCHOOL_COORDINATOR, is_active=True, organisation__kind="school")
        .select_related("organisation")
        .first()
    )
    if membership is None:
        return {}
    return {"school": membership.organisation.pk, "school_type": membership.organisation.school_type}


def _facts(data: dict[str, Any]) -> eligibility.Facts:
    return eligibility.Facts(
        registered_on=data.get("registered_on"),
        birth_date=data.get("birth_date"),
        school_type=data.get("school_type") or "",
        left_school_on=data.get("left_school_on"),
        outflow_profile=data.get("outflow_profile") or "",
        municipality=data.get("municipality"),
    )


def _outlook(data: dict[str, Any]) -> dict[str, Any]:
    """Eligibility and capacity for what the form holds so far (also when other fields are still invalid)."""
    route = data.get("route")
    if route is None:
        return {"route": None, "results": [], "capacity": None}
    results = eligibility.check(eligibility.rule_config(route), _facts(data))
    municipality = data.get("municipality")
    capacity = selectors.capacity_for(route=route, municipality=municipality) if municipality else None
    return {
        "route": route,
        "results": results,
        "failed": eligibility.failed(results),
        "capacity": capacity,
        "capacity_unknown": municipality is not None and capacity is None,
    }


def _log_duplicates_shown(request: HttpRequest, candidates: list[Participant]) -> None:
    """Showing a possible match reveals that someone is known here: each shown match is in the access log."""
    for candidate in candidates:
        access_log_append(
            actor=request.user,
            action=Action.SEARCH,
            result=Result.ALLOWED,
            origin=Origin.from_request(request),
            object_type="participant",
            object_ref=str(candidate.uuid),
            participant_ref=str(candidate.uuid),
            section="intake_duplicates",
            purpose="intake:register",
        )


@access_rule(Rule.ROLE, roles=REGISTER_ROLES, category="registration")
def register(request: HttpRequest) -> HttpResponse:
    actor_role = _actor_role(request)
    form, searching = form_or_search(
        RegistrationForm, request, "case_lead", initial=_initial(request, actor_role), actor_role=actor_role
    )
    candidates: list[Participant] = []
    bsn_match = False
    if request.method == "POST" and not searching and form.is_valid():
        data = form.cleaned_data
        candidates = duplicates_find(
            given_name=data["given_name"],
            family_name=data["family_name"],
            birth_date=data["birth_date"],
            bsn=data["bsn"],
        )
        bsn_match = bool(data["bsn"]) and any(c.bsn == data["bsn"] for c in candidates)
        choice = data["participant_choice"]
        chosen = next((c for c in candidates if str(c.uuid) == choice), None)
        decided = not candidates or chosen is not None or (choice == NEW_PARTICIPANT and not bsn_match)
        if not decided:
            _log_duplicates_shown(request, candidates)
        else:
            try:
                registration = registration_submit(
                    actor=request.user,
                    actor_role=actor_role,
                    route=data["route"],
                    registered_on=data["registered_on"],
                    school=data["school"],
                    school_type=data["school_type"],
                    left_school_on=data["left_school_on"],
                    outflow_profile=data["outflow_profile"],
                    municipality=data["municipality"],
                    reason=data["reason"],
                    expected_start=data["expected_start"],
                    participant=chosen,
                    person=None
                    if chosen
                    else NewPerson(
                        given_name=data["given_name"],
                        family_name=data["family_name"],
                        birth_date=data["birth_date"],
                        bsn=data["bsn"],
                        phone=data["phone"],
                        email=data["email"],
                    ),
                    confirmed_distinct=choice == NEW_PARTICIPANT,
                    case_lead=data.get("case_lead"),
                    exception_reason=data.get("exception_reason", ""),
                )
            except ValidationError as error:
                _add_errors(form, error)
                candidates = []
            else:
                if registration.outcome == registration.Outcome.ADMITTED:
                    messages.success(request, _("De jongere is aangemeld en toegelaten tot de intake."))
                else:
                    messages.info(request, _("De jongere is aangemeld en staat op de wachtlijst."))
                return redirect("intake:registration", trajectory_uuid=registration.trajectory.uuid)
    # After a search for the case lead the form is not checked, but the rules panel shows what was typed.
    typed = _typed(request, actor_role) if searching else form.cleaned_data if form.is_bound else {"route": None}
    outlook = _outlook(typed)
    context = {
        "form": form,
        "candidates": candidates,
        "bsn_match": bsn_match,
        "outlook": outlook,
        "can_except": actor_role == Role.CASE_LEAD,
    }
    status = 400 if form.errors else 200
    return render(request, "intake/register.html", context, status=status)


def _typed(request: HttpRequest, actor_role: str) -> dict[str, Any]:
    """What has been typed so far, as far as it is valid: what the rules panel is made from."""
    form = RegistrationForm(request.POST, actor_role=actor_role)
    form.is_valid()
    return form.cleaned_data


@require_POST
@access_rule(Rule.ROLE, roles=REGISTER_ROLES, category="registration")
def eligibility_check(request: HttpRequest) -> HttpResponse:
    """The eligibility panel for what has been typed so far (htmx, posted: never personal data in a URL)."""
    actor_role = _actor_role(request)
    context = {"outlook": _outlook(_typed(request, actor_role)), "can_except": actor_role == Role.CASE_LEAD}
    return render(request, "intake/register.html#eligibility", context)


@access_rule(Rule.CASE_FILE)
def registration(request: HttpRequest, trajectory_uuid: UUID) -> HttpResponse:
    """The outcome of a registration: admitted, or on the waiting list at place N, with the eligibility."""
    trajectory = access_case_file(request=request, trajectory_uuid=trajectory_uuid, section="intake")
    registration = selectors.registration_for(trajectory=trajectory)
    position = selectors.waiting_position(trajectory=trajectory)
    capacity = selectors.capacity_for(route=trajectory.route, municipality=trajectory.municipality)
    context = {
        "trajectory": trajectory,
        "participant": trajectory.participant,
        "registration": registration,
        "position": position,
        "capacity": capacity,
    }
    return render(request, "intake/registration.html", context)


def _area_form(request: HttpRequest) -> tuple[AreaForm, dict[str, Any]]:
    form = AreaForm(request.GET or None)
    cleaned = form.cleaned_data if form.is_valid() else {}
    return form, cleaned


@access_rule(Rule.ROLE, roles=WAITING_LIST_ROLES, category="registration", action="read")
def waiting_list(request: HttpRequest) -> HttpResponse:
    form, cleaned = _area_form(request)
    areas = selectors.areas_list()
    area = cleaned.get("gebied") or (areas[0] if areas else None)
    context: dict[str, Any] = {"form": form, "areas": areas, "area": area}
    if area is not None:
        capacity = selectors.capacity_for_area(area=area)
        entries = selectors.waiting_list(area=area, user=request.user)
        context.update(
            capacity=capacity,
            entries=entries,
            proposed=min(capacity.free, len(entries)),
            is_case_lead=Role.CASE_LEAD in active_roles(request.user),
        )
    return render(request, "intake/waiting_list.html", context)


@require_POST
@access_rule(Rule.CASE_FILE)
def admit(request: HttpRequest, trajectory_uuid: UUID) -> HttpResponse:
    trajectory = access_case_file(
        request=request, trajectory_uuid=trajectory_uuid, section="intake_admit", action=Action.UPDATE, manage=True
    )
    try:
        waiting_list_admit(actor=request.user, trajectory=trajectory)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("De jongere is toegelaten tot de intake."))
    area = selectors.area_for(route=trajectory.route, municipality=trajectory.municipality)
    return redirect(_waiting_list_url(area))


def _waiting_list_url(area: Any) -> str:
    url = reverse("intake:waiting_list")
    return f"{url}?gebied={area.uuid}" if area is not None else url


@access_rule(Rule.CASE_FILE)
def prioritise(request: HttpRequest, trajectory_uuid: UUID) -> HttpResponse:
    trajectory = access_case_file(
        request=request,
        trajectory_uuid=trajectory_uuid,
        section="intake_priority",
        action=Action.UPDATE if request.method == "POST" else Action.READ,
        manage=True,
    )
    form = PriorityForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            waiting_list_prioritise(actor=request.user, trajectory=trajectory, reason=form.cleaned_data["reason"])
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(request, _("De jongere staat nu bovenaan de wachtlijst. De reden is vastgelegd."))
            area = selectors.area_for(route=trajectory.route, municipality=trajectory.municipality)
            return redirect(_waiting_list_url(area))
    context = {
        "form": form,
        "trajectory": trajectory,
        "participant": trajectory.participant,
        "position": selectors.waiting_position(trajectory=trajectory),
    }
    return render(request, "intake/prioritise.html", context, status=400 if form.errors else 200)


@access_rule(Rule.ROLE, roles=CAPACITY_ROLES, category="aggregates", action="read")
def capacity(request: HttpRequest) -> HttpResponse:
    """Places funded, used and free; waiting times; the forecast and what extra money would buy. No names."""
    form, cleaned = _area_form(request)
    today = timezone.localdate()
    year = cleaned.get("jaar") or today.year
    overview = selectors.capacity_overview(year=year)
    area = cleaned.get("gebied") or (overview[0].area if overview else None)
    context: dict[str, Any] = {"form": form, "overview": overview, "area": area, "year": year, "today": today}
    if area is not None:
        extra = cleaned.get("extra") or Decimal("0")
        forecast = selectors.capacity_forecast(area=area, on=today, extra_amount=extra)
        entries = selectors.waiting_list(area=area)
        waits = sorted(entry.waiting_days for entry in entries)
        context.update(
            current=next((c for c in overview if c.area.pk == area.pk), None)
            or selectors.capacity_for_area(area=area, year=year),
            forecast=forecast,
            baseline=selectors.capacity_forecast(area=area, on=today) if extra else forecast,
            chart=capacity_chart(forecast),
            entries=entries,
            longest_wait=waits[-1] if waits else None,
            median_wait=waits[len(waits) // 2] if waits else None,
            budget_lines=selectors.budget_lines(area=area, year=year),
            exceptions=selectors.exception_counts(route=area.route, year=year),
            rule_titles={code: eligibility.rule_title(code) for code in eligibility.RULE_CODES},
        )
    return render(request, "intake/capacity.html", context)


def _own_schools(request: HttpRequest) -> Any:
    """The schools the user coordinates: a school list is only ever imported for one of them."""
    user: Any = request.user
    return Organisation.objects.filter(
        kind=OrganisationKind.SCHOOL,
        memberships__user=user,
        memberships__role=Role.SCHOOL_COORDINATOR,
        memberships__is_active=True,
    ).distinct()


@access_rule(Rule.ROLE, roles=SCHOOL_LIST_ROLES, category="registration")
def school_list(request: HttpRequest) -> HttpResponse:
    """Upload a school list; the check and the preview follow on the next page."""
    form, searching = form_or_search(SchoolListForm, request, "case_lead", schools=_own_schools(request))
    if searching:  # a browser does not send the chosen file again with the form that comes back
        form.fields["file"].help_text = _("Kies het bestand opnieuw: na het zoeken stuurt de browser het niet mee.")
    if request.method == "POST" and not searching and form.is_valid():
        data = form.cleaned_data
        upload = school_list_upload(
            actor=request.user,
            school=data["school"],
            route=data["route"],
            case_lead=data["case_lead"],
            file_name=data["file"].name,
            content=data["file"].read(),
            default_reason=data["reason"],
        )
        return redirect("intake:school_list_preview", upload_uuid=upload.uuid)
    context = {"form": form, "required": REQUIRED, "optional": OPTIONAL}
    return render(request, "intake/school_list.html", context, status=400 if form.errors else 200)


def _preview_context(upload: SchoolListUpload, problems: list[tuple[int, str, str]]) -> dict[str, Any]:
    by_row: dict[int, list[tuple[str, str]]] = {}
    for row, column, message in problems:
        by_row.setdefault(row, []).append((column, message))
    rows = [{**from_json(values), "problems": by_row.pop(values["row"], [])} for values in upload.rows]
    # Rows that could not be read at all (a required value missing or unreadable) and the file's own problems.
    unread = sorted((row, items) for row, items in by_row.items() if row)
    return {
        "upload": upload,
        "rows": rows,
        "unread": unread,
        "file_problems": by_row.get(0, []),
        "problem_count": len(problems),
        "can_import": upload.state == upload.State.PREVIEW and not problems and bool(upload.rows),
    }


@access_rule(Rule.ROLE, roles=SCHOOL_LIST_ROLES, category="registration")
def school_list_preview(request: HttpRequest, upload_uuid: UUID) -> HttpResponse:
    """The checked list, with every problem per row and column; confirming writes exactly these rows."""
    user: Any = request.user
    upload = (
        SchoolListUpload.objects.filter(uuid=upload_uuid, uploaded_by=user, school__in=_own_schools(request))
        .select_related("school", "route", "case_lead")
        .first()
    )
    if upload is None:
        raise Http404
    problems = [(row, column, message) for row, column, message in upload.problems]
    status = 200
    if request.method == "POST":
        try:
            registrations = school_list_import(actor=request.user, upload=upload)
        except SchoolListImportError as error:
            problems = [(p.row, p.column, p.message) for p in error.problems]
            messages.error(request, _("Er is niets ingelezen: de lijst heeft problemen. Zie hieronder."))
            status = 400
        else:
            waiting = sum(r.outcome == r.Outcome.WAITING for r in registrations)
            messages.success(
                request,
                _("%(n)s leerlingen zijn aangemeld; %(waiting)s staan op de wachtlijst.")
                % {"n": len(registrations), "waiting": waiting},
            )
            return redirect("intake:school_list_preview", upload_uuid=upload.uuid)
    context = _preview_context(upload, problems)
    return render(request, "intake/school_list_preview.html", context, status=status)
