"""The REST API. Thin like the pages: the same door, section visibility and access log; writes through the
domain services, so the API validates exactly as the forms do."""

from collections.abc import Callable
from datetime import date
from typing import Any, ClassVar
from uuid import UUID

import django_filters
from django.core.exceptions import ValidationError
from django.db.models import Model, QuerySet
from django.http import Http404, HttpRequest
from django.utils import timezone
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, status
from rest_framework.generics import GenericAPIView
from rest_framework.request import Request
from rest_framework.response import Response

from routeplus.access.door import access_case_file, trajectories_visible_to
from routeplus.access.sections import Section, access_section, visible_categories, visible_result_types
from routeplus.alerts.selectors import work_item, worklist_signals
from routeplus.api import serializers as s
from routeplus.api.auth import TokenAuthentication, TokenScope, VerifiedSessionAuthentication
from routeplus.api.pagination import Pages
from routeplus.api.problems import PreconditionFailed, PreconditionRequired
from routeplus.api.schema import ApiSchema
from routeplus.audit.models import Action
from routeplus.audit.services import note_participant
from routeplus.casefile import selectors as casefile_selectors
from routeplus.casefile import services as casefile
from routeplus.casefile.models import ContactMoment, LearningGoal, Placement, Provision, Result
from routeplus.intake.models import Registration
from routeplus.monitor.definitions import DEFAULT_ROUTE
from routeplus.monitor.scope import scope_for
from routeplus.monitor.selectors import council_table
from routeplus.participants.models import Participant
from routeplus.trajectories.models import Route, Status, TeamMember, Trajectory
from routeplus.trajectories.services import StaleVersionError, trajectory_change_status

IF_MATCH = OpenApiParameter(
    "If-Match", OpenApiTypes.STR, OpenApiParameter.HEADER, required=True, description="The ETag of the last GET."
)


class Base(GenericAPIView):
    authentication_classes = [TokenAuthentication, VerifiedSessionAuthentication]
    permission_classes = [TokenScope]
    pagination_class = Pages
    schema = ApiSchema()
    resource: ClassVar[str] = ""
    is_list: ClassVar[bool] = False

    def page(self, rows: Any, serializer: type[serializers.Serializer] | None = None) -> Response:
        page = self.paginate_queryset(rows)
        items = page if page is not None else list(rows)
        data = (serializer or self.get_serializer_class())(items, many=True).data
        return self.get_paginated_response(data) if page is not None else Response(data)


def etag(version: int) -> str:
    return f'"{version}"'


def expected_version(request: Request) -> int:
    """The version the client last saw, from If-Match; 428 without it, 412 when it cannot be ours."""
    header = request.headers.get("If-Match", "").strip()
    if not header:
        raise PreconditionRequired
    value = header.removeprefix("W/").strip('"')
    if not value.isdigit() or len(value) > 9:
        raise PreconditionFailed
    return int(value)


def versioned(data: Any, version: int, code: int = status.HTTP_200_OK) -> Response:
    response = Response(data, status=code)
    response["ETag"] = etag(version)
    return response


def _plain(request: Request) -> HttpRequest:
    return request._request


def door(
    request: Request,
    trajectory_uuid: UUID,
    section: str | None,
    *,
    write: bool = False,
    manage: bool = False,
    record: Callable[[Trajectory], bool] | None = None,
) -> Trajectory:
    """The case-file door of the pages, for one API request: exactly one access-log entry."""
    action = Action.UPDATE if write else Action.READ
    if section is None:
        return access_case_file(request=_plain(request), trajectory_uuid=trajectory_uuid, action=action, manage=manage)
    return access_section(
        request=_plain(request),
        trajectory_uuid=trajectory_uuid,
        section=section,
        action=action,
        manage=manage,
        record=record,
    )


def _run[T](write: Callable[[], T]) -> T:
    try:
        return write()
    except StaleVersionError as error:
        raise PreconditionFailed(detail=" ".join(error.messages)) from error
    except ValidationError:
        raise


# ---------------------------------------------------------------------------------------------------------
# Participants, trajectories, team


class TrajectoryFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(choices=Status.choices)
    route = django_filters.CharFilter(field_name="route__code", max_length=30)
    municipality = django_filters.CharFilter(field_name="municipality__cbs_code", max_length=6)
    registered_after = django_filters.DateFilter(field_name="registered_on", lookup_expr="gte")
    registered_before = django_filters.DateFilter(field_name="registered_on", lookup_expr="lte")

    class Meta:
        model = Trajectory
        fields: list[str] = []


class TrajectoryList(Base):
    """The trajectories the user may open today (their caseload; for a school, its registrations)."""

    is_list = True
    resource = "trajectories"
    serializer_class = s.TrajectorySerializer
    filter_backends = [DjangoFilterBackend]
    filterset_class = TrajectoryFilter

    def get_queryset(self) -> QuerySet[Trajectory]:
        return (
            trajectories_visible_to(self.request.user)
            .select_related("participant__school", "participant__municipality", "route", "municipality", "previous")
            .order_by("-registered_on", "id")
        )

    def get(self, request: Request) -> Response:
        rows = self.filter_queryset(self.get_queryset())
        page = self.paginate_queryset(rows) or []
        for trajectory in page:
            note_participant(str(trajectory.participant.uuid))
        return self.get_paginated_response(self.get_serializer(page, many=True).data)


class TrajectoryDetail(Base):
    resource = "trajectories"
    serializer_class = s.TrajectorySerializer

    def get(self, request: Request, trajectory_uuid: UUID) -> Response:
        trajectory = door(request, trajectory_uuid, None)
        return versioned(self.get_serializer(trajectory).data, trajectory.version)


class TrajectoryStatus(Base):
    """Move the trajectory's status along the transition table (case lead on the team only)."""

    versioned_writes = True
    resource = "trajectories"
    serializer_class = s.StatusChangeInput

    @extend_schema(
        parameters=[IF_MATCH],
        responses={200: s.TrajectorySerializer},
    )
    def post(self, request: Request, trajectory_uuid: UUID) -> Response:
        trajectory = door(request, trajectory_uuid, None, write=True, manage=True)
        version = expected_version(request)
        data = self.get_serializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        trajectory = _run(
            lambda: trajectory_change_status(
                actor=request.user,
                trajectory=trajectory,
                to_status=values["to_status"],
                effective_date=values["effective_date"],
                reason=values["reason"],
                expected_version=version,
            )
        )
        return versioned(s.TrajectorySerializer(trajectory).data, trajectory.version)


class TeamList(Base):
    is_list = True
    resource = "team"
    serializer_class = s.TeamMemberSerializer

    def get(self, request: Request, trajectory_uuid: UUID) -> Response:
        trajectory = door(request, trajectory_uuid, None)
        rows = TeamMember.objects.filter(trajectory=trajectory).select_related("user", "organisation")
        return self.page(rows.order_by("start_date", "id"))


class ParticipantList(Base):
    """The participants of the trajectories the user may open today."""

    is_list = True
    resource = "participants"
    serializer_class = s.ParticipantSerializer

    def get_queryset(self) -> QuerySet[Participant]:
        visible = trajectories_visible_to(self.request.user).values("participant_id")
        return (
            Participant.objects.filter(id__in=visible)
            .select_related("school", "municipality")
            .order_by("family_name", "given_name", "id")
        )

    def get(self, request: Request) -> Response:
        page = self.paginate_queryset(self.get_queryset()) or []
        for participant in page:
            note_participant(str(participant.uuid))
        return self.get_paginated_response(self.get_serializer(page, many=True).data)


# ---------------------------------------------------------------------------------------------------------
# Case-file sections: one collection and one item view per kind, configured below


class SectionCollection(Base):
    is_list = True
    creates = True
    section: ClassVar[str]

    def rows(self, trajectory: Trajectory) -> QuerySet[Any]:
        raise NotImplementedError

    def create(self, trajectory: Trajectory, data: dict[str, Any]) -> Any:
        raise NotImplementedError

    def get(self, request: Request, trajectory_uuid: UUID) -> Response:
        trajectory = door(request, trajectory_uuid, self.section)
        return self.page(self.rows(trajectory))

    def post(self, request: Request, trajectory_uuid: UUID) -> Response:
        trajectory = door(request, trajectory_uuid, self.section, write=True)
        data = self.get_serializer(data=request.data)
        data.is_valid(raise_exception=True)
        created = _run(lambda: self.create(trajectory, dict(data.validated_data)))
        return versioned(self.get_serializer(created).data, created.version, status.HTTP_201_CREATED)


class SectionItem(Base):
    versioned_writes = True
    section: ClassVar[str]
    model: ClassVar[type[Model]]
    lookup: ClassVar[str]

    def visible(self, trajectory: Trajectory) -> dict[str, Any]:
        """Extra conditions for a row of a mixed section (its category must be visible)."""
        return {}

    def update(self, instance: Any, version: int, data: dict[str, Any]) -> Any:
        raise NotImplementedError

    def _open(self, request: Request, kwargs: dict[str, Any], *, write: bool = False) -> Any:
        uuid = kwargs[self.lookup]

        def record(trajectory: Trajectory) -> bool:
            conditions = self.visible(trajectory)
            return self.model._default_manager.filter(trajectory=trajectory, uuid=uuid, **conditions).exists()

        trajectory = door(request, kwargs["trajectory_uuid"], self.section, write=write, record=record)
        return self.model._default_manager.select_related("trajectory__participant").get(
            trajectory=trajectory, uuid=uuid
        )

    def get(self, request: Request, **kwargs: Any) -> Response:
        instance = self._open(request, kwargs)
        return versioned(self.get_serializer(instance).data, instance.version)

    @extend_schema(parameters=[IF_MATCH])
    def patch(self, request: Request, **kwargs: Any) -> Response:
        instance = self._open(request, kwargs, write=True)
        version = expected_version(request)
        data = self.get_serializer(instance, data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        changed = _run(lambda: self.update(instance, version, dict(data.validated_data)))
        return versioned(self.get_serializer(changed).data, changed.version)


def _team_user(trajectory: Trajectory, owner: Any) -> Any:
    """The goal owner named by UUID, if on the team; the service refuses anyone else by field name."""
    if not owner or not owner.get("uuid"):
        return None
    member = TeamMember.objects.filter(trajectory=trajectory, user__uuid=owner["uuid"]).select_related("user").first()
    if member is None:
        raise ValidationError({"owner": "De eigenaar moet in het team van dit traject zitten."})
    return member.user


class GoalList(SectionCollection):
    resource = "goals"
    section = Section.PLAN
    serializer_class = s.GoalSerializer

    def rows(self, trajectory: Trajectory) -> QuerySet[Any]:
        return casefile_selectors.goals_with_reviews(trajectory)

    def create(self, trajectory: Trajectory, data: dict[str, Any]) -> Any:
        return casefile.learning_goal_create(
            actor=self.request.user,
            trajectory=trajectory,
            area=data["area"],
            description=data["description"],
            own_words=data["own_words"],
            owner=_team_user(trajectory, data.get("owner")),
            target_date=data["target_date"],
        )


class GoalDetail(SectionItem):
    resource = "goals"
    section = Section.PLAN
    model = LearningGoal
    lookup = "goal_uuid"
    serializer_class = s.GoalSerializer

    def update(self, instance: Any, version: int, data: dict[str, Any]) -> Any:
        owner = _team_user(instance.trajectory, data["owner"]) if "owner" in data else instance.owner
        return casefile.learning_goal_update(
            actor=self.request.user,
            goal=instance,
            expected_version=version,
            area=data.get("area", instance.area),
            description=data.get("description", instance.description),
            own_words=data.get("own_words", instance.own_words),
            owner=owner,
            target_date=data.get("target_date", instance.target_date),
            status=data.get("status", instance.status),
        )


class GoalReviewAdd(SectionItem):
    """Add a review to a learning goal; a review at the top of the scale marks the goal achieved."""

    resource = "goals"
    section = Section.PLAN
    model = LearningGoal
    lookup = "goal_uuid"
    serializer_class = s.ReviewSerializer

    http_method_names = ["post", "options"]

    @extend_schema(responses={201: s.GoalSerializer})
    def post(self, request: Request, **kwargs: Any) -> Response:
        goal = self._open(request, kwargs, write=True)
        data = self.get_serializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        _run(
            lambda: casefile.goal_review_add(
                actor=request.user, goal=goal, reviewed_on=values["reviewed_on"], score=values["score"],
                note=values["note"],
            )
        )  # fmt: skip
        goal = casefile_selectors.goals_with_reviews(goal.trajectory).get(pk=goal.pk)
        return versioned(s.GoalSerializer(goal).data, goal.version, status.HTTP_201_CREATED)


class PlacementList(SectionCollection):
    resource = "placements"
    section = Section.PLACEMENTS
    serializer_class = s.PlacementSerializer

    def rows(self, trajectory: Trajectory) -> QuerySet[Any]:
        return casefile_selectors.placements_of(trajectory)

    def create(self, trajectory: Trajectory, data: dict[str, Any]) -> Any:
        return casefile.placement_create(actor=self.request.user, trajectory=trajectory, **data)


class PlacementDetail(SectionItem):
    resource = "placements"
    section = Section.PLACEMENTS
    model = Placement
    lookup = "placement_uuid"
    serializer_class = s.PlacementSerializer

    def update(self, instance: Any, version: int, data: dict[str, Any]) -> Any:
        return casefile.placement_update(actor=self.request.user, placement=instance, expected_version=version, **data)


class ProvisionList(SectionCollection):
    resource = "provisions"
    section = Section.PROVISIONS
    serializer_class = s.ProvisionSerializer

    def rows(self, trajectory: Trajectory) -> QuerySet[Any]:
        return casefile_selectors.provisions_of(trajectory, visible_categories(self.request.user, trajectory))

    def create(self, trajectory: Trajectory, data: dict[str, Any]) -> Any:
        if data["kind"].category not in visible_categories(self.request.user, trajectory):
            raise ValidationError({"kind": "Deze voorziening valt buiten de gegevens die u mag zien."})
        return casefile.provision_create(actor=self.request.user, trajectory=trajectory, **data)


class ProvisionDetail(SectionItem):
    resource = "provisions"
    section = Section.PROVISIONS
    model = Provision
    lookup = "provision_uuid"
    serializer_class = s.ProvisionSerializer

    def visible(self, trajectory: Trajectory) -> dict[str, Any]:
        return {"kind__category__in": visible_categories(self.request.user, trajectory)}

    def update(self, instance: Any, version: int, data: dict[str, Any]) -> Any:
        kind = data.get("kind")
        if kind is not None and kind.category not in visible_categories(self.request.user, instance.trajectory):
            raise ValidationError({"kind": "Deze voorziening valt buiten de gegevens die u mag zien."})
        return casefile.provision_update(actor=self.request.user, provision=instance, expected_version=version, **data)


def _own(model: type[Model], trajectory: Trajectory, ref: Any, field: str) -> Any:
    if not ref or not ref.get("uuid"):
        return None
    found = model._default_manager.filter(trajectory=trajectory, uuid=ref["uuid"]).first()
    if found is None:
        raise ValidationError({field: "Dit hoort niet bij dit traject."})
    return found


class ResultList(SectionCollection):
    resource = "results"
    section = Section.RESULTS
    serializer_class = s.ResultSerializer

    def rows(self, trajectory: Trajectory) -> QuerySet[Any]:
        return casefile_selectors.results_of(trajectory, visible_categories(self.request.user, trajectory))

    def create(self, trajectory: Trajectory, data: dict[str, Any]) -> Any:
        if data["type"] not in visible_result_types(visible_categories(self.request.user, trajectory)):
            raise ValidationError({"type": "Dit soort resultaat valt buiten de gegevens die u mag zien."})
        return casefile.result_record(
            actor=self.request.user,
            trajectory=trajectory,
            type=data["type"],
            start_date=data["start_date"],
            end_date=data["end_date"],
            note=data["note"],
            placement=_own(Placement, trajectory, data.get("placement"), "placement"),
            provision=_own(Provision, trajectory, data.get("provision"), "provision"),
        )


class ResultDetail(SectionItem):
    resource = "results"
    section = Section.RESULTS
    model = Result
    lookup = "result_uuid"
    serializer_class = s.ResultSerializer

    def get_serializer_class(self) -> type[serializers.Serializer]:
        return s.ResultUpdateSerializer if self.request.method == "PATCH" else s.ResultSerializer

    def visible(self, trajectory: Trajectory) -> dict[str, Any]:
        return {"type__in": visible_result_types(visible_categories(self.request.user, trajectory))}

    @extend_schema(
        request=s.ResultUpdateSerializer,
        parameters=[IF_MATCH],
        responses={200: s.ResultSerializer},
    )
    def patch(self, request: Request, **kwargs: Any) -> Response:
        instance = self._open(request, kwargs, write=True)
        version = expected_version(request)
        data = s.ResultUpdateSerializer(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        changed = _run(
            lambda: casefile.result_update(
                actor=request.user,
                result=instance,
                expected_version=version,
                start_date=values.get("start_date", instance.start_date),
                end_date=values.get("end_date", instance.end_date),
                note=values.get("note", instance.note),
            )
        )
        return versioned(s.ResultSerializer(changed).data, changed.version)


class ContactList(SectionCollection):
    resource = "contacts"
    section = Section.CONTACTS
    serializer_class = s.ContactSerializer

    def rows(self, trajectory: Trajectory) -> QuerySet[Any]:
        return casefile_selectors.contacts_of(trajectory)

    def create(self, trajectory: Trajectory, data: dict[str, Any]) -> Any:
        return casefile.contact_moment_record(actor=self.request.user, trajectory=trajectory, **data)


class ContactDetail(SectionItem):
    resource = "contacts"
    section = Section.CONTACTS
    model = ContactMoment
    lookup = "contact_uuid"
    serializer_class = s.ContactSerializer

    def update(self, instance: Any, version: int, data: dict[str, Any]) -> Any:
        return casefile.contact_moment_update(
            actor=self.request.user, contact=instance, expected_version=version, **data
        )


# ---------------------------------------------------------------------------------------------------------
# Worklist, registrations, monitor


class SignalList(Base):
    """Open signals on the user's cases, in visible categories, most urgent first."""

    is_list = True
    resource = "signals"
    serializer_class = s.SignalSerializer

    def get(self, request: Request) -> Response:
        on = timezone.localdate()
        page = self.paginate_queryset(worklist_signals(user=request.user, on=on)) or []
        for signal in page:
            note_participant(str(signal.trajectory.participant.uuid))
        items = [work_item(signal, on) for signal in page]  # only the page read is described
        return self.get_paginated_response(self.get_serializer(items, many=True).data)


class RegistrationList(Base):
    is_list = True
    resource = "registrations"
    serializer_class = s.RegistrationSerializer

    def get(self, request: Request) -> Response:
        rows = (
            Registration.objects.filter(trajectory__in=trajectories_visible_to(request.user))
            .select_related("trajectory__participant", "trajectory__route", "school", "municipality")
            .order_by("-created_at", "id")
        )
        page = self.paginate_queryset(rows) or []
        for registration in page:
            note_participant(str(registration.trajectory.participant.uuid))
        return self.get_paginated_response(self.get_serializer(page, many=True).data)


class NotFound(Base):
    """Any other path under /api/: a problem document, not the HTML page of the site."""

    @extend_schema(exclude=True)
    def get(self, request: Request, rest: str = "") -> Response:
        raise Http404

    post = put = patch = delete = get


class CouncilTableView(Base):
    """The council table (aggregates, no personal data) for a reference date, route and municipalities."""

    resource = "monitor"
    serializer_class = s.CouncilTableSerializer
    pagination_class = None  # type: ignore[assignment]

    @extend_schema(
        parameters=[
            OpenApiParameter("peildatum", OpenApiTypes.DATE, description="Reference date; default today."),
            OpenApiParameter("route", OpenApiTypes.STR, description=f"Route code; default {DEFAULT_ROUTE}."),
            OpenApiParameter("municipality", OpenApiTypes.STR, many=True, description="CBS code; repeatable."),
        ],
        responses={200: s.CouncilTableSerializer},
    )
    def get(self, request: Request) -> Response:
        query = s.CouncilQuery(
            data={
                "peildatum": request.query_params.get("peildatum") or timezone.localdate(),
                "route": request.query_params.get("route") or DEFAULT_ROUTE,
                "municipality": request.query_params.getlist("municipality"),
            }
        )
        query.is_valid(raise_exception=True)
        values = query.validated_data
        if not Route.objects.filter(code=values["route"]).exists():
            raise serializers.ValidationError({"route": ["Onbekende route."]})
        peildatum: date = values["peildatum"]
        try:  # within the user's werkgebied (monitor/scope.py), as on the monitor pages
            scope = scope_for(request.user, values["route"], values["municipality"])
        except ValidationError as error:
            raise serializers.ValidationError(error.message_dict) from error
        table = council_table(peildatum=peildatum, scope=scope)
        return Response(self.get_serializer(table).data)
