"""Set columns of many rows in a constant number of queries.

Django's bulk_update() writes one CASE WHEN per row and field, builds an expression object for each,
and needs a query per batch: at 100k rows that is most of a matching run. Here the new values go into
a temporary table in one executemany() and a single joined UPDATE copies them over.
"""
import datetime
from collections.abc import Sequence
from decimal import Decimal

from django.db import connection, models
from django.utils import timezone

_TEMP_TABLE = "portrait_bulk_values"


def bulk_set(model: type[models.Model], *, fields: Sequence[str], rows: Sequence[tuple]) -> int:
    """Set `fields` on the rows of `model` given as (pk, value, value, ...) tuples; returns len(rows).

    Values are in the database's representation (a foreign key's id, a datetime Django can adapt).
    Runs inside the caller's transaction.
    """
    if not rows:
        return 0
    meta = model._meta
    targets = [meta.get_field(name) for name in fields]
    quote = connection.ops.quote_name
    table, pk = quote(meta.db_table), quote(meta.pk.column)
    temp = quote(_TEMP_TABLE)
    columns = ", ".join(f"v{i} {field.db_type(connection) or field.rel_db_type(connection)} NULL"
                        for i, field in enumerate(targets))
    placeholders = ", ".join(["%s"] * (len(targets) + 1))
    pks = [row[0] for row in rows]
    columns_prepared = [_prepared_column(field, [row[i + 1] for row in rows]) for i, field in enumerate(targets)]
    prepared = list(zip(pks, *columns_prepared))
    temporary = "TEMPORARY " if connection.vendor == "mysql" else ""
    with connection.cursor() as cursor:
        cursor.execute(f"DROP {temporary}TABLE IF EXISTS {temp}")
        cursor.execute(f"CREATE TEMPORARY TABLE {temp} (id {meta.pk.rel_db_type(connection)} PRIMARY KEY, {columns})")
        cursor.executemany(f"INSERT INTO {temp} VALUES ({placeholders})", prepared)
        if connection.vendor == "mysql":
            # MySQL may open a temporary table only once per statement: join it.
            assignments = ", ".join(f"{table}.{quote(f.column)} = {temp}.v{i}" for i, f in enumerate(targets))
            cursor.execute(f"UPDATE {table} JOIN {temp} ON {temp}.id = {table}.{pk} SET {assignments}")
        else:
            assignments = ", ".join(f"{quote(f.column)} = {temp}.v{i}" for i, f in enumerate(targets))
            cursor.execute(f"UPDATE {table} SET {assignments} FROM {temp} WHERE {temp}.id = {table}.{pk}")
        cursor.execute(f"DROP {temporary}TABLE {temp}")
    return len(rows)


def bulk_insert(objs: Sequence[models.Model]) -> int:
    """Insert unsaved instances of one model with a single executemany(); returns how many.

    For history rows that nobody reads back in the same transaction: primary keys are not set on
    the instances (bulk_create() would cut 100k rows into a query per ~70 on SQLite to learn them).
    Fields with auto_now/auto_now_add get one timestamp for the whole insert.
    """
    if not objs:
        return 0
    meta = type(objs[0])._meta
    fields = [field for field in meta.concrete_fields if not field.primary_key]
    now = timezone.now()
    for field in fields:
        if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
            for obj in objs:
                setattr(obj, field.attname, now)
    rows = [tuple(getattr(obj, field.attname) for field in fields) for obj in objs]
    return bulk_insert_rows(type(objs[0]), fields=[field.name for field in fields], rows=rows)


def bulk_insert_rows(model: type[models.Model], *, fields: Sequence[str], rows: Sequence[tuple]) -> int:
    """Insert rows given as tuples of Python values in `fields` order, in one executemany(); returns how many.

    The same as bulk_insert() without building a model instance per row. Fields not named get their
    default (auto_now/auto_now_add: now). Each distinct value is prepared for the database once.
    """
    if not rows:
        return 0
    meta = model._meta
    named = [meta.get_field(name) for name in fields]
    others = [f for f in meta.concrete_fields if not f.primary_key and f not in named]
    now = timezone.now()
    constants = []
    for field in others:
        if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
            value = now
        elif field.has_default():
            value = field.get_default()
        elif field.null:
            value = None
        else:
            raise ValueError(f"{model.__name__}.{field.name} has no default: name it in fields")
        constants.append(field.get_db_prep_save(value, connection))
    columns_prepared = [_prepared_column(field, [row[i] for row in rows]) for i, field in enumerate(named)]
    prepared = list(zip(*columns_prepared))
    if constants:
        prepared = [(*row, *constants) for row in prepared]
    quote = connection.ops.quote_name
    columns = ", ".join(quote(field.column) for field in [*named, *others])
    placeholders = ", ".join(["%s"] * (len(named) + len(others)))
    with connection.cursor() as cursor:
        cursor.executemany(f"INSERT INTO {quote(meta.db_table)} ({columns}) VALUES ({placeholders})", prepared)
    return len(rows)


_SCALARS = (str, int, float, bool, Decimal, datetime.datetime, datetime.date, type(None))


def _cache_key(value):
    """A key under which equal values prepare alike, or None when the value is not worth caching."""
    if isinstance(value, _SCALARS):
        return (type(value), value)
    if isinstance(value, (list, tuple)) and all(isinstance(item, _SCALARS) for item in value):
        return (type(value), tuple((type(item), item) for item in value))
    return None


def _prepared_column(field: models.Field, values: list) -> list:
    """field.get_db_prep_save() of every value, computed once per distinct value.

    A matching run writes 100k rows whose columns hold a few hundred distinct values (manager ids,
    class letters, one timestamp, the same lists of shared terms); preparing each value through the
    field costs microseconds, which per cell was most of the write phase.
    """
    cache: dict = {}
    out = []
    append = out.append
    for value in values:
        key = _cache_key(value)
        if key is None:
            append(field.get_db_prep_save(value, connection))
            continue
        try:
            append(cache[key])
        except KeyError:
            prepared = cache[key] = field.get_db_prep_save(value, connection)
            append(prepared)
    return out
