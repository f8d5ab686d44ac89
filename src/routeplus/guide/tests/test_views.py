"""The wegwijzer pages: catalogue, rule history, the administrator's changes, and the case-file page behind the door."""

from datetime import date

import pytest
import time_machine
from django.urls import reverse

from routeplus.accounts.models import Role
from routeplus.audit.models import AccessLogEntry
from routeplus.guide.catalogue import repository_rules
from routeplus.guide.models import RevisionKind, RuleRevision
from routeplus.guide.tests.factories import provision
from routeplus.testing.factories import TrajectoryFactory, on_team, professional
from routeplus.testing.http import logged_in

pytestmark = pytest.mark.django_db


def test_catalogue_lists_every_rule_with_certainty():
    response = logged_in(professional(Role.POLICY)).get(reverse("guide:catalogue"))
    assert response.status_code == 200
    content = response.content.decode()
    for rule_id in repository_rules():
        assert rule_id in content
    assert "Nog te verifiëren" in content
    assert "Regel toevoegen" not in content  # only for the functional administrator


def test_catalogue_filters_by_domain():
    response = logged_in(professional(Role.CASE_LEAD)).get(reverse("guide:catalogue"), {"domein": "jeugdwet"})
    content = response.content.decode()
    assert "JW-01" in content
    assert "UWV-01" not in content


def test_rule_page_shows_sources_and_unknown_rule_is_404():
    client = logged_in(professional(Role.JOB_COACH))
    response = client.get(reverse("guide:rule_detail", args=["JW-01"]))
    assert response.status_code == 200
    assert "https://www.schulinck.nl/opinie/dat-jeugdhulp-meestal-stopt-bij-18-jaar-volgt-uit-de-jeugdwet/" in (
        response.content.decode()
    )
    assert client.get(reverse("guide:rule_detail", args=["XX-99"])).status_code == 404


def test_functional_admin_retires_and_restores_a_rule_with_history():
    admin = professional(Role.FUNCTIONAL_ADMIN, full_name="Ingrid Beheer")
    client = logged_in(admin)
    url = reverse("guide:rule_retire", args=["PW-04"])

    refused = client.post(url, {"reason": ""})
    assert refused.status_code == 400
    assert not RuleRevision.objects.exists()

    assert client.post(url, {"reason": "Artikel niet te vinden"}).status_code == 302
    page = client.get(reverse("guide:rule_detail", args=["PW-04"])).content.decode()
    assert "ingetrokken" in page and "Artikel niet te vinden" in page and "Ingrid Beheer" in page

    client.post(reverse("guide:rule_restore", args=["PW-04"]), {"reason": "Artikel gevonden"})
    assert list(RuleRevision.objects.values_list("kind", flat=True)) == [RevisionKind.RETIRE, RevisionKind.RESTORE]


@pytest.mark.parametrize("role", [Role.CASE_LEAD, Role.SCHOOL_COORDINATOR, Role.JOB_COACH, Role.POLICY])
def test_other_roles_cannot_change_the_catalogue(role):
    client = logged_in(professional(role))
    assert client.post(reverse("guide:rule_retire", args=["PW-04"]), {"reason": "x"}).status_code == 403
    assert client.get(reverse("guide:rule_add")).status_code == 403
    assert not RuleRevision.objects.exists()


ADD = {
    "rule_id": "gem-02",
    "title": "Kennismaking met iederz",
    "domain": "gemeente",
    "what": "Plan een kennismaking.",
    "checklist": "Afspraak gemaakt\nJongere weet de weg",
    "age_from": "17y6m",
    "age_until": "19",
    "school_types": ["VSO"],
    "situations": ["has_placement"],
    "deadline_age": "18",
    "deadline_label": "Voor de 18e verjaardag",
    "certainty": "practice",
    "source_url": "https://gemeente.groningen.nl/werkafspraak",
    "source_title": "Werkafspraak Route Arbeid+",
    "source_date": "2026-01-10",
    "source_reliability": "verified",
    "reason": "Nieuwe werkafspraak",
}


def test_functional_admin_adds_a_rule_and_a_bad_form_keeps_the_input():
    client = logged_in(professional(Role.FUNCTIONAL_ADMIN))
    bad = client.post(reverse("guide:rule_add"), {**ADD, "source_url": "", "age_from": "zeventien"})
    assert bad.status_code == 400
    assert "Kennismaking met iederz" in bad.content.decode()  # what was typed stays
    assert not RuleRevision.objects.exists()

    assert client.post(reverse("guide:rule_add"), ADD).status_code == 302
    revision = RuleRevision.objects.get()
    assert revision.rule_id == "GEM-02" and revision.kind == RevisionKind.ADD
    assert revision.definition["applies"]["from"] == {"birthday": "17y6m"}
    assert "Kennismaking met iederz" in client.get(reverse("guide:catalogue")).content.decode()

    duplicate = client.post(reverse("guide:rule_add"), ADD)
    assert duplicate.status_code == 400
    edit = client.post(reverse("guide:rule_edit", args=["GEM-02"]), {**ADD, "title": "Kennismaking (nieuw)"})
    assert edit.status_code == 302
    assert RuleRevision.objects.latest("id").kind == RevisionKind.CHANGE
    assert "Kennismaking (nieuw)" in client.get(reverse("guide:rule_detail", args=["GEM-02"])).content.decode()


@time_machine.travel(date(2026, 3, 10), tick=False)
def test_case_file_guide_goes_through_the_door():
    trajectory = TrajectoryFactory(participant__birth_date=date(2008, 8, 5))
    provision(trajectory, "youth_support", start_date=date(2025, 1, 1))
    lead = professional(Role.CASE_LEAD)
    on_team(lead, trajectory)
    url = reverse("guide:case_file", args=[trajectory.uuid])

    response = logged_in(lead).get(url)
    assert response.status_code == 200
    content = response.content.decode()
    assert "JW-01" in content and "5 augustus 2026" in content
    assert trajectory.participant.family_name not in url

    outsider = professional(Role.CASE_LEAD)
    assert logged_in(outsider).get(url).status_code == 404
    results = list(AccessLogEntry.objects.filter(object_ref=str(trajectory.uuid)).values_list("result", flat=True))
    assert results == ["allowed", "refused"]
