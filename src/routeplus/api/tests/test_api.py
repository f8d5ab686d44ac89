"""The API: authentication, the door and the access log, scopes, pagination, problems, optimistic locking."""

from datetime import timedelta

import pytest
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from routeplus.accounts.models import Role
from routeplus.api.models import ApiToken
from routeplus.api.services import api_token_revoke
from routeplus.api.tests.conftest import issue, token_client
from routeplus.audit.models import AccessLogEntry, Result
from routeplus.casefile import services as casefile
from routeplus.casefile.models import ContactMoment, Placement
from routeplus.testing.factories import TrajectoryFactory, municipality, on_team, professional
from routeplus.testing.http import logged_in

pytestmark = pytest.mark.django_db
PROBLEM = "application/problem+json"


def _last_log() -> AccessLogEntry:
    return AccessLogEntry.objects.order_by("-id").first()


def test_anonymous_browser_goes_to_login_and_bad_token_gets_401(trajectory):
    response = Client().get("/api/trajectories/")
    assert response.status_code == 302 and "/inloggen/" in response["Location"]
    bad = token_client("rp_0123456789_" + "x" * 43).get("/api/trajectories/")
    assert bad.status_code == 401
    assert bad["Content-Type"] == PROBLEM
    assert bad["WWW-Authenticate"].startswith("Bearer")


def test_token_lists_only_visible_trajectories_paginated_and_logged(lead_client, trajectory):
    TrajectoryFactory()  # someone else's case
    before = AccessLogEntry.objects.count()
    response = lead_client.get("/api/trajectories/")
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 1
    assert [row["uuid"] for row in body["results"]] == [str(trajectory.uuid)]
    assert "bsn" not in body["results"][0]["participant"]
    assert AccessLogEntry.objects.count() == before + 1
    assert _last_log().result == Result.ALLOWED


def test_filter_and_bounded_page_size(lead_on_team, trajectory):
    client = token_client(issue(lead_on_team))
    for _ in range(3):
        on_team(lead_on_team, TrajectoryFactory())
    assert client.get("/api/trajectories/?status=closed").json()["count"] == 0
    page = client.get("/api/trajectories/?page_size=2").json()
    assert page["count"] == 4 and len(page["results"]) == 2 and page["next"]
    assert client.get("/api/trajectories/?status=nonsense").status_code == 400


def test_detail_has_etag_and_other_case_is_404_with_refused_log(lead_client, trajectory):
    response = lead_client.get(f"/api/trajectories/{trajectory.uuid}/")
    assert response.status_code == 200
    assert response["ETag"] == f'"{trajectory.version}"'
    assert _last_log().object_ref == str(trajectory.uuid)
    other = TrajectoryFactory()
    refused = lead_client.get(f"/api/trajectories/{other.uuid}/")
    assert refused.status_code == 404 and refused["Content-Type"] == PROBLEM
    entry = _last_log()
    assert entry.result == Result.REFUSED and entry.object_ref == str(other.uuid)


def test_token_scope_limits_resources(lead_on_team, trajectory):
    client = token_client(issue(lead_on_team, scopes=["placements:read"]))
    assert client.get(f"/api/trajectories/{trajectory.uuid}/placements/").status_code == 200
    assert client.get("/api/trajectories/").status_code == 403
    denied = client.post(f"/api/trajectories/{trajectory.uuid}/placements/", {}, content_type="application/json")
    assert denied.status_code == 403 and denied["Content-Type"] == PROBLEM


def test_revoked_expired_and_foreign_organisation_tokens_stop_working(lead_on_team, trajectory):
    secret = issue(lead_on_team)
    assert token_client(secret).get("/api/trajectories/").status_code == 200
    token = ApiToken.objects.get()
    api_token_revoke(actor=lead_on_team, token=token)
    assert token_client(secret).get("/api/trajectories/").status_code == 401
    expired = issue(lead_on_team)
    ApiToken.objects.filter(revoked_at__isnull=True).update(expires_at=timezone.now() - timedelta(seconds=1))
    assert token_client(expired).get("/api/trajectories/").status_code == 401
    left = issue(lead_on_team)
    lead_on_team.memberships.update(is_active=False)
    assert token_client(left).get("/api/trajectories/").status_code == 401


def test_write_goes_through_the_service_with_field_errors(lead_client, trajectory):
    url = f"/api/trajectories/{trajectory.uuid}/contacts/"
    bad = lead_client.post(
        url,
        {"at": "2024-03-05T10:00:00+01:00", "channel": "phone", "with_whom": "participant", "reached": True},
        content_type="application/json",
    )
    assert bad.status_code == 400 and bad["Content-Type"] == PROBLEM
    assert [e["field"] for e in bad.json()["errors"]] == ["summary"]  # the service's rule, not the serializer's
    assert not ContactMoment.objects.exists()
    missing = lead_client.post(url, {}, content_type="application/json")
    assert {e["field"] for e in missing.json()["errors"]} >= {"at", "channel", "with_whom", "reached"}


def test_optimistic_locking_with_if_match(lead_on_team, lead_client, trajectory):
    contact = casefile.contact_moment_record(
        actor=lead_on_team, trajectory=trajectory, at=timezone.now(), channel="phone", with_whom="participant",
        reached=False,
    )  # fmt: skip
    url = f"/api/trajectories/{trajectory.uuid}/contacts/{contact.uuid}/"
    etag = lead_client.get(url)["ETag"]
    patch = {"summary": "Gebeld, niet opgenomen."}
    assert lead_client.patch(url, patch, content_type="application/json").status_code == 428
    stale = lead_client.patch(url, patch, content_type="application/json", HTTP_IF_MATCH='"99"')
    assert stale.status_code == 412 and stale["Content-Type"] == PROBLEM
    ok = lead_client.patch(url, patch, content_type="application/json", HTTP_IF_MATCH=etag)
    assert ok.status_code == 200
    contact.refresh_from_db()
    assert contact.summary == "Gebeld, niet opgenomen." and ok["ETag"] == f'"{contact.version}"'
    again = lead_client.patch(url, patch, content_type="application/json", HTTP_IF_MATCH=etag)
    assert again.status_code == 412


def test_placement_create_and_hidden_section_for_school(lead_on_team, lead_client, trajectory):
    employer = casefile.employer_create(actor=lead_on_team, name="Groenbedrijf", kind="social")
    created = lead_client.post(
        f"/api/trajectories/{trajectory.uuid}/placements/",
        {"kind": "internship", "employer": str(employer.uuid), "start_date": "2024-03-10", "status": "running"},
        content_type="application/json",
    )
    assert created.status_code == 201, created.content
    assert Placement.objects.filter(uuid=created.json()["uuid"], trajectory=trajectory).exists()
    assert created["ETag"] == '"1"'


def test_job_coach_does_not_see_wmo_provisions(trajectory):
    coach = professional(Role.JOB_COACH)
    on_team(coach, trajectory, role=Role.JOB_COACH)
    client = token_client(issue(coach))
    assert client.get(f"/api/trajectories/{trajectory.uuid}/provisions/").status_code == 200
    # A job coach has no education-only section hidden, but case management (status) is the case lead's.
    refused = client.post(
        f"/api/trajectories/{trajectory.uuid}/status/",
        {"to_status": "closed", "effective_date": "2024-04-01", "reason": "x"},
        content_type="application/json",
        HTTP_IF_MATCH=f'"{trajectory.version}"',
    )
    assert refused.status_code == 404


def test_policy_user_gets_aggregates_only():
    policy_user = professional(Role.POLICY)
    policy_user.memberships.get().organisation.municipalities.add(municipality())  # werkgebied: Groningen
    client = token_client(issue(policy_user))
    table = client.get("/api/monitor/council-table/?peildatum=2024-12-31")
    assert table.status_code == 200
    assert {row["code"] for row in table.json()["rows"]} >= {"deelnemers_actueel", "uitval"}
    assert client.get("/api/trajectories/").status_code == 403
    assert client.get("/api/participants/").status_code == 403
    assert client.get("/api/monitor/council-table/?peildatum=nodate").status_code == 400


def test_session_needs_both_factors(lead_on_team, trajectory):
    assert logged_in(lead_on_team, verified=False).get("/api/trajectories/").status_code == 403
    assert logged_in(lead_on_team).get("/api/trajectories/").json()["count"] == 1


def test_school_coordinator_reads_registrations_of_own_school():
    school_user = professional(Role.SCHOOL_COORDINATOR)
    school = school_user.memberships.get().organisation
    registered = TrajectoryFactory(participant__school=school, status="registered", start_date=None)
    client = token_client(issue(school_user))
    assert [row["uuid"] for row in client.get("/api/trajectories/").json()["results"]] == [str(registered.uuid)]
    assert client.get("/api/registrations/").status_code == 200


def test_management_command_creates_lists_and_revokes(lead_on_team, capsys):
    organisation = lead_on_team.memberships.get().organisation
    call_command(
        "api_token", "create", "--name", "CRM", "--user", lead_on_team.email,
        "--organisation", organisation.name, "--scope", "trajectories:read",
    )  # fmt: skip
    secret = capsys.readouterr().out.strip()
    token = ApiToken.objects.get()
    assert token.matches(secret) and token.scopes == ["trajectories:read"]
    assert secret not in token.secret_digest
    call_command("api_token", "list")
    assert "active" in capsys.readouterr().out
    call_command("api_token", "revoke", token.prefix)
    token.refresh_from_db()
    assert token.revoked_at is not None


def test_schema_validates_without_warnings_and_docs_page_lists_operations(lead_on_team, tmp_path):
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(tmp_path / "schema.yaml"))
    assert "/api/trajectories/{trajectory_uuid}/placements/" in (tmp_path / "schema.yaml").read_text()
    client = logged_in(lead_on_team)
    assert client.get("/api/schema/?format=json").json()["info"]["title"] == "routeplus API"
    page = client.get("/api/docs/")
    assert page.status_code == 200 and b"trajectories_placements_create" in page.content


def test_a_nul_character_in_a_related_code_is_a_field_error_not_a_server_error(lead_client, trajectory):
    # PostgreSQL refuses NUL in any text it is asked to compare; schemathesis found this as a 500.
    url = f"/api/trajectories/{trajectory.uuid}/provisions/"
    response = lead_client.post(url, {"kind": "wmo\x00", "status": "applied"}, content_type="application/json")
    assert response.status_code == 400 and response["Content-Type"] == PROBLEM
    assert [e["field"] for e in response.json()["errors"]] == ["kind"]
