"""The monitor pages: the council table side by side, charts, exports, establishing, drill-down, register import."""

import secrets
import shutil
import tempfile
import zipfile
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from routeplus.access.door import active_roles
from routeplus.access.rules import Rule, access_rule
from routeplus.accounts.models import Role
from routeplus.audit.models import Action
from routeplus.audit.models import Result as AccessResult
from routeplus.audit.services import Origin, access_log_append
from routeplus.monitor import charts
from routeplus.monitor.definitions import ALL_CATEGORIES, DEFINITIONS_VERSION, EXTRA, GENERAL_NOTES, PUBLISHED
from routeplus.monitor.exports import (
    Publication,
    ShownBreakdown,
    breakdown_csv,
    shown_breakdown,
    to_csv,
    to_pdf,
    to_xlsx,
)
from routeplus.monitor.forms import EstablishForm, MonitorForm, RegisterConfirmForm, RegisterUploadForm
from routeplus.monitor.register import SHEETS, RegisterImportError, register_import, register_read
from routeplus.monitor.scope import monitor_scope, scope_for
from routeplus.monitor.selectors import (
    Scope,
    bottleneck_counts,
    council_table,
    council_table_breakdown,
    council_tables,
    differences,
    established_for,
    outcome_flows,
    time_to_first_result,
    trajectories_behind,
    year_ends,
)
from routeplus.monitor.services import report_establish

MONITOR_ROLES = frozenset({Role.POLICY, *Role.case_roles()})
ESTABLISH_ROLES = frozenset({Role.POLICY})
IMPORT_ROLES = frozenset({Role.FUNCTIONAL_ADMIN})
IMPORT_SESSION_KEY = "monitor_register_upload"
# Breakdown CSV exports: format → (grouping, file name suffix).
BREAKDOWN_CSV = {"csv-gemeente": ("municipality", "-per-gemeente"), "csv-school": ("school", "-per-school")}


@dataclass(frozen=True)
class Choice:
    """What the monitor is asked for: a scope within the user's werkgebied, two reference dates, the mode."""

    scope: Scope
    p1: date
    p2: date
    publication: Publication


def _choice(request: HttpRequest) -> tuple[MonitorForm, Choice | None]:
    """The form and, when it is valid, the choice. An invalid choice gives no figures (never a wider scope)."""
    form = MonitorForm.from_query(request.GET, user_scope=monitor_scope(request.user))
    if not form.is_valid():
        return form, None
    data = form.cleaned_data
    p1, p2 = sorted((data["p1"], data["p2"]))
    scope = Scope.of(data["route"], data["municipality"])
    return form, Choice(scope, p1, p2, Publication.default(on=data["publication"]))


def _refused(request: HttpRequest, form: MonitorForm) -> HttpResponse:
    """The page with what is wrong with the choice, and no figures."""
    return render(request, "monitor/overview.html", {"form": form, "invalid": True}, status=400)


def _query(choice: Choice, werkgebied: tuple[str, ...]) -> str:
    """The choice as a query string; the whole werkgebied is left out (it is what nothing chosen means)."""
    from django.http import QueryDict

    scope, publication = choice.scope, choice.publication
    q = QueryDict(mutable=True)
    q["p1"], q["p2"], q["route"] = choice.p1.isoformat(), choice.p2.isoformat(), scope.route_code
    if scope.municipality_codes != werkgebied:
        q.setlist("municipality", list(scope.municipality_codes))
    if publication.on:
        q["publication"] = "on"
    return q.urlencode()


@access_rule(Rule.ROLE, roles=MONITOR_ROLES)
def overview(request: HttpRequest) -> HttpResponse:
    form, choice = _choice(request)
    if choice is None:
        return _refused(request, form)
    scope, p1, p2, publication = choice.scope, choice.p1, choice.p2, choice.publication
    # The two chosen dates and the trend's year ends in one pass over the data (two queries for all of them).
    ends = year_ends(scope=scope)
    computed = council_tables(peildata=[p1, p2, *ends], scope=scope)
    tables, trend = computed[:2], computed[2:]
    roles = active_roles(request.user)
    may_drill = bool(roles & Role.case_roles())
    rows = []
    for index, row in enumerate(tables[0].rows + tables[0].extra_rows):
        values = [(t.rows + t.extra_rows)[index].value for t in tables]
        rows.append(
            {
                "code": row.code,
                "label": row.label,
                "extra": row.kind == "extra",
                "cells": [(publication.show(v), t.peildatum) for v, t in zip(values, tables, strict=True)],
                "delta": None if publication.on else values[1] - values[0],
            }
        )
    established = []
    for table in tables:
        report = established_for(peildatum=table.peildatum, scope=scope)
        established.append(
            {
                "peildatum": table.peildatum,
                "report": report,
                "differences": differences(report.figures, table.figures()) if report else [],
                "form": EstablishForm(
                    initial={
                        "peildatum": table.peildatum.isoformat(),
                        "route": scope.route_code,
                        "municipality": ",".join(scope.municipality_codes),
                    }
                ),
            }
        )
    flows = outcome_flows(peildatum=p2, municipality_codes=scope.municipality_codes)
    timing = time_to_first_result(peildatum=p2, scope=scope)
    by_municipality = shown_breakdown(
        council_table_breakdown(peildatum=p2, scope=scope, by="municipality"), publication, total=tables[1]
    )
    by_school = shown_breakdown(
        council_table_breakdown(peildatum=p2, scope=scope, by="school"), publication, total=tables[1]
    )
    bottlenecks = bottleneck_counts(peildatum=p2, scope=scope)
    query = _query(choice, form.user_scope.codes)
    context = {
        "form": form,
        "scope": scope,
        "route_name": form.route_names.get(scope.route_code, scope.route_code),
        "regional": len(scope.municipality_codes) > 1,
        "tables": tables,
        "rows": rows,
        "published_count": len(PUBLISHED),
        "definitions": [*PUBLISHED, *EXTRA],
        "outcome_definition": PUBLISHED[1].definition,
        "notes": GENERAL_NOTES,
        "definitions_version": DEFINITIONS_VERSION,
        "publication": publication,
        "may_drill": may_drill and not publication.on,
        "may_establish": bool(roles & ESTABLISH_ROLES),
        "established": established,
        "query": query,
        "comparison": charts.comparison_chart(tables),
        "trend": charts.trend_charts(trend),
        "trend_tables": trend,
        "sankey": charts.sankey(
            flows,
            title=_("Van uitstroomprofiel via route naar het laatste resultaat: %(n)s trajecten tot %(p)s")
            % {"n": sum(f.value for f in flows if f.stage == 0), "p": p2.strftime("%d-%m-%Y")},
        ),
        "timing": timing,
        "timing_chart": charts.bar_chart(
            id="tijd",
            title=_timing_title(timing),
            labels=[label for label, _n in timing.buckets],
            series=[(_("trajecten"), [n for _label, n in timing.buckets])],
            x_label=_("aantal trajecten"),
        ),
        "by_municipality": by_municipality,
        "by_school": by_school,
        "municipality_chart": _breakdown_chart("per-gemeente", by_municipality, _("gemeente")),
        "school_chart": _breakdown_chart("per-school", by_school, _("school")),
        "bottlenecks": bottlenecks,
        "bottleneck_chart": charts.bar_chart(
            id="knelpunten",
            title=_("Meest gemelde knelpunt: %(label)s (%(n)s keer)")
            % {"label": bottlenecks[0][0], "n": bottlenecks[0][1]}
            if bottlenecks
            else _("Geen knelpunten gemeld"),
            labels=[b[0] for b in bottlenecks],
            series=[(_("gemeld"), [b[1] for b in bottlenecks]), (_("nog open"), [b[2] for b in bottlenecks])],
            x_label=_("aantal knelpunten"),
        )
        if bottlenecks
        else None,
    }
    return render(request, "monitor/overview.html", context)


def _timing_title(timing: Any) -> str:
    if timing.median_months is None:
        return _("Nog geen trajecten met een resultaat")
    return _("De helft van de trajecten heeft binnen %(m)s maanden een eerste resultaat") % {
        "m": f"{timing.median_months:.0f}"
    }


def _breakdown_chart(id: str, breakdown: ShownBreakdown, noun: str) -> charts.BarChart:
    """Participants per group, hidden numbers as in the table (no bar, only "<5" or "x")."""
    participants = list(breakdown.rows[0][1]) if breakdown.rows else []
    top = max(
        ((n, g) for n, g in zip(participants, breakdown.groups, strict=True) if isinstance(n, int)), default=(0, "")
    )
    # A visible number is never smaller than a hidden one ("x" takes the smallest), so a visible top is the top.
    if top[0]:
        title = _("De meeste deelnemers per %(noun)s: %(group)s (%(n)s)") % {"noun": noun, "group": top[1], "n": top[0]}
    elif any(isinstance(n, str) for n in participants):
        title = _("Deelnemers per %(noun)s; kleine aantallen zijn verborgen") % {"noun": noun}
    else:
        title = _("Geen deelnemers")
    return charts.bar_chart(
        id=id,
        title=title,
        labels=list(breakdown.groups),
        series=[(_("deelnemers actueel"), participants)],
        x_label=_("aantal jongeren"),
    )


@access_rule(Rule.ROLE, roles=MONITOR_ROLES)
def export(request: HttpRequest, fmt: str) -> HttpResponse:
    form, choice = _choice(request)
    if choice is None:
        return _refused(request, form)
    scope, p1, p2, publication = choice.scope, choice.p1, choice.p2, choice.publication
    tables = council_tables(peildata=[p1, p2], scope=scope)
    stem = f"monitor-{scope.route_code.lower()}-{p2.isoformat()}{'-publicatie' if publication.on else ''}"
    if fmt == "csv":
        response = HttpResponse(to_csv(tables[1], publication), content_type="text/csv; charset=utf-8")
    elif fmt in BREAKDOWN_CSV:
        by, suffix = BREAKDOWN_CSV[fmt]
        breakdown = council_table_breakdown(peildatum=p2, scope=scope, by=by)
        response = HttpResponse(
            breakdown_csv(breakdown, publication, total=tables[1]), content_type="text/csv; charset=utf-8"
        )
        stem += suffix
        fmt = "csv"
    elif fmt == "xlsx":
        breakdowns = [council_table_breakdown(peildatum=p2, scope=scope, by=b) for b in ("municipality", "school")]
        response = HttpResponse(
            to_xlsx(tables, publication, breakdowns),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
    elif fmt == "pdf":
        response = HttpResponse(to_pdf(tables, publication), content_type="application/pdf")
    else:
        raise Http404
    response["Content-Disposition"] = f'attachment; filename="{stem}.{fmt}"'
    access_log_append(
        actor=request.user,
        action=Action.EXPORT,
        result=AccessResult.ALLOWED,
        origin=Origin.from_request(request),
        object_type="monitor",
        object_ref=scope.key[:64],
        section=fmt,
        purpose="monitor:export",
    )
    return response


@require_POST
@access_rule(Rule.ROLE, roles=ESTABLISH_ROLES)
def establish(request: HttpRequest) -> HttpResponse:
    form = EstablishForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("De rapportage kon niet worden vastgesteld: de peildatum ontbreekt."))
        return redirect("monitor:overview")
    data = form.cleaned_data
    codes = [c for c in data["municipality"].split(",") if c]
    try:
        scope = scope_for(request.user, data["route"], codes)
        report_establish(actor=request.user, peildatum=data["peildatum"], scope=scope, note=data["note"])
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(
            request,
            _("De cijfers per %(p)s zijn vastgesteld. Latere wijzigingen ziet u als verschil.")
            % {"p": data["peildatum"].strftime("%d-%m-%Y")},
        )
    return redirect(f"{reverse('monitor:overview')}?{request.POST.get('back', '')}")


@access_rule(Rule.ROLE, roles=Role.case_roles())
def drilldown(request: HttpRequest) -> HttpResponse:
    code = request.GET.get("code", "")
    if code not in ALL_CATEGORIES:
        raise Http404
    form, choice = _choice(request)
    if choice is None:
        return _refused(request, form)
    scope = choice.scope
    peildatum_text = request.GET.get("peildatum", "")
    try:
        peildatum = date.fromisoformat(peildatum_text)
    except ValueError:
        raise Http404 from None
    trajectories = list(trajectories_behind(user=request.user, peildatum=peildatum, scope=scope, code=code)[:500])
    total = council_table(peildatum=peildatum, scope=scope).value(code)
    context = {
        "category": ALL_CATEGORIES[code],
        "peildatum": peildatum,
        "trajectories": trajectories,
        "total": total,
        "back": _query(choice, form.user_scope.codes),
    }
    return render(request, "monitor/drilldown.html", context)


def _upload_dir() -> Path:
    folder = Path(settings.VAR_DIR) / "imports"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def _register_path(stored: Path) -> tuple[Path, Path | None]:
    """The path register_read takes: the workbook itself, or a folder with the CSV files from a .zip."""
    if stored.suffix == ".xlsx":
        return stored, None
    folder = Path(tempfile.mkdtemp(dir=_upload_dir()))
    wanted = {f"{name}.csv" for names in SHEETS.values() for name in names}
    with zipfile.ZipFile(stored) as archive:
        for info in archive.infolist():
            name = Path(info.filename).name  # never a path from inside the archive: no traversal
            if name.lower() in wanted and info.file_size <= 200 * 1024 * 1024:
                (folder / name.lower()).write_bytes(archive.read(info))
    return folder, folder


def _discard(token: str | None) -> None:
    if token:
        for path in _upload_dir().glob(f"{token}.*"):
            path.unlink(missing_ok=True)


@access_rule(Rule.ROLE, roles=IMPORT_ROLES)
def register_upload(request: HttpRequest) -> HttpResponse:
    plan = problems = None
    token = ""
    form = RegisterUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        _discard(request.session.pop(IMPORT_SESSION_KEY, None))
        upload = form.cleaned_data["register"]
        token = secrets.token_hex(16)
        stored = _upload_dir() / f"{token}{'.zip' if upload.name.lower().endswith('.zip') else '.xlsx'}"
        with stored.open("wb") as handle:
            for chunk in upload.chunks():
                handle.write(chunk)
        try:
            path, cleanup = _register_path(stored)
        except zipfile.BadZipFile:
            form.add_error("register", _("Dit .zip-bestand is beschadigd of geen zip."))
            stored.unlink(missing_ok=True)
        else:
            try:
                plan = register_read(path)
            except RegisterImportError as error:
                problems = error.problems
                stored.unlink(missing_ok=True)
            else:
                request.session[IMPORT_SESSION_KEY] = token
            finally:
                if cleanup:
                    shutil.rmtree(cleanup, ignore_errors=True)
    context = {
        "form": form,
        "plan": plan,
        "problems": problems,
        "confirm": RegisterConfirmForm(initial={"token": token}) if plan and plan.changes_anything else None,
    }
    status = 400 if (request.method == "POST" and (problems or form.errors)) else 200
    return render(request, "monitor/import.html", context, status=status)


@require_POST
@access_rule(Rule.ROLE, roles=IMPORT_ROLES)
def register_confirm(request: HttpRequest) -> HttpResponse:
    form = RegisterConfirmForm(request.POST)
    token = request.session.get(IMPORT_SESSION_KEY)
    if not form.is_valid() or not token or form.cleaned_data["token"] != token:
        messages.error(request, _("Deze voorvertoning is verlopen. Kies het bestand opnieuw."))
        return redirect("monitor:import")
    stored = next(iter(_upload_dir().glob(f"{token}.*")), None)
    if stored is None:
        messages.error(request, _("Het bestand is niet meer beschikbaar. Kies het opnieuw."))
        return redirect("monitor:import")
    path, cleanup = _register_path(stored)
    try:
        plan = register_read(path)  # checked again: the data may have changed since the preview
        register_import(actor=request.user, plan=plan)
    except RegisterImportError:
        messages.error(request, _("Het register is intussen niet meer in orde. Bekijk de voorvertoning opnieuw."))
        return redirect("monitor:import")
    finally:
        if cleanup:
            shutil.rmtree(cleanup, ignore_errors=True)
        _discard(token)
        request.session.pop(IMPORT_SESSION_KEY, None)
    messages.success(
        request,
        _("Het register is ingelezen: %(p)s jongeren, %(t)s trajecten en %(r)s resultaten nieuw of bijgewerkt.")
        % {
            "p": plan.participants.created + plan.participants.updated,
            "t": plan.trajectories.created + plan.trajectories.updated,
            "r": plan.results.created + plan.results.updated,
        },
    )
    return redirect("monitor:import")
