"""The access log: append-only, chained, verified; durable across a rolled-back request; fail closed;
the privacy officer's search and export; management commands logged; no personal data in app logs."""

import csv
import io
import logging

import pytest
from django.core.management import CommandError, call_command
from django.db import connection, transaction
from django.http import HttpResponse
from django.test import RequestFactory
from django.urls import reverse

from routeplus.access.door import access_case_file
from routeplus.accounts.models import Role
from routeplus.audit import services
from routeplus.audit.models import AccessLogEntry, Action, Result
from routeplus.audit.services import Origin, access_log_append
from routeplus.testing.factories import TrajectoryFactory, on_team, professional
from routeplus.testing.http import logged_in
from routeplus.ui.middleware import AccessLogMiddleware

pytestmark = pytest.mark.django_db


def write(n: int) -> None:
    for i in range(n):
        access_log_append(
            actor=None, action=Action.READ, result=Result.ALLOWED, origin=Origin("10.0.0.1"), purpose=str(i)
        )


def test_verify_passes_on_an_intact_chain():
    write(5)
    out = io.StringIO()
    call_command("verify_access_log", stdout=out)
    assert "intact" in out.getvalue()


@pytest.mark.parametrize(
    ("tamper", "reason"),
    [
        ("UPDATE audit_accesslogentry SET purpose = 'changed' WHERE id = %s", "content does not match"),
        ("DELETE FROM audit_accesslogentry WHERE id = %s", "removed or reordered"),
    ],
)
def test_tampering_is_found_and_the_first_break_reported(tamper, reason):
    write(5)
    target = AccessLogEntry.objects.order_by("id")[2]
    with connection.cursor() as cursor:
        cursor.execute(tamper, [target.id])
    with pytest.raises(CommandError, match=reason) as excinfo:
        call_command("verify_access_log", stdout=io.StringIO())
    assert "entry" in str(excinfo.value)


def test_entries_cannot_be_changed_or_deleted_through_the_orm():
    write(1)
    entry = AccessLogEntry.objects.get()
    entry.purpose = "other"
    with pytest.raises(PermissionError):
        entry.save()
    with pytest.raises(PermissionError):
        entry.delete()
    with pytest.raises(PermissionError):
        AccessLogEntry.objects.all().update(purpose="x")
    with pytest.raises(PermissionError):
        AccessLogEntry.objects.all().delete()


def test_an_entry_survives_a_rolled_back_request():
    lead = professional(Role.CASE_LEAD)
    trajectory = TrajectoryFactory()
    on_team(lead, trajectory)

    def view(request):
        try:
            with transaction.atomic():
                access_case_file(request=request, trajectory_uuid=trajectory.uuid)
                raise RuntimeError("the write after the read failed")
        except RuntimeError:
            return HttpResponse(status=500)

    request = RequestFactory().get("/dossier/")
    request.user = lead
    request.resolver_match = None
    before = AccessLogEntry.objects.count()
    AccessLogMiddleware(view)(request)
    entries = list(AccessLogEntry.objects.all()[before:])
    assert len(entries) == 1
    assert entries[0].participant_ref == str(trajectory.participant.uuid)
    assert services.REWRITTEN_NOTE.strip() in entries[0].purpose
    call_command("verify_access_log", stdout=io.StringIO())  # the chain is still whole


def test_data_is_not_shown_when_the_log_cannot_be_written(monkeypatch):
    lead = professional(Role.CASE_LEAD)
    trajectory = TrajectoryFactory()
    on_team(lead, trajectory)

    def broken(values):
        raise RuntimeError("database full")

    client = logged_in(lead)
    monkeypatch.setattr(services, "_write", broken)
    response = client.get(reverse("trajectories:caseload"))
    assert response.status_code == 503
    assert trajectory.participant.family_name not in response.content.decode()
    with pytest.raises(RuntimeError):
        client.get(reverse("trajectories:case_file", args=[trajectory.uuid]))


def test_a_list_page_writes_one_entry_with_its_category():
    lead = professional(Role.CASE_LEAD)
    client = logged_in(lead)
    before = AccessLogEntry.objects.count()
    assert client.get(reverse("trajectories:caseload")).status_code == 200
    entries = list(AccessLogEntry.objects.all()[before:])
    assert len(entries) == 1
    assert entries[0].actor == lead and entries[0].object_ref == "trajectories:caseload"


def test_privacy_officer_searches_and_exports_per_participant_and_per_user():
    officer = professional(Role.PRIVACY_OFFICER)
    lead = professional(Role.CASE_LEAD, email="lead@example.nl")
    trajectory = TrajectoryFactory()
    on_team(lead, trajectory)
    logged_in(lead).get(reverse("trajectories:case_file", args=[trajectory.uuid]))
    client = logged_in(officer)
    participant = str(trajectory.participant.uuid)
    page = client.get(reverse("audit:access_log"), {"jongere": participant})
    assert page.status_code == 200
    assert [e.participant_ref for e in page.context["page"]] == [participant]
    lookup = client.post(reverse("audit:access_log"), {"email": "lead@example.nl"})
    assert lookup.status_code == 302 and str(lead.uuid) in lookup["Location"] and "lead@" not in lookup["Location"]
    export = client.get(reverse("audit:access_log_export"), {"gebruiker": str(lead.uuid)})
    rows = list(csv.DictReader(io.StringIO(export.content.decode())))
    assert rows and all(row["actor_label"] == "lead@example.nl" or row["object_ref"] == str(lead.uuid) for row in rows)
    assert any(row["participant_ref"] == participant for row in rows)
    # Others may not read the log.
    assert logged_in(lead).get(reverse("audit:access_log"), {"jongere": participant}).status_code == 403


def test_policy_page_and_export_for_the_privacy_officer():
    client = logged_in(professional(Role.PRIVACY_OFFICER))
    assert client.get(reverse("audit:access_policy")).status_code == 200
    export = client.get(reverse("audit:access_policy_export")).content.decode()
    rows = list(csv.DictReader(io.StringIO(export)))
    cells = {(r["category"], r["role"], r["relation"], r["action"]) for r in rows}
    assert ("case_file", "case_lead", "team", "read") in cells
    assert ("case_file", "case_lead", "team", "manage") in cells
    assert not any(r["role"] == "policy" and r["category"] == "case_file" for r in rows)
    assert ("health", "case_lead", "team", "read") in cells  # merged from access/sections.py


def test_management_commands_are_logged():
    call_command("verify_access_log", stdout=io.StringIO())
    logged = AccessLogEntry.objects.filter(action=Action.COMMAND, object_ref="verify_access_log")
    assert list(logged.values_list("purpose", flat=True)) == ["started", "finished"]


def test_application_logs_hold_no_names_or_bsn(caplog):
    lead = professional(Role.CASE_LEAD)
    trajectory = TrajectoryFactory(
        participant__given_name="Zoë", participant__family_name="Uniekenaam", participant__bsn="111222333"
    )
    on_team(lead, trajectory)
    client = logged_in(lead)
    with caplog.at_level(logging.DEBUG):
        client.get(reverse("trajectories:case_file", args=[trajectory.uuid]))
        client.get(reverse("trajectories:case_file", args=[TrajectoryFactory().uuid]))  # refused
        client.post(reverse("accounts:login"), {"username": "zoe.uniekenaam@example.nl", "password": "wrong"})
    text = "\n".join(record.getMessage() for record in caplog.records)
    for secret in ("Uniekenaam", "111222333", "zoe.uniekenaam"):
        assert secret not in text
