"""A user's memberships are read once per request, by the door and the access log together."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from routeplus.accounts.models import Role
from routeplus.audit.models import AccessLogEntry
from routeplus.testing.factories import TrajectoryFactory, on_team, professional
from routeplus.testing.http import logged_in

pytestmark = pytest.mark.django_db


def test_a_case_file_reads_the_users_memberships_once():
    lead = professional(Role.CASE_LEAD)
    trajectory = TrajectoryFactory()
    on_team(lead, trajectory)
    client = logged_in(lead)

    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("trajectories:case_file", args=[trajectory.uuid]))

    assert response.status_code == 200
    reads = [q["sql"] for q in queries.captured_queries if 'FROM "accounts_membership"' in q["sql"]]
    assert len(reads) == 1, reads
    entry = AccessLogEntry.objects.filter(object_ref=str(trajectory.uuid)).latest("id")
    organisation = lead.memberships.get().organisation
    assert entry.actor_organisations == organisation.name and entry.actor_roles == Role.CASE_LEAD
