"""The privacy officer's pages: search and export the access log per participant or user, read the policy.
Also the change history of a case file and of each of its records, for those who may see that data."""

import csv
from typing import Any
from uuid import UUID

from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from routeplus.access.door import access_case_file
from routeplus.access.policy import policy
from routeplus.access.rules import Rule, access_rule
from routeplus.access.sections import access_section, visible_sections
from routeplus.accounts.models import Role
from routeplus.audit import history
from routeplus.audit.forms import AccessLogFilterForm, UserLookupForm
from routeplus.audit.selectors import access_log_search

PRIVACY = (Role.PRIVACY_OFFICER,)
PAGE_SIZE = 100
EXPORT_COLUMNS = [
    "id", "at", "actor_label", "actor_organisations", "actor_roles", "action", "object_type", "object_ref",
    "participant_ref", "section", "result", "ip_address", "user_agent", "purpose", "entry_hash",
]  # fmt: skip


def _filters(request: HttpRequest) -> tuple[AccessLogFilterForm, dict[str, Any]]:
    form = AccessLogFilterForm(request.GET or None)
    return form, (form.cleaned_data if form.is_valid() else {})


@access_rule(Rule.ROLE, roles=PRIVACY, category="access_log", action="read")
def access_log(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        # An e-mail address is personal data: it is posted, and the page continues with the user's UUID.
        lookup = UserLookupForm(request.POST)
        if lookup.is_valid():
            return redirect(f"{request.path}?gebruiker={lookup.cleaned_data['user'].uuid}")
        form, _ = _filters(request)
        return render(request, "audit/access_log.html", {"form": form, "lookup": lookup, "page": None}, status=400)
    form, filters = _filters(request)
    entries = access_log_search(**filters) if filters else None
    page = Paginator(entries, PAGE_SIZE).get_page(request.GET.get("pagina")) if entries is not None else None
    query = request.GET.copy()
    query.pop("pagina", None)
    context = {"form": form, "lookup": UserLookupForm(), "page": page, "query": query.urlencode()}
    return render(request, "audit/access_log.html", context)


@access_rule(Rule.ROLE, roles=PRIVACY, category="access_log", action="export")
def access_log_export(request: HttpRequest) -> HttpResponse:
    _form, filters = _filters(request)
    if not filters:
        return redirect("audit:access_log")
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="toegangslog.csv"'
    writer = csv.writer(response)
    writer.writerow(EXPORT_COLUMNS)
    for entry in access_log_search(**filters).iterator(chunk_size=2000):
        row = [getattr(entry, column) for column in EXPORT_COLUMNS]
        row[1] = entry.at.isoformat()
        writer.writerow([_safe_cell(value) for value in row])
    return response


def _safe_cell(value: Any) -> Any:
    """No spreadsheet formulas from logged text (a user agent is written by the client)."""
    text = "" if value is None else str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


@access_rule(Rule.ROLE, roles=(Role.PRIVACY_OFFICER, Role.FUNCTIONAL_ADMIN), category="policy", action="read")
def access_policy(request: HttpRequest) -> HttpResponse:
    current = policy()
    return render(
        request,
        "audit/access_policy.html",
        {"rows": list(current.rows()), "categories": sorted(current.categories.values(), key=lambda c: c.code)},
    )


@access_rule(Rule.ROLE, roles=(Role.PRIVACY_OFFICER, Role.FUNCTIONAL_ADMIN), category="policy", action="export")
def access_policy_export(request: HttpRequest) -> HttpResponse:
    response = HttpResponse(policy().as_csv(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="autorisatiebeleid.csv"'
    return response


# ---------------------------------------------------------------------------------------------------------
# Change history (Wijzigingsgeschiedenis): who changed what when, per record and per case file.

HISTORY_SECTION = "history"


@access_rule(Rule.CASE_FILE)
def case_file_history(request: HttpRequest, trajectory_uuid: UUID) -> HttpResponse:
    """Every change to records of this case file the user may see, newest first."""
    trajectory = access_case_file(request=request, trajectory_uuid=trajectory_uuid, section=HISTORY_SECTION)
    found = history.change_history(user=request.user, trajectory=trajectory, page=request.GET.get("pagina"))
    return _history_page(request, trajectory, found, kind=None)


@access_rule(Rule.CASE_FILE)
def record_history(
    request: HttpRequest, trajectory_uuid: UUID, kind: str, record_uuid: UUID | None = None
) -> HttpResponse:
    """The changes to one record: the trajectory with its team, the plan, or one goal, placement, provision,
    result, contact moment or bottleneck. Visible exactly to those who may see the record's category."""
    record_kind = history.KINDS.get(kind)
    if record_kind is None or record_kind.has_uuid != (record_uuid is not None):
        # Not a kind of record (or a kind without its UUID): refused through the door, one log entry.
        access_section(request=request, trajectory_uuid=trajectory_uuid, section=kind, record=lambda _t: False)
        raise Http404
    if record_kind.section == history.CASE_FILE:
        trajectory = access_case_file(request=request, trajectory_uuid=trajectory_uuid, section=HISTORY_SECTION)
    else:
        trajectory = access_section(
            request=request,
            trajectory_uuid=trajectory_uuid,
            section=record_kind.section,
            record=lambda t: history.record_exists(
                user=request.user, trajectory=t, kind=record_kind, record_uuid=record_uuid
            ),
        )
    found = history.change_history(
        user=request.user,
        trajectory=trajectory,
        kind=record_kind,
        record_uuid=record_uuid,
        page=request.GET.get("pagina"),
    )
    return _history_page(request, trajectory, found, kind=record_kind)


def _history_page(
    request: HttpRequest, trajectory: Any, found: history.History, *, kind: history.RecordKind | None
) -> HttpResponse:
    context = {
        "trajectory": trajectory,
        "participant": trajectory.participant,
        "sections": visible_sections(request.user, trajectory),
        "current": "history",
        "kind": kind,
        "page": found.page,
        "rows": found.rows,
    }
    return render(request, "audit/history.html", context)
