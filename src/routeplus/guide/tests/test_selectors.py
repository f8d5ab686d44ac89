"""What the wegwijzer shows for one participant: dates from the participant's data, each rule with its source."""

from datetime import date

import pytest
import time_machine

from routeplus.accounts.models import Role
from routeplus.guide.catalogue import repository_rules
from routeplus.guide.selectors import State, guide_for_trajectory
from routeplus.guide.services import guide_rule_retire, guide_rule_save
from routeplus.guide.tests.factories import provision
from routeplus.testing.factories import TrajectoryFactory, on_team, professional

pytestmark = pytest.mark.django_db

TODAY = date(2026, 3, 10)
BIRTH = date(2008, 8, 5)  # 17 years and 7 months on TODAY
EIGHTEEN = date(2026, 8, 5)


@pytest.fixture
def case():
    trajectory = TrajectoryFactory(participant__birth_date=BIRTH, participant__school_type="VSO")
    lead = professional(Role.CASE_LEAD)
    on_team(lead, trajectory)
    return trajectory, lead


def by_id(items):
    return {item.rule.id: item for item in items}


@time_machine.travel(TODAY, tick=False)
def test_seventeen_and_seven_months_with_youth_support_gets_the_18_steps_with_dates_and_sources(case):
    trajectory, lead = case
    provision(trajectory, "youth_support", start_date=date(2024, 1, 1), end_date=date(2026, 12, 31))

    guide = guide_for_trajectory(user=lead, trajectory=trajectory)

    now = by_id(guide.now)
    # Plan the transition (JW-01), decide on continued youth care (JW-02), apply for Wmo (WMO-01) and the UWV
    # work-capacity assessment (UWV-01): all due on the 18th birthday.
    for rule_id in ("JW-01", "JW-02", "WMO-01"):
        assert rule_id in now, rule_id
        assert now[rule_id].deadline == EIGHTEEN
        assert now[rule_id].state is State.NOW
    assert now["JW-01"].ends_on == EIGHTEEN
    assert "Wettelijke vertegenwoordiging" in now["JW-01"].rule.checklist[0]
    assert now["JW-01"].rule.sources[0].url.startswith("https://www.schulinck.nl/")
    assert now["WMO-01"].starts_on == date(2026, 2, 5)  # half a year before the 18th birthday
    # UWV-01 is in force but its details are unverified: it applies now, marked to verify.
    uwv = by_id(guide.now + guide.check)["UWV-01"]
    assert uwv.deadline == EIGHTEEN
    assert uwv.rule.certainty == "to_verify"
    assert uwv.rule.sources[0].url == (
        "https://uwv.nl/en/individuals/occupational-disability/wajong-benefit/applying-for-a-wajong-benefit"
    )

    upcoming = by_id(guide.next)
    assert upcoming["PW-02"].starts_on == EIGHTEEN  # lower youth norm from 18 to 21
    assert upcoming["PW-02"].ends_on == date(2029, 8, 5)
    assert upcoming["PW-02"].rule.sources[0].url.startswith("https://www.rijksoverheid.nl/")
    starts = [item.starts_on or date.max for item in guide.next]
    assert starts == sorted(starts)
    # VSO: at school until the end of the school year in which the pupil turns 20 (birthday in August).
    assert by_id(guide.check)["ONW-02"].deadline == date(2029, 7, 31)


@time_machine.travel(TODAY, tick=False)
def test_without_youth_support_the_youth_care_steps_do_not_apply(case):
    trajectory, lead = case
    guide = guide_for_trajectory(user=lead, trajectory=trajectory)
    shown = {item.rule.id for item in guide.now + guide.check + guide.next}
    assert "JW-01" not in shown
    assert "WMO-01" not in shown
    assert "UWV-01" in shown  # depends on age and school type only


@time_machine.travel(TODAY, tick=False)
def test_youth_care_hidden_from_a_role_stays_unknown_and_is_not_revealed(case):
    trajectory, _lead = case
    provision(trajectory, "youth_support", start_date=date(2024, 1, 1))
    coach = professional(Role.JOB_COACH)
    on_team(coach, trajectory, role=Role.JOB_COACH)

    guide = guide_for_trajectory(user=coach, trajectory=trajectory)

    assert "JW-01" not in by_id(guide.now)
    assert "krijgt jeugdhulp" in by_id(guide.check)["JW-01"].to_check


@time_machine.travel(TODAY, tick=False)
def test_the_day_after_the_18th_birthday_the_18_minus_steps_are_gone(case):
    trajectory, lead = case
    provision(trajectory, "youth_support", start_date=date(2024, 1, 1))
    guide = guide_for_trajectory(user=lead, trajectory=trajectory, on=EIGHTEEN)
    now = by_id(guide.now)
    assert "JW-01" not in now and "WMO-01" not in now
    assert "PW-02" in now
    assert "JW-02" in now  # extended youth care runs to 23


@time_machine.travel(TODAY, tick=False)
def test_wajong_refusal_opens_the_reapplication_window(case):
    trajectory, lead = case
    provision(trajectory, "wajong", status="refused", decided_on=date(2025, 1, 15))
    guide = guide_for_trajectory(user=lead, trajectory=trajectory)
    assert by_id(guide.now)["UWV-03"].deadline == date(2030, 1, 15)
    assert by_id(guide.next)["UWV-03B"].starts_on == date(2035, 1, 15)


@time_machine.travel(TODAY, tick=False)
def test_retired_rules_leave_the_case_file_and_added_rules_join_it(case):
    trajectory, lead = case
    admin = professional(Role.FUNCTIONAL_ADMIN)
    guide_rule_retire(actor=admin, rule_id="UWV-01", reason="Vervangen door nieuwe UWV-werkwijze")
    guide_rule_save(
        actor=admin,
        reason="Lokale afspraak",
        definition={
            "id": "GEM-01",
            "title": "Warme overdracht naar WIJ",
            "domain": "gemeente",
            "applies": {"from": {"birthday": 17}, "until": {"birthday": 18}},
            "what": "Plan een overdrachtsgesprek.",
            "deadline": {"birthday": 18, "label": "18e verjaardag"},
            "certainty": "practice",
            "sources": [{"url": "https://gemeente.groningen.nl/", "title": "Werkafspraak", "date": "2026-01-01"}],
        },
    )
    guide = guide_for_trajectory(user=lead, trajectory=trajectory)
    shown = by_id(guide.now + guide.check + guide.next)
    assert "UWV-01" not in shown
    assert shown["GEM-01"].deadline == EIGHTEEN
    assert "UWV-01" in repository_rules()  # the file is untouched
