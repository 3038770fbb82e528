"""Set columns of many rows in a constant number of queries.

Django's bulk_update() writes one CASE WHEN per row and field, builds an expression object for each,
and needs a query per batch: at 100k rows that is most of a matching run. Here the new values go into
a temporary table in one executemany() and a single joined UPDATE copies them over.
"""
from collections.abc import Sequence

from django.db import connection, models

_TEMP_TABLE = "core_bulk_values"


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
    prepared = [
        (pk_value, *(field.get_db_prep_save(value, connection) for field, value in zip(targets, values)))
        for pk_value, *values in rows
    ]
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
    """
    if not objs:
        return 0
    meta = type(objs[0])._meta
    fields = [field for field in meta.concrete_fields if not field.primary_key]
    quote = connection.ops.quote_name
    columns = ", ".join(quote(field.column) for field in fields)
    placeholders = ", ".join(["%s"] * len(fields))
    rows = [
        tuple(field.get_db_prep_save(field.pre_save(obj, add=True), connection) for field in fields)
        for obj in objs
    ]
    with connection.cursor() as cursor:
        cursor.executemany(f"INSERT INTO {quote(meta.db_table)} ({columns}) VALUES ({placeholders})", rows)
    return len(rows)
