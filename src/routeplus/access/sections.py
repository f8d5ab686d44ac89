"""Which sections of a case file a user may see: every section belongs to a data category, and which roles
may see which category is configuration (settings.ROUTEPLUS_ROLE_CATEGORIES overrides the default here).

The door (access/door.py) decides whether a user may open a case file at all; this module decides, within a
case file they may open, which categories of data they see. Pages, exports and the API call
`visible_categories` / `section_visible` / `access_section`; the security work ties this to consent later,
behind the same functions.
"""

from collections.abc import Callable
from typing import Any
from uuid import UUID

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.http import Http404, HttpRequest
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from routeplus.access.door import (
    REGISTRATION_STATUSES,
    active_roles,
    admit_case_file,
    current_team_places,
    previous_team_places,
    readable_trajectory,
)
from routeplus.accounts.models import Membership, Role
from routeplus.accounts.selectors import active_memberships
from routeplus.audit.models import Action, Result
from routeplus.audit.services import Origin, access_log_append
from routeplus.trajectories.models import TeamMember, Trajectory


class DataCategory(models.TextChoices):
    """The data categories of the case file (issue 3, point 8)."""

    EDUCATION = "education", _("Onderwijs en ontwikkeling")
    YOUTH_CARE = "youth_care", _("Jeugdhulp")
    WMO = "wmo", _("Wmo")
    INCOME = "income", _("Inkomen")
    WORK = "work", _("Werk")
    HEALTH = "health", _("Gezondheid en indicaties")
    CONTACTS = "contacts", _("Contacten")


class Section:
    """The sections of the case file. The header, team and status history are not a section: whoever may
    open the case file sees them."""

    PLAN = "plan"
    PLACEMENTS = "placements"
    PROVISIONS = "provisions"
    RESULTS = "results"
    CONTACTS = "contacts"
    BOTTLENECKS = "bottlenecks"
    TIMELINE = "timeline"


# The category a section belongs to. Provisions and results are mixed sections: each row has its own
# category (provision kind; result type, below), and the section shows the rows the user may see.
SECTION_CATEGORY: dict[str, str | None] = {
    Section.PLAN: DataCategory.EDUCATION,
    Section.PLACEMENTS: DataCategory.WORK,
    Section.PROVISIONS: None,
    Section.RESULTS: None,
    Section.CONTACTS: DataCategory.CONTACTS,
    Section.BOTTLENECKS: DataCategory.CONTACTS,
    Section.TIMELINE: None,
}

# A result says something about the domain it came from: a Wajong or sheltered-work indication is health
# and indication data, day care is Wmo; the other outcomes are about work and school.
RESULT_TYPE_CATEGORY: dict[str, str] = {
    "dagbesteding": DataCategory.WMO,
    "dagbesteding_ontwikkelperspectief": DataCategory.EDUCATION,
    "stage_maatwerk": DataCategory.WORK,
    "arbeid": DataCategory.WORK,
    "heeft_gewerkt": DataCategory.WORK,
    "entree": DataCategory.EDUCATION,
    "nieuw_beschut": DataCategory.HEALTH,
    "wajong": DataCategory.HEALTH,
    "uitval": DataCategory.CONTACTS,
}

ALL_CATEGORIES = frozenset(DataCategory.values)

# Default: the case lead directs the whole route and sees everything; the school's internship coordinator
# sees the learning track, work and contacts; the job coach also sees income (wage subsidy, job coaching).
# Youth care, Wmo and health data stay with the case lead unless configured otherwise.
DEFAULT_ROLE_CATEGORIES: dict[str, frozenset[str]] = {
    Role.CASE_LEAD: ALL_CATEGORIES,
    Role.SCHOOL_COORDINATOR: frozenset({DataCategory.EDUCATION, DataCategory.WORK, DataCategory.CONTACTS}),
    Role.JOB_COACH: frozenset({DataCategory.EDUCATION, DataCategory.WORK, DataCategory.INCOME, DataCategory.CONTACTS}),
}


def role_categories() -> dict[str, frozenset[str]]:
    """The configured categories per role (a setting may replace the default, e.g. per municipality)."""
    configured = getattr(settings, "ROUTEPLUS_ROLE_CATEGORIES", None)
    if not configured:
        return DEFAULT_ROLE_CATEGORIES
    return {role: frozenset(categories) & ALL_CATEGORIES for role, categories in configured.items()}


def case_places(user: Any, trajectory: Trajectory) -> frozenset[tuple[str, int]]:
    """The (role, organisation id) pairs in which the user works on this case today: their current team
    places; without one, their places on the previous team while a warm handover's overlap lasts (read
    only: writing needs a current place, see access_section); or for a school coordinator, the coordinator
    role at the pupil's school on a registration."""
    if not getattr(user, "is_authenticated", False):
        return frozenset()
    cache: dict[int, frozenset[tuple[str, int]]] = user.__dict__.setdefault("_case_places_cache", {})
    if trajectory.pk in cache:
        return cache[trajectory.pk]
    today = timezone.localdate()
    held = active_roles(user)
    places = current_team_places(user, trajectory)
    if not places:
        places = frozenset(
            previous_team_places(user, today)
            .filter(trajectory__handover_out__to_trajectory=trajectory)
            .values_list("role", "organisation_id")
        )
    school_id = trajectory.participant.school_id
    if (
        not places
        and Role.SCHOOL_COORDINATOR in held
        and trajectory.status in REGISTRATION_STATUSES
        and school_id is not None
        and Membership.objects.filter(
            user=user, is_active=True, role=Role.SCHOOL_COORDINATOR, organisation_id=school_id
        ).exists()
    ):
        places = frozenset({(Role.SCHOOL_COORDINATOR, school_id)})
    cache[trajectory.pk] = places
    return places


def roles_on_case(user: Any, trajectory: Trajectory) -> frozenset[str]:
    """The roles in which the user works on this case today."""
    return frozenset(role for role, _organisation in case_places(user, trajectory))


def on_team(user: Any, trajectory: Trajectory) -> bool:
    """Whether the user holds a current place on the team of this trajectory."""
    today = timezone.localdate()
    return (
        TeamMember.objects.filter(trajectory=trajectory, user=user, start_date__lte=today)
        .filter(Q(end_date__isnull=True) | Q(end_date__gte=today))
        .exists()
    )


def visible_categories(user: Any, trajectory: Trajectory) -> frozenset[str]:
    """The data categories of this case file the user may see: per place on the case, what the role may see
    and what the legal basis or consent allows that organisation (routeplus.privacy). Consent is read anew on
    every request, so a withdrawal hides the data at once."""
    from routeplus.accounts.models import Organisation
    from routeplus.privacy.selectors import shared_categories

    places = case_places(user, trajectory)
    if not places:
        return frozenset()
    cache: dict[int, frozenset[str]] = user.__dict__.setdefault("_visible_categories_cache", {})
    if trajectory.pk in cache:
        return cache[trajectory.pk]
    config = role_categories()
    today = timezone.localdate()
    # A place on the team is nearly always in an organisation the user is a member of, whose row the door has
    # loaded already (active_memberships); only another one (a membership since ended) is read here.
    wanted = {organisation_id for _role, organisation_id in places}
    organisations = {m.organisation_id: m.organisation for m in active_memberships(user) if m.organisation_id in wanted}
    if missing := wanted - organisations.keys():
        organisations.update(Organisation.objects.in_bulk(missing))
    shared = {
        pk: shared_categories(participant=trajectory.participant, organisation=organisation, on=today)
        for pk, organisation in organisations.items()
    }
    categories: frozenset[str] = frozenset()
    for role, organisation_id in places:
        categories |= config.get(role, frozenset()) & shared.get(organisation_id, frozenset())
    cache[trajectory.pk] = categories
    return categories


def category_visible(user: Any, trajectory: Trajectory, category: str) -> bool:
    return category in visible_categories(user, trajectory)


def visible_sections(user: Any, trajectory: Trajectory) -> set[str]:
    """The sections the user may open. A mixed section (provisions, results, timeline) opens when any
    category is visible; it then shows only the rows of visible categories."""
    categories = visible_categories(user, trajectory)
    return {
        section
        for section, category in SECTION_CATEGORY.items()
        if (category in categories if category is not None else bool(categories))
    }


def section_visible(user: Any, trajectory: Trajectory, section: str) -> bool:
    return section in visible_sections(user, trajectory)


def result_category(result_type: str) -> str:
    return RESULT_TYPE_CATEGORY.get(result_type, DataCategory.WORK)


def visible_result_types(categories: frozenset[str]) -> list[str]:
    return [code for code, category in RESULT_TYPE_CATEGORY.items() if category in categories]


def access_section(
    *,
    request: HttpRequest,
    trajectory_uuid: UUID,
    section: str,
    action: str = Action.READ,
    manage: bool = False,
    record: Callable[[Trajectory], bool] | None = None,
) -> Trajectory:
    """The door for one section: like access_case_file, plus the section's category. Exactly one log
    entry; a hidden section is refused (404) like a case file that is not yours.

    `record` checks the one record inside the section the request is about (there, of this trajectory,
    and of a category the user may see), so that a refusal for it is the request's single log entry."""
    trajectory = readable_trajectory(request.user, trajectory_uuid)
    # Reading may rest on the school's view of a registration; writing needs a current place on the team.
    writing = action != Action.READ
    if trajectory is not None and (
        not section_visible(request.user, trajectory, section)
        or (writing and not on_team(request.user, trajectory))
        or (record is not None and not record(trajectory))
    ):
        access_log_append(
            actor=request.user,
            action=action,
            result=Result.REFUSED,
            origin=Origin.from_request(request),
            object_type="trajectory",
            object_ref=str(trajectory_uuid),
            participant_ref=str(trajectory.participant.uuid),
            section=section,
            purpose=request.resolver_match.view_name if request.resolver_match else "",
        )
        raise Http404
    return admit_case_file(
        request=request,
        trajectory_uuid=trajectory_uuid,
        trajectory=trajectory,
        section=section,
        action=action,
        manage=manage,
    )
