"""Browser journey: a policy officer opens the business case, changes a parameter and sees the result change."""

import re

import pytest
from playwright.sync_api import expect

from routeplus.accounts.models import Role
from routeplus.testing.browser import assert_accessible, browser_login
from routeplus.testing.factories import professional

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_policy_officer_changes_a_parameter_and_sees_the_result_update(live_server, page):
    professional(Role.POLICY, email="beleid@example.nl", full_name="Bea Beleid")
    browser_login(page, live_server.url, "beleid@example.nl", "secret-password-123")

    page.get_by_role("navigation", name="Hoofdmenu").get_by_role("link", name="Business case").click()
    expect(page.get_by_role("heading", name="Business case Route Arbeid+")).to_be_visible()
    assert_accessible(page)

    societal = page.locator('#bc-key-figures td[data-view="societal"]')
    before = societal.inner_text()
    route_cost = page.get_by_role("group", name="Kosten Route Arbeid+ per deelnemer per jaar").get_by_label(
        re.compile("^Waarde")
    )
    with page.expect_response(lambda r: r.url.endswith("/businesscase/") and r.request.method == "POST"):
        route_cost.fill("9000")
    page.wait_for_function(
        "before => document.querySelector('#bc-key-figures td[data-view=\"societal\"]').innerText !== before",
        arg=before,
    )
    after = societal.inner_text()
    assert after != before
    # The screen-reader announcement carries the new figure too.
    assert after in page.locator("#bc-announce").inner_text()
    assert_accessible(page)
