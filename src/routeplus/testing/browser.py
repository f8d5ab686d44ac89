"""The browser harness: Playwright driving Debian's headless Chromium, with axe for WCAG 2.1 AA checks.

Use the `page` fixture from routeplus.conftest together with `live_server`, log in with `browser_login`,
and call `assert_accessible(page)` on every page a journey visits.
"""

import os
import time
from collections.abc import Iterator
from typing import Any

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
WCAG_AA_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]


def chromium_page() -> Iterator[Any]:
    """Yield a fresh page in a new headless Chromium; closed afterwards."""
    from playwright.sync_api import sync_playwright

    # Playwright's sync API runs an event loop in this thread; Django's ORM guard would refuse the test's
    # own database calls made between browser steps, which are synchronous and safe here.
    # Set for this browser test only: left in the environment it would reach later tests' subprocesses
    # (the deploy check refuses it, async.E001).
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
            context = browser.new_context(locale="nl-NL", timezone_id="Europe/Amsterdam")
            page = context.new_page()
            page.set_default_timeout(10_000)
            try:
                yield page
            finally:
                context.close()
                browser.close()
                _close_connections_of_this_context()
    finally:
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


def _close_connections_of_this_context() -> None:
    """While Playwright's sync API is open its event loop counts as running in this thread, so Django keeps the
    database connections of the test's own queries (browser_login's, a test's checks) per context, apart from the
    ones the test database was set up with; pytest-django never closes them. Left open, one kept its session
    until the end of the run, and the test database could not be dropped ("being accessed by other users")."""
    from django.db import connections

    connections.close_all()


def assert_accessible(page: Any) -> None:
    """Fail with the list of violations when axe finds any WCAG 2.1 A/AA problem on the current page."""
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page, options={"runOnly": {"type": "tag", "values": WCAG_AA_TAGS}})
    violations = results.response["violations"]
    summary = [
        f"{v['id']} ({v['impact']}): {v['help']} at {[node['target'] for node in v['nodes']][:3]}" for v in violations
    ]
    assert not violations, f"axe found {len(violations)} WCAG 2.1 AA violation(s) on {page.url}:\n" + "\n".join(summary)


def browser_login(page: Any, base_url: str, email: str, password: str) -> None:
    """Log in through the real login pages, as a person would: password, then the code from the app.

    A test user without a second factor gets one with the fixed test secret, as if enrolled earlier;
    the code typed is the one an authenticator app would show now.
    """
    _ensure_test_device(email)
    page.goto(f"{base_url}/inloggen/")
    page.get_by_label("E-mailadres").fill(email)
    page.get_by_label("Wachtwoord").fill(password)
    # Each step waits for the page its form leads to: reading page.url straight after the click could
    # still see the page the click left.
    with page.expect_navigation():
        page.get_by_role("button", name="Inloggen").click()
    for _attempt in range(2):
        if "/inloggen/tweede-stap/" not in page.url:
            return
        page.get_by_label("Code", exact=True).fill(_current_test_code(email))
        with page.expect_navigation():
            page.get_by_role("button", name="Controleren").click()
        if "/inloggen/tweede-stap/" in page.url:
            # A code can be used once: a second login within the same 30 seconds waits for the next one.
            time.sleep(30 - time.time() % 30 + 0.5)


def _ensure_test_device(email: str) -> None:
    from routeplus.accounts.models import User
    from routeplus.testing.http import second_factor_device

    user = User.objects.filter(email=email.lower()).first()
    if user is not None:
        second_factor_device(user)


def _current_test_code(email: str) -> str:
    from routeplus.accounts.models import User
    from routeplus.accounts.two_factor import current_code
    from routeplus.testing.http import second_factor_device

    device = second_factor_device(User.objects.get(email=email.lower()))
    device.refresh_from_db()
    return current_code(device)
