"""Pages of the worklist (Mijn werkvoorraad), the team overview and the actions on a signal. Thin views."""

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
from routeplus.alerts.forms import FORMS, DigestForm, DismissForm, HandleForm, SnoozeForm
from routeplus.alerts.models import DigestSubscription, Signal
from routeplus.alerts.selectors import signal_for_action, team_overview, worklist
from routeplus.alerts.services import signal_dismiss, signal_handle, signal_snooze

CASE_ROLES = Role.case_roles()
SIGNAL_SECTION = "signals"
WORKLIST_CATEGORY = "worklist"  # access/policy.toml


def _row_forms(signal: Signal) -> dict[str, object]:
    return {
        "handle_form": HandleForm(signal=signal),
        "snooze_form": SnoozeForm(signal=signal),
        "dismiss_form": DismissForm(signal=signal),
    }


@access_rule(Rule.ROLE, roles=CASE_ROLES, category=WORKLIST_CATEGORY)
def worklist_page(request: HttpRequest) -> HttpResponse:
    items = worklist(user=request.user, on=timezone.localdate())
    # A page of the most urgent: a professional with a large caseload can have a hundred open signals, and
    # each row carries three forms. The counts above the table are of all of them.
    page = Paginator(items, settings.ROUTEPLUS_WORKLIST_PAGE_SIZE).get_page(request.GET.get("page"))
    rows = [{"item": item, **_row_forms(item.signal)} for item in page.object_list]
    subscription = DigestSubscription.objects.filter(user_id=request.user.pk or 0, is_active=True).exists()
    context = {
        "rows": rows,
        "page": page,
        "total": len(items),
        "overdue": sum(1 for item in items if item.overdue),
        "digest_form": DigestForm(initial={"active": subscription}),
        "is_case_lead": _is_case_lead(request),
    }
    return render(request, "alerts/worklist.html", context)


def _is_case_lead(request: HttpRequest) -> bool:
    from routeplus.access.door import active_roles

    return Role.CASE_LEAD in active_roles(request.user)


@require_POST
@access_rule(Rule.CASE_FILE)
def signal_act(request: HttpRequest, signal_uuid: UUID, action: str) -> HttpResponse:
    """Handle, snooze or dismiss a signal on a case the user may open; the door logs the access."""
    form_class = FORMS.get(action)
    signal = signal_for_action(user=request.user, signal_uuid=signal_uuid)
    if form_class is None or signal is None:
        raise Http404
    access_case_file(request=request, trajectory_uuid=signal.trajectory.uuid, section=SIGNAL_SECTION, action="update")
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
            if hasattr(error, "error_dict"):
                for field, errors in error.error_dict.items():
                    form.add_error(field if field in form.fields else None, errors)
            else:
                form.add_error(None, error)
        else:
            done = _("Signalering bijgewerkt: %(status)s.") % {"status": signal.get_status_display().lower()}
            if request.htmx:  # type: ignore[attr-defined]
                return render(request, "alerts/worklist.html#done", {"signal": signal, "message": done})
            messages.success(request, done)
            return redirect("alerts:worklist")
    forms = _row_forms(signal)
    forms[{"afhandelen": "handle_form", "uitstellen": "snooze_form", "niet-nodig": "dismiss_form"}[action]] = form
    item = next((i for i in worklist(user=request.user) if i.signal.pk == signal.pk), None)
    if item is None:  # no longer open (someone else acted): show the plain state
        messages.error(request, " ".join(str(e) for errors in form.errors.values() for e in errors))
        return redirect("alerts:worklist")
    row = {"item": item, **forms, "open_action": action}
    if request.htmx:  # type: ignore[attr-defined]
        return render(request, "alerts/worklist.html#row", {"row": row})
    items = worklist(user=request.user)
    rows = [row if i.signal.pk == signal.pk else {"item": i, **_row_forms(i.signal)} for i in items]
    context = {
        "rows": rows,
        "overdue": sum(1 for i in items if i.overdue),
        "digest_form": DigestForm(),
        "is_case_lead": _is_case_lead(request),
    }
    return render(request, "alerts/worklist.html", context, status=400)


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
