"""Reading the processing register and deciding which data categories may be shared with a partner."""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from functools import cache
from pathlib import Path
from typing import Any

import yaml
from django.db.models import OuterRef, Q, QuerySet, Subquery

from routeplus.access.sections import DataCategory
from routeplus.accounts.models import Organisation
from routeplus.conf.compiled import CompiledQuery
from routeplus.participants.models import Participant
from routeplus.privacy.models import Basis, Consent, ConsentStatus, SharingBasis

REGISTER_FILE = Path(__file__).resolve().parent / "data" / "processing_register.yaml"
REGISTER_FIELDS = [
    "id",
    "name",
    "purpose",
    "legal_basis",
    "categories",
    "data_subjects",
    "recipients",
    "retention",
    "security",
]


@cache
def processing_register() -> dict[str, Any]:
    """The article-30 register as configured in the repository."""
    with REGISTER_FILE.open(encoding="utf-8") as handle:
        register: dict[str, Any] = yaml.safe_load(handle)
    for activity in register["activities"]:
        missing = [name for name in REGISTER_FIELDS if not activity.get(name)]
        if missing:
            raise ValueError(f"{REGISTER_FILE.name}: activity {activity.get('id', '?')} lacks {', '.join(missing)}")
        unknown = set(activity["categories"]) - set(DataCategory.values)
        if unknown:
            raise ValueError(
                f"{REGISTER_FILE.name}: activity {activity['id']} has unknown categories {sorted(unknown)}"
            )
    return register


@dataclass(frozen=True)
class CategoryBasis:
    category: str
    basis: str
    article: str
    consent: Consent | None

    @property
    def label(self) -> str:
        return str(DataCategory(self.category).label)

    @property
    def shared(self) -> bool:
        return _shared(self.basis, consent_in_force=self.consent is not None)


def _shared(basis: str, *, consent_in_force: bool) -> bool:
    """The one rule: a category is shared on a statutory basis, or on consent while a consent is in force."""
    return basis == Basis.STATUTORY or (basis == Basis.CONSENT and consent_in_force)


def _in_force(status: str, valid_until: date | None, on: date) -> bool:
    """Whether the newest statement of consent by `on` gives consent that has not expired by then."""
    return status == ConsentStatus.GIVEN and (valid_until is None or valid_until >= on)


def _bases(*, kind: str, participant_id: int, organisation_id: int) -> QuerySet[SharingBasis]:
    """The configured bases for this kind of partner and this participant's overrides for this partner."""
    return SharingBasis.objects.filter(
        Q(participant__isnull=True, organisation_kind=kind)
        | Q(participant_id=participant_id, organisation_id=organisation_id)
    )


def _consents(*, participant_id: int, organisation_id: int, on: date) -> QuerySet[Consent]:
    """The statements of consent for this partner by `on`, newest first (the model's ordering)."""
    return Consent.objects.filter(participant_id=participant_id, organisation_id=organisation_id, stated_on__lte=on)


def _bases_with_newest_consent(
    *, kind: str, participant_id: int, organisation_id: int, on: date
) -> QuerySet[SharingBasis, tuple[Any, ...]]:
    """Each basis with the status and end of the newest statement of consent in its category: all that decides
    what is shared, in one statement."""
    newest = _consents(participant_id=participant_id, organisation_id=organisation_id, on=on).filter(
        category=OuterRef("category")
    )
    # Two subqueries read the same newest statement only because Consent's ordering ends in its id (a total order):
    # keep it so, or a tie could pair one statement's status with another's end date.
    return (
        _bases(kind=kind, participant_id=participant_id, organisation_id=organisation_id)
        .annotate(
            consent_status=Subquery(newest.values("status")[:1]),
            consent_valid_until=Subquery(newest.values("valid_until")[:1]),
        )
        .values_list("category", "basis", "participant_id", "consent_status", "consent_valid_until")
    )


# Asked for every case file a partner opens: compiled once (conf.compiled).
_SHARING_BASES = CompiledQuery(_bases, kind=str, participant_id=int, organisation_id=int)
_CONSENTS = CompiledQuery(_consents, participant_id=int, organisation_id=int, on=date)
_SHARING_DECIDED = CompiledQuery(_bases_with_newest_consent, kind=str, participant_id=int, organisation_id=int, on=date)


def _overrides_last[R](rows: list[R], participant_id: Callable[[R], int | None]) -> list[R]:
    """The rows in the order in which they count: a participant's own basis after the default, so it wins."""
    return sorted(rows, key=lambda row: participant_id(row) is not None)


def sharing_bases(*, participant: Participant, organisation: Organisation, on: date) -> dict[str, CategoryBasis]:
    """Per category: the basis for sharing with this partner, and the consent in force if it rests on consent.

    Two queries whatever the history. A category without configuration is not shared.
    """
    rows = _SHARING_BASES.all(kind=organisation.kind, participant_id=participant.pk, organisation_id=organisation.pk)
    basis: dict[str, tuple[str, str]] = {}
    for row in _overrides_last(rows, lambda row: row.participant_id):
        basis[row.category] = (row.basis, row.article)
    latest: dict[str, Consent] = {}
    for statement in _CONSENTS.all(participant_id=participant.pk, organisation_id=organisation.pk, on=on):
        latest.setdefault(statement.category, statement)  # ordered newest first
    result = {}
    for category in DataCategory.values:
        kind, article = basis.get(category, (Basis.NONE, ""))
        consent = latest.get(category)
        in_force = consent if consent is not None and _in_force(consent.status, consent.valid_until, on) else None
        result[category] = CategoryBasis(category=category, basis=kind, article=article, consent=in_force)
    return result


def shared_categories(*, participant: Participant, organisation: Organisation, on: date) -> frozenset[str]:
    """The categories this partner may see of this participant on `on`: what sharing_bases calls shared, read
    in one statement (every case-file page asks it, for each of the user's organisations on the team)."""
    rows = _SHARING_DECIDED.all(
        kind=organisation.kind, participant_id=participant.pk, organisation_id=organisation.pk, on=on
    )
    shared: dict[str, bool] = {}
    for category, basis, _participant_id, status, valid_until in _overrides_last(rows, lambda row: row[2]):
        in_force = status is not None and _in_force(status, valid_until, on)
        shared[category] = _shared(basis, consent_in_force=in_force)
    return frozenset(
        category for category, is_shared in shared.items() if is_shared and category in DataCategory.values
    )


def consent_history(*, participant: Participant) -> list[Consent]:
    return list(Consent.objects.filter(participant=participant).select_related("organisation", "recorded_by"))


def subject_candidates(*, bsn: str = "", family_name: str = "", birth_date: date | None = None) -> list[Participant]:
    """Participants matching a data subject's request, for a privacy officer: by BSN, or name and birth date."""
    qs = Participant.objects.select_related("school")
    if bsn:
        qs = qs.filter(bsn=bsn.strip())
    elif birth_date is None:
        return []
    else:
        qs = qs.filter(family_name__iexact=family_name.strip(), birth_date=birth_date)
    return list(qs.order_by("family_name", "given_name")[:20])
