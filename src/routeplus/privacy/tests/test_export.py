"""The data-subject export is complete by introspection: every tagged field of every personal model."""

import io
import json
import zipfile
from datetime import date

import pytest
from django.apps import apps
from django.urls import reverse

from routeplus.accounts.models import Role
from routeplus.audit.models import AccessLogEntry
from routeplus.privacy.export import subject_export_data
from routeplus.privacy.models import RequestKind, RequestStatus
from routeplus.privacy.personal_data import PERSONAL_MODELS
from routeplus.privacy.tests.filler import fully_filled_participant
from routeplus.testing.factories import professional
from routeplus.testing.http import logged_in

pytestmark = pytest.mark.django_db


def test_every_tagged_field_of_every_personal_model_is_in_the_export():
    made = fully_filled_participant()
    participant = made["participants.participant"]

    data = subject_export_data(participant=participant)

    missing = []
    for personal in PERSONAL_MODELS:
        model = apps.get_model(personal.label)
        rows = data["gegevens"].get(str(model._meta.verbose_name_plural), [])
        if not personal.fields:
            continue
        if not rows:
            missing.append(f"{personal.label}: no rows")
            continue
        for name in personal.fields:
            key = str(model._meta.get_field(name).verbose_name)
            if not any(row.get(key) not in (None, "", {}) for row in rows):
                missing.append(f"{personal.label}.{name}")
    assert not missing, f"Missing from the export: {missing}"
    text = json.dumps(data, ensure_ascii=False)
    for value in ("111222333", "0612345678", "jongere@example.nl", "waarde-contactmoment-summary"):
        assert value in text


def test_privacy_officer_registers_an_access_request_and_downloads_the_zip():
    made = fully_filled_participant()
    participant = made["participants.participant"]
    officer = professional(Role.PRIVACY_OFFICER)
    client = logged_in(officer)
    url = reverse("privacy:requests")

    found = client.post(url, {"search": "1", "bsn": "111222333"})
    assert participant.family_name in found.text
    created = client.post(
        url,
        {
            "create": "1",
            "participant": str(participant.uuid),
            "kind": RequestKind.ACCESS,
            "received_on": "2024-04-01",
            "reference": "AVG-2024-7",
        },
    )
    assert created.status_code == 302
    assert "111222333" not in created.headers["Location"]

    download = client.post(created.headers["Location"], {"step": "download"})
    archive = zipfile.ZipFile(io.BytesIO(download.content))
    assert set(archive.namelist()) == {"gegevens.json", "inzage.pdf"}
    assert archive.read("inzage.pdf").startswith(b"%PDF")
    assert "111222333" in archive.read("gegevens.json").decode()
    request = participant.subject_requests.get(reference="AVG-2024-7")
    assert request.status == RequestStatus.DONE
    assert AccessLogEntry.objects.filter(action="export", participant_ref=str(participant.uuid), actor=officer).exists()


def test_the_export_includes_who_read_the_file():
    made = fully_filled_participant()
    participant = made["participants.participant"]
    trajectory = made["trajectories.trajectory"]
    lead = professional(Role.CASE_LEAD)
    from routeplus.testing.factories import on_team

    on_team(lead, trajectory)
    made["privacy.restriction"].delete()  # the filled participant is restricted; lift it to read the file
    assert (
        logged_in(lead).get(reverse("trajectories:case_file", kwargs={"trajectory_uuid": trajectory.uuid})).status_code
        == 200
    )

    history = subject_export_data(participant=participant)["inzagegeschiedenis"]
    assert any(entry["handeling"] == "Inzien" and entry["resultaat"] == "Toegestaan" for entry in history)


@pytest.mark.parametrize("role", [Role.CASE_LEAD, Role.POLICY, Role.FUNCTIONAL_ADMIN, Role.RESEARCHER])
def test_only_privacy_officers_handle_requests(role):
    assert logged_in(professional(role)).get(reverse("privacy:requests")).status_code == 403


def test_search_without_enough_data_explains_what_to_fill_in():
    response = logged_in(professional(Role.PRIVACY_OFFICER)).post(
        reverse("privacy:requests"), {"search": "1", "family_name": "Jansen"}
    )
    assert response.status_code == 400
    assert "achternaam én de geboortedatum" in response.text


def test_birth_date_search_finds_by_name_and_date():
    made = fully_filled_participant()
    participant = made["participants.participant"]
    response = logged_in(professional(Role.PRIVACY_OFFICER)).post(
        reverse("privacy:requests"),
        {
            "search": "1",
            "family_name": participant.family_name.upper(),
            "birth_date": participant.birth_date.isoformat(),
        },
    )
    assert participant.given_name in response.text
    assert date(2008, 5, 17) == participant.birth_date
