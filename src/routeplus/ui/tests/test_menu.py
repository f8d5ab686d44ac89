"""Every menu entry a role sees opens for that role: the menu never offers a page the access rules refuse."""

import pytest

from routeplus.accounts.models import Role
from routeplus.testing.factories import OrganisationFactory, SchoolFactory, municipality, professional
from routeplus.testing.http import logged_in
from routeplus.ui.context_processors import MENU

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("role", [r for r in Role.values if any(r in allowed for _n, _l, allowed in MENU)])
def test_each_menu_entry_of_a_role_opens_for_that_role(role: str) -> None:
    # An organisation with a werkgebied, as every real one has (the monitor shows no figures without one).
    organisation = SchoolFactory() if role == Role.SCHOOL_COORDINATOR else OrganisationFactory()
    organisation.municipalities.add(municipality())
    user = professional(role, organisation=organisation, is_staff=role == Role.FUNCTIONAL_ADMIN)
    client = logged_in(user)
    home = client.get("/", follow=True)
    entries = home.context["menu"]
    expected = {label for _name, label, allowed in MENU if role in allowed}
    assert {str(e["label"]) for e in entries} == {str(label) for label in expected}
    for entry in entries:
        assert client.get(entry["url"]).status_code == 200, (role, entry["url"])
