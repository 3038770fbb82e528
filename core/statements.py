"""Querysets compiled to SQL once per shape, then run with each call's values.

Building and compiling an API list page's queryset (three joins, two subqueries, a count, fourteen
columns) cost its worker a quarter of the request, more than running it. `PreparedQueries` builds a
queryset with stand-in values twice, checks that both compile to the same SQL with each stand-in bound
in its own place, and from then on binds each call's values to that SQL. A shape the check cannot prove
(a value the ORM rewrites, as `icontains` does, or one that changes the SQL) is never prepared: its
querysets are built and compiled by the ORM on every call, as before, with the same rows.

The caller names everything that shapes the SQL (which filters, which branch of an access rule, the
page's bounds) in `shape`, and passes the rest as `values`: ints, strings or decimals, which Django's
fields bind unchanged (a shape with a value of another type, a date say, is not prepared). Rows come
back as the ORM gives them: dicts for `.values()`, model instances otherwise.
"""
from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.core.exceptions import EmptyResultSet
from django.db import connections
from django.db.models import QuerySet
from django.db.models.query import ModelIterable, ValuesIterable

Build = Callable[[Hashable, Mapping[str, Any]], QuerySet]
_BOUND_TYPES = (int, str, Decimal)
# Two sets of stand-ins that no query constant equals in both compiles; small enough for any integer field.
_STAND_IN_BASES = (29_000, 29_001)


@dataclass(frozen=True)
class _Statement:
    sql: str
    slots: tuple[tuple[bool, Any], ...]  # per parameter: (True, value name) or (False, the constant)
    compiler: Any  # the stand-in's compiler: its columns and converters are the same for every call
    converters: dict
    names: tuple[str, ...] | None  # the keys of a `.values()` row; None: model instances
    attnames: tuple[str, ...]
    model: Any
    kinds: tuple[tuple[str, type], ...]  # each bound value's type when prepared: another (None, say) may change the SQL

    def binds(self, values: Mapping[str, Any]) -> bool:
        return all(type(values.get(name)) is kind for name, kind in self.kinds)

    def run(self, alias: str, values: Mapping[str, Any]) -> list:
        params = [values[slot] if named else slot for named, slot in self.slots]
        connection = connections[alias]
        with connection.cursor() as cursor:
            cursor.execute(self.sql, params)
            rows = cursor.fetchall()
        if self.converters:
            rows = self.compiler.apply_converters(rows, self.converters)
        if self.names is not None:
            names = self.names
            return [dict(zip(names, row)) for row in rows]
        return [self.model.from_db(alias, self.attnames, row) for row in rows]


def _stand_ins(values: Mapping[str, Any], base: int) -> dict[str, Any] | None:
    """A stand-in for each value, of its type; None when a value is of another type than int, str, Decimal."""
    stand_ins = {}
    for index, (name, value) in enumerate(sorted(values.items())):
        if isinstance(value, bool) or type(value) not in _BOUND_TYPES:
            return None
        number = base + 2 * index
        stand_ins[name] = type(value)(number) if not isinstance(value, str) else f"\x1f{name}\x1f{number}"
    return stand_ins


def _compile(queryset: QuerySet, using: str):
    compiler = queryset.query.get_compiler(using)
    sql, params = compiler.as_sql()
    return compiler, sql, tuple(params)


def _prepare(build: Build, shape: Hashable, values: Mapping[str, Any], using: str) -> _Statement | None:
    """The statement of `shape`, or None when the two stand-in compiles do not prove where each value goes."""
    first, second = (_stand_ins(values, base) for base in _STAND_IN_BASES)
    if first is None:
        return None
    queryset = build(shape, first)
    if queryset._iterable_class not in (ValuesIterable, ModelIterable) or queryset._prefetch_related_lookups:
        return None
    try:
        compiler, sql, params = _compile(queryset, using)
        other_sql, other_params = _compile(build(shape, second), using)[1:]
    except EmptyResultSet:
        return None
    if not sql or sql != other_sql or len(params) != len(other_params):
        return None
    by_stand_in = {(first[name], second[name]): name for name in values}
    slots = []
    for param, other in zip(params, other_params):
        if param == other and type(param) is type(other):
            slots.append((False, param))
        elif (name := by_stand_in.get((param, other))) is not None and type(param) is type(values[name]):
            slots.append((True, name))
        else:
            return None
    columns = [column for column, _, _ in compiler.select[: compiler.col_count]]
    converters = compiler.get_converters(columns)
    kinds = tuple((name, type(value)) for name, value in values.items())
    if queryset._iterable_class is ValuesIterable:
        query = queryset.query
        names = (*query.extra_select, *query.values_select, *query.annotation_select)
        return _Statement(sql, tuple(slots), compiler, converters, tuple(names), (), None, kinds)
    klass_info = compiler.klass_info
    if klass_info.get("related_klass_infos") or compiler.annotation_col_map or queryset.query.extra_select:
        return None
    attnames = tuple(column.target.attname for column, _, _ in compiler.select[: len(klass_info["select_fields"])])
    return _Statement(sql, tuple(slots), compiler, converters, None, attnames, klass_info["model"], kinds)


class PreparedQueries:
    """The querysets of `build(shape, values)`, prepared once per shape and database, for the life of the process.

    `build` must use `values` only as values of lookups; `shape` must hold everything else the queryset depends
    on. At most `size` shapes are kept (the least recently used go), so shapes a client invents cannot grow it.
    """

    def __init__(self, build: Build, *, size: int = 256):
        self.build = build
        self.size = size
        self._statements: OrderedDict[tuple, _Statement | None] = OrderedDict()
        self._lock = threading.Lock()

    def rows(self, shape: Hashable, values: Mapping[str, Any], *, using: str = "default") -> list:
        """The rows of `build(shape, values)` run on `using`: a prepared statement's, or the ORM's."""
        key = (using, shape)
        with self._lock:
            statement = self._statements.get(key, False)
            if statement is not False:
                self._statements.move_to_end(key)
        if statement is False:
            statement = _prepare(self.build, shape, values, using)
            with self._lock:
                self._statements[key] = statement
                while len(self._statements) > self.size:
                    self._statements.popitem(last=False)
        if statement is None or not statement.binds(values):
            return list(self.build(shape, values).using(using))
        return statement.run(using, values)

    def shapes(self, *, using: str = "default") -> dict[Hashable, bool]:
        """The shapes met on `using` so far, kept, and whether each runs as a prepared statement."""
        with self._lock:
            return {shape: statement is not None for (alias, shape), statement in self._statements.items()
                    if alias == using}
