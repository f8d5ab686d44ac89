"""Functional administration: areas never overlap per route, and every save is in the change log."""

from decimal import Decimal

import pytest
from django.contrib.admin.sites import site
from django.test import RequestFactory

from routeplus.audit.models import ChangeLogEntry
from routeplus.intake.admin import CapacityAreaForm
from routeplus.intake.models import BudgetLine, CapacityArea
from routeplus.testing.factories import UserFactory, municipality, route

pytestmark = pytest.mark.django_db


def test_a_municipality_belongs_to_one_active_area_per_route():
    groningen = municipality("GM0014")
    overlapping = CapacityAreaForm(
        data={
            "route": route("RA_PLUS").pk,
            "name": "Stad en Ommeland",
            "municipalities": [groningen.pk],
            "is_active": True,
        }
    )
    assert not overlapping.is_valid()
    assert "Gemeente Groningen" in overlapping.errors["municipalities"][0]

    other_route = CapacityAreaForm(
        data={"route": route("ROUTE_ARBEID").pk, "name": "Stad", "municipalities": [groningen.pk], "is_active": True}
    )
    assert other_route.is_valid(), other_route.errors


def test_a_budget_line_saved_in_the_admin_is_in_the_change_log():
    admin_user = UserFactory(is_staff=True, is_superuser=True)
    request = RequestFactory().post("/beheer/")
    request.user = admin_user
    model_admin = site._registry[BudgetLine]
    form = model_admin.get_form(request)(
        data={
            "area": CapacityArea.objects.get(name="Gemeente Groningen").pk,
            "year": 2026,
            "amount": "250000.00",
            "kind": "structural",
            "source": "Raadsbrief",
            "decision_reference": "197775-2025",
            "places": "",
            "note": "",
        }
    )
    assert form.is_valid(), form.errors
    line = form.save(commit=False)
    model_admin.save_model(request, line, form, change=False)
    assert BudgetLine.objects.get().amount == Decimal("250000.00")
    entry = ChangeLogEntry.objects.get(object_type="intake.budgetline")
    assert entry.actor == admin_user
    assert entry.changes["decision_reference"] == [None, "197775-2025"]
