"""The authorization matrix: every route from the URL configuration x every role x every relation to the case.

For each cell the test logs in a user (both factors done) with that role and relation, calls the route with
example identifiers of a real case, and compares the outcome with the policy table (access/policy.toml) and
the route's declared rule. An allow the policy does not grant fails the build; so does a route without an
access rule. Along the way it checks, over all routes: exactly one complete access-log entry per request
that touches personal data, a refused entry with 404 for another organisation's case, and the security
headers (CSP with a fresh nonce on every HTML response, no inline script without it).
"""

import re
import uuid
from collections import Counter
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import pytest
from django.contrib import admin
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver
from django.utils import timezone

from routeplus.access.policy import CASE_FILE, Relation, policy
from routeplus.access.rules import AccessSpec, Rule, spec_of
from routeplus.accounts.models import Membership, Role
from routeplus.audit.models import AccessLogEntry, Result
from routeplus.testing.factories import (
    OrganisationFactory,
    SchoolFactory,
    TeamMemberFactory,
    TrajectoryFactory,
    UserFactory,
)
from routeplus.testing.factories import route as route_by_code
from routeplus.testing.http import logged_in
from routeplus.trajectories.models import Handover, HandoverKind, Status

pytestmark = pytest.mark.django_db

CELL_RELATIONS = (*Relation.CASE, "no_membership")
REFUSED_STATUSES = {401, 403, 404, 405, 429}
NONCE = re.compile(r"'nonce-([^']+)'")
SCRIPT_TAG = re.compile(r"<script\b[^>]*>", re.IGNORECASE)


@dataclass(frozen=True)
class Route:
    pattern: str
    name: str
    namespace: str
    callback: Any

    @property
    def id(self) -> str:
        return self.name or self.pattern


def _walk(patterns: list[Any], prefix: str = "", namespace: str = "") -> list[Route]:
    routes: list[Route] = []
    for entry in patterns:
        if isinstance(entry, URLResolver):
            space = ":".join(filter(None, [namespace, entry.namespace or ""]))
            routes += _walk(entry.url_patterns, prefix + str(entry.pattern), space)
        elif isinstance(entry, URLPattern):
            full = ":".join(filter(None, [namespace, entry.name or ""]))
            routes.append(Route(prefix + str(entry.pattern), full, namespace, entry.callback))
    return routes


def all_routes() -> list[Route]:
    """Every route of the URL configuration. Django's admin contributes its index and each model's list,
    add and change pages (its other patterns are regular expressions over the same views)."""
    routes = []
    for route in _walk(get_resolver().url_patterns):
        if route.namespace.startswith("admin"):
            continue
        routes.append(route)
    routes.append(Route("beheer/", "admin:index", "admin", None))
    for model in admin.site._registry:
        meta = model._meta
        base = f"beheer/{meta.app_label}/{meta.model_name}/"
        routes.append(Route(base, f"admin:{meta.app_label}_{meta.model_name}_changelist", "admin", None))
        routes.append(Route(base + "add/", f"admin:{meta.app_label}_{meta.model_name}_add", "admin", None))
    return routes


ROUTES = all_routes()


def test_every_route_declares_an_access_rule():
    missing = [r.id for r in ROUTES if r.callback is not None and spec_of(r.callback, r.namespace) is None]
    assert not missing, f"routes without @access_rule: {missing}"


def test_every_declared_category_is_in_the_policy_table():
    known = set(policy().categories)
    unknown = {
        f"{r.id}: {spec.category}"
        for r in ROUTES
        if r.callback is not None
        and (spec := spec_of(r.callback, r.namespace)) is not None
        and spec.category
        and spec.category not in known
    }
    assert not unknown, f"categories missing from access/policy.toml: {sorted(unknown)}"


class World:
    """One real case: an active trajectory with a case lead of organisation A on its team, a registration of a
    pupil of the same school, and a trajectory handed over (warm handover) ten days ago whose overlap lasts
    another twenty days. Example identifiers in URLs point at these."""

    def __init__(self) -> None:
        self.school = SchoolFactory()
        self.org_a = OrganisationFactory()
        self.active = TrajectoryFactory(participant__school=self.school, status=Status.ACTIVE)
        self.registered = TrajectoryFactory(participant__school=self.school, status=Status.REGISTERED, start_date=None)
        handover_date = timezone.localdate() - timedelta(days=10)
        self.previous = TrajectoryFactory(
            participant__school=self.school, status=Status.CLOSED, end_date=handover_date, end_reason="Overgedragen"
        )
        self.handed_over = TrajectoryFactory(
            participant=self.previous.participant,
            route=route_by_code("ROUTE_ARBEID"),
            registered_on=handover_date,
            start_date=handover_date,
            previous=self.previous,
        )
        lead = UserFactory()
        Membership.objects.create(user=lead, organisation=self.org_a, role=Role.CASE_LEAD)
        for trajectory in (self.active, self.registered, self.handed_over):
            TeamMemberFactory(trajectory=trajectory, user=lead, organisation=self.org_a, role=Role.CASE_LEAD)
        Handover.objects.create(
            from_trajectory=self.previous,
            to_trajectory=self.handed_over,
            kind=HandoverKind.ROUTE,
            handover_date=handover_date,
            overlap_until=handover_date + timedelta(days=30),
            what_to_know="Werkt graag buiten.",
            created_by=lead,
        )

    def trajectory_for(self, relation: str) -> Any:
        if relation == Relation.PREVIOUS_TEAM:
            return self.handed_over
        return self.registered if relation == Relation.SCHOOL else self.active

    def user(self, role: str, relation: str) -> Any:
        user = UserFactory(is_staff=role == Role.FUNCTIONAL_ADMIN)
        trajectory = self.trajectory_for(relation)
        if relation == Relation.TEAM:
            org = OrganisationFactory()
            Membership.objects.create(user=user, organisation=org, role=role)
            TeamMemberFactory(trajectory=trajectory, user=user, organisation=org, role=role)
        elif relation == Relation.PREVIOUS_TEAM:  # on the old team at the handover, in this role
            org = OrganisationFactory()
            Membership.objects.create(user=user, organisation=org, role=role)
            TeamMemberFactory(trajectory=self.previous, user=user, organisation=org, role=role)
        elif relation == Relation.SCHOOL:
            Membership.objects.create(user=user, organisation=self.school, role=role)
        elif relation == Relation.ORGANISATION:
            Membership.objects.create(user=user, organisation=self.org_a, role=role)
        elif relation == Relation.OTHER_ORGANISATION:
            Membership.objects.create(user=user, organisation=OrganisationFactory(), role=role)
        else:  # no_membership: the role was taken away; the account itself still works
            Membership.objects.create(user=user, organisation=OrganisationFactory(), role=role, is_active=False)
        return user

    def url(self, route: Route, relation: str) -> tuple[str, bool]:
        """The route with example identifiers; the flag says whether every identifier is a real object."""
        trajectory = self.trajectory_for(relation)
        real = True

        def fill(match: re.Match[str]) -> str:
            nonlocal real
            converter, name = match.group(1) or "str", match.group(2)
            if converter == "uuid":
                if name == "trajectory_uuid":
                    return str(trajectory.uuid)
                if name == "participant_uuid":
                    return str(trajectory.participant.uuid)
                real = False
                return str(uuid.uuid4())
            if converter == "int":
                real = False
                return "1"
            real = False
            return "x"

        def fill_group(match: re.Match[str]) -> str:
            nonlocal real
            name, body = match.group(1), match.group(2)
            if name.endswith("uuid"):
                return fill(re.match(r"<(uuid):(\w+)>", f"<uuid:{name}>"))
            alternatives = body.split("|")
            if all(re.fullmatch(r"\w+", alt) for alt in alternatives):
                return alternatives[0]  # a choice of words, such as csv|xlsx: a real value
            real = False
            return "1" if "0-9" in body or "\\d" in body else "x"

        path = re.sub(r"\(\?P<(\w+)>([^)]*)\)", fill_group, route.pattern)
        path = re.sub(r"<(?:(\w+):)?(\w+)>", fill, path)
        path = path.replace("^", "").replace("$", "").replace("\\Z", "").replace("\\", "")
        return "/" + path, real


def _expected(spec: AccessSpec, role: str, relation: str, method: str, status: str, user: Any) -> bool:
    current = policy()
    if spec.rule is Rule.PUBLIC:
        return True
    if spec.rule is Rule.AUTHENTICATED:
        return True
    if relation == "no_membership":
        return False
    action = spec.action_for(method)
    if spec.rule is Rule.ADMIN:
        return bool(user.is_staff) and current.allows(role, Relation.NONE, "administration", "read")
    if spec.rule is Rule.ROLE:
        if role not in spec.roles:
            return False
        return not spec.category or current.allows(role, Relation.NONE, spec.category, action)
    # Rule.CASE_FILE: reading needs the case-file grant; a write needs some write grant on this case.
    if method == "GET" and not spec.action:
        categories = [CASE_FILE] + ([spec.category] if spec.category else [])
        return all(current.allows(role, relation, c, "read", status) for c in categories)
    return any(
        current.allows(role, relation, category, act, status)
        for category in current.categories
        for act in ("write", "manage", "delete", "export")
    )


def _allowed(response: Any) -> bool:
    if response.status_code in REFUSED_STATUSES:
        return False
    if response.status_code in (301, 302, 303):
        location = response.get("Location", "")
        return "/inloggen/" not in location and "/beheer/login/" not in location
    return response.status_code < 500


def _check_headers(response: Any, seen_nonces: set[str], where: str) -> None:
    assert response.get("X-Content-Type-Options") == "nosniff", where
    assert response.get("Referrer-Policy"), where
    assert "no-store" in response.get("Cache-Control", ""), where
    if "text/html" not in response.get("Content-Type", ""):
        return
    csp = response.get("Content-Security-Policy", "")
    assert "frame-ancestors 'none'" in csp, where
    assert "'unsafe-inline'" not in csp.split("script-src", 1)[-1].split(";", 1)[0], where
    body = response.content.decode(errors="replace")
    scripts = SCRIPT_TAG.findall(body)
    if not scripts:
        return  # Django adds the nonce to the header only when the page uses it
    nonces = NONCE.findall(csp)
    assert nonces, f"scripts but no nonce in the CSP of {where}"
    nonce = nonces[0]
    assert nonce not in seen_nonces, f"nonce reused on {where}"
    seen_nonces.add(nonce)
    for tag in scripts:
        inline = "src=" not in tag
        if inline or "nonce" in tag:
            assert f'nonce="{nonce}"' in tag, f"script without this response's nonce on {where}: {tag}"


def _check_log(route: Route, spec: AccessSpec, response: Any, before: int, relation: str, world: World) -> None:
    entries = list(AccessLogEntry.objects.filter(id__gt=before))
    where = f"{route.id} ({relation})"
    if not spec.personal:
        return
    assert len(entries) == 1, f"{where}: expected exactly one access-log entry, got {len(entries)}"
    entry = entries[0]
    for field in ("at", "actor_id", "action", "result", "ip_address", "object_type", "object_ref"):
        assert getattr(entry, field), f"{where}: log entry without {field}"
    refused = response.status_code in REFUSED_STATUSES
    assert (entry.result == Result.REFUSED) == refused, f"{where}: result {entry.result} for {response.status_code}"


def _groups() -> dict[str, list[Route]]:
    groups: dict[str, list[Route]] = {}
    for route in ROUTES:
        groups.setdefault(route.namespace.split(":")[0] or "root", []).append(route)
    return groups


GROUPS = _groups()


@pytest.mark.parametrize("group", sorted(GROUPS), ids=str)
def test_routes_against_every_role_and_relation(group, capsys):
    """One world and one user per cell for the routes of one app; a fresh logged-in client per request."""
    world = World()
    users = {(role, relation): world.user(role, relation) for role in Role.values for relation in CELL_RELATIONS}
    problems: list[str] = []
    for route in GROUPS[group]:
        problems += _walk_route(route, world, users, capsys)
    assert not problems, "\n".join(problems)


def _walk_route(route: Route, world: World, users: dict[tuple[str, str], Any], capsys: Any) -> list[str]:
    callback = route.callback
    if callback is None:  # admin pages: Django's admin views
        spec = AccessSpec(rule=Rule.ADMIN, category="administration", personal=True)
    else:
        found = spec_of(callback, route.namespace)
        if found is None:
            return [f"{route.id} declares no access rule"]
        spec = found
    unexpected: list[str] = []
    cells = 0
    seen_nonces: set[str] = set()
    outcomes: Counter[str] = Counter()

    # Without a login every route but the public ones sends the visitor to the login page.
    url, _ = world.url(route, Relation.TEAM)
    anonymous = Client().get(url)
    if spec.rule is not Rule.PUBLIC and anonymous.status_code == 302:
        assert "/inloggen/" in anonymous["Location"] or "/beheer/login/" in anonymous["Location"], route.id
    elif spec.rule is not Rule.PUBLIC:
        assert anonymous.status_code in (404, 405), f"{route.id}: anonymous got {anonymous.status_code}"

    for (role, relation), user in users.items():
        cells += 1
        url, real = world.url(route, relation)
        status = world.trajectory_for(relation).status

        # Password only, no second factor: nothing but the login steps and the public pages (checked
        # once per route and role, in the relation that opens the most).
        if (
            relation == Relation.TEAM
            and spec.rule is not Rule.PUBLIC
            and not getattr(callback, "second_factor_exempt", False)
        ):
            half = logged_in(user, verified=False).get(url)
            if _allowed(half) and "/inloggen/tweede-stap/" not in half.get("Location", ""):
                unexpected.append(f"{role}/{relation}: without second factor {half.status_code}")

        client = logged_in(user)
        before = AccessLogEntry.objects.order_by("-id").values_list("id", flat=True).first() or 0
        method = "GET"
        response = client.get(url)
        if response.status_code == 405:
            method = "POST"
            before = AccessLogEntry.objects.order_by("-id").values_list("id", flat=True).first() or 0
            response = client.post(url, {})
        allowed = _allowed(response)
        expected = _expected(spec, role, relation, method, status, user)
        outcomes["allowed" if allowed else "refused"] += 1
        if allowed and not expected:
            unexpected.append(f"{role}/{relation}: {method} {response.status_code}")
        if spec.rule is not Rule.PUBLIC:
            _check_headers(response, seen_nonces, f"{route.id} {role}/{relation}")
        _check_log(route, spec, response, before, relation, world)
        if spec.rule is Rule.CASE_FILE and real and relation == Relation.OTHER_ORGANISATION:
            assert response.status_code == 404, f"{route.id}: other organisation got {response.status_code}"
        if route.name == "trajectories:case_file" and relation == Relation.PREVIOUS_TEAM:
            # The previous team reads the new case file during the overlap; the cell is not empty by accident.
            assert allowed == (role in Role.case_roles()), f"previous team {role} got {response.status_code}"

    with capsys.disabled():
        print(f"\n[matrix] {route.id}: {cells} cells ({outcomes['allowed']} allowed, {outcomes['refused']} refused)")
    return [f"unexpected allow on {route.id}: {cell}" for cell in unexpected]


def test_matrix_cell_count(capsys):
    cells = len(ROUTES) * len(Role.values) * len(CELL_RELATIONS)
    with capsys.disabled():
        print(
            f"\n[matrix] {len(ROUTES)} routes x {len(Role.values)} roles x {len(CELL_RELATIONS)} relations"
            f" = {cells} cells"
        )
    assert len(Role.values) >= 7 and len(CELL_RELATIONS) == 6 and len(ROUTES) >= 10
