"""The worklist pages: who sees which signals, a signal's page and its actions, the team overview, the digest."""

import re
from datetime import date, timedelta

import pytest
import time_machine
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from routeplus.accounts.models import Role
from routeplus.alerts import views as alerts_views
from routeplus.alerts.digest import digest_send, digest_subscribe
from routeplus.alerts.engine import signals_evaluate
from routeplus.alerts.models import Signal, SignalStatus
from routeplus.alerts.tests.factories import contact
from routeplus.audit.models import AccessLogEntry, ChainHead
from routeplus.casefile.selectors import timeline
from routeplus.guide.tests.factories import provision
from routeplus.testing.factories import TrajectoryFactory, on_team, professional
from routeplus.testing.http import logged_in
from routeplus.testing.queries import queries_built

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen")]

DAY = date(2026, 3, 2)


@pytest.fixture
def frozen():
    with time_machine.travel(DAY, tick=False):
        yield


@pytest.fixture
def world():
    """Two cases of one case lead with signals; a job coach on one; a case of someone else."""
    lead = professional(Role.CASE_LEAD, full_name="Sanne Regie")
    coach = professional(Role.JOB_COACH)
    mine = TrajectoryFactory(
        participant__given_name="Noor",
        participant__family_name="Zwartjes",
        participant__birth_date=date(2001, 1, 1),
        start_date=date(2025, 9, 1),
    )
    contact(mine, date(2026, 1, 1), reached=True)  # no contact for two months (category contacts)
    provision(mine, "youth_support", start_date=date(2025, 1, 1), end_date=date(2026, 4, 15))  # youth care ends
    second = TrajectoryFactory(participant__birth_date=date(2008, 6, 1), start_date=date(2026, 2, 20))  # turns 18
    on_team(lead, mine)
    on_team(lead, second)
    on_team(coach, mine, role=Role.JOB_COACH)
    others = TrajectoryFactory(participant__family_name="Anders", participant__birth_date=date(2008, 5, 1))
    on_team(professional(Role.CASE_LEAD), others)
    signals_evaluate(on=DAY)
    return lead, coach, mine, second, others


def test_worklist_shows_my_open_signals_most_urgent_first(world):
    lead, _coach, mine, second, _others = world
    response = logged_in(lead).get(reverse("alerts:worklist"))
    assert response.status_code == 200
    content = response.content.decode()
    assert "Anders" not in content  # not my case
    rows = [item.signal.rule for item in response.context["items"]]
    assert rows == ["no_contact", "provision_ending", "transition_18"]  # by due date
    assert "te laat" in content  # the overdue one says so in words
    assert reverse("trajectories:case_file", args=[mine.uuid]) in content
    assert str(second.participant.uuid) not in response.request["PATH_INFO"]


def test_a_long_worklist_comes_in_pages_most_urgent_first(world, settings):
    lead, *_ = world
    settings.ROUTEPLUS_WORKLIST_PAGE_SIZE = 2
    client = logged_in(lead)
    first = client.get(reverse("alerts:worklist"))
    second = client.get(reverse("alerts:worklist"), {"page": 2})
    assert [item.signal.rule for item in first.context["items"]] == ["no_contact", "provision_ending"]
    assert [item.signal.rule for item in second.context["items"]] == ["transition_18"]
    assert "3 signaleringen" in first.content.decode() and "3 signaleringen" in second.content.decode()
    assert "Pagina 1 van 2" in first.content.decode() and '?page=2"' in first.content.decode()
    shown = [reverse("alerts:signal", args=[item.signal.uuid]) for item in first.context["items"]]
    last = reverse("alerts:signal", args=[second.context["items"][0].signal.uuid])
    assert all(url in first.content.decode() for url in shown) and last not in first.content.decode()
    assert "<form" not in first.content.decode().split("<table")[1].split("</table>")[0]  # actions on their own page


def test_a_worklist_page_describes_only_its_own_signals(world, settings, monkeypatch):
    lead, *_ = world
    settings.ROUTEPLUS_WORKLIST_PAGE_SIZE = 2
    described = []
    describe = alerts_views.work_item

    def counting(signal, on):
        described.append(signal.rule)
        return describe(signal, on)

    monkeypatch.setattr(alerts_views, "work_item", counting)
    response = logged_in(lead).get(reverse("alerts:worklist"))
    assert described == ["no_contact", "provision_ending"]  # not the third, on page 2
    content = response.content.decode()
    assert "3 signaleringen" in content and "waarvan 1 te laat" in content  # counted over all three


def test_job_coach_does_not_see_signals_of_hidden_categories(world):
    _lead, coach, _mine, _second, _others = world
    rules = [item.signal.rule for item in logged_in(coach).get(reverse("alerts:worklist")).context["items"]]
    assert rules == ["no_contact"]  # youth care (provision) is not the job coach's to see
    youth = Signal.objects.get(rule="provision_ending")
    response = logged_in(coach).post(
        reverse("alerts:act", args=[youth.uuid, "afhandelen"]), {"action_taken": "x", "version": youth.version}
    )
    assert response.status_code == 404
    assert logged_in(coach).get(reverse("alerts:signal", args=[youth.uuid])).status_code == 404
    assert Signal.objects.get(pk=youth.pk).status == SignalStatus.OPEN


def test_empty_worklist_says_so():
    response = logged_in(professional(Role.JOB_COACH)).get(reverse("alerts:worklist"))
    assert "Niets te doen. Goed bezig." in response.content.decode()


@pytest.mark.parametrize("role", [Role.POLICY, Role.RESEARCHER, Role.FUNCTIONAL_ADMIN])
def test_roles_without_case_files_have_no_worklist(role):
    assert logged_in(professional(role)).get(reverse("alerts:worklist")).status_code == 403


def test_signal_page_says_what_to_do_and_handling_it_returns_to_the_worklist(world):
    lead, _coach, mine, _second, _others = world
    signal = Signal.objects.get(rule="no_contact", trajectory=mine)
    client = logged_in(lead)
    page = client.get(reverse("alerts:signal", args=[signal.uuid]))
    content = page.content.decode()
    assert page.status_code == 200
    assert page.context["item"].title in content and page.context["item"].what_to_do in content
    assert "Noor Zwartjes" in content and "te laat" in content
    for action in ("afhandelen", "uitstellen", "niet-nodig"):
        assert reverse("alerts:act", args=[signal.uuid, action]) in content
    assert len(set(re.findall(r' id="([^"]+)"', content))) == len(re.findall(r' id="([^"]+)"', content))  # ids unique
    read = AccessLogEntry.objects.filter(object_ref=str(mine.uuid), section="signals", action="read").get()
    assert read.result == "allowed"

    response = client.post(
        reverse("alerts:act", args=[signal.uuid, "afhandelen"]),
        {"action_taken": "Huisbezoek gedaan", "version": signal.version},
        follow=True,
    )
    assert response.redirect_chain == [(reverse("alerts:worklist"), 302)]
    assert "Signalering bijgewerkt: afgehandeld." in response.content.decode()
    signal.refresh_from_db()
    assert (signal.status, signal.action_taken, signal.handled_by) == (SignalStatus.HANDLED, "Huisbezoek gedaan", lead)
    entry = AccessLogEntry.objects.filter(object_ref=str(mine.uuid), section="signals", action="update").get()
    assert entry.result == "allowed"

    after = client.get(reverse("alerts:signal", args=[signal.uuid])).content.decode()
    assert "staat niet meer open" in after and '<form method="post" action="/werkvoorraad/' not in after


def test_snooze_without_reason_keeps_the_input_and_explains(world):
    lead, _coach, _mine, second, _others = world
    signal = Signal.objects.get(rule="transition_18", trajectory=second)
    url = reverse("alerts:act", args=[signal.uuid, "uitstellen"])
    until = (DAY + timedelta(days=10)).isoformat()
    response = logged_in(lead).post(url, {"until": until, "reason": "", "version": signal.version})
    content = response.content.decode()
    assert response.status_code == 400
    assert "_reason_error" in content and 'aria-invalid="true"' in content  # the error is linked to its field
    assert until in content  # what was typed stays
    assert Signal.objects.get(pk=signal.pk).status == SignalStatus.OPEN
    plain = logged_in(lead).post(url, {"until": until, "reason": "Na de zomer", "version": signal.version})
    assert plain.status_code == 302
    signal.refresh_from_db()
    assert (signal.status, signal.snoozed_until, signal.reason) == (
        SignalStatus.SNOOZED,
        DAY + timedelta(days=10),
        "Na de zomer",
    )


def test_acting_on_a_signal_someone_else_just_handled_says_why_nothing_happened(world):
    lead, coach, mine, *_ = world
    signal = Signal.objects.get(rule="no_contact", trajectory=mine)
    url = reverse("alerts:act", args=[signal.uuid, "niet-nodig"])
    logged_in(coach).post(
        reverse("alerts:act", args=[signal.uuid, "afhandelen"]), {"action_taken": "Gebeld", "version": 1}
    )
    response = logged_in(lead).post(url, {"reason": "Al gesproken", "version": 1})  # the page was stale
    content = response.content.decode()
    assert response.status_code == 400
    assert 'role="alert"' in content and "staat niet meer open" in content
    assert Signal.objects.get(pk=signal.pk).status == SignalStatus.HANDLED
    assert logged_in(lead).post(reverse("alerts:act", args=[signal.uuid, "weg"]), {}).status_code == 404


def test_case_file_header_says_what_needs_attention_in_the_categories_the_reader_sees(world):
    lead, coach, mine, *_ = world
    no_contact = Signal.objects.get(rule="no_contact", trajectory=mine)
    youth = Signal.objects.get(rule="provision_ending", trajectory=mine)
    case_file = reverse("trajectories:case_file", args=[mine.uuid])
    for_lead = logged_in(lead).get(case_file).content.decode()
    assert "Aandacht nodig" in for_lead
    assert reverse("alerts:signal", args=[no_contact.uuid]) in for_lead
    assert reverse("alerts:signal", args=[youth.uuid]) in for_lead
    for_coach = logged_in(coach).get(case_file)
    assert [item.signal.rule for item in for_coach.context["attention"].items] == ["no_contact"]
    assert reverse("alerts:signal", args=[youth.uuid]) not in for_coach.content.decode()  # youth care: hidden
    logged_in(lead).post(
        reverse("alerts:act", args=[no_contact.uuid, "afhandelen"]), {"action_taken": "Gebeld", "version": 1}
    )
    assert "geen open signaleringen" in logged_in(coach).get(case_file).content.decode()


def test_other_peoples_signals_are_404(world):
    lead, *_rest, others = world
    signal = Signal.objects.filter(trajectory=others).first()
    response = logged_in(lead).post(
        reverse("alerts:act", args=[signal.uuid, "niet-nodig"]), {"reason": "x", "version": signal.version}
    )
    assert response.status_code == 404
    assert Signal.objects.get(pk=signal.pk).status == SignalStatus.OPEN


def test_team_overview_for_the_case_lead_only(world):
    lead, coach, _mine, second, _others = world
    snoozed = Signal.objects.get(rule="transition_18", trajectory=second)
    logged_in(lead).post(
        reverse("alerts:act", args=[snoozed.uuid, "uitstellen"]),
        {"until": (DAY + timedelta(days=30)).isoformat(), "reason": "Na de zomer", "version": snoozed.version},
    )
    response = logged_in(lead).get(reverse("alerts:team"))
    assert response.status_code == 200
    rows = response.context["overview"].rows
    assert sorted(row.open for row in rows) == [0, 2]
    assert reverse("alerts:signal", args=[snoozed.uuid]) in response.content.decode()  # to act on it again
    assert logged_in(coach).get(reverse("alerts:team")).status_code == 403


def test_timeline_events_show_the_signal_and_its_handling(world):
    lead, _coach, mine, *_ = world
    signal = Signal.objects.get(rule="no_contact", trajectory=mine)
    logged_in(lead).post(
        reverse("alerts:act", args=[signal.uuid, "afhandelen"]), {"action_taken": "Gebeld", "version": 1}
    )
    events = [e for e in timeline(user=lead, trajectory=mine) if e.kind == "signal"]
    texts = [(e.title, e.by) for e in events]
    assert ("Al lang geen contact: open", "routeplus") in texts
    assert ("Al lang geen contact: afgehandeld", "Sanne Regie") in texts


def test_daily_digest_has_counts_and_a_link_but_no_personal_data(world):
    lead, *_ = world
    digest_subscribe(user=lead, active=True)
    assert digest_send(on=DAY) == 1
    assert digest_send(on=DAY) == 0  # once a day
    [message] = mail.outbox
    assert "3 open signaleringen" in message.body
    assert "/werkvoorraad/" in message.body
    for forbidden in ("Noor", "Zwartjes", "18 jaar", "Jeugdhulp"):
        assert forbidden not in message.body and forbidden not in message.subject


def test_digest_toggle(world):
    lead, *_ = world
    client = logged_in(lead)
    client.post(reverse("alerts:digest"), {"active": "on"})
    assert lead.signal_digest.is_active
    client.post(reverse("alerts:digest"), {})
    lead.signal_digest.refresh_from_db()
    assert not lead.signal_digest.is_active


def test_worklist_query_count_does_not_grow(world, django_assert_max_num_queries):
    lead, *_ = world
    client = logged_in(lead)
    client.get(reverse("alerts:worklist"))
    with django_assert_max_num_queries(20) as small:
        client.get(reverse("alerts:worklist"))
    for _ in range(5):
        extra = TrajectoryFactory(start_date=date(2025, 1, 1), participant__birth_date=date(2008, 7, 1))
        on_team(lead, extra)
    signals_evaluate(on=DAY)
    with django_assert_max_num_queries(len(small.captured_queries)):
        client.get(reverse("alerts:worklist"))


def test_a_case_file_write_reevaluates_the_signals_once_committed(django_capture_on_commit_callbacks):
    from routeplus.casefile.services import contact_moment_record

    lead = professional(Role.CASE_LEAD)
    trajectory = TrajectoryFactory(participant__birth_date=date(2000, 1, 1))
    on_team(lead, trajectory)
    signals_evaluate(on=DAY, trajectories=[trajectory])
    open_before = Signal.objects.filter(trajectory=trajectory, rule="no_contact", status="open").count()
    with django_capture_on_commit_callbacks(execute=True):
        contact_moment_record(
            actor=lead,
            trajectory=trajectory,
            at=timezone.now(),
            channel="phone",
            with_whom="participant",
            reached=True,
            summary="Gebeld",
        )
    assert open_before == 1
    assert not Signal.objects.filter(trajectory=trajectory, rule="no_contact", status="open").exists()


def test_the_worklist_reads_no_more_of_a_young_person_than_its_rows_show(world):
    """Least data, and less work: name and ids, never the BSN, birth date or school of the participant."""
    lead, *_ = world
    client = logged_in(lead)
    with CaptureQueriesContext(connection) as queries:
        page = client.get(reverse("alerts:worklist")).content.decode()
    signal_reads = [q["sql"] for q in queries if 'FROM "alerts_signal"' in q["sql"]]
    assert len(signal_reads) == 2  # the list's keys, then the rows of the page
    for signals in signal_reads:
        for column in ('"bsn"', '"birth_date"', '"school_id"', '"source_ref"', '"route_id"'):
            assert column not in signals, column
    assert "Noor Zwartjes" in page  # the rows still name whom they are about


def test_the_worklist_builds_records_only_for_the_page_it_shows(world, settings):
    """The whole list is read as plain values (order, visibility, counts); only the shown page as records."""
    from django.db.models.signals import post_init

    lead, *_ = world
    settings.ROUTEPLUS_WORKLIST_PAGE_SIZE = 2
    built: list[Signal] = []

    def count(sender, instance, **kwargs):
        built.append(instance)

    post_init.connect(count, sender=Signal)
    try:
        response = logged_in(lead).get(reverse("alerts:worklist"))
    finally:
        post_init.disconnect(count, sender=Signal)
    assert response.context["total"] == 3  # counted over the whole list
    assert [item.signal for item in response.context["items"]] == built  # two records, the page's, in its order
    assert len(built) == 2


def test_the_worklist_page_builds_no_query_set_and_shows_whether_the_digest_is_on(world):
    """The worklist's own reads are compiled once (conf.compiled); the digest's choice is the user's own. (On SQLite
    the access log's entry reads its chain head through the ORM: audit.services.)"""
    lead, coach, *_ = world
    client = logged_in(lead)
    assert client.get(reverse("alerts:worklist")).context["digest_form"].initial == {"active": False}
    digest_subscribe(user=lead, active=True)
    with queries_built() as built:
        response = client.get(reverse("alerts:worklist"))
    assert response.context["digest_form"].initial == {"active": True}
    assert [model.__name__ for model in built if model is not ChainHead] == []
    assert logged_in(coach).get(reverse("alerts:worklist")).context["digest_form"].initial == {"active": False}
