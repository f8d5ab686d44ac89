"""Shapes of the API's resources. Reading serializers show what the pages show; writing serializers only parse
input, which the domain services then validate (the same rules as the forms)."""

from typing import Any

from rest_framework import serializers

from routeplus.casefile.models import (
    ContactChannel,
    ContactWith,
    Employer,
    GoalArea,
    GoalStatus,
    PlacementKind,
    PlacementStatus,
    ProvisionKind,
    ProvisionStatus,
    ResultType,
)
from routeplus.trajectories.models import Status

Uuid = serializers.UUIDField


class RelatedByKey(serializers.SlugRelatedField):
    """A related record by its code or UUID. A value no database column can hold (a NUL character) is simply
    not found: PostgreSQL would refuse the lookup itself with an error, which must not become a 500."""

    def to_internal_value(self, data: Any) -> Any:
        if isinstance(data, str) and "\x00" in data:
            self.fail("does_not_exist", slug_name=self.slug_field, value=data.replace("\x00", ""))
        return super().to_internal_value(data)


class ParticipantSerializer(serializers.Serializer):
    """A participant as the case file shows them. The BSN is never part of the API."""

    uuid = Uuid(read_only=True)
    given_name = serializers.CharField(read_only=True)
    family_name = serializers.CharField(read_only=True)
    birth_date = serializers.DateField(read_only=True)
    outflow_profile = serializers.CharField(read_only=True)
    school = serializers.CharField(source="school.name", read_only=True, allow_null=True, default=None)
    municipality = serializers.CharField(source="municipality.cbs_code", read_only=True)


class TrajectorySerializer(serializers.Serializer):
    uuid = Uuid(read_only=True)
    participant = ParticipantSerializer(read_only=True)
    route = serializers.CharField(source="route.code", read_only=True)
    municipality = serializers.CharField(source="municipality.cbs_code", read_only=True)
    status = serializers.ChoiceField(choices=Status.choices, read_only=True)
    registered_on = serializers.DateField(read_only=True)
    start_date = serializers.DateField(read_only=True, allow_null=True)
    end_date = serializers.DateField(read_only=True, allow_null=True)
    end_reason = serializers.CharField(read_only=True)
    previous = serializers.UUIDField(source="previous.uuid", read_only=True, allow_null=True, default=None)
    version = serializers.IntegerField(read_only=True)


class StatusChangeInput(serializers.Serializer):
    to_status = serializers.ChoiceField(choices=Status.choices)
    effective_date = serializers.DateField()
    reason = serializers.CharField(allow_blank=True, required=False, default="", max_length=2000)


class TeamMemberSerializer(serializers.Serializer):
    user = Uuid(source="user.uuid", read_only=True)
    name = serializers.CharField(source="user.full_name", read_only=True)
    organisation = serializers.CharField(source="organisation.name", read_only=True)
    role = serializers.CharField(read_only=True)
    start_date = serializers.DateField(read_only=True)
    end_date = serializers.DateField(read_only=True, allow_null=True)


class ReviewSerializer(serializers.Serializer):
    reviewed_on = serializers.DateField()
    score = serializers.IntegerField(min_value=1, max_value=4)
    note = serializers.CharField(allow_blank=True, required=False, default="", max_length=4000)


class GoalSerializer(serializers.Serializer):
    uuid = Uuid(read_only=True)
    area = serializers.ChoiceField(choices=GoalArea.choices)
    description = serializers.CharField(max_length=4000)
    own_words = serializers.CharField(allow_blank=True, required=False, default="", max_length=4000)
    owner = serializers.UUIDField(source="owner.uuid", allow_null=True, required=False, default=None)
    target_date = serializers.DateField(allow_null=True, required=False, default=None)
    status = serializers.ChoiceField(choices=GoalStatus.choices, required=False, default=GoalStatus.OPEN)
    reviews = ReviewSerializer(many=True, read_only=True)
    version = serializers.IntegerField(read_only=True)


class PlacementSerializer(serializers.Serializer):
    uuid = Uuid(read_only=True)
    kind = serializers.ChoiceField(choices=PlacementKind.choices)
    employer = RelatedByKey(slug_field="uuid", queryset=Employer.objects.filter(is_active=True))
    supervisor = serializers.CharField(allow_blank=True, required=False, default="", max_length=200)
    hours_per_week = serializers.DecimalField(
        max_digits=4, decimal_places=1, allow_null=True, required=False, default=None, min_value=0, max_value=60
    )
    start_date = serializers.DateField()
    end_date = serializers.DateField(allow_null=True, required=False, default=None)
    status = serializers.ChoiceField(choices=PlacementStatus.choices, required=False, default=PlacementStatus.RUNNING)
    evaluation = serializers.CharField(allow_blank=True, required=False, default="", max_length=4000)
    version = serializers.IntegerField(read_only=True)


class ProvisionSerializer(serializers.Serializer):
    uuid = Uuid(read_only=True)
    kind = RelatedByKey(slug_field="code", queryset=ProvisionKind.objects.filter(is_active=True))
    status = serializers.ChoiceField(choices=ProvisionStatus.choices)
    applied_on = serializers.DateField(allow_null=True, required=False, default=None)
    decided_on = serializers.DateField(allow_null=True, required=False, default=None)
    start_date = serializers.DateField(allow_null=True, required=False, default=None)
    end_date = serializers.DateField(allow_null=True, required=False, default=None)
    decision_reference = serializers.CharField(allow_blank=True, required=False, default="", max_length=60)
    note = serializers.CharField(allow_blank=True, required=False, default="", max_length=4000)
    version = serializers.IntegerField(read_only=True)


class ResultSerializer(serializers.Serializer):
    uuid = Uuid(read_only=True)
    type = serializers.ChoiceField(choices=ResultType.choices)
    start_date = serializers.DateField()
    end_date = serializers.DateField(allow_null=True, required=False, default=None)
    note = serializers.CharField(allow_blank=True, required=False, default="", max_length=4000)
    placement = serializers.UUIDField(source="placement.uuid", allow_null=True, required=False, default=None)
    provision = serializers.UUIDField(source="provision.uuid", allow_null=True, required=False, default=None)
    version = serializers.IntegerField(read_only=True)


class ResultUpdateSerializer(serializers.Serializer):
    start_date = serializers.DateField()
    end_date = serializers.DateField(allow_null=True, required=False, default=None)
    note = serializers.CharField(allow_blank=True, required=False, default="", max_length=4000)


class ContactSerializer(serializers.Serializer):
    uuid = Uuid(read_only=True)
    at = serializers.DateTimeField()
    channel = serializers.ChoiceField(choices=ContactChannel.choices)
    with_whom = serializers.ChoiceField(choices=ContactWith.choices)
    reached = serializers.BooleanField()
    summary = serializers.CharField(allow_blank=True, required=False, default="", max_length=4000)
    version = serializers.IntegerField(read_only=True)


class SignalSerializer(serializers.Serializer):
    uuid = Uuid(source="signal.uuid", read_only=True)
    trajectory = Uuid(source="signal.trajectory.uuid", read_only=True)
    rule = serializers.CharField(source="signal.rule", read_only=True)
    title = serializers.CharField(read_only=True)
    what_to_do = serializers.CharField(read_only=True)
    category = serializers.CharField(source="signal.category", read_only=True)
    status = serializers.CharField(source="signal.status", read_only=True)
    raised_on = serializers.DateField(source="signal.raised_on", read_only=True)
    due_date = serializers.DateField(source="signal.due_date", read_only=True)
    overdue = serializers.BooleanField(read_only=True)


class RegistrationSerializer(serializers.Serializer):
    uuid = Uuid(read_only=True)
    trajectory = Uuid(source="trajectory.uuid", read_only=True)
    participant = Uuid(source="trajectory.participant.uuid", read_only=True)
    route = serializers.CharField(source="trajectory.route.code", read_only=True)
    status = serializers.CharField(source="trajectory.status", read_only=True)
    outcome = serializers.CharField(read_only=True)
    school = serializers.CharField(source="school.name", read_only=True, allow_null=True, default=None)
    school_type = serializers.CharField(read_only=True)
    outflow_profile = serializers.CharField(read_only=True)
    municipality = serializers.CharField(source="municipality.cbs_code", read_only=True)
    expected_start = serializers.DateField(read_only=True, allow_null=True)
    has_exception = serializers.BooleanField(read_only=True)
    created_at = serializers.DateTimeField(read_only=True)


class CouncilRowSerializer(serializers.Serializer):
    code = serializers.CharField()
    label = serializers.CharField()  # type: ignore[assignment]
    value = serializers.IntegerField()
    kind = serializers.CharField()


class CouncilTableSerializer(serializers.Serializer):
    peildatum = serializers.DateField()
    route = serializers.CharField(source="scope.route_code")
    municipalities = serializers.ListField(child=serializers.CharField(), source="scope.municipality_codes")
    definitions_version = serializers.CharField()
    rows = CouncilRowSerializer(many=True)
    extra_rows = CouncilRowSerializer(many=True)


class CouncilQuery(serializers.Serializer):
    peildatum = serializers.DateField(required=False)
    route = serializers.CharField(required=False, max_length=30)
    municipality = serializers.ListField(child=serializers.CharField(max_length=6), required=False, default=list)
