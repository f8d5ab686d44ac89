"""The business-case page, its htmx fragment, the PDF report and saved scenarios, role by role."""

from decimal import Decimal

import pytest
from django.urls import reverse

from routeplus.accounts.models import Role
from routeplus.audit.models import ChangeLogEntry
from routeplus.finance.forms import initial_for
from routeplus.finance.model import View
from routeplus.finance.models import OutcomeMode, Scenario
from routeplus.finance.outcomes import CATEGORIES
from routeplus.finance.parameters import default_parameters
from routeplus.finance.selectors import Choices
from routeplus.finance.services import StaleVersionError, scenario_create, scenario_update
from routeplus.testing.factories import professional
from routeplus.testing.http import logged_in

pytestmark = pytest.mark.django_db
PAGE = reverse("finance:page")


def form_data(**changes: object) -> dict[str, object]:
    """What the page's form posts for the default choices, with changes."""
    data = {key: value for key, value in initial_for(Choices(), default_parameters()).items() if value is not None}
    data["cohorts"] = []
    data.update(changes)
    return {k: v for k, v in data.items() if v != []}


MANUAL = {
    "outcome_mode": OutcomeMode.MANUAL,
    **{f"chance__{c}": v for c, v in zip(CATEGORIES, [10, 15, 5, 25, 15, 10, 20], strict=True)},
}


@pytest.mark.parametrize("role", [Role.POLICY, Role.CASE_LEAD])
def test_policy_and_case_leads_open_the_page(role):
    response = logged_in(professional(role)).get(PAGE)
    assert response.status_code == 200
    content = response.content.decode()
    assert "Business case Route Arbeid+" in content
    assert 'id="bc-key-figures"' in content
    assert "<svg" in content and "Tabel bij deze grafiek" in content
    assert "standaardwaarde, vervang door eigen contractcijfers" in content


@pytest.mark.parametrize("role", [Role.SCHOOL_COORDINATOR, Role.JOB_COACH, Role.RESEARCHER, Role.FUNCTIONAL_ADMIN])
def test_other_roles_are_refused(role):
    client = logged_in(professional(role))
    assert client.get(PAGE).status_code == 403
    assert client.post(reverse("finance:report"), form_data()).status_code == 403


def test_policy_sees_the_menu_entry_and_case_leads_do_not():
    assert f'href="{PAGE}"' in logged_in(professional(Role.POLICY)).get(PAGE).content.decode()
    assert f'href="{PAGE}"' not in logged_in(professional(Role.CASE_LEAD)).get(PAGE).content.decode()


def test_a_change_returns_the_recomputed_fragment_for_htmx():
    client = logged_in(professional(Role.POLICY))
    low = client.post(PAGE, form_data(**MANUAL, route_cost=4200), headers={"HX-Request": "true"})
    high = client.post(PAGE, form_data(**MANUAL, route_cost=9000), headers={"HX-Request": "true"})
    assert low.status_code == high.status_code == 200
    assert "<html" not in low.content.decode()
    assert 'id="bc-key-figures"' in low.content.decode()
    assert 'hx-swap-oob="innerHTML"' in low.content.decode()
    assert low.content != high.content


def test_invalid_input_is_explained_and_kept():
    client = logged_in(professional(Role.POLICY))
    response = client.post(PAGE, form_data(route_cost=99999))
    assert response.status_code == 400
    content = response.content.decode()
    assert "De waarde moet tussen laag en hoog liggen." in content
    assert 'value="99999"' in content
    fragment = client.post(PAGE, form_data(**(MANUAL | {"chance__day_care": 50})), headers={"HX-Request": "true"})
    assert "dat moet 100% zijn" in fragment.content.decode()


def test_the_pdf_report_is_a_pdf():
    client = logged_in(professional(Role.POLICY))
    response = client.post(reverse("finance:report"), form_data(**MANUAL, name="Begroting 2027"))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    assert len(response.content) > 20_000  # charts, tables, assumptions and sources


def test_policy_saves_opens_updates_and_deletes_a_scenario():
    policy = professional(Role.POLICY)
    client = logged_in(policy)
    response = client.post(
        reverse("finance:scenario_save"), form_data(**MANUAL, route_cost=7000, name="Hoog", save_new="1")
    )
    scenario = Scenario.objects.get(name="Hoog")
    assert response.status_code == 302 and response["Location"].endswith(f"?scenario={scenario.uuid}")
    assert scenario.overrides == {"route_cost": {"value": 7000.0, "low": 4200.0, "high": 9000.0}}
    assert scenario.manual_chances["work"] == pytest.approx(0.25)
    assert ChangeLogEntry.objects.filter(object_ref=str(scenario.uuid), action="create").exists()

    opened = client.get(f"{PAGE}?scenario={scenario.uuid}").content.decode()
    assert 'value="7000"' in opened and "Geopend: scenario" in opened

    client.post(
        reverse("finance:scenario_save"),
        form_data(**MANUAL, route_cost=8000, name="Hoog", scenario=scenario.uuid, scenario_version=1, save="1"),
    )
    scenario.refresh_from_db()
    assert scenario.overrides["route_cost"]["value"] == 8000.0 and scenario.version == 2

    pdf = client.get(reverse("finance:scenario_report", args=[scenario.uuid]))
    assert pdf.content.startswith(b"%PDF")

    assert client.get(reverse("finance:scenario_delete", args=[scenario.uuid])).status_code == 200
    assert Scenario.objects.filter(pk=scenario.pk).exists()  # asking is not deleting
    client.post(reverse("finance:scenario_delete", args=[scenario.uuid]))
    assert not Scenario.objects.filter(pk=scenario.pk).exists()


def test_a_name_already_taken_is_refused_with_the_input_kept():
    policy = professional(Role.POLICY)
    scenario_create(actor=policy, name="Basis", choices=Choices())
    response = logged_in(policy).post(
        reverse("finance:scenario_save"), form_data(route_cost=6000, name="Basis", save_new="1")
    )
    assert response.status_code == 400
    assert "Er is al een scenario met deze naam" in response.content.decode()
    assert 'value="6000"' in response.content.decode()
    assert Scenario.objects.count() == 1


def test_case_leads_may_look_but_not_save():
    lead = logged_in(professional(Role.CASE_LEAD))
    assert "Scenario opslaan" not in lead.get(PAGE).content.decode()
    assert lead.post(reverse("finance:scenario_save"), form_data(name="X", save_new="1")).status_code == 403
    scenario = scenario_create(actor=professional(Role.POLICY), name="Basis", choices=Choices())
    assert lead.post(reverse("finance:scenario_delete", args=[scenario.uuid])).status_code == 403
    assert lead.get(reverse("finance:scenario_report", args=[scenario.uuid])).status_code == 200


def test_an_unknown_scenario_is_not_found():
    client = logged_in(professional(Role.POLICY))
    assert client.get(f"{PAGE}?scenario=8d5e2bc8-7c8e-4b55-9a51-1f9f8e0e0e0e").status_code == 404
    assert client.get(f"{PAGE}?scenario=not-a-uuid").status_code == 404


def test_a_stale_update_is_refused():
    policy = professional(Role.POLICY)
    scenario = scenario_create(actor=policy, name="Basis", choices=Choices(budget=Decimal("250000")))
    scenario_update(actor=policy, scenario=scenario, expected_version=1, name="Basis", choices=Choices())
    with pytest.raises(StaleVersionError):
        scenario_update(actor=policy, scenario=scenario, expected_version=1, name="Basis", choices=Choices())


def test_saved_choices_give_the_same_business_case_again():
    from routeplus.finance.selectors import business_case

    policy = professional(Role.POLICY)
    choices = Choices(
        overrides={"route_cost": {"value": 8000, "low": 4200, "high": 9000}},
        outcome_mode=OutcomeMode.MANUAL,
        manual_chances=dict(zip(CATEGORIES, [0.1, 0.15, 0.05, 0.25, 0.15, 0.1, 0.2], strict=True)),
        horizon=15,
        seed=42,
    )
    scenario = scenario_create(actor=policy, name="Vijftien jaar", choices=choices)
    scenario.refresh_from_db()
    again = Choices.from_scenario(scenario)
    first, second = business_case(choices=choices, draws=200), business_case(choices=again, draws=200)
    assert first.npv(View.SOCIETAL) == second.npv(View.SOCIETAL)
    assert list(first.monte_carlo[View.SOCIETAL].npv) == list(second.monte_carlo[View.SOCIETAL].npv)


def test_without_observed_outcomes_the_page_says_the_chances_mean_nothing():
    content = logged_in(professional(Role.POLICY)).get(PAGE).content.decode()
    assert "Er zijn nog geen bevestigde uitkomsten voor deze route" in content
