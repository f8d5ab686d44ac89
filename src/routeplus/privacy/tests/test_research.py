"""The research export: pseudonymised, no names, BSN or free text, small cells grouped, logged with purpose."""

import csv
import io
from datetime import date

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.urls import reverse

from routeplus.accounts.models import Role
from routeplus.audit.models import AccessLogEntry
from routeplus.casefile.models import Result
from routeplus.privacy.research import OTHER, pseudonym, research_export
from routeplus.testing.factories import TrajectoryFactory, municipality, professional
from routeplus.testing.http import logged_in

pytestmark = pytest.mark.django_db
KEY = "k" * 40


@pytest.fixture(autouse=True)
def research_key(settings):
    settings.ROUTEPLUS_RESEARCH_KEY = KEY
    settings.ROUTEPLUS_RESEARCH_MIN_CELL = 3


def test_rows_carry_no_identity_and_a_stable_keyed_pseudonym():
    trajectory = TrajectoryFactory(
        participant__given_name="Zeldzaam", participant__bsn="111222333", participant__birth_date=date(2007, 8, 9)
    )
    Result.objects.create(trajectory=trajectory, type="arbeid", start_date=date(2024, 5, 1), note="geheime notitie")

    export = research_export(threshold=1)
    text = export.csv()

    for secret in ("Zeldzaam", "111222333", "2007-08-09", "geheime notitie", str(trajectory.participant.uuid)):
        assert secret not in text
    row = export.rows[0]
    assert row["pseudoniem"] == pseudonym(str(trajectory.participant.uuid), KEY.encode())
    assert (row["geboortejaar"], row["gestart_maand"], row["resultaten"]) == ("2007", "2024-03", "arbeid")
    assert research_export(threshold=1).rows[0]["pseudoniem"] == row["pseudoniem"]


def test_values_shared_by_fewer_participants_than_the_threshold_are_grouped():
    for _ in range(3):
        TrajectoryFactory(municipality=municipality("GM0014"))
    TrajectoryFactory(municipality=municipality("GM1699"))

    export = research_export()

    places = sorted(row["gemeente"] for row in export.rows)
    assert places == ["GM0014", "GM0014", "GM0014", OTHER]
    assert export.suppressed["gemeente"] == 1


def test_without_a_key_the_export_refuses_with_a_clear_message(settings):
    settings.ROUTEPLUS_RESEARCH_KEY = ""
    with pytest.raises(ImproperlyConfigured, match="RESEARCH_EXPORT_KEY"):
        research_export()


def test_researcher_downloads_with_a_purpose_and_the_export_is_logged():
    TrajectoryFactory()
    researcher = professional(Role.RESEARCHER)
    client = logged_in(researcher)
    url = reverse("privacy:research")

    refused = client.post(url, {"purpose": ""})
    assert refused.status_code == 400
    response = client.post(url, {"purpose": "Evaluatie Hanze 2026"})

    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    assert len(rows) == 1
    entry = AccessLogEntry.objects.get(action="export", actor=researcher)
    assert "Evaluatie Hanze 2026" in entry.purpose


@pytest.mark.parametrize("role", [Role.CASE_LEAD, Role.POLICY, Role.PRIVACY_OFFICER])
def test_only_researchers_use_the_research_export(role):
    assert logged_in(professional(role)).get(reverse("privacy:research")).status_code == 403
