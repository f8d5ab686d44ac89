"""Every field that holds personal data of a participant, with its data category and retention rule.

This is the one place the data-subject export, the retention purge and the research export read to know
what a participant's data is. A test walks every model linked to a participant and fails on a field that is
neither tagged here nor listed as technical, so a new field cannot slip past privacy by being forgotten.
"""

from dataclasses import dataclass

IDENTITY = "identity"  # names, BSN, birth date, contact details: beyond the seven case-file categories


class Retention:
    """Retention rules (periods in settings.ROUTEPLUS_RETENTION_YEARS, counted from the last trajectory's end)."""

    IDENTITY = "identity"  # anonymised: names, BSN, contact details, exact birth date
    CASE_CONTENT = "case_content"  # deleted: plans, goals, reviews, contacts, bottlenecks, signals, free text
    DECISIONS = "decisions"  # deleted later: provisions and their decision references
    MONITOR = "monitor"  # kept without identity: routes, dates, statuses and results the council figures count


DEFAULT_RETENTION_YEARS = {Retention.IDENTITY: 2, Retention.CASE_CONTENT: 2, Retention.DECISIONS: 7}


@dataclass(frozen=True)
class Tag:
    category: str
    retention: str


def _tags(category: str, retention: str, *fields: str) -> dict[str, Tag]:
    return {name: Tag(category, retention) for name in fields}


@dataclass(frozen=True)
class PersonalModel:
    """A model holding participant data: the path from it to the participant, its tagged and technical fields."""

    label: str
    participant_path: str
    fields: dict[str, Tag]
    technical: frozenset[str]


def _model(label: str, path: str, fields: dict[str, Tag], technical: str) -> PersonalModel:
    return PersonalModel(label, path, fields, frozenset(technical.split()))


PERSONAL_MODELS: list[PersonalModel] = [
    _model(
        "participants.participant",
        "pk",
        _tags(
            IDENTITY,
            Retention.IDENTITY,
            "given_name",
            "family_name",
            "birth_date",
            "bsn",
            "phone",
            "email",
            "source_ref",
        )
        | _tags("education", Retention.MONITOR, "school", "school_type", "outflow_profile")
        | _tags(IDENTITY, Retention.MONITOR, "municipality"),
        "id uuid created_at updated_at",
    ),
    _model(
        "trajectories.trajectory",
        "participant",
        _tags(
            "work",
            Retention.MONITOR,
            "route",
            "municipality",
            "registered_on",
            "start_date",
            "end_date",
            "status",
            "previous",
        )
        | _tags("work", Retention.CASE_CONTENT, "end_reason", "source_ref"),
        "id uuid participant version created_at updated_at",
    ),
    _model(
        "trajectories.statuschange",
        "trajectory__participant",
        _tags("work", Retention.MONITOR, "from_status", "to_status", "effective_date")
        | _tags("work", Retention.CASE_CONTENT, "reason"),
        "id trajectory changed_by changed_at",
    ),
    _model(
        "trajectories.teammember",
        "trajectory__participant",
        _tags("contacts", Retention.CASE_CONTENT, "user", "organisation", "role", "start_date", "end_date"),
        "id trajectory",
    ),
    _model(
        "trajectories.handover",
        "from_trajectory__participant",
        _tags("contacts", Retention.CASE_CONTENT, "what_to_know", "introductions")
        | _tags("work", Retention.MONITOR, "kind", "handover_date", "overlap_until"),
        "id from_trajectory to_trajectory created_by created_at",
    ),
    _model(
        "casefile.developmentplan",
        "trajectory__participant",
        _tags("education", Retention.CASE_CONTENT, "perspective", "agreed_on"),
        "id trajectory updated_by updated_at version",
    ),
    _model(
        "casefile.learninggoal",
        "trajectory__participant",
        _tags(
            "education", Retention.CASE_CONTENT, "area", "description", "own_words", "owner", "target_date", "status"
        ),
        "id uuid trajectory created_by created_at updated_at version",
    ),
    _model(
        "casefile.goalreview",
        "goal__trajectory__participant",
        _tags("education", Retention.CASE_CONTENT, "reviewed_on", "score", "note"),
        "id goal reviewed_by created_at",
    ),
    _model(
        "casefile.placement",
        "trajectory__participant",
        _tags(
            "work",
            Retention.CASE_CONTENT,
            "kind",
            "employer",
            "supervisor",
            "hours_per_week",
            "start_date",
            "end_date",
            "status",
            "evaluation",
        ),
        "id uuid trajectory created_by created_at updated_at version",
    ),
    _model(
        "casefile.provision",
        "trajectory__participant",
        _tags("health", Retention.DECISIONS, "kind", "status", "applied_on", "decided_on", "start_date", "end_date")
        | _tags("health", Retention.DECISIONS, "decision_reference", "note"),
        "id uuid trajectory created_by created_at updated_at version",
    ),
    _model(
        "casefile.result",
        "trajectory__participant",
        _tags("work", Retention.MONITOR, "type", "start_date", "end_date")
        | _tags("work", Retention.CASE_CONTENT, "note", "placement", "provision"),
        "id uuid trajectory recorded_by created_at version",
    ),
    _model(
        # Derived from the results and trajectories above (the council table counts from it), kept as long.
        "monitor.resultdate",
        "participant",
        _tags("work", Retention.MONITOR, "route", "municipality", "type", "counts_from"),
        "id participant",
    ),
    _model(
        "casefile.resultproposal",
        "trajectory__participant",
        _tags("work", Retention.CASE_CONTENT, "type", "start_date", "placement", "provision", "status", "result"),
        "id uuid trajectory decided_by decided_at created_at version",
    ),
    _model(
        "casefile.contactmoment",
        "trajectory__participant",
        _tags("contacts", Retention.CASE_CONTENT, "at", "channel", "with_whom", "reached", "summary"),
        "id uuid trajectory recorded_by created_at version",
    ),
    _model(
        "casefile.bottleneck",
        "trajectory__participant",
        _tags(
            "contacts",
            Retention.CASE_CONTENT,
            "category",
            "domains",
            "description",
            "status",
            "resolution",
            "noticed_on",
        ),
        "id uuid trajectory recorded_by created_at updated_at version",
    ),
    _model(
        "intake.registration",
        "trajectory__participant",
        _tags(
            "education",
            Retention.CASE_CONTENT,
            "school",
            "school_type",
            "left_school_on",
            "outflow_profile",
            "municipality",
            "reason",
            "expected_start",
            "expected_end",
            "eligibility",
            "exception_rules",
            "has_exception",
            "exception_reason",
            "outcome",
        ),
        "id uuid trajectory exception_by registered_by created_at admitted_at admitted_by",
    ),
    _model(
        "intake.prioritymove",
        "trajectory__participant",
        _tags("work", Retention.CASE_CONTENT, "reason", "position_before"),
        "id trajectory moved_by moved_at",
    ),
    _model(
        "alerts.signal",
        "trajectory__participant",
        _tags(
            "contacts",
            Retention.CASE_CONTENT,
            "rule",
            "key",
            "category",
            "due_date",
            "detail",
            "status",
            "raised_on",
            "snoozed_until",
            "action_taken",
            "reason",
        ),
        "id uuid trajectory handled_by handled_at created_at updated_at version",
    ),
    _model(
        "alerts.signalevent",
        "signal__trajectory__participant",
        _tags("contacts", Retention.CASE_CONTENT, "from_status", "to_status", "note"),
        "id signal actor at",
    ),
    _model(
        "privacy.consent",
        "participant",
        _tags(
            "contacts",
            Retention.CASE_CONTENT,
            "category",
            "organisation",
            "status",
            "given_by",
            "stated_on",
            "form_reference",
            "valid_until",
        ),
        "id uuid participant recorded_by recorded_at",
    ),
    _model(
        "privacy.sharingbasis",
        "participant",
        _tags("contacts", Retention.CASE_CONTENT, "category", "organisation_kind", "organisation", "basis", "article"),
        "id participant",
    ),
    _model(
        "privacy.subjectrequest",
        "participant",
        _tags("contacts", Retention.CASE_CONTENT, "kind", "received_on", "reference", "status", "outcome"),
        "id uuid participant created_by created_at done_at",
    ),
    _model("privacy.requestapproval", "request__participant", {}, "id request approver approved_at"),
    _model(
        "privacy.restriction",
        "participant",
        _tags("contacts", Retention.CASE_CONTENT, "since", "is_active"),
        "id participant request",
    ),
]

PERSONAL_MODEL_BY_LABEL = {model.label: model for model in PERSONAL_MODELS}
