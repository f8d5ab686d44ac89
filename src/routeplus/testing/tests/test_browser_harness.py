"""The browser harness leaves nothing behind that would keep the test database from being dropped."""

import pytest
from django.db import connection

from routeplus.accounts.models import User
from routeplus.testing.browser import chromium_page


@pytest.mark.skipif(connection.vendor != "postgresql", reason="sessions on the database server: PostgreSQL only")
def test_the_tests_own_queries_during_a_browser_test_leave_no_session_open(transactional_db: None) -> None:
    pages = chromium_page()
    next(pages)  # Playwright's event loop runs in this thread from here on, as in a browser test
    User.objects.exists()  # a query of the test's own, as browser_login makes
    assert connection.connection is not None
    used = connection.connection.info.backend_pid
    with pytest.raises(StopIteration):
        next(pages)  # the page fixture's teardown
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM pg_stat_activity WHERE pid = %s", [used])
        (still_open,) = cursor.fetchone()
    assert connection.connection.info.backend_pid != used  # outside Playwright: the test's usual connection
    assert still_open == 0
