"""Which query sets Django builds into SQL: a compiled statement (conf.compiled) builds none."""

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any
from unittest import mock

from django.db.models.sql.compiler import SQLCompiler


@contextmanager
def queries_built() -> Iterator[list[Any]]:
    """The models of the query sets Django compiles to SQL meanwhile (a compiled statement builds none)."""
    built: list[Any] = []
    original = SQLCompiler.as_sql

    def spy(self: SQLCompiler, *args: Any, **kwargs: Any) -> Any:
        built.append(self.query.model)
        return original(self, *args, **kwargs)

    with mock.patch.object(SQLCompiler, "as_sql", spy):
        yield built
