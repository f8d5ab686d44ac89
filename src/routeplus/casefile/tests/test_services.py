"""Services of the case file: valid and invalid input, the change log, proposals, and lost-update refusal."""

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
import time_machine
from django.core.exceptions import ValidationError

from routeplus.audit.models import ChangeLogEntry
from routeplus.casefile import services
from routeplus.casefile.models import (
    BottleneckStatus,
    GoalStatus,
    PlacementKind,
    PlacementStatus,
    ProposalStatus,
    ProvisionStatus,
    Result,
    ResultProposal,
)
from routeplus.casefile.tests.factories import (
    BottleneckFactory,
    ContactMomentFactory,
    EmployerFactory,
    LearningGoalFactory,
    PlacementFactory,
    ProvisionFactory,
    provision_kind,
)
from routeplus.testing.factories import professional
from routeplus.trajectories.services import StaleVersionError

pytestmark = pytest.mark.django_db
TODAY = date(2025, 3, 3)


@pytest.fixture(autouse=True)
def frozen_clock():
    with time_machine.travel(datetime(2025, 3, 3, 12, 0, tzinfo=UTC), tick=False):
        yield


def errors_of(excinfo: pytest.ExceptionInfo[ValidationError]) -> set[str]:
    return set(excinfo.value.message_dict)


# Plan and goals ------------------------------------------------------------------------------------------


def test_plan_is_created_then_changed_with_the_change_logged(lead_on_team, trajectory):
    plan = services.development_plan_save(
        actor=lead_on_team, trajectory=trajectory, perspective="Werk in de groenvoorziening", agreed_on=TODAY,
        expected_version=0,
    )  # fmt: skip
    plan = services.development_plan_save(
        actor=lead_on_team, trajectory=trajectory, perspective="Beschut werk bij iederz", agreed_on=TODAY,
        expected_version=plan.version,
    )  # fmt: skip
    assert plan.version == 2
    entry = ChangeLogEntry.objects.filter(object_type="casefile.developmentplan").latest("id")
    assert entry.changes == {"perspective": ["Werk in de groenvoorziening", "Beschut werk bij iederz"]}
    assert entry.participant_ref == str(trajectory.participant.uuid)


def test_plan_refuses_a_date_in_the_future(lead_on_team, trajectory):
    with pytest.raises(ValidationError) as excinfo:
        services.development_plan_save(
            actor=lead_on_team, trajectory=trajectory, perspective="", agreed_on=date(2025, 4, 1), expected_version=0
        )
    assert errors_of(excinfo) == {"agreed_on"}


def test_goal_create_and_invalid_input(lead_on_team, trajectory):
    goal = services.learning_goal_create(
        actor=lead_on_team, trajectory=trajectory, area="independence", description=" Zelf reizen ", owner=lead_on_team
    )
    assert goal.description == "Zelf reizen"
    assert ChangeLogEntry.objects.filter(object_ref=str(goal.uuid), action="create").exists()
    stranger = professional()  # not on this team, so cannot own the goal
    with pytest.raises(ValidationError) as excinfo:
        services.learning_goal_create(
            actor=lead_on_team, trajectory=trajectory, area="nonsense", description="", owner=stranger
        )
    assert errors_of(excinfo) == {"area", "description", "owner"}


def test_review_at_the_top_of_the_scale_achieves_the_goal(lead_on_team, trajectory):
    goal = LearningGoalFactory(trajectory=trajectory)
    services.goal_review_add(actor=lead_on_team, goal=goal, reviewed_on=TODAY, score=2)
    goal.refresh_from_db()
    assert goal.status == GoalStatus.OPEN
    services.goal_review_add(actor=lead_on_team, goal=goal, reviewed_on=TODAY, score=4, note="Lukt zelfstandig")
    goal.refresh_from_db()
    assert goal.status == GoalStatus.ACHIEVED
    assert list(goal.reviews.values_list("score", flat=True)) == [2, 4]


def test_review_refuses_future_dates_and_scores_off_the_scale(lead_on_team, trajectory):
    goal = LearningGoalFactory(trajectory=trajectory)
    with pytest.raises(ValidationError) as excinfo:
        services.goal_review_add(actor=lead_on_team, goal=goal, reviewed_on=date(2025, 3, 4), score=5)
    assert errors_of(excinfo) == {"reviewed_on", "score"}


def test_goal_lost_update_is_refused(lead_on_team, trajectory):
    goal = LearningGoalFactory(trajectory=trajectory)
    loaded = goal.version
    fields = {"area": "social", "own_words": "", "owner": None, "target_date": None, "status": "open"}
    services.learning_goal_update(actor=lead_on_team, goal=goal, expected_version=loaded, description="A", **fields)
    with pytest.raises(StaleVersionError, match="Iemand anders heeft dit intussen gewijzigd"):
        services.learning_goal_update(actor=lead_on_team, goal=goal, expected_version=loaded, description="B", **fields)
    goal.refresh_from_db()
    assert goal.description == "A"


# Employers and placements ---------------------------------------------------------------------------------


def test_employer_duplicate_is_refused(lead_on_team):
    services.employer_create(actor=lead_on_team, name="Bakkerij Bolt", kind="regular", postal_code="9791 AA")
    with pytest.raises(ValidationError) as excinfo:
        services.employer_create(actor=lead_on_team, name="bakkerij bolt", kind="regular", postal_code="9791aa")
    assert errors_of(excinfo) == {"name"}
    with pytest.raises(ValidationError) as excinfo:
        services.employer_create(actor=lead_on_team, name="", kind="")
    assert errors_of(excinfo) == {"name", "kind"}


def test_employer_update_and_lost_update(lead_on_team):
    employer = EmployerFactory()
    services.employer_update(actor=lead_on_team, employer=employer, expected_version=1, contact_name="Jan")
    assert employer.contact_name == "Jan"
    with pytest.raises(StaleVersionError):
        services.employer_update(actor=lead_on_team, employer=employer, expected_version=1, contact_name="Piet")


def test_placement_validation(lead_on_team, trajectory):
    employer = EmployerFactory()
    with pytest.raises(ValidationError) as excinfo:
        services.placement_create(
            actor=lead_on_team, trajectory=trajectory, kind="internship", employer=employer,
            start_date=date(2025, 2, 1), end_date=date(2025, 1, 1), status=PlacementStatus.ENDED,
            hours_per_week=Decimal("80"),
        )  # fmt: skip
    assert errors_of(excinfo) == {"end_date", "hours_per_week"}
    with pytest.raises(ValidationError) as excinfo:
        services.placement_create(
            actor=lead_on_team, trajectory=trajectory, kind="internship", employer=employer,
            start_date=date(2025, 4, 1), status=PlacementStatus.RUNNING,
        )  # fmt: skip
    assert errors_of(excinfo) == {"status"}


def test_internship_proposes_nothing_but_a_tailored_internship_does(lead_on_team, trajectory):
    employer = EmployerFactory()
    services.placement_create(
        actor=lead_on_team, trajectory=trajectory, kind=PlacementKind.INTERNSHIP, employer=employer,
        start_date=date(2025, 1, 6),
    )  # fmt: skip
    assert not ResultProposal.objects.exists()
    services.placement_create(
        actor=lead_on_team, trajectory=trajectory, kind=PlacementKind.TAILORED_INTERNSHIP, employer=employer,
        start_date=date(2025, 2, 3),
    )  # fmt: skip
    proposal = ResultProposal.objects.get()
    assert (proposal.type, proposal.start_date, proposal.status) == ("stage_maatwerk", date(2025, 2, 3), "open")
    assert not Result.objects.exists()  # nothing counts without a person's decision


def test_planned_job_proposes_when_it_starts_and_has_worked_when_it_ends(lead_on_team, trajectory):
    placement = services.placement_create(
        actor=lead_on_team, trajectory=trajectory, kind=PlacementKind.REGULAR_JOB, employer=EmployerFactory(),
        start_date=date(2025, 3, 10), status=PlacementStatus.PLANNED,
    )  # fmt: skip
    assert not ResultProposal.objects.exists()
    with time_machine.travel(datetime(2025, 6, 1, 12, tzinfo=UTC), tick=False):
        placement = services.placement_update(
            actor=lead_on_team, placement=placement, expected_version=placement.version, status="running"
        )
        services.placement_update(
            actor=lead_on_team, placement=placement, expected_version=placement.version, status="ended",
            end_date=date(2025, 5, 31), evaluation="Contract niet verlengd",
        )  # fmt: skip
    assert set(ResultProposal.objects.values_list("type", flat=True)) == {"arbeid", "heeft_gewerkt"}


# Provisions -------------------------------------------------------------------------------------------------


def test_provision_status_needs_its_dates(lead_on_team, trajectory):
    with pytest.raises(ValidationError) as excinfo:
        services.provision_create(
            actor=lead_on_team, trajectory=trajectory, kind=provision_kind("wajong"), status=ProvisionStatus.GRANTED
        )
    assert errors_of(excinfo) == {"decided_on", "start_date"}
    with pytest.raises(ValidationError) as excinfo:
        services.provision_create(
            actor=lead_on_team, trajectory=trajectory, kind=provision_kind("wajong"), status=ProvisionStatus.APPLIED,
            applied_on=date(2025, 2, 1), decided_on=date(2025, 1, 1),
        )  # fmt: skip
    assert errors_of(excinfo) == {"decided_on"}


def test_granted_wajong_is_proposed_and_confirmed_by_a_person(lead_on_team, trajectory):
    provision = services.provision_create(
        actor=lead_on_team, trajectory=trajectory, kind=provision_kind("wajong"), status=ProvisionStatus.APPLIED,
        applied_on=date(2024, 11, 1),
    )  # fmt: skip
    assert not ResultProposal.objects.exists()
    provision = services.provision_update(
        actor=lead_on_team, provision=provision, expected_version=provision.version, status="granted",
        decided_on=date(2025, 2, 1), start_date=date(2025, 2, 1), decision_reference="UWV-123",
    )  # fmt: skip
    proposal = ResultProposal.objects.get()
    result = services.result_proposal_confirm(actor=lead_on_team, proposal=proposal, expected_version=proposal.version)
    assert (result.type, result.start_date, result.provision_id) == ("wajong", date(2025, 2, 1), provision.pk)
    proposal.refresh_from_db()
    assert proposal.status == ProposalStatus.CONFIRMED
    assert proposal.result == result
    # A second decision on the same proposal (e.g. from a second tab) is refused.
    with pytest.raises(StaleVersionError):
        services.result_proposal_reject(actor=lead_on_team, proposal=proposal, expected_version=1)


def test_rejected_proposal_counts_nothing(lead_on_team, trajectory):
    provision = ProvisionFactory(trajectory=trajectory, kind=provision_kind("sheltered_work_indication"))
    services.provision_update(
        actor=lead_on_team, provision=provision, expected_version=1, status="granted",
        decided_on=date(2025, 1, 10), start_date=date(2025, 1, 10),
    )  # fmt: skip
    proposal = ResultProposal.objects.get()
    services.result_proposal_reject(actor=lead_on_team, proposal=proposal, expected_version=proposal.version)
    assert not Result.objects.exists()
    assert ResultProposal.objects.get().status == ProposalStatus.REJECTED


# Results ----------------------------------------------------------------------------------------------------


def test_result_record_and_validation(lead_on_team, trajectory):
    result = services.result_record(
        actor=lead_on_team, trajectory=trajectory, type="entree", start_date=date(2024, 9, 1)
    )
    assert result.recorded_by == lead_on_team
    with pytest.raises(ValidationError) as excinfo:
        services.result_record(actor=lead_on_team, trajectory=trajectory, type="entree", start_date=date(2024, 9, 1))
    assert errors_of(excinfo) == {"type"}
    with pytest.raises(ValidationError) as excinfo:
        services.result_record(
            actor=lead_on_team, trajectory=trajectory, type="arbeid", start_date=date(2023, 1, 1),
            placement=PlacementFactory(),  # of another trajectory
        )  # fmt: skip
    assert errors_of(excinfo) == {"start_date", "placement"}


def test_result_recorded_by_hand_settles_an_open_proposal(lead_on_team, trajectory):
    PlacementFactory(trajectory=trajectory, kind=PlacementKind.TAILORED_INTERNSHIP)
    services.placement_update(
        actor=lead_on_team, placement=trajectory.placements.get(), expected_version=1, supervisor="Mevr. Dijk"
    )
    assert ResultProposal.objects.get().status == ProposalStatus.OPEN
    services.result_record(
        actor=lead_on_team, trajectory=trajectory, type="stage_maatwerk", start_date=date(2024, 4, 1)
    )
    assert ResultProposal.objects.get().status == ProposalStatus.CONFIRMED


def test_result_lost_update(lead_on_team, trajectory):
    result = services.result_record(actor=lead_on_team, trajectory=trajectory, type="arbeid", start_date=TODAY)
    services.result_update(
        actor=lead_on_team, result=result, expected_version=1, start_date=TODAY, end_date=None, note="Bij bakker"
    )
    with pytest.raises(StaleVersionError):
        services.result_update(
            actor=lead_on_team, result=result, expected_version=1, start_date=TODAY, end_date=None, note="Anders"
        )
    result.refresh_from_db()
    assert result.note == "Bij bakker"


# Contacts and bottlenecks -------------------------------------------------------------------------------------


def test_failed_contact_needs_no_summary_but_a_reached_one_does(lead_on_team, trajectory):
    at = datetime(2025, 3, 3, 9, 0, tzinfo=UTC)
    contact = services.contact_moment_record(
        actor=lead_on_team, trajectory=trajectory, at=at, channel="phone", with_whom="participant", reached=False
    )
    assert contact.reached is False
    with pytest.raises(ValidationError) as excinfo:
        services.contact_moment_record(
            actor=lead_on_team, trajectory=trajectory, at=datetime(2025, 3, 4, 9, tzinfo=UTC), channel="pigeon",
            with_whom="participant", reached=True,
        )  # fmt: skip
    assert errors_of(excinfo) == {"at", "channel", "summary"}


def test_contact_lost_update(lead_on_team, trajectory):
    contact = ContactMomentFactory(trajectory=trajectory)
    services.contact_moment_update(actor=lead_on_team, contact=contact, expected_version=1, summary="Nieuw")
    with pytest.raises(StaleVersionError):
        services.contact_moment_update(actor=lead_on_team, contact=contact, expected_version=1, summary="Ook nieuw")


def test_bottleneck_record_update_and_validation(lead_on_team, trajectory):
    bottleneck = services.bottleneck_record(
        actor=lead_on_team, trajectory=trajectory, category="transition", domains=["wmo", "jeugdwet", "wmo"],
        description="Geen dagbesteding tussen 18 en Wmo-besluit", noticed_on=TODAY,
    )  # fmt: skip
    assert bottleneck.domains == ["jeugdwet", "wmo"]
    with pytest.raises(ValidationError) as excinfo:
        services.bottleneck_update(
            actor=lead_on_team, bottleneck=bottleneck, expected_version=1, status=BottleneckStatus.SOLVED
        )
    assert errors_of(excinfo) == {"resolution"}
    services.bottleneck_update(
        actor=lead_on_team, bottleneck=bottleneck, expected_version=1, status="escalated",
        resolution="Voorgelegd aan het regio-overleg",
    )  # fmt: skip
    assert bottleneck.status == "escalated"
    with pytest.raises(ValidationError) as excinfo:
        services.bottleneck_record(
            actor=lead_on_team, trajectory=trajectory, category="x", domains=[], description="", noticed_on=TODAY
        )
    assert errors_of(excinfo) == {"category", "domains", "description"}
    with pytest.raises(StaleVersionError):
        services.bottleneck_update(actor=lead_on_team, bottleneck=BottleneckFactory(), expected_version=7)
