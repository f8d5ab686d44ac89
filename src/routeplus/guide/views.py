"""Pages of the wegwijzer: the catalogue, one rule with its history, the administrator's changes, and the
wegwijzer of one case file. Thin: parse, call a service or selector, render."""

from uuid import UUID

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from routeplus.access.door import access_case_file, active_roles
from routeplus.access.rules import Rule, access_rule
from routeplus.accounts.models import Role
from routeplus.guide.catalogue import DOMAINS
from routeplus.guide.forms import ReasonForm, RuleForm
from routeplus.guide.selectors import guide_catalogue, guide_for_trajectory, guide_rule
from routeplus.guide.services import guide_rule_restore, guide_rule_retire, guide_rule_save

ADMIN_ROLES = (Role.FUNCTIONAL_ADMIN,)
GUIDE_CATEGORY = "guide"  # access/policy.toml: rules without personal data; functional administrators write
GUIDE_SECTION = "guide"


def _is_admin(request: HttpRequest) -> bool:
    return Role.FUNCTIONAL_ADMIN in active_roles(request.user)


@access_rule(Rule.AUTHENTICATED)
def catalogue(request: HttpRequest) -> HttpResponse:
    """Every rule, grouped by domain; retired rules stay visible, marked as such. No personal data."""
    domain = request.GET.get("domein", "")
    entries = guide_catalogue()
    if domain in DOMAINS:
        entries = [entry for entry in entries if entry.rule.domain == domain]
    context = {
        "entries": entries,
        "domains": list(DOMAINS.items()),
        "domain": domain if domain in DOMAINS else "",
        "is_admin": _is_admin(request),
    }
    return render(request, "guide/catalogue.html", context)


@access_rule(Rule.AUTHENTICATED)
def rule_detail(request: HttpRequest, rule_id: str) -> HttpResponse:
    entry = guide_rule(rule_id=rule_id)
    if entry is None:
        raise Http404
    context = {
        "entry": entry,
        "rule": entry.rule,
        "is_admin": _is_admin(request),
        "reason_form": ReasonForm(),
        "editable": RuleForm.initial_for(entry.rule) is not None,
    }
    return render(request, "guide/rule_detail.html", context)


@access_rule(Rule.ROLE, roles=ADMIN_ROLES, category=GUIDE_CATEGORY)
def rule_add(request: HttpRequest) -> HttpResponse:
    return _rule_form(request, None)


@access_rule(Rule.ROLE, roles=ADMIN_ROLES, category=GUIDE_CATEGORY)
def rule_edit(request: HttpRequest, rule_id: str) -> HttpResponse:
    entry = guide_rule(rule_id=rule_id)
    if entry is None:
        raise Http404
    if RuleForm.initial_for(entry.rule) is None:
        messages.error(
            request, _("Deze regel gebruikt datums die het formulier niet kan tonen. Wijzig hem in het regelbestand.")
        )
        return redirect("guide:rule_detail", rule_id=rule_id)
    return _rule_form(request, entry)


def _rule_form(request: HttpRequest, entry: object | None) -> HttpResponse:
    initial = RuleForm.initial_for(entry.rule) if entry is not None else None  # type: ignore[attr-defined]
    form = RuleForm(request.POST or None, initial=initial)
    if entry is not None:
        form.fields["rule_id"].disabled = True
    if request.method == "POST" and form.is_valid():
        if entry is None and guide_rule(rule_id=form.cleaned_data["rule_id"]) is not None:
            form.add_error("rule_id", _("Deze code bestaat al. Kies een andere, of wijzig de bestaande regel."))
        else:
            try:
                guide_rule_save(actor=request.user, definition=form.definition(), reason=form.cleaned_data["reason"])
            except ValidationError as error:
                if hasattr(error, "error_dict"):
                    for field, errors in error.error_dict.items():
                        form.add_error(field if field in form.fields else None, errors)
                else:
                    form.add_error(None, error)
            else:
                messages.success(request, _("De regel is opgeslagen."))
                return redirect("guide:rule_detail", rule_id=form.cleaned_data["rule_id"])
    context = {"form": form, "entry": entry}
    return render(request, "guide/rule_form.html", context, status=400 if form.errors else 200)


def _reason_action(request: HttpRequest, rule_id: str, service: object, done: str) -> HttpResponse:
    entry = guide_rule(rule_id=rule_id)
    if entry is None:
        raise Http404
    form = ReasonForm(request.POST)
    if form.is_valid():
        try:
            service(actor=request.user, rule_id=rule_id, reason=form.cleaned_data["reason"])  # type: ignore[operator]
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, done)
            return redirect("guide:rule_detail", rule_id=rule_id)
    context = {
        "entry": entry,
        "rule": entry.rule,
        "is_admin": True,
        "reason_form": form,
        "editable": RuleForm.initial_for(entry.rule) is not None,
    }
    return render(request, "guide/rule_detail.html", context, status=400)


@require_POST
@access_rule(Rule.ROLE, roles=ADMIN_ROLES, category=GUIDE_CATEGORY)
def rule_retire(request: HttpRequest, rule_id: str) -> HttpResponse:
    return _reason_action(request, rule_id, guide_rule_retire, _("De regel is ingetrokken."))


@require_POST
@access_rule(Rule.ROLE, roles=ADMIN_ROLES, category=GUIDE_CATEGORY)
def rule_restore(request: HttpRequest, rule_id: str) -> HttpResponse:
    return _reason_action(request, rule_id, guide_rule_restore, _("De regel is weer in gebruik."))


@access_rule(Rule.CASE_FILE)
def case_file_guide(request: HttpRequest, trajectory_uuid: UUID) -> HttpResponse:
    """The wegwijzer of one case file: what applies now, what to check, and what comes next, with dates."""
    trajectory = access_case_file(request=request, trajectory_uuid=trajectory_uuid, section=GUIDE_SECTION)
    guide = guide_for_trajectory(user=request.user, trajectory=trajectory, on=timezone.localdate())
    context = {"trajectory": trajectory, "participant": trajectory.participant, "guide": guide}
    return render(request, "guide/case_file.html", context)
