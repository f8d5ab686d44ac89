"""Legal basis and consent per category and partner: who may give it, and what it opens."""

from datetime import date

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.urls import reverse

from routeplus.accounts.models import OrganisationKind, Role
from routeplus.audit.models import ChangeLogEntry
from routeplus.privacy.models import Basis, ConsentGiver, ConsentStatus, SharingBasis
from routeplus.privacy.selectors import shared_categories
from routeplus.privacy.services import consent_record
from routeplus.testing.factories import OrganisationFactory, SchoolFactory, TrajectoryFactory, on_team, professional
from routeplus.testing.http import logged_in

pytestmark = pytest.mark.django_db
TODAY = date(2025, 6, 1)


@pytest.fixture(autouse=True)
def frozen_today():
    with time_machine.travel(TODAY, tick=False):
        yield


def give(participant, organisation, *, status=ConsentStatus.GIVEN, given_by=ConsentGiver.PARTICIPANT, **fields):
    values = {"stated_on": date(2025, 5, 1), "form_reference": "DOC-1", "category": "contacts"} | fields
    return consent_record(
        actor=professional(Role.CASE_LEAD),
        participant=participant,
        organisation=organisation,
        status=status,
        given_by=given_by,
        **values,
    )


def override(participant, organisation, category, basis):
    """The participant's own basis for one category with this partner, over the default for its kind."""
    return SharingBasis.objects.create(
        category=category,
        organisation_kind=organisation.kind,
        participant=participant,
        organisation=organisation,
        basis=basis,
    )


def test_statutory_categories_are_shared_without_consent_and_consent_ones_only_with_it():
    school = SchoolFactory()
    participant = TrajectoryFactory(participant__birth_date=date(2007, 1, 1)).participant

    before = shared_categories(participant=participant, organisation=school, on=TODAY)
    give(participant, school)
    after = shared_categories(participant=participant, organisation=school, on=TODAY)

    assert {"education", "work"} <= before
    assert "contacts" not in before
    assert "contacts" in after


def test_withdrawal_takes_effect_at_once_and_both_statements_are_kept():
    school = SchoolFactory()
    participant = TrajectoryFactory(participant__birth_date=date(2007, 1, 1)).participant
    give(participant, school, stated_on=date(2025, 3, 1))
    give(participant, school, status=ConsentStatus.WITHDRAWN, stated_on=date(2025, 5, 1), form_reference="")

    assert "contacts" not in shared_categories(participant=participant, organisation=school, on=TODAY)
    assert "contacts" in shared_categories(participant=participant, organisation=school, on=date(2025, 4, 1))
    assert participant.consents.count() == 2
    assert ChangeLogEntry.objects.filter(object_type="privacy.consent").count() == 2


def test_expired_consent_no_longer_opens_the_category():
    school = SchoolFactory()
    participant = TrajectoryFactory(participant__birth_date=date(2007, 1, 1)).participant
    give(participant, school, valid_until=date(2025, 5, 31))
    assert "contacts" not in shared_categories(participant=participant, organisation=school, on=TODAY)


def test_a_minor_under_16_needs_a_parent_or_representative():
    school = SchoolFactory()
    participant = TrajectoryFactory(participant__birth_date=date(2010, 1, 1)).participant  # 15 on the date
    with pytest.raises(ValidationError) as error:
        give(participant, school, given_by=ConsentGiver.PARTICIPANT)
    assert "given_by" in error.value.error_dict

    give(participant, school, given_by=ConsentGiver.PARENT)
    assert "contacts" in shared_categories(participant=participant, organisation=school, on=TODAY)


def test_an_adult_decides_unless_under_guardianship_or_mentorship():
    school = SchoolFactory()
    participant = TrajectoryFactory(participant__birth_date=date(2000, 1, 1)).participant
    with pytest.raises(ValidationError):
        give(participant, school, given_by=ConsentGiver.PARENT)
    assert give(participant, school, given_by=ConsentGiver.MENTOR).given_by == ConsentGiver.MENTOR


def test_consent_needs_a_form_reference_and_no_future_date():
    school = SchoolFactory()
    participant = TrajectoryFactory(participant__birth_date=date(2007, 1, 1)).participant
    with pytest.raises(ValidationError) as error:
        give(participant, school, form_reference="", stated_on=date(2025, 7, 1))
    assert {"form_reference", "stated_on"} <= set(error.value.error_dict)


def test_consent_cannot_replace_a_missing_legal_basis():
    other = OrganisationFactory(kind=OrganisationKind.OTHER)
    participant = TrajectoryFactory(participant__birth_date=date(2007, 1, 1)).participant
    give(participant, other, category="health")
    assert "health" not in shared_categories(participant=participant, organisation=other, on=TODAY)


def test_a_participant_specific_basis_overrides_the_default():
    school = SchoolFactory()
    participant = TrajectoryFactory(participant__birth_date=date(2007, 1, 1)).participant
    override(participant, school, "work", Basis.NONE)
    assert "work" not in shared_categories(participant=participant, organisation=school, on=TODAY)


def test_case_lead_records_consent_on_the_page_and_others_only_read_it():
    lead = professional(Role.CASE_LEAD)
    school = SchoolFactory()
    coordinator = professional(Role.SCHOOL_COORDINATOR, organisation=school)
    trajectory = TrajectoryFactory(participant__birth_date=date(2007, 1, 1))
    on_team(lead, trajectory)
    on_team(coordinator, trajectory, role=Role.SCHOOL_COORDINATOR)
    url = reverse("privacy:consent", kwargs={"trajectory_uuid": trajectory.uuid})
    data = {
        "category": "contacts",
        "organisation": school.pk,
        "status": "given",
        "given_by": "participant",
        "stated_on": "2025-05-01",
        "form_reference": "ZAAK-123",
    }

    assert logged_in(coordinator).post(url, data).status_code == 404
    assert trajectory.participant.consents.count() == 0
    page = logged_in(coordinator).get(url)
    assert page.status_code == 200
    assert "Toestemming vastleggen" not in page.text

    assert logged_in(lead).post(url, data).status_code == 302
    assert trajectory.participant.consents.get().form_reference == "ZAAK-123"


def test_refused_consent_form_keeps_what_was_typed():
    lead = professional(Role.CASE_LEAD)
    trajectory = TrajectoryFactory(participant__birth_date=date(2010, 1, 1))
    on_team(lead, trajectory)
    school = trajectory.participant.school
    on_team(professional(Role.SCHOOL_COORDINATOR, organisation=school), trajectory, role=Role.SCHOOL_COORDINATOR)
    response = logged_in(lead).post(
        reverse("privacy:consent", kwargs={"trajectory_uuid": trajectory.uuid}),
        {
            "category": "contacts",
            "organisation": school.pk,
            "status": "given",
            "given_by": "participant",
            "stated_on": "2025-05-01",
            "form_reference": "ZAAK-9",
        },
    )
    assert response.status_code == 400
    assert "Onder de 16 jaar" in response.text
    assert 'value="ZAAK-9"' in response.text


def test_consent_opens_contacts_to_the_school_and_withdrawal_hides_them_on_the_next_request():
    school = SchoolFactory()
    coordinator = professional(Role.SCHOOL_COORDINATOR, organisation=school)
    trajectory = TrajectoryFactory(participant__birth_date=date(2007, 1, 1), participant__school=school)
    on_team(coordinator, trajectory, role=Role.SCHOOL_COORDINATOR)
    client = logged_in(coordinator)
    url = reverse("casefile:contacts", kwargs={"trajectory_uuid": trajectory.uuid})

    assert client.get(url).status_code == 404
    give(trajectory.participant, school, stated_on=date(2025, 5, 1))
    assert client.get(url).status_code == 200
    give(trajectory.participant, school, status=ConsentStatus.WITHDRAWN, stated_on=date(2025, 5, 20), form_reference="")
    assert client.get(url).status_code == 404


def test_consent_for_a_minor_given_by_a_parent_opens_the_section():
    school = SchoolFactory()
    coordinator = professional(Role.SCHOOL_COORDINATOR, organisation=school)
    trajectory = TrajectoryFactory(participant__birth_date=date(2010, 3, 1), participant__school=school)
    on_team(coordinator, trajectory, role=Role.SCHOOL_COORDINATOR)
    give(trajectory.participant, school, given_by=ConsentGiver.PARENT)
    url = reverse("casefile:contacts", kwargs={"trajectory_uuid": trajectory.uuid})
    assert logged_in(coordinator).get(url).status_code == 200


def test_shared_categories_is_what_sharing_bases_calls_shared_in_one_statement(django_assert_num_queries):
    """The case file's quick question and the consent page's full answer agree, on the days each state of consent
    begins and ends."""
    from routeplus.privacy.selectors import sharing_bases

    school, other_school = SchoolFactory(), SchoolFactory()
    participant = TrajectoryFactory(participant__birth_date=date(2007, 1, 1)).participant
    give(participant, school, category="contacts", stated_on=date(2025, 3, 1))
    give(
        participant,
        school,
        category="contacts",
        status=ConsentStatus.WITHDRAWN,
        stated_on=date(2025, 5, 1),
        form_reference="",
    )
    give(participant, school, category="youth_care", stated_on=date(2025, 4, 1), valid_until=date(2025, 5, 15))
    give(participant, school, category="wmo", stated_on=date(2025, 5, 20))
    give(participant, other_school, category="income", stated_on=date(2025, 2, 1))
    override(participant, school, "work", Basis.NONE)
    override(participant, school, "education", Basis.CONSENT)
    give(participant, school, category="education", stated_on=date(2025, 1, 1))
    give(participant, school, category="health", stated_on=date(2025, 5, 10))  # given and withdrawn the same day:
    give(participant, school, category="health", status=ConsentStatus.WITHDRAWN, stated_on=date(2025, 5, 10))
    give(participant, school, category="work", stated_on=date(2025, 2, 1))  # consent where no basis allows it
    override(participant, other_school, "youth_care", Basis.STATUTORY)
    days = (date(2025, 1, 15), date(2025, 3, 15), date(2025, 4, 15), date(2025, 5, 10), date(2025, 5, 15))
    answers = {}
    for on in (*days, date(2025, 5, 16), date(2025, 5, 20), TODAY):
        for organisation in (school, other_school):
            bases = sharing_bases(participant=participant, organisation=organisation, on=on)
            expected = frozenset(category for category, row in bases.items() if row.shared)
            with django_assert_num_queries(1):
                answers[on, organisation.pk] = shared_categories(
                    participant=participant, organisation=organisation, on=on
                )
            assert answers[on, organisation.pk] == expected, on
    # And what the rules say, read directly: the newest statement counts (the later of one day's two), a consent
    # counts on its own date and on its last day, not where the basis is none; an override to statutory shares.
    at_school = {on: answers[on, school.pk] for on in (date(2025, 3, 15), date(2025, 5, 10), date(2025, 5, 15))}
    assert at_school[date(2025, 3, 15)] == {"education", "contacts"}
    assert at_school[date(2025, 5, 10)] == {"education", "youth_care"}
    assert at_school[date(2025, 5, 15)] == {"education", "youth_care"}
    assert answers[date(2025, 5, 16), school.pk] == {"education"}
    assert answers[date(2025, 5, 20), school.pk] == {"education", "wmo"}
    assert answers[TODAY, other_school.pk] == {"education", "work", "youth_care", "income"}
