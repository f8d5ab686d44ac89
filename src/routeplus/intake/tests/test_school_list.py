"""The school list: upload (CSV or XLSX), a preview with every problem per row and column, confirm, all or nothing."""

import io
from dataclasses import replace

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook

from routeplus.accounts.models import Role
from routeplus.intake.forms import CASE_LEAD_SEARCH
from routeplus.intake.models import Registration, SchoolListUpload
from routeplus.participants.models import Participant
from routeplus.testing.factories import ParticipantFactory, SchoolFactory, municipality, professional
from routeplus.testing.http import logged_in
from routeplus.trajectories.models import Trajectory
from routeplus.ui.choice_search import search_button

from .conftest import fund

pytestmark = pytest.mark.django_db

UPLOAD = reverse("intake:school_list")
HEADER = "leerlingnummer;bsn;voornaam;achternaam;geboortedatum;woongemeente;uitstroomprofiel;verwachte_uitstroomdatum"
GOOD_ROWS = [
    "L-1;;Daan;Hoving;14-03-2009;Groningen;dagbesteding;10-07-2026",
    "L-2;111222333;Noor;Zuidema;2009-11-02;GM0014;Dagbesteding;10-07-2026",
]


@pytest.fixture
def school():
    return SchoolFactory(name="Praktijkschool De Wegwijzer")


@pytest.fixture
def coordinator(school):
    return professional(Role.SCHOOL_COORDINATOR, organisation=school, full_name="Pieter Bakker")


def csv_file(*rows: str, header: str = HEADER, name: str = "leerlingen.csv") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, ("\n".join([header, *rows]) + "\n").encode("utf-8"), content_type="text/csv")


def xlsx_file(rows: list[list[object]]) -> SimpleUploadedFile:
    book = Workbook()
    sheet = book.active
    sheet.title = "leerlingen"
    sheet.append(HEADER.split(";"))
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return SimpleUploadedFile("leerlingen.xlsx", buffer.getvalue())


def upload(client, school, lead, file):
    response = client.post(
        UPLOAD,
        {
            "file": file,
            "school": school.pk,
            "route": "RA_PLUS",
            "case_lead": lead.pk,
            "reason": "Verwachte schoolverlater.",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    return response["Location"], SchoolListUpload.objects.get(uuid=response["Location"].rstrip("/").rsplit("/", 1)[1])


def test_a_good_csv_list_is_previewed_then_registered_in_one_go(frozen, area, school, coordinator, lead):
    fund(area, places=1)
    client = logged_in(coordinator)
    location, stored = upload(client, school, lead, csv_file(*GOOD_ROWS))
    assert "Hoving" not in location and "111222333" not in location

    preview = client.get(location)
    content = preview.content.decode()
    assert preview.status_code == 200
    assert "Hoving, Daan" in content and "Zuidema, Noor" in content
    assert "Bevestigen en aanmelden" in content
    assert not Participant.objects.exists()  # a preview writes nothing

    confirmed = client.post(location)
    assert confirmed.status_code == 302
    registrations = Registration.objects.order_by("id")
    assert [r.trajectory.participant.family_name for r in registrations] == ["Hoving", "Zuidema"]
    assert {r.school for r in registrations} == {school}
    # one funded place: the first row is admitted, the second waits
    assert [r.outcome for r in registrations] == [Registration.Outcome.ADMITTED, Registration.Outcome.WAITING]
    assert all(r.trajectory.team.filter(user=lead, role=Role.CASE_LEAD).exists() for r in registrations)
    stored.refresh_from_db()
    assert stored.state == SchoolListUpload.State.IMPORTED
    assert stored.rows == []  # personal data is not kept after the import
    assert "2 leerlingen aangemeld" in client.get(location).content.decode()

    again = client.post(location)  # confirming twice writes nothing more
    assert again.status_code == 400
    assert Registration.objects.count() == 2


def test_a_bad_row_is_named_by_row_and_column_and_nothing_is_written(frozen, area, school, coordinator, lead):
    client = logged_in(coordinator)
    location, stored = upload(
        client,
        school,
        lead,
        csv_file(
            GOOD_ROWS[0],
            "L-2;123456789;Noor;Zuidema;31-02-2009;Tynaarlo;werk;10-07-2026",
            "L-3;;Sem;Bosma;2009-01-01;Groningen;arbeidsmarkt;10-07-2026",
        ),
    )
    content = client.get(location).content.decode()
    assert stored.problems  # kept with the preview
    problems = {(row, column) for row, column, _message in stored.problems}
    assert {(3, "bsn"), (3, "geboortedatum"), (3, "uitstroomprofiel"), (4, "uitstroomprofiel")} <= problems
    assert "31-02-2009 bestaat niet als datum" in content
    assert "geen geldig BSN" in content
    assert "Het uitstroomprofiel is arbeidsmarkt" in content
    assert "Bevestigen en aanmelden" not in content

    refused = client.post(location)
    assert refused.status_code == 400
    assert not Participant.objects.exists()
    assert not Trajectory.objects.exists()
    assert not Registration.objects.exists()


def test_a_municipality_where_the_route_does_not_run_is_a_problem_of_that_row(frozen, area, school, coordinator, lead):
    client = logged_in(coordinator)
    location, stored = upload(
        client, school, lead, csv_file(GOOD_ROWS[0], "L-2;;Noor;Zuidema;2009-11-02;Tynaarlo;dagbesteding;10-07-2026")
    )
    assert {(row, column) for row, column, _m in stored.problems} == {(3, "woongemeente"), (3, "")}
    assert "De route loopt niet in Tynaarlo" in client.get(location).content.decode()


def test_an_xlsx_list_with_real_dates_is_read(frozen, area, school, coordinator, lead):
    from datetime import datetime

    client = logged_in(coordinator)
    rows = [
        ["L-1", None, "Daan", "Hoving", datetime(2009, 3, 14), "Groningen", "dagbesteding", datetime(2026, 7, 10)],
        ["L-2", 111222333, "Noor", "Zuidema", "02-11-2009", "GM0014", "dagbesteding", "2026-07-10"],
    ]
    location, stored = upload(client, school, lead, xlsx_file(rows))
    assert stored.problems == []
    assert client.post(location).status_code == 302
    assert sorted(Participant.objects.values_list("bsn", flat=True)) == ["", "111222333"]


def test_duplicates_within_the_file_name_the_earlier_row(frozen, area, school, coordinator, lead):
    client = logged_in(coordinator)
    _location, stored = upload(
        client,
        school,
        lead,
        csv_file(
            *GOOD_ROWS,
            "L-3;111222333;Noortje;Zuidema;2009-11-02;Groningen;dagbesteding;10-07-2026",
            "L-1;;Daan;Hoving-Smit;2009-03-14;Groningen;dagbesteding;10-07-2026",
        ),
    )
    messages = {(row, column): message for row, column, message in stored.problems}
    assert "dezelfde leerling als rij 3 (zelfde BSN)" in messages[(4, "bsn")]
    assert "dezelfde leerling als rij 3 (zelfde achternaam en geboortedatum)" in messages[(4, "achternaam")]
    assert "dezelfde leerling als rij 2 (zelfde leerlingnummer)" in messages[(5, "leerlingnummer")]


def test_duplicates_against_routeplus_name_only_pupils_of_the_own_school(frozen, area, school, coordinator, lead):
    from datetime import date

    ParticipantFactory(given_name="Noor", family_name="Zuidema", bsn="111222333", school=SchoolFactory())
    ParticipantFactory(given_name="Daniël", family_name="Hoving", birth_date=date(2009, 3, 14), school=school)
    client = logged_in(coordinator)
    location, stored = upload(client, school, lead, csv_file(*GOOD_ROWS))
    messages = {(row, column): message for row, column, message in stored.problems}
    assert "Hoving, geboren 14-03-2009, leerling van uw school" in messages[(2, "achternaam")]
    other = messages[(3, "bsn")]
    assert "staat al in routeplus (zelfde BSN)" in other
    assert "niet bij uw school hoort (gegevens afgeschermd)" in other
    content = client.get(location).content.decode()
    assert "17-05-2008" not in content and "17-5-2008" not in content  # the other school's pupil's birth date
    assert client.post(location).status_code == 400
    assert Participant.objects.count() == 2


def test_the_confirmation_checks_again_and_writes_nothing_when_a_row_is_refused_now(
    frozen, area, school, coordinator, lead
):
    client = logged_in(coordinator)
    location, stored = upload(client, school, lead, csv_file(*GOOD_ROWS))
    assert stored.problems == []
    # Between preview and confirmation someone registers the second pupil by hand.
    ParticipantFactory(given_name="Noor", family_name="Zuidema", bsn="111222333")
    refused = client.post(location)
    assert refused.status_code == 400
    content = refused.content.decode()
    assert "Er is niets ingelezen" in content
    assert "Er is al een jongere met dit BSN" in content
    assert Participant.objects.count() == 1  # the first row was rolled back too
    assert not Registration.objects.exists()


def test_only_the_own_school_and_the_own_upload(frozen, area, school, coordinator, lead):
    other_school = SchoolFactory()
    client = logged_in(coordinator)
    refused = client.post(
        UPLOAD,
        {
            "file": csv_file(*GOOD_ROWS),
            "school": other_school.pk,
            "route": "RA_PLUS",
            "case_lead": lead.pk,
            "reason": "x",
        },
    )
    assert refused.status_code == 400
    assert not SchoolListUpload.objects.exists()

    location, _stored = upload(client, school, lead, csv_file(*GOOD_ROWS))
    colleague_elsewhere = professional(Role.SCHOOL_COORDINATOR, organisation=other_school)
    assert logged_in(colleague_elsewhere).get(location).status_code == 404
    assert logged_in(colleague_elsewhere).post(location).status_code == 404
    assert logged_in(lead).get(UPLOAD).status_code == 403  # a case lead registers one by one
    assert not Participant.objects.exists()


def test_missing_columns_and_wrong_file_types_are_refused_clearly(frozen, area, school, coordinator, lead):
    client = logged_in(coordinator)
    _location, stored = upload(
        client, school, lead, csv_file("Daan;Hoving", header="voornaam;achternaam;klas", name="lijst.csv")
    )
    messages = {(row, column): message for row, column, message in stored.problems}
    assert messages[(1, "klas")].startswith("Onbekende kolom")
    assert messages[(1, "geboortedatum")] == "Deze kolom ontbreekt."
    wrong = client.post(
        UPLOAD,
        {
            "file": SimpleUploadedFile("lijst.pdf", b"%PDF"),
            "school": school.pk,
            "route": "RA_PLUS",
            "case_lead": lead.pk,
            "reason": "x",
        },
    )
    assert wrong.status_code == 400
    assert "CSV-bestand (.csv) of een Excel-werkmap (.xlsx)" in wrong.content.decode()


def test_the_sample_file_in_the_documentation_reads_without_problems(frozen, area, school, coordinator, lead):
    from pathlib import Path

    sample = Path(__file__).resolve().parents[1] / "static" / "intake" / "schoollijst-voorbeeld.csv"
    client = logged_in(coordinator)
    _location, stored = upload(client, school, lead, SimpleUploadedFile(sample.name, sample.read_bytes()))
    assert stored.problems == []
    assert len(stored.rows) == 2
    assert {row["municipality_id"] for row in stored.rows} == {municipality("GM0014").pk}


def test_the_case_lead_is_searched_once_there_are_many_and_the_search_uploads_nothing(
    frozen, area, school, coordinator, monkeypatch
):
    """Above the limit (a hundred in use, one here) the list's case lead is searched; a search reads no file."""
    monkeypatch.setattr("routeplus.intake.forms.CASE_LEAD_SEARCH", replace(CASE_LEAD_SEARCH, limit=1))
    wanted = professional(Role.CASE_LEAD, full_name="Wim Wijkteam")
    professional(Role.CASE_LEAD, full_name="Anna Anders")
    client = logged_in(coordinator)
    sent = {
        "file": csv_file(*GOOD_ROWS),
        "school": school.pk,
        "route": "RA_PLUS",
        "reason": "Verwachte schoolverlater.",
    }

    page = client.post(UPLOAD, {**sent, "case_lead_search": "wijk", search_button("case_lead"): "1"})

    assert page.status_code == 200
    assert not SchoolListUpload.objects.exists()
    text = page.content.decode()
    assert f'<option value="{wanted.pk}">Wim Wijkteam</option>' in text and "Anna Anders" not in text
    assert "Kies het bestand opnieuw" in text
    _location, uploaded = upload(client, school, wanted, csv_file(*GOOD_ROWS))
    assert uploaded.case_lead == wanted
