"""The processing register: complete per activity, shown to the privacy officer only, exportable."""

from io import BytesIO

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from routeplus.accounts.models import Role
from routeplus.privacy.selectors import REGISTER_FIELDS, processing_register
from routeplus.testing.factories import professional
from routeplus.testing.http import logged_in

pytestmark = pytest.mark.django_db


def test_every_activity_names_purpose_basis_categories_recipients_and_retention():
    activities = processing_register()["activities"]
    assert len(activities) >= 4
    for activity in activities:
        assert all(activity[field] for field in REGISTER_FIELDS), activity["id"]


def test_privacy_officer_sees_the_register_and_others_do_not():
    url = reverse("privacy:register")
    page = logged_in(professional(Role.PRIVACY_OFFICER)).get(url)
    assert page.status_code == 200
    assert "Monitor en verantwoording aan de gemeenteraad" in page.text
    for role in (Role.CASE_LEAD, Role.POLICY, Role.RESEARCHER):
        assert logged_in(professional(role)).get(url).status_code == 403


def test_register_exports_as_excel_and_csv():
    client = logged_in(professional(Role.PRIVACY_OFFICER))
    xlsx = client.get(reverse("privacy:register_export", kwargs={"fmt": "xlsx"}))
    sheet = load_workbook(BytesIO(xlsx.content)).active
    assert sheet["A1"].value == "Verwerking"
    assert sheet.max_row == len(processing_register()["activities"]) + 1

    csv = client.get(reverse("privacy:register_export", kwargs={"fmt": "csv"}))
    assert csv.content.decode().splitlines()[0].startswith("Verwerking,Doel,Grondslag")
