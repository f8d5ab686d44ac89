"""What the case-file header shows of a case's open signals (the most urgent ones the reader may see, and how many),
and the worklist as a list read in two steps."""

from datetime import date, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from routeplus.accounts.models import Role
from routeplus.alerts.models import Signal, SignalStatus
from routeplus.alerts.rules import RULES
from routeplus.alerts.selectors import ATTENTION_SHOWN, _shown, attention_on, work_item, worklist_signals
from routeplus.testing.factories import SchoolFactory, TrajectoryFactory, on_team, professional
from routeplus.testing.queries import queries_built
from routeplus.trajectories.models import Status

pytestmark = pytest.mark.django_db

DAY = date(2026, 3, 2)


def _signal(trajectory, n, *, category="", status=SignalStatus.OPEN, due=0, snoozed_until=None):
    return Signal.objects.create(
        trajectory=trajectory,
        rule="no_contact",
        key=f"k{n}",
        category=category,
        due_date=DAY + timedelta(days=due),
        raised_on=DAY - timedelta(days=n),
        status=status,
        snoozed_until=snoozed_until,
    )


def test_the_header_reads_only_the_signals_it_shows_and_counts_all_the_reader_may_see():
    case, other = TrajectoryFactory(), TrajectoryFactory()
    _signal(other, 1)  # another case's signal counts for nothing here
    made = [
        _signal(case, 1, due=5),
        _signal(case, 2, category="youth_care", due=-3),  # hidden from a reader without youth care
        _signal(case, 3, category="contacts", due=1),
        _signal(case, 4, due=1),  # same due date as the one before: the older one (raised earlier) first
        _signal(case, 5, category="contacts", due=9),
        _signal(case, 6, status=SignalStatus.HANDLED, due=-9),  # no longer open
        _signal(case, 7, status=SignalStatus.SNOOZED, snoozed_until=DAY + timedelta(days=3), due=-8),  # still snoozed
        _signal(case, 8, status=SignalStatus.SNOOZED, snoozed_until=DAY, due=-7),  # snoozed until today: open again
    ]
    for categories in (frozenset(), frozenset({"contacts"}), frozenset({"contacts", "youth_care"})):
        # What the header used to do in Python over every open signal, as the rule to hold the query to.
        expected = sorted(
            (s for s in made if _shown(s, categories) and s.pk not in (made[5].pk, made[6].pk)),
            key=lambda s: (s.due_date, s.raised_on, s.pk),
        )
        with CaptureQueriesContext(connection) as queries:
            attention = attention_on(trajectory=case, categories=categories, on=DAY)
        assert [item.signal.pk for item in attention.items] == [s.pk for s in expected[:ATTENTION_SHOWN]]
        assert attention.total == len(expected)
        assert len(queries) == 1
        assert f"LIMIT {ATTENTION_SHOWN}" in queries[0]["sql"]  # the rest is counted, not read
    assert attention.total == 6 and len(attention.items) == ATTENTION_SHOWN  # there is more than the header shows


def test_a_case_without_open_signals_the_reader_may_see_has_none():
    case = TrajectoryFactory()
    assert attention_on(trajectory=case, categories=frozenset(), on=DAY).total == 0
    _signal(case, 1, category="youth_care")
    attention = attention_on(trajectory=case, categories=frozenset({"contacts"}), on=DAY)
    assert (attention.items, attention.total) == ([], 0)


def test_the_worklist_answers_as_a_list_in_its_order_whatever_part_is_asked():
    """Length, index, slice and iteration agree; the hidden category and the closed signal are not in it."""
    lead = professional(Role.CASE_LEAD)
    case = TrajectoryFactory()
    on_team(lead, case)
    made = [
        _signal(case, 1, due=5),
        _signal(case, 2, category="finance_unknown", due=-3),  # a category no role sees
        _signal(case, 3, category="contacts", due=1),
        _signal(case, 4, due=1),  # same due date: the older one (raised earlier) first
        _signal(case, 6, status=SignalStatus.HANDLED, due=-9),
    ]
    expected = [made[3], made[2], made[0]]
    worklist = worklist_signals(user=lead, on=DAY)
    assert len(worklist) == 3
    assert list(worklist) == worklist[:] == [worklist[0], worklist[1], worklist[-1]] == expected
    assert worklist[1:] == expected[1:] and worklist[5:] == []
    assert worklist.due_dates == [s.due_date for s in expected]
    with CaptureQueriesContext(connection) as queries:
        worklist[0:2]
    assert len(queries) == 1


def test_a_worklist_is_read_by_statements_compiled_once():
    """The open signals on the caseload, the user's places on its teams and a page's rows are read by compiled SQL
    (conf.compiled): the second worklist builds no query set, and still answers for its own day and cases."""
    lead = professional(Role.CASE_LEAD)
    case, elsewhere = TrajectoryFactory(), TrajectoryFactory()
    on_team(lead, case)
    due_today, later = _signal(case, 1, due=0), _signal(case, 2, category="contacts", due=3)
    _signal(elsewhere, 3)  # not on the lead's caseload
    snoozed = _signal(case, 4, status=SignalStatus.SNOOZED, snoozed_until=DAY + timedelta(days=2), due=-1)
    first = worklist_signals(user=lead, on=DAY)
    assert list(first) == [due_today, later] and first[1] == later  # each statement compiled at its first use
    with queries_built() as built:
        worklist = worklist_signals(user=lead, on=DAY + timedelta(days=2))  # the snoozed one is open again by then
        rows = list(worklist)  # a page's rows: three ids, read as a list of 25 filled up
        one = worklist[0]  # one row: a list of one
    assert built == []
    assert rows == [snoozed, due_today, later] and one == snoozed


def test_a_school_coordinator_sees_the_registrations_of_their_school_and_no_case_role_sees_none():
    """The compiled first step keeps every way onto the caseload: the school coordinator's registered pupils of
    their own school (no team place), in the categories that role sees; a user without a case role has none."""
    school = SchoolFactory()
    coordinator = professional(Role.SCHOOL_COORDINATOR, organisation=school)
    registered = TrajectoryFactory(status=Status.REGISTERED, participant__school=school)
    elsewhere = TrajectoryFactory(status=Status.REGISTERED, participant__school=SchoolFactory())
    about_the_case = _signal(registered, 1)
    _signal(registered, 2, category="finance_unknown")  # on the caseload, in a category no role sees
    _signal(elsewhere, 3)
    assert list(worklist_signals(user=coordinator, on=DAY)) == [about_the_case]
    assert list(worklist_signals(user=professional(Role.POLICY), on=DAY)) == []


def test_a_work_item_says_what_its_rule_asks_and_a_signal_of_an_unknown_rule_asks_nothing():
    """What to do and the checklist are the rule's, read when shown (the signal's page, the API), not per row."""
    signal = _signal(TrajectoryFactory(), 1, due=-1)
    signal.rule = "transition_18"  # a rule with a checklist
    item = work_item(signal, DAY)
    rule = RULES["transition_18"]
    assert (item.title, item.overdue, item.due_soon) == (str(rule.title), True, False)
    assert item.what_to_do == str(rule.what_to_do) and item.what_to_do
    assert item.checklist == tuple(str(point) for point in rule.checklist) and item.checklist
    signal.rule = "retired_rule"
    unknown = work_item(signal, DAY)
    assert (unknown.title, unknown.what_to_do, unknown.checklist) == ("retired_rule", "", ())
