"""The business-case page, its htmx result fragment, saved scenarios and the PDF report. Thin: parse, call, render.

Aggregate-only: policy users work with it; case leads may look. Only policy users save or delete scenarios.
"""

from typing import Any
from uuid import UUID

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from routeplus.access.door import active_roles
from routeplus.access.rules import Rule, access_rule
from routeplus.accounts.models import Role
from routeplus.finance import model, presentation
from routeplus.finance.charts import euro, percent
from routeplus.finance.forms import BusinessCaseForm, initial_for
from routeplus.finance.models import Scenario
from routeplus.finance.outcomes import CATEGORIES, CATEGORY_LABELS
from routeplus.finance.parameters import ParameterError, default_parameters
from routeplus.finance.report import report_pdf
from routeplus.finance.selectors import (
    DEFAULT_ROUTE,
    BusinessCase,
    Choices,
    business_case,
    cohort_years,
    scenario_get,
    scenario_list,
)
from routeplus.finance.services import scenario_create, scenario_delete, scenario_update

VIEW_ROLES = (Role.POLICY, Role.CASE_LEAD)
EDIT_ROLES = (Role.POLICY,)


def _form(
    request: HttpRequest, *, choices: Choices | None = None, scenario: Scenario | None = None
) -> BusinessCaseForm:
    route_code = request.POST.get("route") or (choices.route_code if choices else DEFAULT_ROUTE)
    years = cohort_years(route_code=route_code)
    if request.method == "POST":
        return BusinessCaseForm(request.POST, years=years)
    choices = choices or Choices()
    try:
        parameters = default_parameters().with_overrides(choices.overrides)
    except ParameterError:
        # A scenario saved against an older parameter file may name a parameter that no longer exists.
        parameters = default_parameters()
    initial = initial_for(choices, parameters)
    if scenario is not None:
        initial.update(
            scenario=scenario.uuid,
            scenario_version=scenario.version,
            name=scenario.name,
            description=scenario.description,
        )
    return BusinessCaseForm(initial=initial, years=years)


def _view_choice(form: BusinessCaseForm) -> model.View:
    raw = form.cleaned_data.get("view") if form.is_bound and form.is_valid() else form.initial.get("view")
    return model.View(raw or model.View.SOCIETAL)


def _context(request: HttpRequest, form: BusinessCaseForm, case: BusinessCase | None) -> dict[str, Any]:
    view = _view_choice(form)
    context: dict[str, Any] = {
        "form": form,
        "case": case,
        "scenarios": scenario_list(),
        "can_edit": bool(set(EDIT_ROLES) & _roles(request)),
        "parameter_version": default_parameters().version,
        "parameter_date": default_parameters().date,
    }
    if case is not None:
        head, rows = presentation.yearly_table(case)
        context.update(
            view=view,
            key_figures=presentation.key_figures(case),
            charts=presentation.all_charts(case, view),
            year_head=head,
            year_rows=rows,
            line_rows=presentation.line_table(case),
            payer_rows=[(label, presentation.euro(value)) for label, value in presentation.payer_rows(case)],
            chance_rows=[
                {
                    "label": row.label,
                    "count": row.count,
                    "chance": percent(row.chance, 1),
                    "interval": f"{percent(row.low, 1)} – {percent(row.high, 1)}",
                    "years": f"{row.years:.1f}".replace(".", ","),
                }
                for row in case.chances.rows()
            ],
            cohort_rows=[
                {
                    "year": c.year,
                    "started": c.started,
                    "with_outcome": c.with_outcome,
                    "without": c.without_outcome,
                    "counts": [c.counts.get(k, 0) for k in CATEGORIES],
                }
                for c in case.chances.cohorts
            ],
            category_labels=[CATEGORY_LABELS[k] for k in CATEGORIES],
            capacity=case.capacity,
            capacity_rows=_capacity_rows(case),
            defaults_in_use=[p for p in case.parameters.parameters if p.default],
        )
    return context


def _capacity_rows(case: BusinessCase) -> list[tuple[str, str]]:
    capacity = case.capacity
    intake = capacity.intake_per_year

    def number(value: float | None) -> str:
        return "-" if value is None else f"{value:.1f}".replace(".", ",")

    rows = [
        (_("Budget per jaar"), euro(float(capacity.budget))),
        (_("Kosten per trajectjaar"), euro(float(capacity.cost_per_trajectory_year))),
        (_("Plaatsen (trajectjaren per jaar)"), number(capacity.places)),
        (_("Gemiddeld aantal jaren in de route"), number(capacity.mean_years_in_route)),
        (_("Nieuwe deelnemers per jaar"), number(intake)),
    ]
    for view in model.View:
        rows.append(
            (
                _("Netto contante waarde van één jaar instroom: %(view)s")
                % {"view": str(model.VIEW_LABELS[view]).lower()},
                "-" if intake is None else euro(capacity.npv_of_intake(view) or 0.0),
            )
        )
    for key, expected in capacity.outcomes_per_year.items():
        rows.append(
            (_("Verwacht per jaar instroom: %(outcome)s") % {"outcome": CATEGORY_LABELS[key]}, number(expected))
        )
    return rows


def _roles(request: HttpRequest) -> frozenset[str]:
    return active_roles(request.user)


@require_http_methods(["GET", "POST"])
@access_rule(Rule.ROLE, roles=VIEW_ROLES)
def page(request: HttpRequest) -> HttpResponse:
    """GET shows the defaults or a saved scenario (?scenario=uuid); POST (htmx on every change) recomputes."""
    scenario = None
    if request.method == "GET" and request.GET.get("scenario"):
        try:
            scenario = scenario_get(scenario_uuid=UUID(request.GET["scenario"]))
        except ValueError:
            scenario = None
        if scenario is None:
            raise Http404
    choices = Choices.from_scenario(scenario) if scenario else None
    form = _form(request, choices=choices, scenario=scenario)
    if form.is_bound:
        case = business_case(choices=form.choices()) if form.is_valid() else None
    else:
        case = business_case(choices=choices or Choices())
    context = _context(request, form, case)
    status = 400 if form.is_bound and not form.is_valid() else 200
    if request.htmx:  # type: ignore[attr-defined]
        # Field errors can only be shown in the form; the fragment lists them with links to the fields.
        return render(request, "finance/page.html#results", context, status=200)
    return render(request, "finance/page.html", context, status=status)


@require_POST
@access_rule(Rule.ROLE, roles=VIEW_ROLES)
def report(request: HttpRequest) -> HttpResponse:
    """The PDF of the choices on the page as they are now (saved or not)."""
    form = _form(request)
    if not form.is_valid():
        return render(request, "finance/page.html", _context(request, form, None), status=400)
    case = business_case(choices=form.choices())
    title = form.cleaned_data.get("name") or _("Niet opgeslagen scenario")
    return _pdf_response(case, title=title, view=_view_choice(form))


@require_http_methods(["GET"])
@access_rule(Rule.ROLE, roles=VIEW_ROLES)
def scenario_report(request: HttpRequest, scenario_uuid: UUID) -> HttpResponse:
    scenario = scenario_get(scenario_uuid=scenario_uuid)
    if scenario is None:
        raise Http404
    case = business_case(choices=Choices.from_scenario(scenario))
    return _pdf_response(case, title=scenario.name, view=model.View.SOCIETAL, description=scenario.description)


def _pdf_response(case: BusinessCase, *, title: str, view: model.View, description: str = "") -> HttpResponse:
    content = report_pdf(case, title=title, view=view, description=description)
    stamp = timezone.localdate().isoformat()
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="businesscase-{stamp}.pdf"'
    return response


@require_POST
@access_rule(Rule.ROLE, roles=EDIT_ROLES)
def scenario_save(request: HttpRequest) -> HttpResponse:
    """Save the page's choices: over the opened scenario ("opslaan"), or under a new name ("opslaan als nieuw")."""
    form = _form(request)
    if form.is_valid():
        as_new = "save_new" in request.POST or not form.cleaned_data.get("scenario")
        try:
            if as_new:
                scenario = scenario_create(
                    actor=request.user,
                    name=form.cleaned_data["name"],
                    description=form.cleaned_data["description"],
                    choices=form.choices(),
                )
            else:
                existing = scenario_get(scenario_uuid=form.cleaned_data["scenario"])
                if existing is None:
                    raise Http404
                scenario = scenario_update(
                    actor=request.user,
                    scenario=existing,
                    expected_version=form.cleaned_data["scenario_version"] or 0,
                    name=form.cleaned_data["name"],
                    description=form.cleaned_data["description"],
                    choices=form.choices(),
                )
        except ValidationError as error:
            if hasattr(error, "error_dict"):
                for field, errors in error.error_dict.items():
                    form.add_error(field if field in form.fields else None, errors)
            else:
                form.add_error(None, error)
        else:
            messages.success(request, _("Het scenario “%(name)s” is opgeslagen.") % {"name": scenario.name})
            return redirect(f"{reverse('finance:page')}?scenario={scenario.uuid}")
    case = business_case(choices=form.choices()) if not form.errors.get("__all__") and _valid_inputs(form) else None
    return render(request, "finance/page.html", _context(request, form, case), status=400)


def _valid_inputs(form: BusinessCaseForm) -> bool:
    """True when only the scenario's name or saving failed, so the results can still be shown."""
    return all(name in {"name", "description"} for name in form.errors)


@require_http_methods(["GET", "POST"])
@access_rule(Rule.ROLE, roles=EDIT_ROLES)
def scenario_remove(request: HttpRequest, scenario_uuid: UUID) -> HttpResponse:
    """Ask before deleting; deleting cannot be undone."""
    scenario = scenario_get(scenario_uuid=scenario_uuid)
    if scenario is None:
        raise Http404
    if request.method == "POST":
        name = scenario.name
        scenario_delete(actor=request.user, scenario=scenario)
        messages.success(request, _("Het scenario “%(name)s” is verwijderd.") % {"name": name})
        return redirect("finance:page")
    return render(request, "finance/scenario_delete.html", {"scenario": scenario})
