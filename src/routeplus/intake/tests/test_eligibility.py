"""Each eligibility rule passes and fails with its explanation; switched-off rules are not checked."""

from datetime import date

import pytest

from routeplus.intake import eligibility
from routeplus.intake.eligibility import Facts, add_months
from routeplus.intake.models import IntakeSettings
from routeplus.testing.factories import municipality, route
from routeplus.trajectories.models import RouteOffering

pytestmark = pytest.mark.django_db

ON = date(2026, 3, 2)


def result(code: str, **facts: object) -> eligibility.RuleResult:
    config = eligibility.rule_config(route("RA_PLUS"))
    results = {r.code: r for r in eligibility.check(config, Facts(registered_on=ON, **facts))}
    return results[code]


@pytest.mark.parametrize(
    ("birth_date", "passed", "phrase"),
    [
        (date(2010, 3, 2), True, "16 jaar"),  # 16th birthday on the registration date
        (date(2010, 3, 3), False, "vanaf 16 jaar"),  # one day short of 16
        (date(1998, 3, 3), True, "27 jaar"),  # 27, the day before turning 28
        (date(1998, 3, 2), False, "tot en met 27 jaar"),  # 28 on the registration date
    ],
)
def test_age_rule_counts_age_on_the_registration_date(birth_date, passed, phrase):
    outcome = result(eligibility.AGE, birth_date=birth_date)
    assert outcome.passed is passed
    assert phrase in outcome.explanation


def test_age_rule_waits_for_a_birth_date():
    outcome = result(eligibility.AGE)
    assert outcome.passed is None
    assert "16 tot en met 27" in outcome.explanation


def test_school_rule_accepts_pupils_and_recent_leavers_of_pro_and_vso():
    assert result(eligibility.SCHOOL, school_type="PRO").passed is True
    recent = result(eligibility.SCHOOL, school_type="VSO", left_school_on=date(2024, 7, 1))
    assert recent.passed is True
    assert "binnen 24 maanden" in recent.explanation


def test_school_rule_refuses_other_schools_and_long_ago_leavers():
    assert result(eligibility.SCHOOL, school_type="").passed is None
    long_ago = result(eligibility.SCHOOL, school_type="PRO", left_school_on=date(2023, 7, 1))
    assert long_ago.passed is False
    assert "meer dan 24 maanden" in long_ago.explanation


def test_school_rule_refuses_a_school_type_outside_pro_and_vso():
    outcome = result(eligibility.SCHOOL, school_type="MBO")
    assert outcome.passed is False
    assert "alleen voor leerlingen van Pro of VSO" in outcome.explanation


def test_profile_rule_wants_dagbesteding_or_an_exception():
    assert result(eligibility.PROFILE, outflow_profile="dagbesteding").passed is True
    other = result(eligibility.PROFILE, outflow_profile="arbeidsmarkt")
    assert other.passed is False
    assert "arbeidsmarkt" in other.explanation
    assert "uitzondering" in other.explanation


def test_municipality_rule_names_where_the_route_runs():
    assert result(eligibility.MUNICIPALITY, municipality=municipality("GM0014")).passed is True
    elsewhere = result(eligibility.MUNICIPALITY, municipality=municipality("GM1730"))
    assert elsewhere.passed is False
    assert "Tynaarlo" in elsewhere.explanation
    assert "Groningen" in elsewhere.explanation


def test_municipality_rule_reads_the_route_offering_on_the_registration_date():
    ra_plus, tynaarlo = route("RA_PLUS"), municipality("GM1730")
    RouteOffering.objects.create(route=ra_plus, municipality=tynaarlo, start_date=date(2026, 9, 1))

    not_yet = result(eligibility.MUNICIPALITY, municipality=tynaarlo)
    assert not_yet.passed is False
    assert "Tynaarlo pas vanaf 01-09-2026" in not_yet.explanation

    config = eligibility.rule_config(ra_plus)
    later = {r.code: r for r in eligibility.check(config, Facts(registered_on=date(2026, 9, 1), municipality=tynaarlo))}
    assert later[eligibility.MUNICIPALITY].passed is True


def test_municipality_rule_refuses_after_the_offering_ended():
    ra_plus = route("RA_PLUS")
    RouteOffering.objects.filter(route=ra_plus, municipality=municipality("GM0014")).update(end_date=date(2026, 2, 28))
    ended = result(eligibility.MUNICIPALITY, municipality=municipality("GM0014"))
    assert ended.passed is False
    assert "tot en met 28-02-2026" in ended.explanation


def test_municipality_rule_follows_the_offering_not_a_list_of_its_own():
    # Route Arbeid runs in Groningen and Het Hogeland (route offering); not in Tynaarlo.
    config = eligibility.rule_config(route("ROUTE_ARBEID"))
    outcome = {
        r.code: r for r in eligibility.check(config, Facts(registered_on=ON, municipality=municipality("GM1966")))
    }
    assert outcome[eligibility.MUNICIPALITY].passed is True
    assert eligibility.PROFILE not in outcome  # switched off for Route Arbeid by the starting configuration


def test_municipality_rule_is_not_checked_where_the_route_is_offered_nowhere():
    RouteOffering.objects.filter(route=route("ROUTE_ARBEID")).delete()
    config = eligibility.rule_config(route("ROUTE_ARBEID"))
    outcome = {r.code: r for r in eligibility.check(config, Facts(municipality=municipality("GM1730")))}
    assert outcome[eligibility.MUNICIPALITY].passed is None


def test_a_functional_administrator_can_change_the_rules():
    settings = IntakeSettings.objects.get(route=route("RA_PLUS"))
    settings.max_age = 23
    settings.save()
    outcome = result(eligibility.AGE, birth_date=date(2001, 1, 1))
    assert outcome.passed is False
    assert "tot en met 23 jaar" in outcome.explanation


def test_failed_lists_only_rules_that_failed():
    config = eligibility.rule_config(route("RA_PLUS"))
    results = eligibility.check(
        config, Facts(registered_on=ON, birth_date=date(2008, 1, 1), school_type="PRO", outflow_profile="arbeidsmarkt")
    )
    assert [r.code for r in eligibility.failed(results)] == [eligibility.PROFILE]


def test_add_months_clips_to_the_end_of_a_short_month():
    assert add_months(date(2026, 1, 31), 1) == date(2026, 2, 28)
    assert add_months(date(2024, 1, 31), 1) == date(2024, 2, 29)
    assert add_months(date(2026, 3, 15), -3) == date(2025, 12, 15)
