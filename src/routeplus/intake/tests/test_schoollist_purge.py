"""The daily job deletes school-list previews older than a day and keeps fresh previews and confirmed lists."""

from datetime import datetime
from io import StringIO
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.core.management import call_command

from routeplus.accounts.models import Role
from routeplus.audit.models import AccessLogEntry, Action
from routeplus.intake.models import SchoolListUpload
from routeplus.testing.factories import SchoolFactory, professional, route

pytestmark = pytest.mark.django_db

AMS = ZoneInfo("Europe/Amsterdam")
ROW = {"row": 2, "given_name": "Daan", "family_name": "Hoving", "birth_date": "2009-03-14"}


def preview(at: datetime, time_machine: Any, **fields: Any) -> SchoolListUpload:
    school = SchoolFactory()
    coordinator = professional(Role.SCHOOL_COORDINATOR, organisation=school)
    time_machine.move_to(at, tick=False)
    return SchoolListUpload.objects.create(
        school=school,
        route=route("RA_PLUS"),
        case_lead=professional(Role.CASE_LEAD),
        uploaded_by=coordinator,
        file_name="leerlingen.csv",
        rows=[ROW],
        **fields,
    )


def test_the_daily_job_deletes_previews_older_than_a_day_and_keeps_the_rest(time_machine: Any) -> None:
    stale = preview(datetime(2026, 3, 1, 9, 59, tzinfo=AMS), time_machine)
    confirmed = preview(
        datetime(2026, 2, 1, 9, 0, tzinfo=AMS), time_machine, state=SchoolListUpload.State.IMPORTED, imported_count=1
    )
    almost = preview(datetime(2026, 3, 1, 10, 1, tzinfo=AMS), time_machine)
    fresh = preview(datetime(2026, 3, 2, 9, 0, tzinfo=AMS), time_machine)

    time_machine.move_to(datetime(2026, 3, 2, 10, 0, tzinfo=AMS), tick=False)
    out = StringIO()
    call_command("purge_schoollist_previews", stdout=out)

    remaining = set(SchoolListUpload.objects.values_list("pk", flat=True))
    assert stale.pk not in remaining
    assert remaining == {confirmed.pk, almost.pk, fresh.pk}
    assert "purged 1" in out.getvalue()
    entry = AccessLogEntry.objects.filter(action=Action.COMMAND, object_type="schoollist").get()
    assert "Hoving" not in entry.purpose


def test_the_purge_is_a_scheduled_job() -> None:
    from routeplus.ops.tests.test_deploy import DEPLOY, job_commands

    assert "purge_schoollist_previews" in job_commands()
    assert "$ROUTEPLUS purge_schoollist_previews" in (DEPLOY / "cron.d-routeplus").read_text()
    timer = (DEPLOY / "systemd" / "routeplus-purge_schoollist_previews.timer").read_text()
    assert "Unit=routeplus-job@purge_schoollist_previews.service" in timer
