"""Pages of the worklist (Mijn werkvoorraad), a signal with its actions, and the team overview. Thin views."""

from uuid import UUID

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from routeplus.access.door import access_case_file
from routeplus.access.rules import Rule, access_rule
from routeplus.accounts.models import Role
from routeplus.alerts.digest import digest_subscribe
from routeplus.alerts.forms import FORMS, DigestForm, SignalForm
from routeplus.alerts.models import ACTIVE_STATUSES, Signal
from routeplus.alerts.selectors import (
    digest_is_on,
    signal_counts,
    signal_for_action,
    team_overview,
    work_item,
    worklist_signals,
)
from routeplus.alerts.services import signal_dismiss, signal_handle, signal_snooze
from routeplus.audit.models import Action
from routeplus.trajectories.views import add_form_errors

CASE_ROLES = Role.case_roles()
SIGNAL_SECTION = "signals"
WORKLIST_CATEGORY = "worklist"  # access/policy.toml


def _action_forms(signal: Signal) -> dict[str, SignalForm]:
    """A fresh form per action, by the slug in its URL (alerts:act)."""
    return {slug: form_class(signal=signal) for slug, form_class in FORMS.items()}


@access_rule(Rule.ROLE, roles=CASE_ROLES, category=WORKLIST_CATEGORY)
def worklist_page(request: HttpRequest) -> HttpResponse:
    on = timezone.localdate()
    signals = worklist_signals(user=request.user, on=on)
    # A page of the most urgent: a professional with a large caseload can have a hundred open signals. Each row
    # links to the signal's own page with the actions, so the list stays a list (its forms are on that page).
    page = Paginator(signals, settings.ROUTEPLUS_WORKLIST_PAGE_SIZE).get_page(request.GET.get("page"))
    subscription = digest_is_on(user=request.user)
    counts = signal_counts(signals.due_dates, on)
    context = {
        "items": [work_item(signal, on) for signal in page.object_list],
        "page": page,
        "total": counts["open"],
        "overdue": counts["overdue"],
        "digest_form": DigestForm(initial={"active": subscription}),
        "is_case_lead": _is_case_lead(request),
    }
    return render(request, "alerts/worklist.html", context)


def _is_case_lead(request: HttpRequest) -> bool:
    from routeplus.access.door import active_roles

    return Role.CASE_LEAD in active_roles(request.user)


def _signal_or_404(request: HttpRequest, signal_uuid: UUID, action: str) -> Signal:
    """The signal if the user may see it on a case they may open; the door logs the access either way."""
    signal = signal_for_action(user=request.user, signal_uuid=signal_uuid)
    if signal is None:
        raise Http404
    access_case_file(request=request, trajectory_uuid=signal.trajectory.uuid, section=SIGNAL_SECTION, action=action)
    return signal


def _render_signal(
    request: HttpRequest, signal: Signal, forms: dict[str, SignalForm], status: int = 200
) -> HttpResponse:
    context = {
        "item": work_item(signal, timezone.localdate()),
        "signal": signal,
        "actionable": signal.status in ACTIVE_STATUSES,
        "forms": forms,
    }
    return render(request, "alerts/signal.html", context, status=status)


@access_rule(Rule.CASE_FILE)
def signal_page(request: HttpRequest, signal_uuid: UUID) -> HttpResponse:
    """One signal: what it is about, what to do, and the three ways to act on it."""
    signal = _signal_or_404(request, signal_uuid, Action.READ)
    return _render_signal(request, signal, _action_forms(signal))


@require_POST
@access_rule(Rule.CASE_FILE)
def signal_act(request: HttpRequest, signal_uuid: UUID, action: str) -> HttpResponse:
    """Handle, snooze or dismiss a signal on a case the user may open; back to the worklist when done."""
    form_class = FORMS.get(action)
    if form_class is None:
        raise Http404
    signal = _signal_or_404(request, signal_uuid, Action.UPDATE)
    form = form_class(request.POST, signal=signal)
    if form.is_valid():
        data = form.cleaned_data
        try:
            if action == "afhandelen":
                signal = signal_handle(
                    actor=request.user,
                    signal=signal,
                    action_taken=data["action_taken"],
                    expected_version=data["version"],
                )
            elif action == "uitstellen":
                signal = signal_snooze(
                    actor=request.user,
                    signal=signal,
                    until=data["until"],
                    reason=data["reason"],
                    expected_version=data["version"],
                )
            else:
                signal = signal_dismiss(
                    actor=request.user, signal=signal, reason=data["reason"], expected_version=data["version"]
                )
        except ValidationError as error:
            add_form_errors(form, error)
        else:
            done = _("Signalering bijgewerkt: %(status)s.") % {"status": signal.get_status_display().lower()}
            messages.success(request, done)
            return redirect("alerts:worklist")
    forms = _action_forms(signal)
    forms[action] = form  # the one that failed, with what was typed and why
    return _render_signal(request, signal, forms, status=400)


@access_rule(Rule.ROLE, roles=(Role.CASE_LEAD,), category=WORKLIST_CATEGORY)
def team_page(request: HttpRequest) -> HttpResponse:
    overview = team_overview(user=request.user, on=timezone.localdate())
    return render(request, "alerts/team.html", {"overview": overview, "today": timezone.localdate()})


@require_POST
@access_rule(Rule.ROLE, roles=CASE_ROLES, category=WORKLIST_CATEGORY)
def digest_toggle(request: HttpRequest) -> HttpResponse:
    form = DigestForm(request.POST)
    active = form.is_valid() and form.cleaned_data["active"]
    digest_subscribe(user=request.user, active=active)
    messages.success(request, _("De dagelijkse e-mail staat aan.") if active else _("De dagelijkse e-mail staat uit."))
    return redirect("alerts:worklist")
