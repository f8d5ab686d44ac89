"""Reading and verifying the access log."""

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date

from django.db.models import Q, QuerySet

from routeplus.audit.models import AccessLogEntry
from routeplus.audit.services import GENESIS, entry_digest, hashed_fields


@dataclass(frozen=True)
class ChainBreak:
    entry_id: int
    reason: str


def access_log_verify(*, batch_size: int = 2000) -> tuple[int, ChainBreak | None]:
    """Walk the chain in order; return how many entries were checked and the first break, if any."""
    expected_prev = GENESIS
    checked = 0
    for entry in _iterate(batch_size):
        if entry.prev_hash != expected_prev:
            return checked, ChainBreak(entry.id, "prev_hash does not match the previous entry (removed or reordered)")
        if entry_digest(entry.prev_hash, hashed_fields(entry)) != entry.entry_hash:
            return checked, ChainBreak(entry.id, "content does not match its hash (changed after writing)")
        expected_prev = entry.entry_hash
        checked += 1
    return checked, None


def _iterate(batch_size: int) -> Iterator[AccessLogEntry]:
    last_id = 0
    while True:
        batch = list(AccessLogEntry.objects.filter(id__gt=last_id).order_by("id")[:batch_size])
        if not batch:
            return
        yield from batch
        last_id = batch[-1].id


def access_log_search(
    *,
    participant_ref: str = "",
    user_uuid: str = "",
    action: str = "",
    result: str = "",
    date_from: date | None = None,
    date_to: date | None = None,
) -> QuerySet[AccessLogEntry]:
    """Entries about one participant (as object) and/or by one user (as actor), newest first.

    A user's entries include those where the user is the object (their account, memberships, sessions).
    """
    entries = AccessLogEntry.objects.all()
    if participant_ref:
        entries = entries.filter(participant_ref=participant_ref)
    if user_uuid:
        entries = entries.filter(Q(actor__uuid=user_uuid) | Q(object_ref=user_uuid))
    if action:
        entries = entries.filter(action=action)
    if result:
        entries = entries.filter(result=result)
    if date_from:
        entries = entries.filter(at__date__gte=date_from)
    if date_to:
        entries = entries.filter(at__date__lte=date_to)
    return entries.order_by("-id")
