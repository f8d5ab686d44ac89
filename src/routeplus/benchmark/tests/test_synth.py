"""The generator writes exactly the planned rows, valid under the models' constraints, reproducibly."""

import pytest
from django.apps import apps
from django.db import connection, transaction
from django.db.models import Count, Q

from routeplus.accounts.models import User
from routeplus.alerts.models import Signal, SignalStatus
from routeplus.alerts.selectors import worklist_signals
from routeplus.benchmark.bulk import BulkLoader
from routeplus.benchmark.synth import ANCHOR, Plan, build
from routeplus.casefile.models import ContactMoment, GoalReview, Result
from routeplus.participants.bsn import is_valid_bsn
from routeplus.participants.models import Participant
from routeplus.trajectories.models import OPEN_STATUSES, TeamMember, Trajectory

SIZE = 200


@pytest.fixture
def built(db: None):
    return build(SIZE)


def test_writes_exactly_the_planned_counts(built) -> None:
    for label, expected in Plan(SIZE).expected().items():
        assert built.counts[label] == expected, label
        if label != "accounts.Municipality":  # the region's 13 come from a migration
            assert apps.get_model(label)._default_manager.count() == expected, label
    together = Result.objects.count() + ContactMoment.objects.count() + GoalReview.objects.count()
    assert together == 10 * SIZE  # 1,000,000 at the national size of 100,000


def test_national_proportions_at_full_size() -> None:
    plan = Plan(100_000)
    assert (plan.trajectories, plan.professionals) == (150_000, 2_000)
    assert plan.results + plan.contact_moments + plan.goal_reviews == 1_000_000


def test_rows_respect_the_domain_rules(built) -> None:
    assert not Trajectory.objects.filter(registered_on__gt=ANCHOR).exists()
    assert not Trajectory.objects.filter(status="closed", end_date__isnull=True).exists()
    open_twice = (
        Trajectory.objects.filter(status__in=OPEN_STATUSES)
        .values("participant", "route")
        .annotate(n=Count("id"))
        .filter(n__gt=1)
    )
    assert not open_twice.exists()
    bsns = list(Participant.objects.exclude(bsn="").values_list("bsn", flat=True))
    assert bsns and all(is_valid_bsn(b) for b in bsns)
    # Every open trajectory has a current case lead, so it is on somebody's caseload.
    without_lead = Trajectory.objects.filter(status__in=OPEN_STATUSES).exclude(
        id__in=TeamMember.objects.filter(role="case_lead", end_date__isnull=True).values("trajectory_id")
    )
    assert not without_lead.exists()


def test_probes_have_a_long_history_on_their_case_leads_caseload(built) -> None:
    assert len(built.probe_trajectories) == Plan(SIZE).probes
    probe = Trajectory.objects.annotate(
        changes=Count("status_changes", distinct=True), contacts=Count("contact_moments", distinct=True)
    ).get(id=built.probe_trajectories[0])
    assert probe.changes >= 20
    assert probe.contacts > 10 * ContactMoment.objects.count() / Trajectory.objects.count()
    assert TeamMember.objects.filter(
        Q(end_date__isnull=True), trajectory=probe, user_id=built.probe_users[0], role="case_lead"
    ).exists()


def test_worklists_hold_the_signals_of_the_anchor_date(built) -> None:
    """The daily evaluation has run: the probe case lead's worklist is not empty, as a real one is not."""
    assert built.counts["alerts.Signal"] == Signal.objects.filter(status=SignalStatus.OPEN).count() > 0
    assert set(Signal.objects.values_list("raised_on", flat=True)) == {ANCHOR}
    lead = User.objects.get(pk=built.probe_users[0])
    assert worklist_signals(user=lead, on=ANCHOR)


def _fingerprint() -> list[tuple[object, ...]]:
    return sorted(
        Trajectory.objects.values_list(
            "uuid", "participant__family_name", "participant__birth_date", "registered_on", "status"
        )
    )


def test_same_seed_same_rows(db: None) -> None:
    prints = []
    for _ in range(2):
        with transaction.atomic():
            build(60)
            prints.append(_fingerprint())
            transaction.set_rollback(True)
    assert len(prints[0]) == 90
    assert prints[0] == prints[1]


def test_statistics_step_says_what_it_did(db: None) -> None:
    """Inside a transaction (here, the test's) neither database can vacuum: the step is named for what ran."""
    loader = BulkLoader()
    assert loader.vacuum_analyze(["alerts_signal"]) == "analyze"
    assert loader.vacuum_analyze() == "analyze"


@pytest.mark.skipif(connection.vendor != "postgresql", reason="VACUUM is PostgreSQL's; SQLite has statistics only")
def test_postgresql_outside_a_transaction_vacuums(transactional_db: None) -> None:
    assert BulkLoader().vacuum_analyze(["alerts_signal"]) == "vacuum and analyze"
