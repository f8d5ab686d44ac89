"""Moving the team's existing register (spreadsheet) into routeplus: all or nothing, idempotent, in bulk.

`register_read` checks every row and returns a plan of what would change, or every problem found;
`register_import` writes a plan in one transaction. Records are matched on the register's own ids
(Participant.source_ref, Trajectory.source_ref; a result on trajectory, type and start date), so importing the
same register again changes nothing and a corrected register updates in place. Records that are in routeplus
but not in the register are left alone: the register is history, routeplus is where new work is recorded.
"""

import json
import operator
import os
import uuid
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.db import connection, models, transaction
from django.db.models import F, Lookup
from django.utils import timezone
from django.utils.translation import gettext as _

from routeplus.accounts.models import Municipality, Organisation, OrganisationKind, SchoolType, User
from routeplus.audit.models import Action, ChangeLogEntry
from routeplus.casefile.models import Result, ResultType
from routeplus.monitor.derived import result_dates_refresh
from routeplus.monitor.tabular import Problem, Row, Table, read_tables
from routeplus.participants.bsn import is_valid_bsn
from routeplus.participants.models import OutflowProfile, Participant
from routeplus.trajectories.models import Route, Status, StatusChange, Trajectory

SHEETS = {
    "participants": ("participants", "deelnemers"),
    "trajectories": ("trajectories", "trajecten"),
    "results": ("results", "resultaten"),
}
COLUMNS = {
    "participants": (
        ("participant_id", "given_name", "family_name", "birth_date", "outflow_profile", "municipality"),
        ("school", "school_type", "bsn"),
    ),
    "trajectories": (
        ("trajectory_id", "participant_id", "route", "municipality", "registered_on"),
        ("start_date", "end_date", "end_reason"),
    ),
    "results": (("trajectory_id", "type", "start_date"), ("end_date", "note")),
}
# Common end reasons, recognised in the summary; the text itself is always kept as written.
END_REASONS = {
    "uitstroom": _("uitstroom"),
    "verhuisd": _("verhuisd"),
    "overgedragen": _("overgedragen"),
    "uitval": _("uitval"),
    "ingetrokken": _("ingetrokken"),
}
SYSTEM_ACTOR_EMAIL = "registerimport@routeplus.invalid"
BATCH = 2000
IN_LIMIT = 500  # register ids per query

Progress = Callable[[str, int, int], None]

PARTICIPANT_FIELDS = (
    "given_name",
    "family_name",
    "birth_date",
    "bsn",
    "school_id",
    "school_type",
    "outflow_profile",
    "municipality_id",
)
TRAJECTORY_FIELDS = (
    "participant_id",
    "route_id",
    "municipality_id",
    "registered_on",
    "start_date",
    "end_date",
    "end_reason",
    "status",
)
RESULT_FIELDS = ("end_date", "note")


class RegisterImportError(ValidationError):
    """The register was refused; `problems` lists every place to fix."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = sorted(problems)
        super().__init__([str(p) for p in self.problems])


class _AnyOf(Lookup[Any]):
    """`column = ANY(%s)` with the values as one array parameter (PostgreSQL): one short statement for any
    number of register ids, instead of an IN list the driver has to build and the server to parse."""

    lookup_name = "any_of"
    prepare_rhs = False

    def as_sql(self, compiler: Any, connection: Any) -> Any:
        lhs, lhs_params = self.process_lhs(compiler, connection)
        return f"{lhs} = ANY(%s::text[])", (*lhs_params, _text_array(self.rhs))


def _text_array(values: Any) -> str:
    """A PostgreSQL array literal of the values as text: built with a few string operations per value instead of
    the driver's general array dumper, which costs several times more for tens of thousands of register ids."""
    quoted = (str(v).replace("\\", "\\\\").replace('"', '\\"') for v in values)
    return '{"' + '","'.join(quoted) + '"}' if values else "{}"


def _with_refs(queryset: Any, lookup: str, refs: Any) -> list[Any]:
    """The rows of queryset whose register id (lookup; the BSN too) is among refs, each found through the index
    on that column, so the cost follows the register's size, not the size of what routeplus already holds.
    PostgreSQL: one query with the ids as an array; elsewhere IN lists of IN_LIMIT ids.

    `lookup <> ''` is repeated in the query so PostgreSQL can use the partial unique index on the column.
    """
    refs = sorted({ref for ref in refs if ref})
    if not refs:
        return []
    # Unordered: callers match on the ids, and a model's default ordering would make PostgreSQL sort, and plan
    # parallel workers that each probe the index for every id again.
    queryset = queryset.exclude(**{lookup: ""}).order_by()
    if connection.vendor == "postgresql":
        return list(queryset.filter(_AnyOf(F(lookup), refs)))
    step = max(IN_LIMIT, 1)
    found: list[Any] = []
    for start in range(0, len(refs), step):
        found.extend(queryset.filter(**{f"{lookup}__in": refs[start : start + step]}))
    return found


def _json_default(value: Any) -> Any:
    """Dates (and datetimes) in the change log as ISO text."""
    if isinstance(value, date):
        return value.isoformat()
    raise TypeError(f"{type(value).__name__} is not JSON serializable")


def _new_uuids(n: int) -> list[uuid.UUID]:
    """n random (version 4) UUIDs from one read of the system's random source instead of one per row."""
    random = os.urandom(16 * n)
    return [uuid.UUID(bytes=random[i : i + 16], version=4) for i in range(0, 16 * n, 16)]


def _create(model: type[models.Model], objects: list[Any], *, ids: bool = True) -> None:
    """Insert new records: model instances or dicts of attribute name to value (quicker to make; the other
    fields take their defaults). Each gets its id (`pk`, or the dict's "id"), where the database returns it;
    with ids=False (records nothing else points at) PostgreSQL numbers them itself and they are not returned.

    PostgreSQL: ids are taken from the table's sequence first, then the rows go in with COPY (several times
    quicker than INSERT for a register of tens of thousands of rows); elsewhere bulk_create. Either way every
    constraint of the table is checked.
    """
    if not objects:
        return
    json_names = [f.attname for f in model._meta.concrete_fields if isinstance(f, models.JSONField)]
    if connection.vendor != "postgresql":
        for o in objects:
            for name in json_names if isinstance(o, dict) else ():
                if name in o:
                    o[name] = json.loads(json.dumps(o[name], default=_json_default))
        instances = [model(**o) if isinstance(o, dict) else o for o in objects]
        model._default_manager.bulk_create(instances, batch_size=BATCH)
        for obj, instance in zip(objects, instances, strict=True):
            if isinstance(obj, dict):
                obj["id"] = instance.pk
        return
    meta = model._meta
    assert meta.pk is not None
    fields = [f for f in meta.concrete_fields if ids or not f.primary_key]
    q = connection.ops.quote_name
    now = timezone.now()
    json_fields = [i for i, f in enumerate(fields) if isinstance(f, models.JSONField)]
    # Choices are str enums: the driver must see their plain value, as the ORM would write it.
    text_fields = [i for i, f in enumerate(fields) if isinstance(f, models.CharField | models.TextField)]

    # For dict rows: the fixed defaults once, the callable ones (a new uuid) per row, then one C-level lookup.
    fixed: dict[str, Any] = {}
    per_row: dict[str, Callable[[], Any]] = {}
    for f in fields:
        if f.primary_key:
            continue
        if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False):
            fixed[f.attname] = now
        elif f.has_default() and callable(f.default):
            per_row[f.attname] = f.default
        else:
            fixed[f.attname] = f.get_default()
    values_of = operator.itemgetter(*(f.attname for f in fields))
    dumps = json.JSONEncoder(default=_json_default).encode

    # A new uuid per dict row that brings none of its own (the import gives participants and trajectories theirs),
    # all from one read of the random source (`_new_uuids`); instances made theirs when they were made.
    fresh = {
        name: iter(_new_uuids(sum(isinstance(o, dict) and name not in o for o in objects)))
        for name, make in per_row.items()
        if make is uuid.uuid4
    }

    def from_dict(row: dict[str, Any]) -> list[Any]:
        full = {**fixed, **row}
        for name, make in per_row.items():
            if name not in row:
                full[name] = next(fresh[name]) if name in fresh else make()
        return list(values_of(full))

    with connection.cursor() as cursor:
        if ids:
            cursor.execute(
                "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
                [meta.db_table, meta.pk.column, len(objects)],
            )
            new_ids = [pk for (pk,) in cursor.fetchall()]
        else:
            new_ids = [None] * len(objects)
        columns = ", ".join(q(str(f.column)) for f in fields)
        # Binary COPY with the columns' types given: psycopg then writes each value with the one dumper of its
        # column, without looking it up per value or escaping text (a register's 71,000 rows: 0.3 → 0.12 s).
        # JSON columns stay in text form: their values are encoded here already (`dumps`).
        binary = not json_fields
        types = _column_types(cursor, meta.db_table, [str(f.column) for f in fields]) if binary else []
        with cursor.cursor.copy(
            f"COPY {q(meta.db_table)} ({columns}) FROM STDIN" + (" (FORMAT BINARY)" if binary else "")
        ) as copy:
            if binary:
                copy.set_types(types)
            for obj, pk in zip(objects, new_ids, strict=True):
                if isinstance(obj, dict):
                    if ids:
                        obj["id"] = pk
                    row = from_dict(obj)
                else:
                    if ids:
                        obj.pk = pk
                    row = [f.pre_save(obj, add=True) for f in fields]
                for i in json_fields:
                    row[i] = None if row[i] is None else dumps(row[i])
                for i in text_fields:
                    if row[i] is not None and type(row[i]) is not str:
                        row[i] = str(row[i])
                copy.write_row(row)
    for obj in objects if ids else ():
        if not isinstance(obj, dict):
            obj._state.adding = False
            obj._state.db = connection.alias


def _column_types(cursor: Any, table: str, columns: list[str]) -> list[int]:
    """The type (oid) of each of the table's columns, in that order, as PostgreSQL has them. Binary COPY takes
    each value as its column's type only: str for text, int for integers, date, aware datetime, UUID, or None
    (`_create` makes enum values plain str); anything else fails the import instead of being converted."""
    cursor.execute(
        "SELECT attname, atttypid FROM pg_attribute WHERE attrelid = %s::regclass AND attnum > 0 AND NOT attisdropped",
        [connection.ops.quote_name(table)],
    )
    types = dict(cursor.fetchall())
    return [types[column] for column in columns]


def end_reason_kind(text: str) -> str:
    """The recognised kind of a free-text end reason, or '' when none is recognised."""
    lowered = text.casefold()
    return next((key for key in END_REASONS if key in lowered), "")


@dataclass
class ParticipantRow:
    ref: str
    row: int
    given_name: str
    family_name: str
    birth_date: date | None
    school: str
    school_type: str
    outflow_profile: str
    municipality_id: int
    bsn: str


@dataclass
class TrajectoryRow:
    ref: str
    row: int
    participant_ref: str
    route_id: int
    municipality_id: int
    registered_on: date | None
    start_date: date | None
    end_date: date | None
    end_reason: str


@dataclass
class ResultRow:
    row: int
    trajectory_ref: str
    type: str
    start_date: date | None
    end_date: date | None
    note: str


@dataclass
class Counts:
    created: int = 0
    updated: int = 0
    unchanged: int = 0


@dataclass
class ImportPlan:
    """What an import would do; `changes` holds (register id, changed fields) for a preview, never values."""

    rows: int = 0
    schools_created: list[str] = field(default_factory=list)
    participants: Counts = field(default_factory=Counts)
    trajectories: Counts = field(default_factory=Counts)
    results: Counts = field(default_factory=Counts)
    end_reasons: Counter[str] = field(default_factory=Counter)
    changes: list[tuple[str, str, list[str]]] = field(default_factory=list)
    # internal: parsed rows, resolved against the database
    _participants: list[ParticipantRow] = field(default_factory=list, repr=False)
    _trajectories: list[TrajectoryRow] = field(default_factory=list, repr=False)
    _results: list[ResultRow] = field(default_factory=list, repr=False)

    @property
    def changes_anything(self) -> bool:
        return bool(
            self.schools_created
            or self.participants.created
            or self.participants.updated
            or self.trajectories.created
            or self.trajectories.updated
            or self.results.created
            or self.results.updated
        )


def _lookup_tables() -> dict[str, dict[str, Any]]:
    municipalities: dict[str, Any] = {}
    for pk, code, name in Municipality.objects.values_list("id", "cbs_code", "name"):
        municipalities[code.casefold()] = pk
        municipalities[name.casefold()] = pk
    return {
        "municipality": municipalities,
        "route": {code.casefold(): pk for pk, code in Route.objects.values_list("id", "code")},
        "school_type": {v.casefold(): v for v in SchoolType.values},
        "profile": {v.casefold(): v for v in OutflowProfile.values},
        "result_type": {v.casefold(): v for v in ResultType.values},
    }


def _not_future(row: Row, column: str, value: date | None, today: date) -> None:
    if value is not None and value > today:
        row.problem(column, _("Deze datum ligt in de toekomst."))


def _read_participants(table: Table, lookups: dict[str, dict[str, Any]], today: date) -> list[ParticipantRow]:
    out = []
    seen: dict[str, int] = {}
    bsns: dict[str, int] = {}
    for row in table:
        ref = row.text("participant_id", required=True, max_length=64)
        if ref in seen:
            row.problem("participant_id", _("Dit id staat ook al in rij %(row)s.") % {"row": seen[ref]})
        elif ref:
            seen[ref] = row.number
        birth_date = row.date("birth_date", required=True)
        _not_future(row, "birth_date", birth_date, today)
        bsn = row.text("bsn", max_length=9)
        if bsn.isdigit() and len(bsn) < 9:
            bsn = bsn.zfill(9)  # a spreadsheet drops the leading zero of a number
        if bsn:
            if not is_valid_bsn(bsn):
                row.problem("bsn", _("Dit is geen geldig BSN (9 cijfers, elfproef)."))
            if bsn in bsns:
                row.problem("bsn", _("Dit BSN staat ook al in rij %(row)s.") % {"row": bsns[bsn]})
            bsns[bsn] = row.number
        school = row.text("school", max_length=200)
        school_type = row.choice("school_type", lookups["school_type"], required=False) or ""
        out.append(
            ParticipantRow(
                ref=ref,
                row=row.number,
                given_name=row.text("given_name", required=True, max_length=100),
                family_name=row.text("family_name", required=True, max_length=150),
                birth_date=birth_date,
                school=school,
                school_type=school_type,
                outflow_profile=row.choice("outflow_profile", lookups["profile"]) or "",
                municipality_id=row.choice("municipality", lookups["municipality"]) or 0,
                bsn=bsn,
            )
        )
    return out


def _read_trajectories(table: Table, lookups: dict[str, dict[str, Any]], today: date) -> list[TrajectoryRow]:
    out = []
    seen: dict[str, int] = {}
    for row in table:
        ref = row.text("trajectory_id", required=True, max_length=64)
        if ref in seen:
            row.problem("trajectory_id", _("Dit id staat ook al in rij %(row)s.") % {"row": seen[ref]})
        elif ref:
            seen[ref] = row.number
        registered_on = row.date("registered_on", required=True)
        start_date = row.date("start_date")
        end_date = row.date("end_date")
        for column, value in (("registered_on", registered_on), ("start_date", start_date), ("end_date", end_date)):
            _not_future(row, column, value, today)
        if registered_on and start_date and start_date < registered_on:
            row.problem("start_date", _("De startdatum ligt vóór de aanmelddatum."))
        if registered_on and end_date and end_date < registered_on:
            row.problem("end_date", _("De einddatum ligt vóór de aanmelddatum."))
        if start_date and end_date and end_date < start_date:
            row.problem("end_date", _("De einddatum ligt vóór de startdatum."))
        end_reason = row.text("end_reason", max_length=200)
        if end_reason and not end_date:
            row.problem("end_reason", _("Er is een reden einde maar geen einddatum."))
        out.append(
            TrajectoryRow(
                ref=ref,
                row=row.number,
                participant_ref=row.text("participant_id", required=True, max_length=64),
                route_id=row.choice("route", lookups["route"]) or 0,
                municipality_id=row.choice("municipality", lookups["municipality"]) or 0,
                registered_on=registered_on,
                start_date=start_date,
                end_date=end_date,
                end_reason=end_reason,
            )
        )
    return out


def _read_results(table: Table, lookups: dict[str, dict[str, Any]], today: date) -> list[ResultRow]:
    out = []
    seen: dict[tuple[str, str, date], int] = {}
    for row in table:
        trajectory_ref = row.text("trajectory_id", required=True, max_length=64)
        result_type = row.choice("type", lookups["result_type"]) or ""
        start_date = row.date("start_date", required=True)
        end_date = row.date("end_date")
        _not_future(row, "start_date", start_date, today)
        if start_date and end_date and end_date < start_date:
            row.problem("end_date", _("De einddatum ligt vóór de begindatum."))
        if trajectory_ref and result_type and start_date:
            key = (trajectory_ref, result_type, start_date)
            if key in seen:
                row.problem(
                    "start_date",
                    _("Dit resultaat (traject, soort en begindatum) staat ook al in rij %(row)s.") % {"row": seen[key]},
                )
            else:
                seen[key] = row.number
        out.append(ResultRow(row.number, trajectory_ref, result_type, start_date, end_date, row.text("note")))
    return out


def _status_for(row: TrajectoryRow, current: str | None) -> str:
    if row.end_date is not None:
        return Status.CLOSED
    if row.start_date is not None:
        return Status.ACTIVE
    # Not started: keep where the team has put it (waiting list, intake); a reopened one is registered again.
    if current in (Status.REGISTERED, Status.WAITING, Status.INTAKE):
        return current
    return Status.REGISTERED


def register_read(path: Path, *, progress: Progress | None = None) -> ImportPlan:
    """Check the register at path against every rule and the database; the plan, or RegisterImportError."""
    today = timezone.localdate()
    tables, problems = read_tables(path, SHEETS)
    for key, table in tables.items():
        required, optional = COLUMNS[key]
        problems += table.check_columns(required=required, optional=optional)
    if problems:
        raise RegisterImportError(problems)
    lookups = _lookup_tables()
    plan = ImportPlan(rows=sum(len(t) for t in tables.values()))
    notify = progress or (lambda stage, done, total: None)

    plan._participants = _read_participants(tables["participants"], lookups, today)
    notify("check", len(plan._participants), plan.rows)
    plan._trajectories = _read_trajectories(tables["trajectories"], lookups, today)
    notify("check", len(plan._participants) + len(plan._trajectories), plan.rows)
    plan._results = _read_results(tables["results"], lookups, today)
    notify("check", plan.rows, plan.rows)
    problems = [p for t in tables.values() for p in t.problems]
    problems += _check_against_database(plan, tables)
    if problems:
        raise RegisterImportError(problems)
    _compare(plan)
    return plan


def _check_against_database(plan: ImportPlan, tables: dict[str, Table]) -> list[Problem]:
    """Rules that need the other sheets and what routeplus already holds."""
    problems: list[Problem] = []
    p_source, t_source, r_source = (tables[k].source for k in ("participants", "trajectories", "results"))
    file_participants = {p.ref for p in plan._participants}
    file_trajectories = {t.ref: t for t in plan._trajectories}

    # BSN may not belong to another participant already in routeplus.
    bsns = {p.bsn: p for p in plan._participants if p.bsn}
    if bsns:
        for bsn, source_ref in _with_refs(Participant.objects.values_list("bsn", "source_ref"), "bsn", bsns):
            row = bsns[bsn]
            if source_ref != row.ref:
                problems.append(
                    Problem(p_source, row.row, "bsn", _("Dit BSN hoort al bij een andere jongere in routeplus."))
                )

    # Schools are organisations; a name in use by a non-school cannot become a school.
    names = {p.school for p in plan._participants if p.school}
    clashes = set(
        Organisation.objects.filter(name__in=list(names))
        .exclude(kind=OrganisationKind.SCHOOL)
        .values_list("name", flat=True)
    )
    for p in plan._participants:
        if p.school in clashes:
            problems.append(
                Problem(p_source, p.row, "school", _("Deze naam hoort bij een organisatie die geen school is."))
            )

    wanted = {t.participant_ref for t in plan._trajectories} - file_participants
    known_participants = set(_with_refs(Participant.objects.values_list("source_ref", flat=True), "source_ref", wanted))
    for t in plan._trajectories:
        if (
            t.participant_ref
            and t.participant_ref not in file_participants
            and t.participant_ref not in known_participants
        ):
            problems.append(Problem(t_source, t.row, "participant_id", _("Deze jongere staat niet in de deelnemers.")))

    wanted_t = {r.trajectory_ref for r in plan._results} - set(file_trajectories)
    known_trajectories = dict(
        _with_refs(Trajectory.objects.values_list("source_ref", "registered_on"), "source_ref", wanted_t)
    )
    for r in plan._results:
        if not r.trajectory_ref:
            continue
        if r.trajectory_ref in file_trajectories:
            registered_on = file_trajectories[r.trajectory_ref].registered_on
        elif r.trajectory_ref in known_trajectories:
            registered_on = known_trajectories[r.trajectory_ref]
        else:
            problems.append(Problem(r_source, r.row, "trajectory_id", _("Dit traject staat niet in de trajecten.")))
            continue
        if registered_on and r.start_date and r.start_date < registered_on:
            problems.append(
                Problem(r_source, r.row, "start_date", _("Het resultaat begint vóór de aanmelding van het traject."))
            )

    # At most one open trajectory per participant and route: in the file, and together with routeplus.
    open_in_file: dict[tuple[str, int], TrajectoryRow] = {}
    for t in plan._trajectories:
        if t.end_date is None and t.participant_ref and t.route_id:
            key = (t.participant_ref, t.route_id)
            if key in open_in_file:
                problems.append(
                    Problem(
                        t_source,
                        t.row,
                        "end_date",
                        _("Deze jongere heeft in deze route al een open traject (rij %(row)s). Vul een einddatum in.")
                        % {"row": open_in_file[key].row},
                    )
                )
            else:
                open_in_file[key] = t
    refs = {ref for ref, _route in open_in_file}
    others = _with_refs(
        Trajectory.objects.exclude(status=Status.CLOSED).values_list(
            "participant__source_ref", "route_id", "source_ref"
        ),
        "participant__source_ref",
        refs,
    )
    for participant_ref, route_id, own_ref in others:
        found = None if own_ref in file_trajectories else open_in_file.get((participant_ref, route_id))
        if found is not None:
            problems.append(
                Problem(
                    t_source,
                    found.row,
                    "end_date",
                    _("Deze jongere heeft in routeplus al een ander open traject in deze route."),
                )
            )
    return problems


def _compare(plan: ImportPlan) -> None:
    """Count what would be created, updated or left unchanged (and which fields change)."""
    schools = dict(Organisation.objects.filter(kind=OrganisationKind.SCHOOL).values_list("name", "id"))
    plan.schools_created = sorted({p.school for p in plan._participants if p.school and p.school not in schools})
    existing_p = {
        row["source_ref"]: row
        for row in _with_refs(
            Participant.objects.values("source_ref", *PARTICIPANT_FIELDS),
            "source_ref",
            [p.ref for p in plan._participants],
        )
    }
    for p in plan._participants:
        current = existing_p.get(p.ref)
        if current is None:
            plan.participants.created += 1
            continue
        wanted = _participant_values(p, schools)
        if p.school in plan.schools_created:
            wanted["school_id"] = -1  # a school still to be created: always a change
        changed = [f for f in PARTICIPANT_FIELDS if current[f] != wanted[f]]
        if changed:
            plan.participants.updated += 1
            plan.changes.append(("participant", p.ref, changed))
        else:
            plan.participants.unchanged += 1

    existing_t = {
        row["source_ref"]: row
        for row in _with_refs(
            Trajectory.objects.values("source_ref", "participant__source_ref", *TRAJECTORY_FIELDS),
            "source_ref",
            [t.ref for t in plan._trajectories],
        )
    }
    for t in plan._trajectories:
        if t.end_reason:
            plan.end_reasons[end_reason_kind(t.end_reason) or "anders"] += 1
        current = existing_t.get(t.ref)
        if current is None:
            plan.trajectories.created += 1
            continue
        wanted = _trajectory_values(t, current["status"])
        changed = [f for f in TRAJECTORY_FIELDS if f != "participant_id" and current[f] != wanted[f]]
        if current["participant__source_ref"] != t.participant_ref:
            changed.append("participant_id")
        if changed:
            plan.trajectories.updated += 1
            plan.changes.append(("trajectory", t.ref, changed))
        else:
            plan.trajectories.unchanged += 1

    # A trajectory that is new in this file has no results yet: only the others are looked up.
    new_trajectories = {t.ref for t in plan._trajectories} - existing_t.keys()
    results = _with_refs(
        Result.objects.values_list("trajectory__source_ref", "type", "start_date", "end_date", "note"),
        "trajectory__source_ref",
        {r.trajectory_ref for r in plan._results} - new_trajectories,
    )
    existing_r = {(ref, kind, start): (end, note) for ref, kind, start, end, note in results}
    for r in plan._results:
        current_r = existing_r.get((r.trajectory_ref, r.type, r.start_date))
        if current_r is None:
            plan.results.created += 1
        elif current_r != (r.end_date, r.note):
            plan.results.updated += 1
            label = f"{r.trajectory_ref}/{r.type}/{r.start_date.isoformat() if r.start_date else ''}"
            plan.changes.append(
                (
                    "result",
                    label,
                    [f for f, a, b in zip(RESULT_FIELDS, current_r, (r.end_date, r.note), strict=True) if a != b],
                )
            )
        else:
            plan.results.unchanged += 1


def _participant_values(p: ParticipantRow, schools: dict[str, int]) -> dict[str, Any]:
    return {
        "given_name": p.given_name,
        "family_name": p.family_name,
        "birth_date": p.birth_date,
        "bsn": p.bsn,
        "school_id": schools.get(p.school) if p.school else None,
        "school_type": p.school_type,
        "outflow_profile": p.outflow_profile,
        "municipality_id": p.municipality_id,
    }


def _trajectory_values(t: TrajectoryRow, current_status: str | None) -> dict[str, Any]:
    return {
        "route_id": t.route_id,
        "municipality_id": t.municipality_id,
        "registered_on": t.registered_on,
        "start_date": t.start_date,
        "end_date": t.end_date,
        "end_reason": t.end_reason,
        "status": _status_for(t, current_status),
    }


def _id_condition(column: str, ids: list[int]) -> tuple[str, list[Any]]:
    """`column` among ids, which were just taken from the sequence and so lie close together: when they are one after
    another, the range alone, which PostgreSQL reads through the primary key in id order; when another writer took a
    number in between, the range and the list, so no record of the other writer's is selected (PostgreSQL then
    tests the table's rows against the list)."""
    low, high = min(ids), max(ids)
    if high - low + 1 == len(ids) == len(set(ids)):
        # No other writer took a number in between: the range is exactly these ids (with the list as well,
        # PostgreSQL chose to test every row of the table against it, 130 ms for a register's participants).
        return f"{column} BETWEEN %s AND %s", [low, high]
    return f"{column} BETWEEN %s AND %s AND {column} = ANY(%s::bigint[])", [
        low,
        high,
        "{" + ",".join(map(str, ids)) + "}",
    ]


def _log_created_in_database(
    *,
    actor_id: int | None,
    model: type[models.Model],
    object_type: str,
    ids: list[int],
    fields: tuple[str, ...],
    object_ref: str,
    participant_ref: str,
    joins: str = "",
) -> None:
    """The change log of records just created, written by PostgreSQL from the records themselves in one
    statement: the same entries (every field as (None, new), dates as ISO text) as `record` makes in Python,
    without building, encoding and sending a JSON document per row."""
    if not ids:
        return
    q = connection.ops.quote_name
    columns_of = {f.attname: q(str(f.column)) for f in model._meta.concrete_fields}
    pairs = ", ".join(f"'{name}', jsonb_build_array(NULL, o.{columns_of[name]})" for name in fields)
    log_columns = {f.attname: q(str(f.column)) for f in ChangeLogEntry._meta.concrete_fields}
    names = ("at", "actor_id", "action", "object_type", "object_ref", "participant_ref", "changes")
    columns = ", ".join(log_columns[n] for n in names)
    table, log_table = q(model._meta.db_table), q(ChangeLogEntry._meta.db_table)
    condition, params = _id_condition("o.id", ids)
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {log_table} ({columns}) "  # noqa: S608  # nosec B608  (names from the models, values as parameters)
            f"SELECT %s, %s, %s, %s, {object_ref}, {participant_ref}, jsonb_build_object({pairs}) "
            f"FROM {table} o {joins} WHERE {condition} ORDER BY o.id",
            [timezone.now(), actor_id, Action.CREATE, object_type, *params],
        )


def _history_in_database(*, actor_id: int | None, ids: list[int], reason: str) -> None:
    """The status history of trajectories just created (registered, then active from the start date, then closed
    from the end date, each where the date is given), written by PostgreSQL from the trajectories in one statement."""
    if not ids:
        return
    condition, params = _id_condition("t.id", ids)
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO trajectories_statuschange "  # noqa: S608  # nosec B608  (a fixed condition, values as parameters)
            "(from_status, to_status, effective_date, reason, changed_at, changed_by_id, trajectory_id) "
            "SELECT s.from_status, s.to_status, s.effective_date, %s, %s, %s, t.id FROM trajectories_trajectory t "
            "CROSS JOIN LATERAL (VALUES (1, '', %s, t.registered_on), (2, %s, %s, t.start_date), "
            "(3, CASE WHEN t.start_date IS NULL THEN %s ELSE %s END, %s, t.end_date)) "
            "AS s(step, from_status, to_status, effective_date) "
            f"WHERE {condition} AND s.effective_date IS NOT NULL ORDER BY t.id, s.step",
            [reason, timezone.now(), actor_id, Status.REGISTERED, Status.REGISTERED, Status.ACTIVE,
             Status.REGISTERED, Status.ACTIVE, Status.CLOSED, *params],
        )  # fmt: skip


def system_actor() -> User:
    """The account named in the history of imports run from the command line without --actor."""
    user = User.objects.filter(email=SYSTEM_ACTOR_EMAIL).first()
    if user is None:
        user = User.objects.create_user(SYSTEM_ACTOR_EMAIL, None, full_name="Registerimport", is_active=False)
    return user


@transaction.atomic
def register_import(*, actor: Any, plan: ImportPlan, progress: Progress | None = None) -> ImportPlan:
    """Write a checked plan in one transaction, in bulk; every write is kept in the change log."""
    notify = progress or (lambda stage, done, total: None)
    log: list[dict[str, Any]] = []
    actor_id = actor.pk if actor is not None else None
    # PostgreSQL writes the change log and status history of created records itself, from the records (see
    # `_log_created_in_database`); elsewhere they are built here, row by row.
    in_database = connection.vendor == "postgresql"
    if in_database:
        with connection.cursor() as cursor:
            # Those statements sort tens of thousands of new rows (INSERT ... SELECT ... ORDER BY): in memory for
            # this transaction, instead of in temporary files as with the default 4 MB (about 8 % of the writing).
            cursor.execute("SET LOCAL work_mem = '64MB'")

    def record(action: str, object_type: str, object_ref: str, participant_ref: str, changes: dict[str, Any]) -> None:
        log.append(
            {
                "actor_id": actor_id,
                "action": action,
                "object_type": object_type,
                "object_ref": object_ref,
                "participant_ref": participant_ref,
                # (old, new) pairs as they are: `_create` writes them as JSON in one C-level pass, dates as
                # ISO text (`_json_default`), instead of a Python loop over every field of every imported row.
                "changes": changes,
            }
        )

    # Schools first: participants point at them.
    if plan.schools_created:
        types = {}
        for p in plan._participants:
            if p.school in plan.schools_created and p.school not in types:
                types[p.school] = p.school_type
        new_schools = [
            Organisation(name=name, kind=OrganisationKind.SCHOOL, school_type=types.get(name, ""))
            for name in plan.schools_created
        ]
        Organisation.objects.bulk_create(new_schools, batch_size=BATCH)
        for school in Organisation.objects.filter(name__in=plan.schools_created):
            record(Action.CREATE, "accounts.organisation", str(school.uuid), "", {"name": (None, school.name)})
    schools = dict(Organisation.objects.filter(kind=OrganisationKind.SCHOOL).values_list("name", "id"))

    # Participants.
    current_p = {
        p.source_ref: p for p in _with_refs(Participant.objects, "source_ref", [r.ref for r in plan._participants])
    }
    create_p: list[dict[str, Any]] = []
    new_uuids = iter(_new_uuids(len(plan._participants) + len(plan._trajectories)))
    update_p: list[Participant] = []
    for row in plan._participants:
        values = _participant_values(row, schools)
        existing = current_p.get(row.ref)
        if existing is None:
            new_uuid = next(new_uuids)
            create_p.append({"uuid": new_uuid, "source_ref": row.ref, **values})
            if not in_database:
                record(Action.CREATE, "participants.participant", str(new_uuid), str(new_uuid),
                       {f: (None, v) for f, v in values.items()})  # fmt: skip
        else:
            changes = {f: (getattr(existing, f), v) for f, v in values.items() if getattr(existing, f) != v}
            if changes:
                for f, (_old, new) in changes.items():
                    setattr(existing, f, new)
                update_p.append(existing)
                record(Action.UPDATE, "participants.participant", str(existing.uuid), str(existing.uuid), changes)
    _create(Participant, create_p)
    if update_p:
        Participant.objects.bulk_update(update_p, list(PARTICIPANT_FIELDS), batch_size=BATCH)
    notify("write", len(plan._participants), plan.rows)
    # Ids of the participants the trajectories point at: those just written are known; only the others (in
    # routeplus before, not in this file) are looked up.
    participant_rows: dict[str, tuple[int, Any]] = {
        new_p["source_ref"]: (new_p["id"], new_p["uuid"]) for new_p in create_p if new_p.get("id")
    }
    participant_rows.update({p.source_ref: (p.pk, p.uuid) for p in current_p.values()})
    participant_rows.update(
        (ref, (pk, known_uuid))
        for ref, pk, known_uuid in _with_refs(
            Participant.objects.values_list("source_ref", "id", "uuid"),
            "source_ref",
            {t.participant_ref for t in plan._trajectories} - participant_rows.keys(),
        )
    )
    participant_ids = {ref: pk for ref, (pk, _uuid) in participant_rows.items()}
    participant_uuids = dict(participant_rows.values())

    # Trajectories: closing ones are written before opening ones so the one-open-per-route rule holds throughout.
    current_t = {
        t.source_ref: t for t in _with_refs(Trajectory.objects, "source_ref", [r.ref for r in plan._trajectories])
    }
    create_t: list[dict[str, Any]] = []
    update_t: list[tuple[Trajectory, str]] = []
    history: list[dict[str, Any]] = []
    moved_from: list[int] = []
    reason = _("Overgenomen uit het register")
    for trow in plan._trajectories:
        values = _trajectory_values(trow, current_t[trow.ref].status if trow.ref in current_t else None)
        values["participant_id"] = participant_ids[trow.participant_ref]
        existing = current_t.get(trow.ref)
        if existing is None:
            new_uuid = next(new_uuids)
            create_t.append({"uuid": new_uuid, "source_ref": trow.ref, **values})
            if not in_database:
                p_uuid = str(participant_uuids[values["participant_id"]])
                record(Action.CREATE, "trajectories.trajectory", str(new_uuid), p_uuid,
                       {f: (None, v) for f, v in values.items()})  # fmt: skip
        else:
            p_uuid = str(participant_uuids[values["participant_id"]])
            changes = {f: (getattr(existing, f), v) for f, v in values.items() if getattr(existing, f) != v}
            if changes:
                if "participant_id" in changes:  # the participant it leaves counts again without it
                    moved_from.append(changes["participant_id"][0])
                before = existing.status
                for f, (_old, new) in changes.items():
                    setattr(existing, f, new)
                existing.version += 1
                update_t.append((existing, before))
                record(Action.UPDATE, "trajectories.trajectory", str(existing.uuid), p_uuid, changes)
    closing = [t for t, _before in update_t if t.status == Status.CLOSED]
    opening = [t for t, _before in update_t if t.status != Status.CLOSED]
    fields = [*TRAJECTORY_FIELDS, "version"]
    Trajectory.objects.bulk_update(closing, fields, batch_size=BATCH)
    Trajectory.objects.bulk_update(opening, fields, batch_size=BATCH)
    _create(Trajectory, create_t)
    if not all(new_t["id"] for new_t in create_t):  # databases that do not return the new ids from a bulk insert
        created_ids = dict(
            _with_refs(
                Trajectory.objects.values_list("source_ref", "id"),
                "source_ref",
                [new_t["source_ref"] for new_t in create_t],
            )
        )
        for new_t in create_t:
            new_t["id"] = created_ids[new_t["source_ref"]]
    for new_t in () if in_database else create_t:
        assert new_t["registered_on"] is not None
        steps = [("", Status.REGISTERED, new_t["registered_on"])]
        if new_t["start_date"]:
            steps.append((Status.REGISTERED, Status.ACTIVE, new_t["start_date"]))
        if new_t["end_date"]:
            steps.append((steps[-1][1], Status.CLOSED, new_t["end_date"]))
        history += [
            {
                "trajectory_id": new_t["id"],
                "from_status": a,
                "to_status": b,
                "effective_date": d,
                "reason": reason,
                "changed_by_id": actor_id,
            }
            for a, b, d in steps
        ]
    for t, before in update_t:
        if t.status != before:
            on = t.end_date or t.start_date or t.registered_on
            history.append(
                {
                    "trajectory_id": t.pk,
                    "from_status": before,
                    "to_status": t.status,
                    "effective_date": on,
                    "reason": _("Gecorrigeerd in het register"),
                    "changed_by_id": actor_id,
                }
            )
    _create(StatusChange, history, ids=False)
    if in_database:
        _history_in_database(actor_id=actor_id, ids=[new_t["id"] for new_t in create_t], reason=reason)
    notify("write", len(plan._participants) + len(plan._trajectories), plan.rows)

    # Results.
    # Trajectories written above are known; only those of results on trajectories outside this file are looked
    # up, and only trajectories that existed before can already have results.
    result_refs = {r.trajectory_ref for r in plan._results}
    trajectory_ids, trajectory_participant = {}, {}
    for new_t in create_t:
        trajectory_ids[new_t["source_ref"]] = new_t["id"]
        trajectory_participant[new_t["id"]] = participant_uuids[new_t["participant_id"]]
    for existing in current_t.values():
        trajectory_ids[existing.source_ref] = existing.pk
        trajectory_participant[existing.pk] = participant_uuids[existing.participant_id]
    for ref, pk, p_uuid in _with_refs(
        Trajectory.objects.values_list("source_ref", "id", "participant__uuid"),
        "source_ref",
        result_refs - trajectory_ids.keys(),
    ):
        trajectory_ids[ref] = pk
        trajectory_participant[pk] = p_uuid
    current_r = {
        (r.trajectory_id, r.type, r.start_date): r
        for r in _with_refs(
            Result.objects, "trajectory__source_ref", result_refs - {new_t["source_ref"] for new_t in create_t}
        )
    }
    create_r: list[dict[str, Any]] = []
    update_r: list[Result] = []
    for rrow in plan._results:
        t_id = trajectory_ids[rrow.trajectory_ref]
        p_uuid = str(trajectory_participant[t_id])
        existing_r = current_r.get((t_id, rrow.type, rrow.start_date))
        assert rrow.start_date is not None  # checked in register_read
        if existing_r is None:
            create_r.append(
                {
                    "trajectory_id": t_id,
                    "type": rrow.type,
                    "start_date": rrow.start_date,
                    "end_date": rrow.end_date,
                    "note": rrow.note,
                    "recorded_by_id": actor_id,
                }
            )
        else:
            changes = {
                f: (getattr(existing_r, f), v)
                for f, v in (("end_date", rrow.end_date), ("note", rrow.note))
                if getattr(existing_r, f) != v
            }
            if changes:
                for f, (_old, new) in changes.items():
                    setattr(existing_r, f, new)
                existing_r.version += 1
                update_r.append(existing_r)
                record(Action.UPDATE, "casefile.result", str(existing_r.pk), p_uuid, changes)
    _create(Result, create_r)
    if update_r:
        Result.objects.bulk_update(update_r, ["end_date", "note", "version"], batch_size=BATCH)
    result_dates_refresh(
        participant_ids=moved_from,
        trajectory_ids=[
            *(t.pk for t, _before in update_t),
            *(t["id"] for t in create_t),
            *(r["trajectory_id"] for r in create_r),
        ],
    )
    created_r = {(r["trajectory_id"], r["type"], r["start_date"]): r["id"] for r in create_r if r["id"]}
    if len(created_r) < len(create_r):  # databases that do not return the new ids from a bulk insert
        created_r = {
            (t, k, s): pk
            for pk, t, k, s in _with_refs(
                Result.objects.values_list("id", "trajectory_id", "type", "start_date"),
                "trajectory__source_ref",
                result_refs,
            )
        }
    for r in () if in_database else create_r:
        record(
            Action.CREATE,
            "casefile.result",
            str(created_r[(r["trajectory_id"], r["type"], r["start_date"])]),
            str(trajectory_participant[r["trajectory_id"]]),
            {"type": (None, r["type"]), "start_date": (None, r["start_date"]), "end_date": (None, r["end_date"])},
        )
    _create(ChangeLogEntry, log, ids=False)
    if in_database:
        p_ref = f"{Participant._meta.db_table} p ON p.id = o.participant_id"
        _log_created_in_database(
            actor_id=actor_id, model=Participant, object_type="participants.participant",
            ids=[p["id"] for p in create_p], fields=PARTICIPANT_FIELDS, object_ref="o.uuid::text",
            participant_ref="o.uuid::text",
        )  # fmt: skip
        _log_created_in_database(
            actor_id=actor_id, model=Trajectory, object_type="trajectories.trajectory",
            ids=[t["id"] for t in create_t], fields=TRAJECTORY_FIELDS,
            object_ref="o.uuid::text", participant_ref="p.uuid::text", joins=f"JOIN {p_ref}",
        )  # fmt: skip
        _log_created_in_database(
            actor_id=actor_id, model=Result, object_type="casefile.result",
            ids=[r["id"] for r in create_r], fields=("type", "start_date", "end_date"), object_ref="o.id::text",
            participant_ref="p.uuid::text",
            joins=f"JOIN {Trajectory._meta.db_table} t ON t.id = o.trajectory_id JOIN {p_ref.replace('o.', 't.')}",
        )  # fmt: skip
    notify("write", plan.rows, plan.rows)
    return plan


def register_import_path(
    *, actor: Any, path: Path, dry_run: bool = False, progress: Progress | None = None
) -> ImportPlan:
    """Check and (unless dry_run) write the register at path; RegisterImportError lists every problem."""
    plan = register_read(path, progress=progress)
    if dry_run or not plan.changes_anything:
        return plan
    return register_import(actor=actor, plan=plan, progress=progress)


def group_problems(problems: list[Problem]) -> dict[str, list[Problem]]:
    grouped: dict[str, list[Problem]] = defaultdict(list)
    for problem in problems:
        grouped[problem.source].append(problem)
    return dict(grouped)
