"""Pages of the privacy officer (processing register) and the consent section of a case file."""

import csv
from io import BytesIO, StringIO
from uuid import UUID

from django.contrib import messages
from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from routeplus.access.door import access_case_file, can_manage
from routeplus.access.rules import Rule, access_rule
from routeplus.accounts.models import Organisation, Role
from routeplus.audit.models import Action, Result
from routeplus.audit.services import Origin, access_log_append
from routeplus.participants.models import Participant
from routeplus.privacy.forms import ConsentForm, ResearchExportForm, SubjectRequestForm, SubjectSearchForm
from routeplus.privacy.models import SubjectRequest
from routeplus.privacy.research import research_export
from routeplus.privacy.selectors import consent_history, processing_register, sharing_bases, subject_candidates
from routeplus.privacy.services import (
    consent_record,
    subject_request_approve,
    subject_request_create,
    subject_request_deliver_access,
    subject_request_execute,
)
from routeplus.trajectories.models import TeamMember
from routeplus.trajectories.views import add_form_errors

PRIVACY_ROLES = (Role.PRIVACY_OFFICER,)
CONSENT_SECTION = "consent"
REGISTER_COLUMNS = [
    ("name", "Verwerking"),
    ("purpose", "Doel"),
    ("legal_basis", "Grondslag"),
    ("categories", "Categorieën persoonsgegevens"),
    ("data_subjects", "Betrokkenen"),
    ("recipients", "Ontvangers"),
    ("retention", "Bewaartermijn"),
    ("security", "Beveiliging"),
]


def _cell(activity: dict, key: str) -> str:
    value = activity[key]
    if key == "legal_basis":
        return "; ".join(f"{b['article']}{' (te verifiëren)' if b.get('to_verify') else ''}" for b in value)
    if isinstance(value, list):
        return ", ".join(value)
    return str(value)


def register_rows() -> list[list[str]]:
    return [
        [_cell(activity, key) for key, _label in REGISTER_COLUMNS] for activity in processing_register()["activities"]
    ]


@access_rule(Rule.ROLE, roles=PRIVACY_ROLES)
def register(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "privacy/register.html",
        {
            "register": processing_register(),
            "headers": [label for _key, label in REGISTER_COLUMNS],
            "rows": register_rows(),
        },
    )


@access_rule(Rule.ROLE, roles=PRIVACY_ROLES)
def register_export(request: HttpRequest, fmt: str) -> HttpResponse:
    headers = [label for _key, label in REGISTER_COLUMNS]
    rows = register_rows()
    stamp = processing_register()["version"]
    if fmt == "csv":
        buffer = StringIO()
        writer = csv.writer(buffer)
        writer.writerow(headers)
        writer.writerows(rows)
        response = HttpResponse(buffer.getvalue(), content_type="text/csv; charset=utf-8")
    else:
        from openpyxl import Workbook
        from openpyxl.styles import Alignment, Font

        book = Workbook()
        sheet = book.active
        assert sheet is not None
        sheet.title = "Verwerkingsregister"
        sheet.append(headers)
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        for row in rows:
            sheet.append(row)
        for column in sheet.columns:
            sheet.column_dimensions[column[0].column_letter].width = 40
            for cell in column:
                cell.alignment = Alignment(wrap_text=True, vertical="top")
        out = BytesIO()
        book.save(out)
        response = HttpResponse(
            out.getvalue(), content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        )
    response["Content-Disposition"] = f'attachment; filename="verwerkingsregister-{stamp}.{fmt}"'
    return response


@access_rule(Rule.CASE_FILE)
def consent(request: HttpRequest, trajectory_uuid: UUID) -> HttpResponse:
    manage = request.method == "POST"
    trajectory = access_case_file(
        request=request,
        trajectory_uuid=trajectory_uuid,
        section=CONSENT_SECTION,
        action="update" if manage else "read",
        manage=manage,
    )
    participant = trajectory.participant
    team_organisations = Organisation.objects.filter(
        id__in=TeamMember.objects.filter(trajectory=trajectory).values("organisation_id")
    ).order_by("name")
    form = ConsentForm(request.POST or None, organisations=team_organisations)
    if manage and form.is_valid():
        try:
            consent_record(actor=request.user, participant=participant, **form.cleaned_data)
        except ValidationError as error:
            add_form_errors(form, error)
        else:
            messages.success(
                request,
                _("De toestemming is vastgelegd. Dit geldt vanaf de volgende keer dat iemand het dossier opent."),
            )
            return redirect("privacy:consent", trajectory_uuid=trajectory.uuid)
    today = timezone.localdate()
    overview = [
        {
            "organisation": organisation,
            "bases": list(sharing_bases(participant=participant, organisation=organisation, on=today).values()),
        }
        for organisation in team_organisations
    ]
    return render(
        request,
        "privacy/consent.html",
        {
            "trajectory": trajectory,
            "participant": participant,
            "overview": overview,
            "history": consent_history(participant=participant),
            "form": form if can_manage(request.user, trajectory) else None,
        },
        status=400 if form.errors else 200,
    )


@access_rule(Rule.ROLE, roles=PRIVACY_ROLES)
def requests(request: HttpRequest) -> HttpResponse:
    """The list of requests; posting the search form finds the data subject to open a new request for."""
    search = SubjectSearchForm(request.POST if "search" in request.POST else None)
    create = SubjectRequestForm(request.POST if "create" in request.POST else None)
    matches = []
    if search.is_bound and search.is_valid():
        matches = subject_candidates(**search.cleaned_data)
        access_log_append(
            actor=request.user,
            action=Action.SEARCH,
            result=Result.ALLOWED,
            origin=Origin.from_request(request),
            object_type="participant",
            section="privacy",
            purpose=f"zoeken betrokkene: {len(matches)} gevonden",
        )
    if create.is_bound and create.is_valid():
        participant = Participant.objects.filter(uuid=create.cleaned_data["participant"]).first()
        if participant is None:
            create.add_error(None, _("Deze jongere bestaat niet (meer). Zoek opnieuw."))
        else:
            try:
                subject_request = subject_request_create(
                    actor=request.user,
                    participant=participant,
                    kind=create.cleaned_data["kind"],
                    received_on=create.cleaned_data["received_on"],
                    reference=create.cleaned_data["reference"],
                    origin=Origin.from_request(request),
                )
            except ValidationError as error:
                add_form_errors(create, error)
            else:
                messages.success(request, _("Het verzoek is geregistreerd."))
                return redirect("privacy:request_detail", request_uuid=subject_request.uuid)
    return render(
        request,
        "privacy/requests.html",
        {
            "search": search,
            "matches": matches,
            "create": create,
            "requests": SubjectRequest.objects.select_related("created_by").prefetch_related("approvals")[:200],
        },
        status=400 if search.errors or create.errors else 200,
    )


@access_rule(Rule.ROLE, roles=PRIVACY_ROLES)
def request_detail(request: HttpRequest, request_uuid: UUID) -> HttpResponse:
    subject_request = (
        SubjectRequest.objects.select_related("participant", "created_by").filter(uuid=request_uuid).first()
    )
    if subject_request is None:
        raise Http404
    origin = Origin.from_request(request)
    if request.method == "POST":
        step = request.POST.get("step")
        try:
            if step == "download":
                archive = subject_request_deliver_access(actor=request.user, request=subject_request, origin=origin)
                response = HttpResponse(archive, content_type="application/zip")
                response["Content-Disposition"] = f'attachment; filename="inzage-{subject_request.reference}.zip"'
                return response
            if step == "approve":
                subject_request_approve(actor=request.user, request=subject_request, origin=origin)
                messages.success(request, _("Uw goedkeuring is vastgelegd."))
            elif step == "execute":
                subject_request_execute(actor=request.user, request=subject_request, origin=origin)
                messages.success(request, _("Het verzoek is uitgevoerd."))
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        return redirect("privacy:request_detail", request_uuid=subject_request.uuid)
    return render(
        request,
        "privacy/request_detail.html",
        {
            "subject_request": subject_request,
            "approvals": subject_request.approvals.select_related("approver"),
            "already_approved": subject_request.approvals.filter(approver_id=request.user.pk).exists(),
        },
    )


@access_rule(Rule.ROLE, roles=(Role.RESEARCHER,))
def research(request: HttpRequest) -> HttpResponse:
    """Researchers download the pseudonymised export, stating its purpose; every export is logged."""
    form = ResearchExportForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            export = research_export(route_code=form.cleaned_data["route"])
        except ImproperlyConfigured:
            form.add_error(
                None, _("De sleutel voor pseudonimisering is niet ingesteld. Vraag de gemeente dit te doen.")
            )
        else:
            access_log_append(
                actor=request.user,
                action=Action.EXPORT,
                result=Result.ALLOWED,
                origin=Origin.from_request(request),
                object_type="research_export",
                section="research",
                purpose=f"{form.cleaned_data['purpose']} ({len(export.rows)} rijen)",
            )
            response = HttpResponse(export.csv(), content_type="text/csv; charset=utf-8")
            stamp = timezone.localdate().isoformat()
            response["Content-Disposition"] = f'attachment; filename="routeplus-onderzoek-{stamp}.csv"'
            return response
    return render(request, "privacy/research.html", {"form": form}, status=400 if form.errors else 200)
