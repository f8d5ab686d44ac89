"""Pages of the case-file sections and the employers. Thin: the door, a form, a service or selector, render."""

from collections.abc import Callable
from typing import Any
from uuid import UUID

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Model
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from routeplus.access.door import can_manage
from routeplus.access.rules import Rule, access_rule
from routeplus.access.sections import Section, access_section, visible_categories, visible_result_types
from routeplus.accounts.models import Role
from routeplus.audit.models import Action
from routeplus.casefile import selectors, services
from routeplus.casefile.forms import (
    BottleneckEditForm,
    BottleneckForm,
    ContactForm,
    EmployerEditForm,
    EmployerForm,
    GoalEditForm,
    GoalForm,
    PlacementForm,
    PlanForm,
    ProposalForm,
    ProvisionForm,
    ResultEditForm,
    ResultForm,
    ReviewForm,
    TimelineFilterForm,
)
from routeplus.casefile.models import (
    Bottleneck,
    ContactMoment,
    DevelopmentPlan,
    Employer,
    LearningGoal,
    Placement,
    Provision,
    Result,
    ResultProposal,
)
from routeplus.conf.search import SEARCH_LENGTH
from routeplus.trajectories.models import Trajectory
from routeplus.trajectories.services import StaleVersionError
from routeplus.trajectories.views import add_form_errors
from routeplus.ui.choice_search import form_or_search

CASE_ROLES = Role.case_roles()
TIMELINE_PAGE_SIZE = 100


def _door(
    request: HttpRequest, trajectory_uuid: UUID, section: str, *, manage: bool = False, record: Any = None
) -> Trajectory:
    action = Action.UPDATE if request.method == "POST" else Action.READ
    return access_section(
        request=request, trajectory_uuid=trajectory_uuid, section=section, action=action, manage=manage, record=record
    )


def _saved(form: Any, write: Callable[[], Any], *, current: Model | None = None) -> bool:
    """Run a service; on refusal put its errors on the form, which keeps what the user typed. After a
    lost update the form carries the stored version, so a deliberate second save goes through."""
    try:
        write()
    except StaleVersionError as error:
        form.add_error(None, error)
        if current is not None:
            current.refresh_from_db()
            data = form.data.copy()
            data["version"] = str(getattr(current, "version", ""))
            form.data = data
        return False
    except ValidationError as error:
        add_form_errors(form, error)
        return False
    return True


def _one[M: Model](model: type[M], trajectory: Trajectory, uuid: UUID, *related: str) -> M:
    """The record the door has checked (see _record); 404 if it vanished in between."""
    qs = model._default_manager.filter(trajectory=trajectory, uuid=uuid)
    if related:
        qs = qs.select_related(*related)
    obj = qs.first()
    if obj is None:
        raise Http404
    return obj


def _record(request: HttpRequest, model: type[Model], uuid: UUID, **visible: Any) -> Any:
    """A check for the door: the record is there, belongs to this trajectory, and is of a visible category."""

    def check(trajectory: Trajectory) -> bool:
        conditions = {key: value(request.user, trajectory) for key, value in visible.items()}
        return model._default_manager.filter(trajectory=trajectory, uuid=uuid, **conditions).exists()

    return check


def _types(user: Any, trajectory: Trajectory) -> list[str]:
    return visible_result_types(visible_categories(user, trajectory))


# The section of the navigation a template belongs to (edit pages highlight their section).
NAV = {
    "plan": "plan", "goal": "plan", "placements": "placements", "placement": "placements",
    "provisions": "provisions", "provision": "provisions", "results": "results", "result": "results",
    "contacts": "contacts", "contact": "contacts", "bottlenecks": "bottlenecks", "bottleneck": "bottlenecks",
    "timeline": "timeline",
}  # fmt: skip


def _page(
    request: HttpRequest, template: str, trajectory: Trajectory, context: dict[str, Any], *, bad: bool
) -> HttpResponse:
    context = {
        "trajectory": trajectory,
        "participant": trajectory.participant,
        "sections": selectors.visible_sections_for(request.user, trajectory),
        "can_manage": can_manage(request.user, trajectory),
        "current": NAV.get(template.split("/")[-1].split(".")[0].split("_")[0], ""),
        **context,
    }
    return render(request, template, context, status=400 if bad else 200)


def _back(name: str, trajectory: Trajectory) -> HttpResponse:
    return redirect(f"casefile:{name}", trajectory_uuid=trajectory.uuid)


# ---------------------------------------------------------------------------------------------------------
# Plan and learning goals


@access_rule(Rule.CASE_FILE)
def plan(request: HttpRequest, trajectory_uuid: UUID) -> HttpResponse:
    trajectory = _door(request, trajectory_uuid, Section.PLAN)
    current = DevelopmentPlan.objects.filter(trajectory=trajectory).first()
    initial: dict[str, Any] = {"version": current.version if current else 0}
    if current:
        initial |= {"perspective": current.perspective, "agreed_on": current.agreed_on}
    plan_form = PlanForm(request.POST if request.method == "POST" else None, initial=initial)
    if request.method == "POST" and plan_form.is_valid():
        data = plan_form.cleaned_data
        if _saved(
            plan_form,
            lambda: services.development_plan_save(
                actor=request.user,
                trajectory=trajectory,
                perspective=data["perspective"],
                agreed_on=data["agreed_on"],
                expected_version=data["version"],
            ),
            current=current,
        ):
            messages.success(request, _("Het ontwikkelplan is opgeslagen."))
            return _back("plan", trajectory)
    return _plan_page(request, trajectory, current, plan_form=plan_form)


def _plan_page(request: HttpRequest, trajectory: Trajectory, current: Any, **forms: Any) -> HttpResponse:
    context = {
        "plan": current,
        "goals": list(selectors.goals_with_reviews(trajectory)),
        "plan_form": forms.get("plan_form")
        or PlanForm(
            initial={"version": current.version, "perspective": current.perspective, "agreed_on": current.agreed_on}
            if current
            else {"version": 0}
        ),
        "goal_form": forms.get("goal_form") or GoalForm(trajectory=trajectory, auto_id="goal_%s"),
    }
    bad = any(f.is_bound and f.errors for f in forms.values())
    return _page(request, "casefile/plan.html", trajectory, context, bad=bad)


@require_POST
@access_rule(Rule.CASE_FILE)
def goal_add(request: HttpRequest, trajectory_uuid: UUID) -> HttpResponse:
    trajectory = _door(request, trajectory_uuid, Section.PLAN)
    form = GoalForm(request.POST, trajectory=trajectory, auto_id="goal_%s")
    if form.is_valid():
        data = form.cleaned_data
        if _saved(
            form,
            lambda: services.learning_goal_create(
                actor=request.user,
                trajectory=trajectory,
                area=data["area"],
                description=data["description"],
                own_words=data["own_words"],
                owner=data["owner"],
                target_date=data["target_date"],
            ),
        ):
            messages.success(request, _("Het leerdoel is toegevoegd."))
            return _back("plan", trajectory)
    current = DevelopmentPlan.objects.filter(trajectory=trajectory).first()
    return _plan_page(request, trajectory, current, goal_form=form)


@access_rule(Rule.CASE_FILE)
def goal_detail(request: HttpRequest, trajectory_uuid: UUID, goal_uuid: UUID) -> HttpResponse:
    trajectory = _door(request, trajectory_uuid, Section.PLAN, record=_record(request, LearningGoal, goal_uuid))
    goal = _one(LearningGoal, trajectory, goal_uuid)
    initial = {
        "version": goal.version,
        "area": goal.area,
        "description": goal.description,
        "own_words": goal.own_words,
        "owner": goal.owner_id,
        "target_date": goal.target_date,
        "status": goal.status,
    }
    form = GoalEditForm(request.POST if request.method == "POST" else None, initial=initial, trajectory=trajectory)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        if _saved(
            form,
            lambda: services.learning_goal_update(
                actor=request.user,
                goal=goal,
                expected_version=data["version"],
                area=data["area"],
                description=data["description"],
                own_words=data["own_words"],
                owner=data["owner"],
                target_date=data["target_date"],
                status=data["status"],
            ),
            current=goal,
        ):
            messages.success(request, _("Het leerdoel is opgeslagen."))
            return redirect("casefile:goal_detail", trajectory_uuid=trajectory.uuid, goal_uuid=goal.uuid)
    return _goal_page(request, trajectory, goal, form=form, review_form=ReviewForm())


def _goal_page(request: HttpRequest, trajectory: Trajectory, goal: LearningGoal, **forms: Any) -> HttpResponse:
    goal = selectors.goals_with_reviews(trajectory).get(pk=goal.pk)
    bad = any(f.is_bound and f.errors for f in forms.values())
    return _page(request, "casefile/goal.html", trajectory, {"goal": goal, **forms}, bad=bad)


@require_POST
@access_rule(Rule.CASE_FILE)
def review_add(request: HttpRequest, trajectory_uuid: UUID, goal_uuid: UUID) -> HttpResponse:
    trajectory = _door(request, trajectory_uuid, Section.PLAN, record=_record(request, LearningGoal, goal_uuid))
    goal = _one(LearningGoal, trajectory, goal_uuid)
    form = ReviewForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        if _saved(
            form,
            lambda: services.goal_review_add(
                actor=request.user, goal=goal, reviewed_on=data["reviewed_on"], score=data["score"], note=data["note"]
            ),
        ):
            messages.success(request, _("De evaluatie is toegevoegd."))
            return redirect("casefile:goal_detail", trajectory_uuid=trajectory.uuid, goal_uuid=goal.uuid)
    edit = GoalEditForm(
        initial={
            "version": goal.version,
            "area": goal.area,
            "description": goal.description,
            "own_words": goal.own_words,
            "owner": goal.owner_id,
            "target_date": goal.target_date,
            "status": goal.status,
        },
        trajectory=trajectory,
    )
    return _goal_page(request, trajectory, goal, form=edit, review_form=form)


# ---------------------------------------------------------------------------------------------------------
# Placements


PLACEMENT_INPUT = ["kind", "employer", "supervisor", "hours_per_week", "start_date", "end_date", "status", "evaluation"]


def _placement_form(request: HttpRequest, **kwargs: Any) -> tuple[PlacementForm, bool]:
    """The placement form, and whether the post was a search for an employer (routeplus.ui.choice_search)."""
    return form_or_search(PlacementForm, request, "employer", **kwargs)


@access_rule(Rule.CASE_FILE)
def placements(request: HttpRequest, trajectory_uuid: UUID) -> HttpResponse:
    trajectory = _door(request, trajectory_uuid, Section.PLACEMENTS)
    form, searching = _placement_form(request)
    if request.method == "POST" and not searching and form.is_valid():
        data = {k: form.cleaned_data[k] for k in PLACEMENT_INPUT}
        if _saved(form, lambda: services.placement_create(actor=request.user, trajectory=trajectory, **data)):
            messages.success(request, _("De stage of werkplek is toegevoegd."))
            return _back("placements", trajectory)
    context = {"placements": list(selectors.placements_of(trajectory)), "form": form}
    return _page(request, "casefile/placements.html", trajectory, context, bad=bool(form.errors))


@access_rule(Rule.CASE_FILE)
def placement_edit(request: HttpRequest, trajectory_uuid: UUID, placement_uuid: UUID) -> HttpResponse:
    trajectory = _door(request, trajectory_uuid, Section.PLACEMENTS, record=_record(request, Placement, placement_uuid))
    placement = _one(Placement, trajectory, placement_uuid, "employer")
    initial = {k: getattr(placement, k) for k in PLACEMENT_INPUT} | {
        "employer": placement.employer.uuid,
        "version": placement.version,
    }
    form, searching = _placement_form(request, initial=initial, current_employer=placement.employer)
    if request.method == "POST" and not searching and form.is_valid():
        data = {k: form.cleaned_data[k] for k in PLACEMENT_INPUT}
        version = form.cleaned_data["version"]
        if _saved(
            form,
            lambda: services.placement_update(
                actor=request.user, placement=placement, expected_version=version, **data
            ),
            current=placement,
        ):
            messages.success(request, _("De stage of werkplek is opgeslagen."))
            return _back("placements", trajectory)
    return _page(
        request,
        "casefile/placement_edit.html",
        trajectory,
        {"placement": placement, "form": form},
        bad=bool(form.errors),
    )


# ---------------------------------------------------------------------------------------------------------
# Provisions

PROVISION_INPUT = ["kind", "status", "applied_on", "decided_on", "start_date", "end_date", "decision_reference", "note"]


@access_rule(Rule.CASE_FILE)
def provisions(request: HttpRequest, trajectory_uuid: UUID) -> HttpResponse:
    trajectory = _door(request, trajectory_uuid, Section.PROVISIONS)
    categories = visible_categories(request.user, trajectory)
    form = ProvisionForm(request.POST if request.method == "POST" else None, categories=categories)
    if request.method == "POST" and form.is_valid():
        data = {k: form.cleaned_data[k] for k in PROVISION_INPUT}
        if _saved(form, lambda: services.provision_create(actor=request.user, trajectory=trajectory, **data)):
            messages.success(request, _("De voorziening is toegevoegd."))
            return _back("provisions", trajectory)
    context = {"provisions": list(selectors.provisions_of(trajectory, categories)), "form": form}
    return _page(request, "casefile/provisions.html", trajectory, context, bad=bool(form.errors))


@access_rule(Rule.CASE_FILE)
def provision_edit(request: HttpRequest, trajectory_uuid: UUID, provision_uuid: UUID) -> HttpResponse:
    trajectory = _door(
        request,
        trajectory_uuid,
        Section.PROVISIONS,
        record=_record(request, Provision, provision_uuid, kind__category__in=visible_categories),
    )
    categories = visible_categories(request.user, trajectory)
    provision = _one(Provision, trajectory, provision_uuid, "kind")
    initial = {k: getattr(provision, k) for k in PROVISION_INPUT} | {
        "kind": provision.kind.code,
        "version": provision.version,
    }
    form = ProvisionForm(request.POST if request.method == "POST" else None, initial=initial, categories=categories)
    if request.method == "POST" and form.is_valid():
        data = {k: form.cleaned_data[k] for k in PROVISION_INPUT}
        version = form.cleaned_data["version"]
        if _saved(
            form,
            lambda: services.provision_update(
                actor=request.user, provision=provision, expected_version=version, **data
            ),
            current=provision,
        ):
            messages.success(request, _("De voorziening is opgeslagen."))
            return _back("provisions", trajectory)
    return _page(
        request,
        "casefile/provision_edit.html",
        trajectory,
        {"provision": provision, "form": form},
        bad=bool(form.errors),
    )


# ---------------------------------------------------------------------------------------------------------
# Results: the case lead records and confirms them; the team sees them.


@access_rule(Rule.CASE_FILE)
def results(request: HttpRequest, trajectory_uuid: UUID) -> HttpResponse:
    trajectory = _door(request, trajectory_uuid, Section.RESULTS, manage=request.method == "POST")
    categories = visible_categories(request.user, trajectory)
    types = visible_result_types(categories)
    form = ResultForm(request.POST if request.method == "POST" else None, result_types=types)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        if _saved(
            form,
            lambda: services.result_record(
                actor=request.user,
                trajectory=trajectory,
                type=data["type"],
                start_date=data["start_date"],
                end_date=data["end_date"],
                note=data["note"],
            ),
        ):
            messages.success(request, _("Het resultaat is vastgelegd."))
            return _back("results", trajectory)
    context = {
        "results": list(selectors.results_of(trajectory, categories)),
        "proposals": list(selectors.open_proposals_of(trajectory, categories)),
        "form": form,
    }
    return _page(request, "casefile/results.html", trajectory, context, bad=bool(form.errors))


@access_rule(Rule.CASE_FILE)
def result_edit(request: HttpRequest, trajectory_uuid: UUID, result_uuid: UUID) -> HttpResponse:
    trajectory = _door(
        request,
        trajectory_uuid,
        Section.RESULTS,
        manage=True,
        record=_record(request, Result, result_uuid, type__in=_types),
    )
    result = _one(Result, trajectory, result_uuid)
    initial = {
        "version": result.version,
        "start_date": result.start_date,
        "end_date": result.end_date,
        "note": result.note,
    }
    form = ResultEditForm(request.POST if request.method == "POST" else None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        if _saved(
            form,
            lambda: services.result_update(
                actor=request.user,
                result=result,
                expected_version=data["version"],
                start_date=data["start_date"],
                end_date=data["end_date"],
                note=data["note"],
            ),
            current=result,
        ):
            messages.success(request, _("Het resultaat is opgeslagen."))
            return _back("results", trajectory)
    return _page(
        request, "casefile/result_edit.html", trajectory, {"result": result, "form": form}, bad=bool(form.errors)
    )


@require_POST
@access_rule(Rule.CASE_FILE)
def proposal_decide(request: HttpRequest, trajectory_uuid: UUID, proposal_uuid: UUID) -> HttpResponse:
    trajectory = _door(
        request,
        trajectory_uuid,
        Section.RESULTS,
        manage=True,
        record=_record(request, ResultProposal, proposal_uuid, type__in=_types),
    )
    proposal = _one(ResultProposal, trajectory, proposal_uuid)
    form = ProposalForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Dit voorstel kon niet worden verwerkt. Probeer het opnieuw."))
        return _back("results", trajectory)
    version = form.cleaned_data["version"]
    try:
        if form.cleaned_data["decision"] == "confirm":
            services.result_proposal_confirm(actor=request.user, proposal=proposal, expected_version=version)
            messages.success(request, _("Het resultaat is bevestigd en telt nu mee."))
        else:
            services.result_proposal_reject(actor=request.user, proposal=proposal, expected_version=version)
            messages.success(request, _("Het voorstel is niet overgenomen."))
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    return _back("results", trajectory)


# ---------------------------------------------------------------------------------------------------------
# Contact moments

CONTACT_INPUT = ["at", "channel", "with_whom", "reached", "summary"]


@access_rule(Rule.CASE_FILE)
def contacts(request: HttpRequest, trajectory_uuid: UUID) -> HttpResponse:
    trajectory = _door(request, trajectory_uuid, Section.CONTACTS)
    form = ContactForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        data = {k: form.cleaned_data[k] for k in CONTACT_INPUT}
        if _saved(form, lambda: services.contact_moment_record(actor=request.user, trajectory=trajectory, **data)):
            messages.success(request, _("Het contactmoment is vastgelegd."))
            return _back("contacts", trajectory)
    page = Paginator(selectors.contacts_of(trajectory), settings.ROUTEPLUS_CASELOAD_PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    context = {"page": page, "form": form}
    return _page(request, "casefile/contacts.html", trajectory, context, bad=bool(form.errors))


@access_rule(Rule.CASE_FILE)
def contact_edit(request: HttpRequest, trajectory_uuid: UUID, contact_uuid: UUID) -> HttpResponse:
    trajectory = _door(request, trajectory_uuid, Section.CONTACTS, record=_record(request, ContactMoment, contact_uuid))
    contact = _one(ContactMoment, trajectory, contact_uuid)
    initial = {k: getattr(contact, k) for k in CONTACT_INPUT} | {
        "version": contact.version,
        "reached": "yes" if contact.reached else "no",
        "at": contact.at.astimezone(),
    }
    form = ContactForm(request.POST if request.method == "POST" else None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = {k: form.cleaned_data[k] for k in CONTACT_INPUT}
        version = form.cleaned_data["version"]
        if _saved(
            form,
            lambda: services.contact_moment_update(
                actor=request.user, contact=contact, expected_version=version, **data
            ),
            current=contact,
        ):
            messages.success(request, _("Het contactmoment is opgeslagen."))
            return _back("contacts", trajectory)
    return _page(
        request, "casefile/contact_edit.html", trajectory, {"contact": contact, "form": form}, bad=bool(form.errors)
    )


# ---------------------------------------------------------------------------------------------------------
# Bottlenecks


@access_rule(Rule.CASE_FILE)
def bottlenecks(request: HttpRequest, trajectory_uuid: UUID) -> HttpResponse:
    trajectory = _door(request, trajectory_uuid, Section.BOTTLENECKS)
    form = BottleneckForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        if _saved(
            form,
            lambda: services.bottleneck_record(
                actor=request.user,
                trajectory=trajectory,
                category=data["category"],
                domains=data["domains"],
                description=data["description"],
                noticed_on=data["noticed_on"],
            ),
        ):
            messages.success(request, _("Het knelpunt is vastgelegd."))
            return _back("bottlenecks", trajectory)
    context = {"bottlenecks": list(selectors.bottlenecks_of(trajectory)), "form": form}
    return _page(request, "casefile/bottlenecks.html", trajectory, context, bad=bool(form.errors))


BOTTLENECK_INPUT = ["category", "domains", "description", "noticed_on", "status", "resolution"]


@access_rule(Rule.CASE_FILE)
def bottleneck_edit(request: HttpRequest, trajectory_uuid: UUID, bottleneck_uuid: UUID) -> HttpResponse:
    trajectory = _door(
        request, trajectory_uuid, Section.BOTTLENECKS, record=_record(request, Bottleneck, bottleneck_uuid)
    )
    bottleneck = _one(Bottleneck, trajectory, bottleneck_uuid)
    initial = {k: getattr(bottleneck, k) for k in BOTTLENECK_INPUT} | {"version": bottleneck.version}
    form = BottleneckEditForm(request.POST if request.method == "POST" else None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = {k: form.cleaned_data[k] for k in BOTTLENECK_INPUT}
        version = form.cleaned_data["version"]
        if _saved(
            form,
            lambda: services.bottleneck_update(
                actor=request.user, bottleneck=bottleneck, expected_version=version, **data
            ),
            current=bottleneck,
        ):
            messages.success(request, _("Het knelpunt is opgeslagen."))
            return _back("bottlenecks", trajectory)
    context = {"bottleneck": bottleneck, "form": form}
    return _page(request, "casefile/bottleneck_edit.html", trajectory, context, bad=bool(form.errors))


# ---------------------------------------------------------------------------------------------------------
# Timeline


@access_rule(Rule.CASE_FILE)
def timeline(request: HttpRequest, trajectory_uuid: UUID) -> HttpResponse:
    trajectory = _door(request, trajectory_uuid, Section.TIMELINE)
    kinds = selectors.timeline_kinds(user=request.user, trajectory=trajectory)
    form = TimelineFilterForm(
        request.GET if "soort" in request.GET else None,
        kinds=[(k, str(selectors.KIND_LABELS[k])) for k in kinds],
    )
    chosen = form.cleaned_data["soort"] if form.is_bound and form.is_valid() else []
    events = selectors.timeline(user=request.user, trajectory=trajectory, kinds=chosen or None)
    page = Paginator(events, TIMELINE_PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    context = {"form": form, "page": page, "query": query.urlencode(), "filtered": bool(chosen)}
    template = "casefile/timeline.html#events" if getattr(request, "htmx", False) else "casefile/timeline.html"
    return _page(request, template, trajectory, context, bad=False)


# ---------------------------------------------------------------------------------------------------------
# Employers: shared across trajectories; contact details of companies, no participant data.

EMPLOYER_INPUT = [
    "name", "kind", "sector", "contact_name", "contact_phone", "contact_email", "address", "postal_code", "city",
]  # fmt: skip


@access_rule(Rule.ROLE, roles=CASE_ROLES)
def employers(request: HttpRequest) -> HttpResponse:
    form = EmployerForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        data = {k: form.cleaned_data[k] for k in EMPLOYER_INPUT}
        if _saved(form, lambda: services.employer_create(actor=request.user, **data)):
            messages.success(request, _("De werkgever is toegevoegd."))
            return redirect("casefile:employers")
    search = request.GET.get("q", "")[:SEARCH_LENGTH]
    page = Paginator(selectors.employer_list(search=search), settings.ROUTEPLUS_CASELOAD_PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    context = {"page": page, "form": form, "search": search}
    return render(request, "casefile/employers.html", context, status=400 if form.errors else 200)


@access_rule(Rule.ROLE, roles=CASE_ROLES)
def employer_edit(request: HttpRequest, employer_uuid: UUID) -> HttpResponse:
    employer = Employer.objects.filter(uuid=employer_uuid).first()
    if employer is None:
        raise Http404
    initial = {k: getattr(employer, k) for k in [*EMPLOYER_INPUT, "is_active"]} | {"version": employer.version}
    form = EmployerEditForm(request.POST if request.method == "POST" else None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = {k: form.cleaned_data[k] for k in [*EMPLOYER_INPUT, "is_active"]}
        version = form.cleaned_data["version"]
        if _saved(
            form,
            lambda: services.employer_update(actor=request.user, employer=employer, expected_version=version, **data),
            current=employer,
        ):
            messages.success(request, _("De werkgever is opgeslagen."))
            return redirect("casefile:employers")
    context = {"employer": employer, "form": form}
    return render(request, "casefile/employer_edit.html", context, status=400 if form.errors else 200)
