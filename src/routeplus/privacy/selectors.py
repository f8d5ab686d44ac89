"""Reading the processing register and deciding which data categories may be shared with a partner."""

from dataclasses import dataclass
from datetime import date
from functools import cache
from pathlib import Path
from typing import Any

import yaml
from django.db.models import Q

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
        return self.basis == Basis.STATUTORY or (self.basis == Basis.CONSENT and self.consent is not None)


# Asked for every case file a partner opens: compiled once (conf.compiled).
_SHARING_BASES = CompiledQuery(
    lambda *, kind, participant_id, organisation_id: SharingBasis.objects.filter(
        Q(participant__isnull=True, organisation_kind=kind)
        | Q(participant_id=participant_id, organisation_id=organisation_id)
    ),
    kind=str,
    participant_id=int,
    organisation_id=int,
)
_CONSENTS = CompiledQuery(
    lambda *, participant_id, organisation_id, on: Consent.objects.filter(
        participant_id=participant_id, organisation_id=organisation_id, stated_on__lte=on
    ),
    participant_id=int,
    organisation_id=int,
    on=date,
)


def sharing_bases(*, participant: Participant, organisation: Organisation, on: date) -> dict[str, CategoryBasis]:
    """Per category: the basis for sharing with this partner, and the consent in force if it rests on consent.

    Two queries whatever the history. A category without configuration is not shared.
    """
    rows = _SHARING_BASES.all(kind=organisation.kind, participant_id=participant.pk, organisation_id=organisation.pk)
    basis: dict[str, tuple[str, str]] = {}
    for row in sorted(rows, key=lambda r: r.participant_id is not None):  # overrides last, so they win
        basis[row.category] = (row.basis, row.article)
    latest: dict[str, Consent] = {}
    for statement in _CONSENTS.all(participant_id=participant.pk, organisation_id=organisation.pk, on=on):
        latest.setdefault(statement.category, statement)  # ordered newest first
    result = {}
    for category in DataCategory.values:
        kind, article = basis.get(category, (Basis.NONE, ""))
        consent = latest.get(category)
        in_force: Consent | None = (
            consent
            if consent is not None
            and consent.status == ConsentStatus.GIVEN
            and (consent.valid_until is None or consent.valid_until >= on)
            else None
        )
        result[category] = CategoryBasis(category=category, basis=kind, article=article, consent=in_force)
    return result


def shared_categories(*, participant: Participant, organisation: Organisation, on: date) -> frozenset[str]:
    """The categories this partner may see of this participant today."""
    bases = sharing_bases(participant=participant, organisation=organisation, on=on)
    return frozenset(category for category, row in bases.items() if row.shared)


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
