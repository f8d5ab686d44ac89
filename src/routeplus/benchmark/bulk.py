"""Bulk loading of rows into model tables: PostgreSQL COPY, SQLite executemany. Never the ORM row by row.

Rows are tuples in the order of the field names given; each value is a plain Python value (date, aware
datetime, UUID, bool, str, int, Decimal, None). On SQLite they are turned into the text forms Django stores.
"""

import json
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any
from uuid import UUID

from django.core.management.color import no_style
from django.db import connections, models

Converter = Callable[[Any], Any]


def _plain_text(value: Any) -> Any:
    # Choices members (TextChoices) are str subclasses and Enums: drivers must see the plain value.
    return value if value is None or type(value) is str else str(value)


def _sqlite_converter(field: models.Field[Any, Any]) -> Converter | None:
    """How SQLite wants this column's value, as Django itself would store it; None when as is."""
    if isinstance(field, models.DateTimeField):
        return lambda v: None if v is None else str(v.astimezone(UTC).replace(tzinfo=None))
    if isinstance(field, models.DateField):
        return lambda v: None if v is None else v.isoformat()
    if isinstance(field, models.UUIDField):
        return lambda v: None if v is None else v.hex
    if isinstance(field, models.BooleanField):
        return lambda v: None if v is None else int(v)
    if isinstance(field, models.DecimalField):
        return lambda v: None if v is None else str(v)
    if isinstance(field, models.JSONField):
        return lambda v: None if v is None else json.dumps(v)
    if isinstance(field, models.CharField | models.TextField):
        return _plain_text
    return None


def _postgres_converter(field: models.Field[Any, Any]) -> Converter | None:
    if isinstance(field, models.JSONField):
        return lambda v: None if v is None else json.dumps(v)
    if isinstance(field, models.CharField | models.TextField):
        return _plain_text
    return None


class BulkLoader:
    """Writes rows straight into the tables of one database connection, counting what it wrote."""

    def __init__(self, using: str = "default") -> None:
        self.connection = connections[using]
        self.vendor = self.connection.vendor
        if self.vendor not in ("postgresql", "sqlite"):
            raise NotImplementedError(f"Bulk loading is written for PostgreSQL and SQLite, not {self.vendor}.")
        self.counts: dict[str, int] = {}

    def columns(self, model: type[models.Model], fields: Sequence[str]) -> list[models.Field[Any, Any]]:
        resolved = [model._meta.get_field(name) for name in fields]
        missing = [
            f.name
            for f in model._meta.concrete_fields
            if f not in resolved
            and not f.null
            and not f.has_default()
            and not (f.blank and f.empty_strings_allowed)
            and not f.has_db_default()
            and not getattr(f, "auto_now", False)
            and not getattr(f, "auto_now_add", False)
            and not (f.primary_key and isinstance(f, models.AutoField))
        ]
        if missing:
            # A model gained a required field: the generator must learn to fill it.
            raise ValueError(f"{model._meta.label}: the generator gives no value for {', '.join(missing)}.")
        return resolved  # type: ignore[return-value]

    def load(self, model: type[models.Model], fields: Sequence[str], rows: Iterable[tuple[Any, ...]]) -> int:
        """Write every row; return how many. Fields left out get their Django default or NULL."""
        given = self.columns(model, fields)
        extra = [
            f
            for f in model._meta.concrete_fields
            if f not in given and not (f.primary_key and isinstance(f, models.AutoField)) and not f.has_db_default()
        ]
        now = datetime.now(UTC)
        fillers: list[Callable[[], Any]] = []
        for f in extra:
            if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False):
                fillers.append(lambda: now)
            elif f.has_default() or (f.blank and f.empty_strings_allowed and not f.null):
                fillers.append(f.get_default)
            elif f.null:
                fillers.append(lambda: None)
            else:  # pragma: no cover - columns() refuses these
                raise ValueError(f.name)
        all_fields = [*given, *extra]
        column_sql = ", ".join(self.connection.ops.quote_name(str(f.column)) for f in all_fields)
        table = self.connection.ops.quote_name(str(model._meta.db_table))
        pick = _sqlite_converter if self.vendor == "sqlite" else _postgres_converter
        converters = [(i, c) for i, f in enumerate(all_fields) if (c := pick(f)) is not None]

        def full_rows() -> Iterable[tuple[Any, ...]]:
            for row in rows:
                values = [*row, *(fill() for fill in fillers)] if fillers else list(row)
                for i, convert in converters:
                    values[i] = convert(values[i])
                yield tuple(values)

        count = 0
        with self.connection.cursor() as cursor:
            raw = cursor.cursor
            if self.vendor == "postgresql":
                with raw.copy(f"COPY {table} ({column_sql}) FROM STDIN") as copy:
                    for values in full_rows():
                        copy.write_row(values)
                        count += 1
            else:
                placeholders = ", ".join("?" * len(all_fields))
                sql = f"INSERT INTO {table} ({column_sql}) VALUES ({placeholders})"  # noqa: S608  # nosec B608

                def counted() -> Iterable[tuple[Any, ...]]:
                    nonlocal count
                    for values in full_rows():
                        count += 1
                        yield values

                raw.executemany(sql, counted())
        label = model._meta.label
        self.counts[label] = self.counts.get(label, 0) + count
        return count

    @contextmanager
    def foreign_keys_checked_at_the_end(self, model_list: Sequence[type[models.Model]]) -> Iterator[None]:
        """On PostgreSQL, drop the foreign keys of these tables while loading and add them back afterwards.

        Django's foreign keys are DEFERRABLE INITIALLY DEFERRED: checked row by row at COMMIT, millions of
        queued trigger events. Adding a key back checks the whole table in one join, which is far faster and
        just as strict: a row that breaks a key still fails the build. SQLite checks each row as it goes.
        """
        if self.vendor != "postgresql":
            yield
            return
        tables = [str(m._meta.db_table) for m in model_list]
        with self.connection.cursor() as cursor:
            cursor.execute(
                "SELECT conrelid::regclass::text, conname, pg_get_constraintdef(oid) FROM pg_constraint "
                "WHERE contype = 'f' AND conrelid::regclass::text = ANY(%s)",
                [tables],
            )
            keys = cursor.fetchall()
            for table, name, _definition in keys:
                cursor.execute(f'ALTER TABLE "{table}" DROP CONSTRAINT "{name}"')
        yield
        with self.connection.cursor() as cursor:
            for table, name, definition in keys:
                cursor.execute(f'ALTER TABLE "{table}" ADD CONSTRAINT "{name}" {definition}')

    def next_id(self, model: type[models.Model]) -> int:
        """The first free primary key: the generator assigns ids itself so rows can refer to each other."""
        last = model._default_manager.using(self.connection.alias).aggregate(m=models.Max("pk"))["m"]
        return int(last or 0) + 1

    def reset_sequences(self, model_list: Sequence[type[models.Model]]) -> None:
        """After explicit ids, PostgreSQL's sequences must continue past them (SQLite needs nothing)."""
        statements = self.connection.ops.sequence_reset_sql(no_style(), list(model_list))
        with self.connection.cursor() as cursor:
            for sql in statements:
                cursor.execute(sql)

    def vacuum_analyze(self, tables: Sequence[str] = ()) -> str:
        """Fresh planner statistics for these tables, or for the whole database; on PostgreSQL the tables are
        vacuumed too. A database in use is vacuumed by autovacuum soon after a bulk load (which marks its pages
        all-visible, so index-only scans need not read the table, and sets the rows' hint bits once); a server with
        autovacuum off, or a run that starts before it comes round, would otherwise measure a state production does
        not stay in, or autovacuum's own work in the middle of a figure. Returns what was done, for the step's name."""
        # Inside a transaction (the test suite's) PostgreSQL cannot vacuum: statistics only, as on SQLite.
        can_vacuum = self.connection.vendor == "postgresql" and not self.connection.in_atomic_block
        vacuum = "VACUUM (ANALYZE)" if can_vacuum else "ANALYZE"
        with self.connection.cursor() as cursor:
            for table in tables:
                cursor.execute(f"{vacuum} {self.connection.ops.quote_name(table)}")
            if not tables:
                cursor.execute(vacuum)
        return "vacuum and analyze" if can_vacuum else "analyze"


def plain(value: Any) -> Any:
    """A value as the JSON results file keeps it."""
    if isinstance(value, date | datetime):
        return value.isoformat()
    if isinstance(value, UUID | Decimal):
        return str(value)
    return value
