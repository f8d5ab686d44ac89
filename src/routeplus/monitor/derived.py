"""Keeping the monitor's derived result dates (`ResultDate`) equal to what the results and trajectories say.

Writers call `result_dates_refresh` with the participants whose results or trajectories they changed, inside
their own transaction; bulk loaders (the synthetic benchmark set, a restore) call `result_dates_rebuild` once at
the end. Both compute the rows in the database with one INSERT ... SELECT, so a register of tens of thousands of
participants costs four statements, not a query per participant.
"""

import json
from collections.abc import Iterable

from django.db import connection, transaction
from django.db.models import F, Min, Q
from django.db.models.expressions import RawSQL
from django.db.models.functions import Greatest

from routeplus.casefile.models import Result
from routeplus.monitor.models import ResultDate
from routeplus.trajectories.models import Trajectory


def _ids(ids: list[int]) -> RawSQL:
    """A list of ids as a subquery over one parameter (a JSON array), not one parameter per id: a register of
    20,000 participants is then one short statement to compile and send, on PostgreSQL and SQLite alike."""
    if connection.vendor == "postgresql":
        return RawSQL("SELECT jsonb_array_elements_text(%s::jsonb)::bigint", [json.dumps(ids)])
    return RawSQL("SELECT value FROM json_each(%s)", [json.dumps(ids)])


def _insert_firsts(condition: Q) -> None:
    """Insert the derived rows for the results that meet the condition (whose rows must be gone already)."""
    firsts = (
        Result.objects.filter(condition, trajectory__start_date__isnull=False)
        .values(
            kind=F("type"),
            who=F("trajectory__participant"),
            on_route=F("trajectory__route"),
            place=F("trajectory__municipality"),
        )
        .annotate(first=Min(Greatest("start_date", "trajectory__start_date")))
        .order_by()
    )
    inner, params = firsts.query.sql_with_params()
    table = connection.ops.quote_name(ResultDate._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (type, participant_id, route_id, municipality_id, counts_from) "  # noqa: S608  # nosec B608 (own SQL)
            f"SELECT kind, who, on_route, place, first FROM ({inner}) firsts",
            params,
        )


@transaction.atomic
def result_dates_refresh(*, participant_ids: Iterable[int] = (), trajectory_ids: Iterable[int] = ()) -> None:
    """Compute the derived rows again for these participants and the participants of these trajectories."""
    ids = set(participant_ids)
    if trajectories := sorted(set(trajectory_ids)):
        ids.update(Trajectory.objects.filter(pk__in=_ids(trajectories)).values_list("participant_id", flat=True))
    if not ids:
        return
    ordered = sorted(ids)
    ResultDate.objects.filter(participant_id__in=_ids(ordered)).delete()
    _insert_firsts(Q(trajectory__participant_id__in=_ids(ordered)))


@transaction.atomic
def result_dates_rebuild() -> None:
    """Compute every derived row again: after a bulk load that bypassed the services, or to check them."""
    ResultDate.objects.all().delete()
    _insert_firsts(Q())
