"""The floors of the page measurements: what the stack costs with (almost) nothing of ours on top.

Mounted only when ROUTEPLUS_BENCHMARK is on (conf/urls.py), never in a normal deployment. Both run the same
middleware as every page (session, login, CSP, the access rule), so the difference to a real page is the
cost of our selectors, templates and logging. Both show only the logged-in user's own data.
"""

from datetime import date
from html import escape
from typing import Any
from uuid import UUID

from django.db import connection
from django.http import HttpRequest, HttpResponse
from django.utils import timezone

from routeplus.access.rules import Rule, access_rule
from routeplus.accounts.models import Membership, Municipality, Organisation, Role
from routeplus.participants.models import Participant, age_on
from routeplus.trajectories.models import Route, Status, TeamMember, Trajectory

CASE_ROLES = tuple(sorted(Role.case_roles()))
ROWS = 50


@access_rule(Rule.AUTHENTICATED)
def trivial(request: HttpRequest) -> HttpResponse:
    """The cheapest logged-in page: the session and the user are loaded, nothing else."""
    return HttpResponse("<!doctype html><title>ok</title><p>ok</p>", content_type="text/html; charset=utf-8")


def caseload_sql() -> str:
    """The caseload's first 50 rows (default sort by name) in one statement, with the access door's rule:
    on the team today, or a registration of a pupil of the user's own school for a school coordinator.

    Written as the fastest single statement we know: each branch of the rule is its own indexed lookup
    (a UNION, not an OR that would force a scan of every trajectory), then one sort of the user's rows.
    """
    q = connection.ops.quote_name
    t, p, r, m = (q(x._meta.db_table) for x in (Trajectory, Participant, Route, Municipality))
    tm, ms, o = (q(x._meta.db_table) for x in (TeamMember, Membership, Organisation))
    case_roles = ", ".join(["%s"] * len(CASE_ROLES))
    return f"""
        SELECT t.uuid, p.family_name, p.given_name, p.birth_date, r.name, t.status, m.name, t.registered_on, t.id
        FROM {t} t
        JOIN {p} p ON p.id = t.participant_id
        JOIN {r} r ON r.id = t.route_id
        JOIN {m} m ON m.id = t.municipality_id
        WHERE t.id IN (
            SELECT tm.trajectory_id FROM {tm} tm
            WHERE tm.user_id = %s AND tm.start_date <= %s AND (tm.end_date IS NULL OR tm.end_date >= %s)
              AND EXISTS (SELECT 1 FROM {ms} ms WHERE ms.user_id = %s AND ms.is_active = %s
                          AND ms.role IN ({case_roles}))
            UNION
            SELECT t2.id FROM {t} t2 JOIN {p} p2 ON p2.id = t2.participant_id
            WHERE t2.status IN (%s, %s) AND p2.school_id IN (
                SELECT ms.organisation_id FROM {ms} ms JOIN {o} o ON o.id = ms.organisation_id
                WHERE ms.user_id = %s AND ms.is_active = %s AND ms.role = %s AND o.kind = %s)
        )
        ORDER BY p.family_name, p.given_name, t.id
        LIMIT {ROWS}
    """  # noqa: S608  # nosec B608  (table names come from the models, values are parameters)


def caseload_rows(user_id: int, today: date) -> list[tuple[Any, ...]]:
    params = [
        user_id, today, today, user_id, True, *CASE_ROLES, Status.REGISTERED, Status.WAITING,
        user_id, True, Role.SCHOOL_COORDINATOR, "school",
    ]  # fmt: skip
    with connection.cursor() as cursor:
        cursor.execute(caseload_sql(), [str(x) if isinstance(x, str) else x for x in params])  # type: ignore[misc]
        return list(cursor.fetchall())


@access_rule(Rule.AUTHENTICATED)
def caseload_floor(request: HttpRequest) -> HttpResponse:
    """The same 50 rows as the caseload's first page, one query, rendered as plain HTML."""
    today = timezone.localdate()
    labels = dict(Status.choices)
    parts = ["<!doctype html><title>caseload floor</title><table>"]
    rows = caseload_rows(int(request.user.pk or 0), today)
    for uuid, family, given, birth, route, status, municipality, registered, _id in rows:
        born = birth if isinstance(birth, date) else date.fromisoformat(str(birth))
        parts.append(
            f"<tr><td><a href='/dossier/{UUID(str(uuid))}/'>{escape(family)}, {escape(given)}</a></td>"
            f"<td>{age_on(born, today)}</td><td>{escape(route)}</td><td>{escape(str(labels.get(status, status)))}</td>"
            f"<td>{escape(municipality)}</td><td>{registered}</td></tr>"
        )
    parts.append("</table>")
    return HttpResponse("".join(parts), content_type="text/html; charset=utf-8")
