"""The authorization policy as data: role x relation to the case x data category x action (policy.toml).

The table in access/policy.toml is the one place that says who may; the door (door.py) and the route guard
(rules.py) ask it, and the matrix test walks it against every route. Case-file data categories come from
access/sections.py (configurable per deployment) and are merged in as team grants, not duplicated.
"""

import csv
import io
import tomllib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.utils import timezone

POLICY_FILE = Path(__file__).with_name("policy.toml")


class Relation:
    TEAM = "team"
    PREVIOUS_TEAM = "previous_team"  # on the team of the previous trajectory, while the handover overlap lasts
    SCHOOL = "school"
    ORGANISATION = "organisation"
    OTHER_ORGANISATION = "other_organisation"
    NONE = "none"

    CASE = (TEAM, PREVIOUS_TEAM, SCHOOL, ORGANISATION, OTHER_ORGANISATION)
    ALL = (TEAM, PREVIOUS_TEAM, SCHOOL, ORGANISATION, OTHER_ORGANISATION, NONE)


ACTIONS = ("read", "write", "manage", "export", "delete")
CHANGING_ACTIONS = ("write", "manage", "export", "delete")
CASE_FILE = "case_file"


@dataclass(frozen=True)
class Grant:
    role: str
    relation: str
    category: str
    action: str
    statuses: frozenset[str] = frozenset()  # empty: any status of the trajectory
    source: str = "policy.toml"


@dataclass(frozen=True)
class Category:
    code: str
    label: str
    personal: bool


class Policy:
    """The grants, indexed for quick answers."""

    def __init__(self, categories: dict[str, Category], grants: tuple[Grant, ...]) -> None:
        self.categories = categories
        self.grants = grants
        index: dict[tuple[str, str, str], list[Grant]] = {}
        for grant in grants:
            index.setdefault((grant.role, grant.relation, grant.category), []).append(grant)
        self._by_key = {key: tuple(value) for key, value in index.items()}

    def allows(self, role: str, relation: str, category: str, action: str, status: str | None = None) -> bool:
        return any(
            grant.role == role
            and grant.relation == relation
            and grant.category == category
            and grant.action == action
            and (not grant.statuses or status is None or status in grant.statuses)
            for grant in self._by_key.get((role, relation, category), ())
        )

    def allows_any(
        self, roles: Iterable[str], relation: str, category: str, action: str, status: str | None = None
    ) -> bool:
        return any(self.allows(role, relation, category, action, status) for role in roles)

    def allows_writing(self, roles: Iterable[str], relation: str, status: str | None = None) -> bool:
        """Whether any of the roles may change anything of a case in this relation (some category)."""
        return any(
            self.allows(role, relation, category, action, status)
            for role in roles
            for category in self.categories
            for action in CHANGING_ACTIONS
        )

    def roles_for(self, relation: str, category: str, action: str) -> frozenset[str]:
        return frozenset(
            g.role for g in self.grants if g.relation == relation and g.category == category and g.action == action
        )

    def is_personal(self, category: str) -> bool:
        known = self.categories.get(category)
        return known.personal if known is not None else True  # unknown: treat as personal data (log it)

    def rows(self) -> Iterator[dict[str, str]]:
        """The table, one row per grant, sorted for reading and export."""
        for grant in sorted(self.grants, key=lambda g: (g.category, g.role, g.relation, g.action)):
            category = self.categories.get(grant.category)
            yield {
                "category": grant.category,
                "category_label": category.label if category else grant.category,
                "role": grant.role,
                "relation": grant.relation,
                "action": grant.action,
                "statuses": " ".join(sorted(grant.statuses)),
                "source": grant.source,
            }

    def as_csv(self) -> str:
        out = io.StringIO()
        fields = ["category", "category_label", "role", "relation", "action", "statuses", "source"]
        writer = csv.DictWriter(out, fieldnames=fields)
        writer.writeheader()
        writer.writerows(self.rows())
        return out.getvalue()


def load_policy(text: str | None = None, role_categories: dict[str, frozenset[str]] | None = None) -> Policy:
    """Parse the policy file (or text) and merge the case-file categories per team role."""
    data = tomllib.loads(text if text is not None else POLICY_FILE.read_text(encoding="utf-8"))
    categories = {
        code: Category(code=code, label=str(spec.get("label", code)), personal=bool(spec.get("personal", True)))
        for code, spec in data.get("categories", {}).items()
    }
    grants: list[Grant] = []
    for row in data.get("grant", []):
        relation = row["relation"]
        if relation not in Relation.ALL:
            raise ValueError(f"Unknown relation {relation!r} in the access policy.")
        if row["category"] not in categories:
            raise ValueError(f"Grant for unknown category {row['category']!r} in the access policy.")
        for action in row["actions"]:
            if action not in ACTIONS:
                raise ValueError(f"Unknown action {action!r} in the access policy.")
            for role in row["roles"]:
                grants.append(Grant(role, relation, row["category"], action, frozenset(row.get("statuses", ()))))
    if role_categories is None:
        role_categories = _section_role_categories()
    labels = _section_category_labels()
    for code, label in labels.items():
        categories.setdefault(code, Category(code=code, label=label, personal=True))
    for role, codes in role_categories.items():
        for code in sorted(codes):
            for action in ("read", "write"):
                grants.append(Grant(str(role), Relation.TEAM, code, action, source="access/sections.py"))
            # After a warm handover the previous team reads the same categories of the new file, nothing more.
            grants.append(Grant(str(role), Relation.PREVIOUS_TEAM, code, "read", source="access/sections.py"))
    return Policy(categories=categories, grants=tuple(grants))


def _section_role_categories() -> dict[str, frozenset[str]]:
    from routeplus.access.sections import role_categories

    return {str(role): frozenset(str(c) for c in codes) for role, codes in role_categories().items()}


def _section_category_labels() -> dict[str, str]:
    from routeplus.access.sections import DataCategory

    return {str(choice.value): str(choice.label) for choice in DataCategory}


_cache: dict[str, Any] = {}


def policy() -> Policy:
    """The policy of this process. The file is read once; the case-file categories come from settings
    (access/sections.py) and are re-read when they change (a deployment setting, or a test override)."""
    role_categories = _section_role_categories()
    if _cache.get("role_categories") != role_categories or "policy" not in _cache:
        _cache["policy"] = load_policy(role_categories=role_categories)
        _cache["role_categories"] = role_categories
    return _cache["policy"]


def reset_policy_cache() -> None:
    _cache.clear()


def relation_to(user: Any, trajectory: Any) -> tuple[str, frozenset[str]]:
    """How the user stands to this trajectory today, and the roles that count in that relation.

    On the team, the roles are the team roles the user holds an active membership for; on the previous
    team during a handover overlap, the roles the user had on that team; otherwise the user's active roles.
    """
    from routeplus.access.door import active_roles, current_team_places, previous_team_places, team_places_on
    from routeplus.accounts.models import Membership, Role

    roles = active_roles(user)
    if not roles:
        return Relation.OTHER_ORGANISATION, frozenset()
    team_roles = frozenset(role for role, _organisation in current_team_places(user, trajectory))
    if team_roles:
        return Relation.TEAM, team_roles
    today = timezone.localdate()
    previous_roles = frozenset(
        previous_team_places(user, today)
        .filter(trajectory__handover_out__to_trajectory=trajectory)
        .values_list("role", flat=True)
    )
    if previous_roles:
        return Relation.PREVIOUS_TEAM, previous_roles
    memberships = Membership.objects.filter(user=user, is_active=True)
    school_id = getattr(trajectory.participant, "school_id", None)
    if school_id is not None and memberships.filter(role=Role.SCHOOL_COORDINATOR, organisation_id=school_id).exists():
        return Relation.SCHOOL, roles
    current = team_places_on(today, trajectory=trajectory)
    if memberships.filter(organisation_id__in=current.values("organisation_id")).exists():
        return Relation.ORGANISATION, roles
    return Relation.OTHER_ORGANISATION, roles
