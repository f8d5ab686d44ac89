"""Writing the access log and the change log. The only code that creates audit entries."""

import hashlib
import json
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.db import connection, transaction
from django.db.models import Model
from django.http import HttpRequest
from django.utils import timezone

from routeplus.accounts.selectors import active_memberships
from routeplus.audit.models import AccessLogEntry, ChainHead, ChangeLogEntry

GENESIS = "0" * 64


@dataclass(frozen=True)
class Origin:
    """Where a request came from: address and client. Commands use ip 'local' and their own name."""

    ip_address: str = ""
    user_agent: str = ""

    @classmethod
    def from_request(cls, request: HttpRequest) -> "Origin":
        from routeplus.ui.net import client_ip

        return cls(ip_address=client_ip(request), user_agent=request.META.get("HTTP_USER_AGENT", "")[:200])


def entry_digest(prev_hash: str, fields: dict[str, str]) -> str:
    payload = json.dumps(fields, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256((prev_hash + payload).encode()).hexdigest()


def hashed_fields(entry: AccessLogEntry) -> dict[str, str]:
    """The fields that the hash covers, in a stable text form."""
    return {
        "at": entry.at.isoformat(),
        "actor": str(entry.actor_id or ""),
        "actor_label": entry.actor_label,
        "actor_organisations": entry.actor_organisations,
        "actor_roles": entry.actor_roles,
        "action": entry.action,
        "object_type": entry.object_type,
        "object_ref": entry.object_ref,
        "participant_ref": entry.participant_ref,
        "section": entry.section,
        "result": entry.result,
        "ip_address": entry.ip_address,
        "user_agent": entry.user_agent,
        "purpose": entry.purpose,
    }


@dataclass
class RequestJournal:
    """What one request wrote to the access log, so the middleware can make it complete and durable.

    `pending` holds entries written inside a transaction (a savepoint of the request's own work): if that
    transaction is rolled back, the entry disappears with it, and `access_log_settle` writes it again.
    """

    count: int = 0
    pending: list[dict[str, Any]] = field(default_factory=list)
    participant_refs: list[str] = field(default_factory=list)


_journal: ContextVar[RequestJournal | None] = ContextVar("routeplus_access_journal", default=None)


@contextmanager
def access_log_journal() -> Iterator[RequestJournal]:
    """Collect the access-log writes of one unit of work (a request, a command)."""
    journal = RequestJournal()
    token = _journal.set(journal)
    try:
        yield journal
    finally:
        _journal.reset(token)


def current_journal() -> RequestJournal | None:
    return _journal.get()


def note_participant(participant_ref: str) -> None:
    """Tell the request's journal which participant a write touched (used for the request's log entry)."""
    journal = _journal.get()
    if journal is not None and participant_ref and participant_ref not in journal.participant_refs:
        journal.participant_refs.append(participant_ref)


def access_log_append(
    *,
    actor: Any,
    action: str,
    result: str,
    origin: Origin,
    object_type: str = "",
    object_ref: str = "",
    participant_ref: str = "",
    section: str = "",
    purpose: str = "",
) -> AccessLogEntry:
    """Append one entry to the chain. Raises when it cannot be written, so callers fail closed."""
    user = actor if actor is not None and getattr(actor, "is_authenticated", False) else None
    organisations, roles = _actor_context(user)
    values: dict[str, Any] = {
        "at": timezone.now(),
        "actor": user,
        "actor_label": user.email if user else "",
        "actor_organisations": organisations,
        "actor_roles": roles,
        "action": action,
        "object_type": object_type[:50],
        "object_ref": object_ref[:64],
        "participant_ref": participant_ref[:64],
        "section": section[:50],
        "result": result,
        "ip_address": origin.ip_address[:45],
        "user_agent": origin.user_agent[:200],
        "purpose": purpose[:200],
    }
    entry = _write(values)
    journal = _journal.get()
    if journal is not None:
        journal.count += 1
        if connection.in_atomic_block:
            journal.pending.append({**values, "entry_hash": entry.entry_hash})
    return entry


def access_log_account_event(request: HttpRequest, action: str, result: str, purpose: str = "") -> AccessLogEntry:
    """One entry about the requesting user's own account (login steps, second factors, sessions)."""
    return access_log_append(
        actor=request.user,
        action=action,
        result=result,
        origin=Origin.from_request(request),
        object_type="user",
        object_ref=str(request.user.uuid),  # type: ignore[union-attr]
        purpose=purpose,
    )


def _write(values: dict[str, Any]) -> AccessLogEntry:
    """Append one entry at the head of the chain; the head row is locked only for as long as that takes."""
    if connection.vendor == "postgresql":
        entry = _write_in_one_statement(values)
        if entry is not None:
            return entry
    with transaction.atomic():
        head, _ = ChainHead.objects.select_for_update().get_or_create(pk=1, defaults={"last_hash": GENESIS})
        entry = AccessLogEntry(**values, prev_hash=head.last_hash)
        entry.entry_hash = entry_digest(head.last_hash, hashed_fields(entry))
        entry.save()
        head.last_hash = entry.entry_hash
        head.save(update_fields=["last_hash"])
    return entry


def _write_in_one_statement(values: dict[str, Any]) -> AccessLogEntry | None:
    """PostgreSQL: lock the head, insert the entry and move the head in one statement (one round trip; outside
    a transaction it commits at once), so concurrent requests wait for each other as briefly as possible.

    The digest is the same as entry_digest: sha256 of the previous hash followed by the JSON of the hashed
    fields, which does not depend on the previous hash and is made here. None when there is no head yet.
    """
    entry = AccessLogEntry(**values)
    payload = json.dumps(hashed_fields(entry), sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    fields = [f for f in AccessLogEntry._meta.concrete_fields if f.column not in ("id", "prev_hash", "entry_hash")]
    q = connection.ops.quote_name
    table, head_table = q(AccessLogEntry._meta.db_table), q(ChainHead._meta.db_table)
    columns = ", ".join(q(str(f.column)) for f in fields)
    placeholders = ", ".join(["%s"] * len(fields))
    sql = f"""
        WITH head AS (SELECT last_hash FROM {head_table} WHERE id = 1 FOR UPDATE),
        entry AS (
            INSERT INTO {table} ({columns}, prev_hash, entry_hash)
            SELECT {placeholders}, head.last_hash,
                   encode(sha256(convert_to(head.last_hash || %s::text, 'UTF8')), 'hex') FROM head
            RETURNING id, prev_hash, entry_hash
        ),
        moved AS (UPDATE {head_table} SET last_hash = entry.entry_hash FROM entry WHERE {head_table}.id = 1)
        SELECT id, prev_hash, entry_hash FROM entry
    """  # noqa: S608  # nosec B608  (table and column names come from the models, values are parameters)
    params = [f.get_db_prep_save(f.pre_save(entry, add=True), connection) for f in fields]
    with connection.cursor() as cursor:
        cursor.execute(sql, [*params, payload])
        row = cursor.fetchone()
    if row is None:
        return None
    entry.pk, entry.prev_hash, entry.entry_hash = row
    entry._state.adding = False
    entry._state.db = connection.alias
    return entry


REWRITTEN_NOTE = " [opnieuw vastgelegd: de transactie van het verzoek werd teruggedraaid]"


def access_log_settle(journal: RequestJournal) -> int:
    """Write again every entry of the journal that a rolled-back transaction took with it.

    Call outside the request's own transactions (the middleware does, after the view). Returns how many
    entries were written again; raises when that fails, so the caller fails closed.
    """
    if not journal.pending:
        return 0
    hashes = [values["entry_hash"] for values in journal.pending]
    kept = set(AccessLogEntry.objects.filter(entry_hash__in=hashes).values_list("entry_hash", flat=True))
    rewritten = 0
    for values in journal.pending:
        if values["entry_hash"] in kept:
            continue
        again = {key: value for key, value in values.items() if key != "entry_hash"}
        again["purpose"] = (again["purpose"] + REWRITTEN_NOTE)[:200]
        _write(again)
        rewritten += 1
    journal.pending.clear()
    return rewritten


def _actor_context(user: Any) -> tuple[str, str]:
    if user is None:
        return "", ""
    memberships = active_memberships(user)
    organisations = ", ".join(sorted({m.organisation.name for m in memberships}))
    roles = ", ".join(sorted({m.role for m in memberships}))
    return organisations[:500], roles[:200]


def _plain(value: Any) -> Any:
    if isinstance(value, Model):
        return str(value.pk)
    if isinstance(value, date | datetime):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return value


def snapshot(instance: Model, fields: list[str]) -> dict[str, Any]:
    """The current value of some fields, in a form the change log can store."""
    return {name: _plain(getattr(instance, name)) for name in fields}


def change_log_record(
    *,
    actor: Any,
    action: str,
    instance: Model,
    participant_ref: str = "",
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
) -> ChangeLogEntry:
    """Record a write; only fields whose value changed are kept, as [old, new]."""
    before = before or {}
    after = after or {}
    changes = {
        name: [before.get(name), after.get(name)]
        for name in sorted(set(before) | set(after))
        if before.get(name) != after.get(name)
    }
    note_participant(participant_ref)
    return ChangeLogEntry.objects.create(
        actor=actor,
        action=action,
        object_type=instance._meta.label_lower,
        object_ref=str(getattr(instance, "uuid", instance.pk)),
        participant_ref=participant_ref,
        changes=changes,
    )
