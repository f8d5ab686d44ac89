"""Fixed-shape ORM queries compiled to SQL once per connection (a worker's); each call fills in its own values.

Building and compiling a query set (lookups, joins, select_related, SQL text) costs Django about a millisecond
for a query of a few joins, several times what PostgreSQL needs to run it; a case-file page runs a dozen such
queries that differ between requests only in an id, a uuid or today's date. A `CompiledQuery` builds its query
set once per *shape* (the arguments that change the SQL, such as a set of roles) with stand-in values for the
*values* (the arguments that only fill parameters), finds where those stand-ins land among the parameters, and
from then on runs the same SQL with each call's values, through Django's own iterables: model instances with
their select_related rows, values() dicts and values_list() tuples come out exactly as from the query set.

The builder must depend on nothing but its arguments (not on today's date, the language or a setting), and
each value must reach the SQL as a parameter of its own. When a shape is first compiled it is built twice, with
two sets of stand-ins, and refused unless both give the same SQL with every stand-in among the parameters (not
written into the text), so a builder that does not fit fails loudly instead of answering wrongly.

Only `all()`, `first()` and `pages()` read a compiled query: a query set chained onto one would run the compiled
SQL and ignore the chained part, so none is handed out. `pages()` is the list for a paginator: each slice runs
the statement with `LIMIT %s OFFSET %s` appended, as Django writes a sliced query but with the bounds as
parameters, so one statement serves every page.
"""

import secrets
import uuid
from collections.abc import Callable, Hashable, Iterator
from dataclasses import dataclass, field
from datetime import date
from enum import Enum
from typing import Any, overload

from django.core.exceptions import EmptyResultSet, ImproperlyConfigured
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.models import QuerySet

# psycopg turns a statement's %s placeholders into $1, $2 … with a regular expression on every execution, and keeps
# the result only for statements of up to 4 KB and 50 parameters (psycopg._queries), so as not to fill its cache
# with one-off ORM text. Compiled statements are the opposite: fixed text, run on every page. The case file's
# overview (twenty subqueries, about 6 KB, its choices as parameters) was converted anew on each request, some
# 0.13 ms. Raised, the limits let every statement of compiled size into the cache (it keeps the 128 last used):
# one-off statements of up to 500 parameters may now pass through it too, and a page's own run again at once.
COMPILED_STATEMENT_MAX_LENGTH = 16_384
COMPILED_STATEMENT_MAX_PARAMS = 500


def _cache_compiled_statements() -> None:
    from psycopg import _queries

    # Private constants of psycopg, read on every execution; conf/tests/test_compiled.py holds that raising them
    # still works. Should a release rename them, nothing is set: the pages only lose this saving.
    for name, value in (
        ("MAX_CACHED_STATEMENT_LENGTH", COMPILED_STATEMENT_MAX_LENGTH),
        ("MAX_CACHED_STATEMENT_PARAMS", COMPILED_STATEMENT_MAX_PARAMS),
    ):
        if isinstance(getattr(_queries, name, None), int):
            setattr(_queries, name, max(getattr(_queries, name), value))


_cache_compiled_statements()


def _same(value: Any) -> Any:
    return value


def _hex(value: uuid.UUID) -> str:
    return value.hex


# Per kind of value: how to make a stand-in (random, so no constant of a query can equal one by accident), and how
# a backend may pass such a value to its driver: as it is (PostgreSQL), as text (dates on SQLite), as hex (uuids on
# SQLite). The way that turns the stand-in into the parameter found is applied to every real value.
_KINDS: dict[type, tuple[Callable[[], Any], tuple[Callable[[Any], Any], ...]]] = {
    # Within every integer column's range (else Django decides at compile time that nothing matches).
    int: (lambda: 1_000_000_000 + secrets.randbelow(1_000_000_000), (_same,)),
    uuid.UUID: (uuid.uuid4, (_same, _hex, str)),
    # Before any record of routeplus.
    date: (lambda: date.fromordinal(date(1000, 1, 1).toordinal() + secrets.randbelow(100_000)), (_same, str)),
    str: (lambda: f"compiled-stand-in-{secrets.token_hex(8)}", (_same,)),
}


def _adapter_for(stand_in: Any, param: Any) -> Callable[[Any], Any] | None:
    """The adapter that made this parameter from the stand-in, or None when the parameter is something else."""
    if type(stand_in) is int and isinstance(param, int) and not isinstance(param, bool) and param == stand_in:
        # PostgreSQL: Django types an integer column's value for the driver (psycopg's Int2, Int4, Int8).
        return type(param)
    for adapt in _KINDS[type(stand_in)][1]:
        adapted = adapt(stand_in)
        if type(param) is type(adapted) and param == adapted:
            return adapt
    return None


def _written(stand_in: Any) -> tuple[Any, ...]:
    """How a stand-in would look written into SQL text."""
    return tuple(adapt(stand_in) for adapt in _KINDS[type(stand_in)][1])


def _shallow[O](obj: O) -> O:
    """A copy sharing every attribute (QuerySet's own copy would evaluate it)."""
    twin = object.__new__(type(obj))
    twin.__dict__.update(obj.__dict__)
    return twin


def _remembered_converters(compiler: Any) -> Callable[[Any], Any]:
    """The compiler's `get_converters`, answered from memory for its own select list: the functions that turn
    each column's database value into Python depend only on the columns (Django works them out per execution)."""
    columns = [column for column, _sql, _alias in compiler.select[: compiler.col_count]]
    converters = compiler.get_converters(columns)
    find = compiler.get_converters

    def get_converters(expressions: list[Any]) -> Any:
        if len(expressions) == len(columns) and all(a is b for a, b in zip(expressions, columns, strict=True)):
            return converters
        return find(expressions)

    return get_converters


@dataclass(frozen=True)
class _Statement:
    """One shape, compiled: the template query set (never evaluated), its compiler, SQL and parameters, and for
    each value its places among the parameters with the adapter that turns it into a parameter."""

    queryset: QuerySet[Any, Any] = field(repr=False)  # its repr would run it
    compiler: Any = field(repr=False)
    sql: str | None  # None: the shape matches nothing (Django's EmptyResultSet)
    params: tuple[Any, ...]
    slots: tuple[tuple[int, str, Callable[[Any], Any]], ...]
    get_converters: Callable[[Any], Any] | None = field(default=None, repr=False)

    def layout(self) -> tuple[str | None, list[tuple[int, str]]]:
        """The SQL and where each value goes in it: the same for every set of stand-ins, if the builder fits."""
        return self.sql, [(position, name) for position, name, _adapt in self.slots]

    def rows(self, values: dict[str, Any], window: tuple[int, int] | None = None) -> QuerySet[Any, Any]:
        """A query set that runs this statement with these values and reads its rows as the template would; to be
        iterated, never chained (a chained query would keep this SQL). window: (offset, limit) of the rows."""
        if self.sql is None:
            return self.queryset.none()
        params = list(self.params)
        for position, name, adapt in self.slots:
            params[position] = adapt(values[name])
        sql = self.sql
        if window is not None:
            query = self.queryset.query
            if query.is_sliced or query.select_for_update:
                raise ImproperlyConfigured("CompiledQuery.pages: the builder must not slice or lock its query")
            sql += " LIMIT %s OFFSET %s"
            params += [window[1], window[0]]
        compiler = _shallow(self.compiler)
        compiler.as_sql = lambda *args, **kwargs: (sql, tuple(params))
        compiler.get_converters = self.get_converters
        query = _shallow(self.queryset.query)
        query.get_compiler = lambda *args, **kwargs: compiler  # type: ignore[method-assign]
        queryset = _shallow(self.queryset)
        # Not the `query` setter, which would turn a values_list() into a values().
        queryset._query = query  # type: ignore[attr-defined]
        return queryset


class CompiledQuery[T]:
    """`build(*shape, **values)` returns the query set; `values` names each value's type (int, UUID, date, str).

    teammates = CompiledQuery(lambda roles, *, trajectory_id: TeamMember.objects.filter(
        trajectory_id=trajectory_id, role__in=roles), trajectory_id=int)
    teammates.all(("case_lead",), trajectory_id=7)
    """

    def __init__(self, build: Callable[..., QuerySet[Any, T]], **values: type) -> None:
        unknown = {name: kind for name, kind in values.items() if kind not in _KINDS}
        if unknown:
            raise ImproperlyConfigured(f"CompiledQuery: no stand-in for {unknown}; use int, UUID, date or str.")
        self.build = build
        self.kinds = values
        self.name = getattr(build, "__qualname__", repr(build))

    def all(self, *shape: Hashable, **values: Any) -> list[T]:
        return list(self._rows(shape, values))

    def first(self, *shape: Hashable, **values: Any) -> T | None:
        """The first row; the builder slices ([:1]) so the database stops there."""
        return next(iter(self._rows(shape, values)), None)

    def pages(self, *shape: Hashable, **values: Any) -> "CompiledPages[T]":
        """The rows as a list that a paginator slices: each slice is one query, with its bounds as parameters."""
        self._checked(values)
        return CompiledPages(self, shape, values)

    def _rows(
        self, shape: tuple[Hashable, ...], values: dict[str, Any], window: tuple[int, int] | None = None
    ) -> QuerySet[Any, T]:
        self._checked(values)
        return self._statement(shape).rows(values, window)

    def _checked(self, values: dict[str, Any]) -> None:
        if values.keys() != self.kinds.keys():
            raise TypeError(f"{self.name}: values {sorted(values)}, expected {sorted(self.kinds)}")
        for name, value in values.items():
            kind = self.kinds[name]
            if kind is str and isinstance(value, str):
                values[name] = value.value if isinstance(value, Enum) else str(value)  # a choice as its plain value
            # Exactly the kind: None would change the SQL (IS NULL), a datetime is no date to SQLite, True no id.
            elif type(value) is not kind:
                raise TypeError(f"{self.name}: {name} must be {kind.__name__}, not {type(value).__name__}")

    def _statement(self, shape: tuple[Hashable, ...]) -> _Statement:
        # Kept on the connection object: Django gives each thread its own, and a compiler runs on the one it was
        # made for (so a worker compiles once per thread). routeplus reads from one database.
        cache: dict[tuple[CompiledQuery[Any], tuple[Hashable, ...]], _Statement] = connections[
            DEFAULT_DB_ALIAS
        ].__dict__.setdefault("_routeplus_compiled", {})
        key = (self, shape)  # the query itself, not its id: a later query could be given a collected one's id
        statement = cache.get(key)
        if statement is None:
            statement = cache[key] = self._compile(shape)
        return statement

    def _compile(self, shape: tuple[Hashable, ...]) -> _Statement:
        first, second = self._compile_with_stand_ins(shape), self._compile_with_stand_ins(shape)
        if first.layout() != second.layout():
            raise ImproperlyConfigured(f"{self.name}: its SQL depends on the values, not only on the shape")
        return first

    def _compile_with_stand_ins(self, shape: tuple[Hashable, ...]) -> _Statement:
        stand_ins = {name: _KINDS[kind][0]() for name, kind in self.kinds.items()}
        queryset = self.build(*shape, **stand_ins)
        if queryset._db not in (None, DEFAULT_DB_ALIAS):  # type: ignore[attr-defined]
            raise ImproperlyConfigured(f"{self.name}: compiled queries read the default database only")
        compiler = queryset.query.get_compiler(using=DEFAULT_DB_ALIAS)
        try:
            sql, params = compiler.as_sql()
        except EmptyResultSet:
            return _Statement(queryset, compiler, None, (), ())
        slots = []
        for name, stand_in in stand_ins.items():
            if any(str(written) in sql for written in _written(stand_in)):
                raise ImproperlyConfigured(f"{self.name}: {name} is written into the SQL, not passed as a parameter")
            found = [
                (position, name, adapt)
                for position, param in enumerate(params)
                if (adapt := _adapter_for(stand_in, param)) is not None
            ]
            if not found:
                raise ImproperlyConfigured(f"{self.name}: {name} does not reach the SQL as a parameter")
            slots += found
        return _Statement(queryset, compiler, sql, tuple(params), tuple(slots), _remembered_converters(compiler))


class CompiledPages[T]:
    """A compiled query's rows for a paginator (Django's, or ui.pagination's): `rows[a:b]` runs the statement for
    those rows only; `count()` and any other index ask the query set itself (a page past the end, a bad number)."""

    def __init__(self, query: CompiledQuery[T], shape: tuple[Hashable, ...], values: dict[str, Any]) -> None:
        self.query, self.shape, self.values = query, shape, values

    @property
    def ordered(self) -> bool:
        """Whether the builder orders its rows (Django's Paginator warns about an unordered list)."""
        return bool(self.query._statement(self.shape).queryset.ordered)

    def queryset(self) -> QuerySet[Any, T]:
        """The query set the statement was compiled from, with these values (for what is not a slice)."""
        return self.query.build(*self.shape, **self.values)

    @overload
    def __getitem__(self, index: int) -> T: ...

    @overload
    def __getitem__(self, index: slice) -> list[T]: ...

    def __getitem__(self, index: int | slice) -> T | list[T]:
        if (
            isinstance(index, slice)
            and index.step is None
            and isinstance(index.start, int)
            and isinstance(index.stop, int)
            and 0 <= index.start <= index.stop
        ):
            window = (index.start, index.stop - index.start)
            return list(self.query._rows(self.shape, dict(self.values), window))
        if isinstance(index, slice):  # open-ended or stepped: as the query set slices it
            return list(self.queryset()[index])
        return self.queryset()[index]

    def __iter__(self) -> Iterator[T]:
        return iter(self.query._rows(self.shape, dict(self.values)))

    def count(self) -> int:
        return self.queryset().count()

    def __len__(self) -> int:
        return self.count()
