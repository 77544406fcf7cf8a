"""Statements run straight on the database driver: the phones' drafts and submits, hundreds a second.

SQLAlchemy's Core spends more CPU on one statement than SQLite spends running it: a cache key,
an execution context and a result object every time (~70 µs), and a transaction's events
another ~100 µs. For the room server's writes that was half of a phone's write
(benchmarks/scale.py). A :class:`Prepared` statement is the same Core statement, compiled
once per dialect into its SQL text, the order of its parameters and their bind processors
(a datetime as SQLite stores it, a boolean as a number). :class:`DriverTransaction` runs such
statements on a driver cursor, inside a transaction the store opens as it opens its others
(:meth:`pztraining.store.engine.Database._driver`).

Rows come back as the driver gives them (tuples, in the order of the statement's columns,
without SQLAlchemy's result processing): read ids, texts and whether a value is NULL only.
"""

from __future__ import annotations

import weakref
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy.engine import Dialect
from sqlalchemy.sql.expression import Executable


@dataclass(frozen=True)
class _Compiled:
    sql: str
    #: The parameter names in the order of the SQL's placeholders (qmark style), or None when
    #: the driver takes them by name (pyformat: psycopg).
    order: tuple[str, ...] | None
    #: Bind processors of the parameters that have one (SQLite: datetimes, booleans).
    processors: dict[str, Callable[[Any], Any]]

    def parameters(self, values: Mapping[str, Any]) -> tuple | dict:
        if self.processors:
            values = {
                name: (self.processors[name](value) if name in self.processors else value)
                for name, value in values.items()
            }
        if self.order is None:
            return dict(values)
        return tuple(values[name] for name in self.order)


class Prepared:
    """A Core statement with named bind parameters, compiled once for every dialect it runs on."""

    def __init__(self, statement: Executable):
        self.statement = statement
        # By the engine's dialect object: a store opened and closed again leaves nothing behind.
        self._compiled: weakref.WeakKeyDictionary[Dialect, _Compiled] = weakref.WeakKeyDictionary()

    def compiled(self, dialect: Dialect) -> _Compiled:
        found = self._compiled.get(dialect)
        if found is None:
            compiled = self.statement.compile(dialect=dialect)  # type: ignore[attr-defined]
            processors = {}
            for name, bind in compiled.binds.items():
                processor = bind.type.dialect_impl(dialect).bind_processor(dialect)
                if processor is not None:
                    processors[name] = processor
            order = tuple(compiled.positiontup) if compiled.positional and compiled.positiontup is not None else None
            found = self._compiled[dialect] = _Compiled(compiled.string, order, processors)
        return found


class DriverTransaction:
    """Prepared statements on one driver cursor, inside a transaction the store began."""

    def __init__(self, cursor: Any, dialect: Dialect):
        self._cursor = cursor
        self._dialect = dialect

    def execute(self, statement: Prepared, values: Mapping[str, Any]) -> int:
        """Run ``statement``; the number of rows it changed (for an UPDATE or DELETE)."""
        compiled = statement.compiled(self._dialect)
        self._cursor.execute(compiled.sql, compiled.parameters(values))
        return self._cursor.rowcount

    def first(self, statement: Prepared, values: Mapping[str, Any]) -> tuple | None:
        """The first row ``statement`` selects (a tuple of the driver's values), or None."""
        compiled = statement.compiled(self._dialect)
        self._cursor.execute(compiled.sql, compiled.parameters(values))
        row = self._cursor.fetchone()
        return None if row is None else tuple(row)

    def execute_many(self, statement: Prepared, rows: Iterable[Mapping[str, Any]]) -> None:
        """Run ``statement`` once for every row of values, as one driver call."""
        compiled = statement.compiled(self._dialect)
        self._cursor.executemany(compiled.sql, [compiled.parameters(values) for values in rows])


__all__ = ["DriverTransaction", "Prepared"]
